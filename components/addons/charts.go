package addons

import (
	"github.com/generic-corp/platform/components/services"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// addonNamespace creates a namespace for a chart. Restricted Pod Security is enforced
// (the ESO and KEDA charts run restricted pods); there is no default-deny policy because
// the charts ship none and their webhooks must be reachable from the control plane.
func addonNamespace(ctx *pulumi.Context, name, ns string, a *AddonsArgs, parent pulumi.ResourceOption) (*services.Namespace, error) {
	return services.NewNamespace(ctx, name+"-"+ns, &services.NamespaceArgs{
		Name: ns, PermitByDefault: true,
		KubernetesProvider: a.KubernetesProvider, KubernetesDependsOn: a.KubernetesDependsOn, Tags: a.Tags,
	}, parent)
}

// esoPDB is a PodDisruptionBudget value in the shape the ESO chart takes.
func esoPDB(a *AddonsArgs) pulumi.Map {
	return pulumi.Map{"enabled": pulumi.Bool(a.HighAvailability), "minAvailable": pulumi.Int(1)}
}

// newExternalSecrets installs the External Secrets Operator (CRDs included). The
// operator has no AWS identity of its own: see the package documentation.
func newExternalSecrets(ctx *pulumi.Context, name string, a *AddonsArgs, parent pulumi.ResourceOption) (*helmv4.Chart, error) {
	ns, err := addonNamespace(ctx, name, ExternalSecretsNamespace, a, parent)
	if err != nil {
		return nil, err
	}
	n := pulumi.Int(a.replicas())
	values := pulumi.Map{
		"installCRDs":  pulumi.Bool(true),
		"replicaCount": n,
		// Two controllers must not both reconcile.
		"leaderElect":         pulumi.Bool(a.HighAvailability),
		"podDisruptionBudget": esoPDB(a),
		"securityContext":     restrictedContainer(),
		"resources":           resources("50m", "128Mi", "512Mi"),
		"webhook": pulumi.Map{
			"replicaCount":        n,
			"podDisruptionBudget": esoPDB(a),
			"securityContext":     restrictedContainer(),
			"resources":           resources("20m", "64Mi", "256Mi"),
		},
		"certController": pulumi.Map{
			"replicaCount":        n,
			"podDisruptionBudget": esoPDB(a),
			"securityContext":     restrictedContainer(),
			"resources":           resources("20m", "64Mi", "256Mi"),
		},
	}
	return chart(ctx, name, ChartExternalSecrets, a, ns.Name, values, parent)
}

// newKeda installs KEDA (CRDs included).
func newKeda(ctx *pulumi.Context, name string, a *AddonsArgs, parent pulumi.ResourceOption) (*helmv4.Chart, error) {
	ns, err := addonNamespace(ctx, name, KedaNamespace, a, parent)
	if err != nil {
		return nil, err
	}
	n := pulumi.Int(a.replicas())
	pdb := pulumi.Map{}
	if a.HighAvailability {
		pdb = pulumi.Map{"operator": pulumi.Map{"maxUnavailable": pulumi.Int(1)}, "webhooks": pulumi.Map{"maxUnavailable": pulumi.Int(1)}}
	}
	values := pulumi.Map{
		"crds": pulumi.Map{"install": pulumi.Bool(true)},
		// The operator runs active/standby; one metrics API server only (it alone may
		// serve external.metrics.k8s.io).
		"operator":            pulumi.Map{"replicaCount": n},
		"metricsServer":       pulumi.Map{"replicaCount": pulumi.Int(1)},
		"webhooks":            pulumi.Map{"replicaCount": n},
		"podDisruptionBudget": pdb,
		"securityContext": pulumi.Map{
			"operator": restrictedContainer(), "metricServer": restrictedContainer(), "webhooks": restrictedContainer(),
		},
		"resources": pulumi.Map{
			"operator":     resources("100m", "128Mi", "1000Mi"),
			"metricServer": resources("100m", "128Mi", "1000Mi"),
			"webhooks":     resources("50m", "64Mi", "256Mi"),
		},
	}
	return chart(ctx, name, ChartKeda, a, ns.Name, values, parent)
}

// newMetricsServer installs metrics-server (resource metrics for the CPU HPA).
func newMetricsServer(ctx *pulumi.Context, name string, a *AddonsArgs, parent pulumi.ResourceOption) (*helmv4.Chart, error) {
	values := pulumi.Map{
		"replicas":        pulumi.Int(a.replicas()),
		"securityContext": restrictedContainer(),
		"resources":       resources("100m", "200Mi", "512Mi"),
		"podDisruptionBudget": pulumi.Map{
			"enabled":        pulumi.Bool(a.HighAvailability),
			"maxUnavailable": pulumi.Int(1),
		},
	}
	return chart(ctx, name, ChartMetricsServer, a, pulumi.String(systemNamespace), values, parent)
}
