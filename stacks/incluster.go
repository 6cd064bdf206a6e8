package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/addons"
	"github.com/generic-corp/platform/components/database"
	"github.com/generic-corp/platform/components/observability"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/components/services"
	"github.com/generic-corp/platform/components/temporal"
	"github.com/generic-corp/platform/internal/tags"
)

// InCluster is the in-cluster layer: our workloads, PgBouncer, Temporal and monitoring.
type InCluster struct {
	PgBouncer      *database.PgBouncer
	Migration      *services.Migration
	Api            *services.Workload
	Worker         *services.Workload
	TemporalWorker *services.Workload
	Temporal       *temporal.Temporal
	Observability  *observability.Observability
}

type inClusterOptions struct {
	// charts installs the third-party Helm charts (Temporal server, monitoring stack). They
	// need a chart repository, so the in-cluster-only deployment leaves them out.
	charts bool
	// dependsOn is what every object waits for (the add-on charts and their CRDs).
	dependsOn []pulumi.Resource
	// parent is the layer's top-level components' parent; nil is the stack.
	parent pulumi.Resource
}

// DeployInCluster deploys the in-cluster layer on its own, with only a Kubernetes
// provider: everything it needs from AWS comes in `in` (InClusterFixtures in tests).
// Third-party Helm charts are left out.
func DeployInCluster(ctx *pulumi.Context, cfg *Config, in ClusterInputs, k8s *kubernetes.Provider) error {
	_, err := deployInCluster(ctx, cfg, in, k8s, inClusterOptions{})
	return err
}

// DeployInClusterUnder is DeployInCluster with the layer's top-level components parented
// to parent. A URN carries its parents' types, so copies of the layer under parents of
// distinct types (cells) can share one program; the e2e tier's benchmark grows the program
// that way.
func DeployInClusterUnder(ctx *pulumi.Context, cfg *Config, in ClusterInputs, k8s *kubernetes.Provider, parent pulumi.Resource) error {
	_, err := deployInCluster(ctx, cfg, in, k8s, inClusterOptions{parent: parent})
	return err
}

// Tags is the stack-level tag set.
func (c *Config) Tags() tags.Set {
	return tags.New(c.Environment, c.ServiceName, c.Owner, c.CostCenter, nil)
}

func deployInCluster(ctx *pulumi.Context, cfg *Config, in ClusterInputs, k8s *kubernetes.Provider, opt inClusterOptions) (*InCluster, error) {
	l := &layer{cfg: cfg, in: in, k8s: k8s, tags: cfg.Tags(), deps: opt.dependsOn, parent: opt.parent, out: &InCluster{}}
	if err := l.namespaces(ctx); err != nil {
		return nil, err
	}
	if err := l.pgbouncer(ctx); err != nil {
		return nil, err
	}
	if err := l.temporal(ctx, opt.charts); err != nil {
		return nil, err
	}
	if err := l.workloads(ctx); err != nil {
		return nil, err
	}
	if err := l.observability(ctx, opt.charts); err != nil {
		return nil, err
	}
	return l.out, nil
}

// layer carries the shared state of one in-cluster deployment.
type layer struct {
	cfg   *Config
	in    ClusterInputs
	k8s   *kubernetes.Provider
	tags  tags.Set
	deps  []pulumi.Resource
	ready map[string][]pulumi.Resource // per namespace: what its objects wait for
	out   *InCluster
	// parent of the top-level components (nil: the stack)
	parent pulumi.Resource
}

// under parents a top-level component of the layer.
func (l *layer) under() pulumi.ResourceOption { return pulumi.Parent(l.parent) }

func (l *layer) after(namespace string, extra ...pulumi.Resource) []pulumi.Resource {
	out := append(append(append([]pulumi.Resource{}, l.deps...), l.ready[namespace]...), extra...)
	return out
}

// namespaces creates the restricted namespaces and, where a component's ExternalSecrets
// need one, the namespace's SecretStore with its IRSA-annotated ServiceAccount.
func (l *layer) namespaces(ctx *pulumi.Context) error {
	l.ready = map[string][]pulumi.Resource{}
	for _, ns := range []struct {
		name  string
		store bool
		alb   bool
	}{{nsData, true, false}, {nsTemporal, true, true}, {nsApps, false, true}} {
		n, err := services.NewNamespace(ctx, ns.name+"-namespace", &services.NamespaceArgs{
			Name: ns.name, ALBReadinessGates: ns.alb, KubernetesProvider: l.k8s, KubernetesDependsOn: l.deps, Tags: l.tags,
		}, l.under())
		if err != nil {
			return err
		}
		l.ready[ns.name] = []pulumi.Resource{n}
		if !ns.store {
			continue
		}
		st, err := l.store(ctx, ns.name, l.after(ns.name))
		if err != nil {
			return err
		}
		l.ready[ns.name] = append(l.ready[ns.name], st)
	}
	return nil
}

