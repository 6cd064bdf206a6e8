package temporal

import (
	"errors"
	"fmt"
	"maps"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the component's type token.
const Type = "platform:temporal:Temporal"

// Temporal is the Temporal server (official chart), its role and databases on RDS, and
// its Web UI behind an internal load balancer.
type Temporal struct {
	pulumi.ResourceState

	// Namespace is the Kubernetes namespace of the server (an output, so users wait for it).
	Namespace pulumi.StringOutput
	// FrontendAddress is the in-cluster gRPC address of the frontend,
	// "<release>-frontend.<namespace>.svc.cluster.local:7233", for the Temporal workers
	// and the API (TEMPORAL_ADDRESS).
	FrontendAddress pulumi.StringOutput
	// WebURL is the Web UI's URL on the internal load balancer.
	WebURL pulumi.StringOutput
	// DbSecretName is the physical name of Temporal's role password secret (NewDbSecret),
	// "<NamePrefix>/temporal-db".
	DbSecretName string
	// SchemaJobName is the name of the schema Job of this configuration.
	SchemaJobName pulumi.StringOutput
	// PoolConnections is PoolConnections(args): what the database budget must count.
	PoolConnections int
	// MetricsNamespace, MetricsSelector and MetricsPort describe the server pods for a
	// PodMonitor: the namespace, labels every server pod carries (services differ in
	// app.kubernetes.io/component) and the container port name of /metrics.
	MetricsNamespace string
	MetricsSelector  map[string]string
	MetricsPort      string
}

// NewTemporal validates args, then creates the ExternalSecrets, the schema Job and the
// chart (unless SkipChart), in that order.
func NewTemporal(ctx *pulumi.Context, name string, args *TemporalArgs, opts ...pulumi.ResourceOption) (*Temporal, error) {
	if args == nil {
		return nil, errors.New("temporal: args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}

	c := &Temporal{
		PoolConnections:  PoolConnections(a),
		MetricsNamespace: a.Namespace,
		MetricsSelector: map[string]string{
			// Labels the chart puts on every server pod (temporal.resourceLabels).
			"app.kubernetes.io/name":     ChartName,
			"app.kubernetes.io/instance": a.ReleaseName,
		},
		MetricsPort: MetricsPort,
	}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}

	// The ExternalSecret of Temporal's role waits for NewDbSecret's value through
	// KubernetesDependsOn.
	c.DbSecretName = DbSecretName(a.NamePrefix)

	k8s := func(deps []pulumi.Resource, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
		o := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(a.KubernetesProvider)}
		if all := append(append([]pulumi.Resource{}, a.KubernetesDependsOn...), deps...); len(all) > 0 {
			o = append(o, pulumi.DependsOn(all))
		}
		return append(o, extra...)
	}
	labels := a.Tags.Labels(ChartName, "workflow-engine")

	// The namespace is referenced through its output so everything waits for it.
	ns := pulumi.String(a.Namespace).ToStringOutput()
	if !a.SkipNamespace {
		nsLabels := a.Tags.Labels(a.Namespace, "namespace")
		nsLabels["pod-security.kubernetes.io/enforce"] = pulumi.String("restricted")
		nsLabels["pod-security.kubernetes.io/enforce-version"] = pulumi.String("latest")
		nsObj, err := corev1.NewNamespace(ctx, name+"-namespace", &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(a.Namespace), Labels: nsLabels},
		}, k8s(nil)...)
		if err != nil {
			return nil, err
		}
		ns = nsObj.Metadata.Name().Elem()
	}
	meta := func(objName string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(objName), Namespace: ns, Labels: labels}
	}

	dbES, err := newExternalSecret(ctx, name+"-db", dbSecretName, c.DbSecretName, a, meta(dbSecretName), k8s(nil)...)
	if err != nil {
		return nil, err
	}
	adminES, err := newExternalSecret(ctx, name+"-db-admin", adminSecretName, a.AdminSecretName, a, meta(adminSecretName), k8s(nil)...)
	if err != nil {
		return nil, err
	}
	jobDeps := []pulumi.Resource{dbES, adminES}
	if a.RdsCaBundle != "" {
		ca, err := corev1.NewConfigMap(ctx, name+"-rds-ca", &corev1.ConfigMapArgs{
			Metadata: meta(caConfigMap),
			Data:     pulumi.StringMap{caKey: pulumi.String(a.RdsCaBundle)},
		}, k8s(nil)...)
		if err != nil {
			return nil, err
		}
		jobDeps = append(jobDeps, ca)
	}

	if a.Network != nil {
		policies, err := newPolicies(ctx, name, a, ns, labels, k8s(nil)...)
		if err != nil {
			return nil, err
		}
		jobDeps = append(jobDeps, policies...)
	}

	host := a.DbHost.ToStringOutput()
	job, err := newSchemaJob(ctx, name+"-schema", a, ns, host, k8s(jobDeps)...)
	if err != nil {
		return nil, err
	}
	c.SchemaJobName = job.Metadata.Name().Elem()

	// The chart waits for the schema Job (Pulumi awaits a Job's completion), so the server
	// never starts against a missing or older schema.
	if !a.SkipChart {
		if _, err := helmv4.NewChart(ctx, name, &helmv4.ChartArgs{
			Chart:          pulumi.String(ChartName),
			Version:        pulumi.String(ChartVersion),
			RepositoryOpts: &helmv4.RepositoryOptsArgs{Repo: pulumi.String(ChartRepo)},
			Name:           pulumi.String(a.ReleaseName),
			Namespace:      ns,
			Values:         chartValues(a, host),
		}, k8s([]pulumi.Resource{job, dbES})...); err != nil {
			return nil, err
		}
	}

	c.Namespace = ns
	c.FrontendAddress = ns.ApplyT(func(n string) string {
		return fmt.Sprintf("%s-frontend.%s.svc.cluster.local:%d", a.ReleaseName, n, FrontendPort)
	}).(pulumi.StringOutput)
	scheme := "http"
	if a.WebCertificateArn != nil {
		scheme = "https"
	}
	c.WebURL = pulumi.String(scheme + "://" + a.WebHost).ToStringOutput()

	selector := pulumi.StringMap{}
	for k, v := range maps.All(c.MetricsSelector) {
		selector[k] = pulumi.String(v)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"namespace":        c.Namespace,
		"frontendAddress":  c.FrontendAddress,
		"webUrl":           c.WebURL,
		"dbSecretName":     pulumi.String(c.DbSecretName),
		"schemaJobName":    c.SchemaJobName,
		"poolConnections":  pulumi.Int(c.PoolConnections),
		"metricsNamespace": pulumi.String(c.MetricsNamespace),
		"metricsSelector":  selector,
		"metricsPort":      pulumi.String(c.MetricsPort),
	}); err != nil {
		return nil, err
	}
	return c, nil
}
