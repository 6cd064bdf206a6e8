package addons

import (
	"fmt"

	"github.com/generic-corp/platform/components/services"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the component's type token.
const Type = "platform:addons:Addons"

// Addons are the installed charts.
type Addons struct {
	pulumi.ResourceState

	// LoadBalancerController, ExternalSecrets, Keda and MetricsServer are the Charts.
	LoadBalancerController *helmv4.Chart
	ExternalSecrets        *helmv4.Chart
	Keda                   *helmv4.Chart
	MetricsServer          *helmv4.Chart
	// Ready lists every chart: pass it as KubernetesDependsOn of workloads, so their
	// ExternalSecrets, ScaledObjects and Ingress find CRDs and webhooks in place.
	Ready []pulumi.Resource
	// LoadBalancerControllerRoleArn is the controller's IRSA role.
	LoadBalancerControllerRoleArn pulumi.StringOutput
	// SecretStores maps a namespace to its store (AddonsArgs.SecretStores).
	SecretStores map[string]*services.SecretStore
	// Namespaces maps a namespace created for a store to its component; depend on it
	// before placing objects there.
	Namespaces map[string]*services.Namespace
}

// NewAddons installs the charts and the per-namespace secret stores.
func NewAddons(ctx *pulumi.Context, name string, args *AddonsArgs, opts ...pulumi.ResourceOption) (*Addons, error) {
	if args == nil {
		return nil, fmt.Errorf("addons %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	c := &Addons{SecretStores: map[string]*services.SecretStore{}, Namespaces: map[string]*services.Namespace{}}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	var err error
	if c.LoadBalancerController, c.LoadBalancerControllerRoleArn, err = newLoadBalancerController(ctx, name, &a, parent); err != nil {
		return nil, err
	}
	if c.ExternalSecrets, err = newExternalSecrets(ctx, name, &a, parent); err != nil {
		return nil, err
	}
	if c.Keda, err = newKeda(ctx, name, &a, parent); err != nil {
		return nil, err
	}
	if c.MetricsServer, err = newMetricsServer(ctx, name, &a, parent); err != nil {
		return nil, err
	}
	c.Ready = []pulumi.Resource{c.LoadBalancerController, c.ExternalSecrets, c.Keda, c.MetricsServer}

	for _, s := range a.SecretStores {
		deps := append([]pulumi.Resource{c.ExternalSecrets}, a.KubernetesDependsOn...)
		if s.CreateNamespace {
			ns, err := services.NewNamespace(ctx, name+"-"+s.Namespace, &services.NamespaceArgs{
				Name: s.Namespace, PermitByDefault: !s.DefaultDeny,
				KubernetesProvider: a.KubernetesProvider, KubernetesDependsOn: a.KubernetesDependsOn, Tags: a.Tags,
			}, parent)
			if err != nil {
				return nil, err
			}
			c.Namespaces[s.Namespace] = ns
			deps = append(deps, ns)
		}
		store, err := services.NewSecretStore(ctx, name+"-"+s.Namespace+"-secrets", &services.SecretStoreArgs{
			NamePrefix: a.NamePrefix, Namespace: s.Namespace, SecretArns: s.SecretArns, KmsKeyArn: a.SecretsKmsKeyArn,
			Region: a.Region, OidcProviderArn: a.OidcProviderArn, OidcIssuer: a.OidcIssuer,
			KubernetesProvider: a.KubernetesProvider, KubernetesDependsOn: deps, Tags: a.Tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		c.SecretStores[s.Namespace] = store
	}

	versions := pulumi.StringMap{}
	for k, v := range a.Versions {
		versions[k] = pulumi.String(v)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"chartVersions":                 versions,
		"loadBalancerControllerRoleArn": c.LoadBalancerControllerRoleArn,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// chart registers one pinned chart from its official repository.
func chart(ctx *pulumi.Context, name, chartName string, a *AddonsArgs, namespace pulumi.StringInput, values pulumi.Map,
	opts ...pulumi.ResourceOption) (*helmv4.Chart, error) {
	return helmv4.NewChart(ctx, name+"-"+chartName, &helmv4.ChartArgs{
		Name:           pulumi.String(chartName), // the release name: object names derive from it
		Chart:          pulumi.String(chartName),
		Version:        pulumi.String(a.Versions[chartName]),
		RepositoryOpts: &helmv4.RepositoryOptsArgs{Repo: pulumi.String(Repositories[chartName])},
		Namespace:      namespace,
		Values:         values,
	}, append([]pulumi.ResourceOption{pulumi.Provider(a.KubernetesProvider), pulumi.DependsOn(a.KubernetesDependsOn)}, opts...)...)
}

// restrictedContainer is a container securityContext that passes the restricted Pod
// Security Standard (the charts' own defaults are close; we state it in full).
func restrictedContainer() pulumi.Map {
	return pulumi.Map{
		"allowPrivilegeEscalation": pulumi.Bool(false),
		"readOnlyRootFilesystem":   pulumi.Bool(true),
		"runAsNonRoot":             pulumi.Bool(true),
		"capabilities":             pulumi.Map{"drop": pulumi.StringArray{pulumi.String("ALL")}},
		"seccompProfile":           pulumi.Map{"type": pulumi.String("RuntimeDefault")},
	}
}

// resources are requests and a memory limit. No CPU limit: controllers are bursty at
// start-up and resync, and a throttled webhook times out API requests.
func resources(cpu, memory, memoryLimit string) pulumi.Map {
	return pulumi.Map{
		"requests": pulumi.Map{"cpu": pulumi.String(cpu), "memory": pulumi.String(memory)},
		"limits":   pulumi.Map{"memory": pulumi.String(memoryLimit)},
	}
}