func (l *layer) store(ctx *pulumi.Context, namespace string, deps []pulumi.Resource) (*services.SecretStore, error) {
	role, err := l.in.role(grantFor(namespace, services.DefaultReaderServiceAccount))
	if err != nil {
		return nil, err
	}
	return services.NewSecretStore(ctx, namespace+"-secrets", &services.SecretStoreArgs{
		NamePrefix: l.cfg.NamePrefix(), Namespace: namespace, RoleArn: role, Region: l.cfg.Region,
		KubernetesProvider: l.k8s, KubernetesDependsOn: deps, Tags: l.tags,
	}, l.under())
}

// mirrored is a Docker Hub image through the stack's pull-through cache, so rollouts and
// rebuilds never meet Docker Hub's anonymous pull limits on the NAT addresses.
func (l *layer) mirrored(image string) string {
	if ref, ok := l.in.MirroredImages[image]; ok {
		return ref
	}
	return image
}

func (l *layer) secretName(logical string) string {
	name, ok := l.in.SecretNames[logical]
	if !ok {
		panic(fmt.Sprintf("stacks: ClusterInputs.SecretNames has no %q; please report", logical))
	}
	return name
}

func (l *layer) pgbouncer(ctx *pulumi.Context) error {
	d := l.cfg.Database
	var err error
	l.out.PgBouncer, err = database.NewPgBouncer(ctx, "pgbouncer", &database.PgBouncerStandaloneArgs{
		RdsAddress: l.in.DbAddress, DbName: l.in.DbName, DbSecretName: l.secretName(secrets.DbSecret),
		Namespace: nsData, SkipNamespace: true,
		Network: &database.PgBouncerNetwork{RdsCidr: l.in.VpcCidr, ClientNamespaces: []string{nsApps}, MetricsNamespace: nsMonitoring},
		PgBouncer: database.PgBouncerArgs{
			Image: l.mirrored(database.DefaultPgBouncerImage), ExporterImage: l.mirrored(database.DefaultExporterImage),
			Replicas: d.PgBouncerReplicas, DefaultPoolSize: d.DefaultPoolSize, ReservePoolSize: d.ReservePoolSize,
			ReservePoolSizeZero: d.ReservePoolSize == 0, MaxClientConn: d.MaxClientConn,
		},
		KubernetesProvider: l.k8s, KubernetesDependsOn: l.after(nsData), Tags: l.tags,
	}, l.under())
	return err
}

func (l *layer) temporal(ctx *pulumi.Context, charts bool) error {
	cfg := l.cfg
	var err error
	l.out.Temporal, err = temporal.NewTemporal(ctx, "temporal", &temporal.TemporalArgs{
		NamePrefix: cfg.NamePrefix(), KubernetesProvider: l.k8s,
		KubernetesDependsOn: l.after(nsTemporal), Namespace: nsTemporal, SkipNamespace: true,
		SkipChart: !charts,
		Network: &temporal.TemporalNetwork{VpcCidr: l.in.VpcCidr, ClientNamespaces: []string{nsApps, addons.KedaNamespace},
			MetricsNamespace: nsMonitoring},
		DbHost: l.in.DbAddress, AdminSecretName: l.secretName(secrets.DbSecret),
		ServerImage: l.mirrored(temporal.DefaultServerImage), AdminToolsImage: l.mirrored(temporal.DefaultAdminToolsImage),
		WebImage: l.mirrored(temporal.DefaultWebImage), PsqlImage: l.mirrored(temporal.DefaultPsqlImage),
		NumHistoryShards: cfg.Apps.TemporalHistoryShards, Replicas: cfg.TemporalReplicas(),
		WebHost: "temporal." + cfg.Edge.Domain, WebCertificateArn: l.in.TemporalWebCertificateArn,
		WebIngressGroup: cfg.NamePrefix() + "-internal",
		Tags:            l.tags,
	}, l.under())
	return err
}
