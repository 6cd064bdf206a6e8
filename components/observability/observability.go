package observability

import (
	"errors"
	"fmt"
	"github.com/generic-corp/platform/components/services"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/chartvalues"
)

// Type is the component's type token.
const Type = "platform:observability:Observability"

// rulesName is the PrometheusRule holding the platform's alerts.
const rulesName = "platform-alerts"

// Observability is Prometheus, Alertmanager and Grafana (kube-prometheus-stack), Loki and
// Alloy, the platform's alert rules and the scrape configuration of our workloads.
type Observability struct {
	pulumi.ResourceState

	// Namespace is the monitoring namespace (an output, so users wait for it).
	Namespace pulumi.StringOutput
	// PrometheusURL, AlertmanagerURL, GrafanaURL and LokiURL are in-cluster URLs.
	PrometheusURL, AlertmanagerURL, GrafanaURL, LokiURL pulumi.StringOutput
	// LokiBucket is the Loki bucket's name ("" with filesystem storage).
	LokiBucket pulumi.StringOutput
	// LokiRoleArn is Loki's IRSA role ("" with filesystem storage).
	LokiRoleArn pulumi.StringOutput
	// AlertNames are the alertnames of the platform rules (AlertNames()).
	AlertNames []string
}

// NewObservability validates args, then creates the namespace, the StorageClass, the
// ExternalSecrets, the three charts (unless
// SkipCharts), the rules and the monitors.
func NewObservability(ctx *pulumi.Context, name string, args *ObservabilityArgs, opts ...pulumi.ResourceOption) (*Observability, error) {
	if args == nil {
		return nil, errors.New("observability: args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	c := &Observability{AlertNames: AlertNames()}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}

	k8s := func(deps []pulumi.Resource, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
		o := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(a.KubernetesProvider)}
		if all := append(append([]pulumi.Resource{}, a.KubernetesDependsOn...), deps...); len(all) > 0 {
			o = append(o, pulumi.DependsOn(all))
		}
		return append(o, extra...)
	}
	labels := a.Tags.Labels("observability", "monitoring")

	ns := pulumi.String(a.Namespace).ToStringOutput()
	if !a.SkipNamespace {
		nsObj, err := services.NewNamespace(ctx, name+"-namespace", &services.NamespaceArgs{
			Name: a.Namespace, PodSecurity: services.PodSecurityPrivileged, PermitByDefault: true,
			KubernetesProvider: a.KubernetesProvider, KubernetesDependsOn: a.KubernetesDependsOn, Tags: a.Tags,
		}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
		ns = nsObj.Name
	}
	meta := func(objName string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(objName), Namespace: ns, Labels: labels}
	}

	sc, err := newStorageClass(ctx, name, a, labels, k8s(nil)...)
	if err != nil {
		return nil, err
	}

	// NewGrafanaAdminSecret (the AWS layer) makes the login; the ExternalSecret waits for
	// it through KubernetesDependsOn.
	adminName := GrafanaAdminSecretName(a.NamePrefix)
	grafanaES, err := newExternalSecret(ctx, name+"-grafana-admin", a, meta(grafanaSecret), grafanaSecret, map[string]secretRef{
		grafanaUserKey: {key: adminName, property: "username"},
		grafanaPassKey: {key: adminName, property: "password"},
	}, k8s(nil)...)
	if err != nil {
		return nil, err
	}
	receiversES, err := newExternalSecret(ctx, name+"-receivers", a, meta(receiversSecret), receiversSecret, map[string]secretRef{
		pagerDutyKeyFile: {key: a.PagerDutySecretName, property: externalValue},
		slackURLFile:     {key: a.SlackSecretName, property: externalValue},
	}, k8s(nil)...)
	if err != nil {
		return nil, err
	}

	// chart returns nil, and registers nothing, with SkipCharts.
	chart := func(cname, chartName, version, repo, release string, values map[string]any, deps []pulumi.Resource) (*helmv4.Chart, error) {
		if a.SkipCharts {
			return nil, nil
		}
		return helmv4.NewChart(ctx, cname, &helmv4.ChartArgs{
			Chart:          pulumi.String(chartName),
			Version:        pulumi.String(version),
			RepositoryOpts: &helmv4.RepositoryOptsArgs{Repo: pulumi.String(repo)},
			Name:           pulumi.String(release),
			Namespace:      ns,
			Values:         chartvalues.ToMap(values),
		}, k8s(deps)...)
	}
	// The stack's pods mount the receiver and Grafana Secrets, so it waits for them.
	kps, err := chart(name+"-kube-prometheus-stack", KubePrometheusStackChart, KubePrometheusStackVersion, KubePrometheusStackRepo,
		kpsRelease, kubePrometheusStackValues(a), []pulumi.Resource{sc, grafanaES, receiversES})
	if err != nil {
		return nil, err
	}

	var storage *lokiStorage
	c.LokiBucket, c.LokiRoleArn = pulumi.String("").ToStringOutput(), pulumi.String("").ToStringOutput()
	if a.LokiStorage == LokiStorageS3 {
		if storage, err = newLokiBucket(ctx, name+"-loki", a, c); err != nil {
			return nil, err
		}
		c.LokiBucket, c.LokiRoleArn = storage.bucket, storage.roleArn
	}
	if _, err := chart(name+"-loki", LokiChart, LokiVersion, LokiRepo, lokiRelease, lokiValues(a, storage), []pulumi.Resource{sc}); err != nil {
		return nil, err
	}
	if _, err := chart(name+"-alloy", AlloyChart, AlloyVersion, AlloyRepo, alloyRelease, alloyValues(a), nil); err != nil {
		return nil, err
	}

	// Rules and monitors are custom resources of the operator's CRDs, which the
	// kube-prometheus-stack chart installs: they wait for it (or, with SkipCharts, for
	// KubernetesDependsOn).
	var crdDeps []pulumi.Resource
	if kps != nil {
		crdDeps = []pulumi.Resource{kps}
	}
	crd := k8s(crdDeps)
	if _, err := apiextensions.NewCustomResource(ctx, name+"-rules", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("monitoring.coreos.com/v1"),
		Kind:        pulumi.String("PrometheusRule"),
		Metadata:    meta(rulesName),
		OtherFields: map[string]any{"spec": map[string]any{"groups": ruleGroups(a)}},
	}, crd...); err != nil {
		return nil, err
	}
	for _, m := range a.monitors() {
		if _, err := newMonitor(ctx, name+"-"+m.job, m, meta(m.job), crd...); err != nil {
			return nil, err
		}
	}
	for _, r := range a.RedisExporters {
		if err := newRedisExporter(ctx, name+"-redis-"+r.Name, a, r, ns, func(deps []pulumi.Resource) []pulumi.ResourceOption {
			return k8s(deps)
		}); err != nil {
			return nil, err
		}
	}

	url := func(host string, port int) pulumi.StringOutput {
		return ns.ApplyT(func(n string) string {
			return fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", host, n, port)
		}).(pulumi.StringOutput)
	}
	c.Namespace = ns
	c.PrometheusURL = url(kpsFullname+"-prometheus", 9090)
	c.AlertmanagerURL = url(kpsFullname+"-alertmanager", 9093)
	c.GrafanaURL = url(kpsFullname+"-grafana", 80)
	c.LokiURL = url(lokiFullname, lokiPort)

	alertNames := pulumi.StringArray{}
	for _, n := range c.AlertNames {
		alertNames = append(alertNames, pulumi.String(n))
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"namespace":       c.Namespace,
		"prometheusUrl":   c.PrometheusURL,
		"alertmanagerUrl": c.AlertmanagerURL,
		"grafanaUrl":      c.GrafanaURL,
		"lokiUrl":         c.LokiURL,
		"lokiBucket":      c.LokiBucket,
		"lokiRoleArn":     c.LokiRoleArn,
		"alertNames":      alertNames,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// newStorageClass is the encrypted gp3 class every monitoring volume uses. Volumes bind
// where the pod lands (WaitForFirstConsumer), can grow, and outlive their claims in prod.
func newStorageClass(ctx *pulumi.Context, name string, a ObservabilityArgs, labels pulumi.StringMap, opts ...pulumi.ResourceOption) (*storagev1.StorageClass, error) {
	params := pulumi.StringMap{
		"type":                      pulumi.String("gp3"),
		"encrypted":                 pulumi.String("true"),
		"csi.storage.k8s.io/fstype": pulumi.String("ext4"),
	}
	if a.StorageKmsKeyArn != nil {
		params["kmsKeyId"] = a.StorageKmsKeyArn
	}
	reclaim := "Delete"
	if a.Protect {
		reclaim = "Retain"
	}
	return storagev1.NewStorageClass(ctx, name+"-storage", &storagev1.StorageClassArgs{
		Metadata:             &metav1.ObjectMetaArgs{Name: pulumi.String(a.StorageClassName), Labels: labels},
		Provisioner:          pulumi.String("ebs.csi.aws.com"),
		Parameters:           params,
		ReclaimPolicy:        pulumi.String(reclaim),
		VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
		AllowVolumeExpansion: pulumi.Bool(true),
	}, opts...)
}
