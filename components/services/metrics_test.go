package services

import (
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

// ingressRule is one NetworkPolicy ingress rule reduced to a namespace peer and TCP ports.
type ingressRule struct {
	from  string // kubernetes.io/metadata.name of the namespace peer; "" for another peer
	ports []int
}

func ruleOf(t *testing.T, r networkingv1.NetworkPolicyIngressRule) ingressRule {
	t.Helper()
	require.Len(t, r.From, 1)
	out := ingressRule{}
	if ns := r.From[0].NamespaceSelector; ns != nil {
		require.Nil(t, r.From[0].PodSelector, "a namespace peer admits the whole namespace")
		out.from = ns.MatchLabels["kubernetes.io/metadata.name"]
	}
	for _, p := range r.Ports {
		require.Equal(t, corev1.ProtocolTCP, *p.Protocol)
		out.ports = append(out.ports, p.Port.IntValue())
	}
	return out
}

// TestMetricsScrape: the observability monitors scrape the container port "metrics" of
// workers and the Service port "http" of the API, from the monitoring namespace; every
// workload must declare the port they name and admit Prometheus on it.
func TestMetricsScrape(t *testing.T) {
	cases := []struct {
		name      string
		worker    bool
		edit      func(*WorkloadArgs)
		wantPorts []corev1.ContainerPort
		// wantScrape is the ingress rule admitting Prometheus (the last rule).
		wantScrape ingressRule
		wantRules  int
	}{
		{
			name: "worker: health and metrics ports, Prometheus on 9464 only", worker: true,
			wantPorts:  []corev1.ContainerPort{{Name: "health", ContainerPort: 8081, Protocol: "TCP"}, {Name: "metrics", ContainerPort: 9464, Protocol: "TCP"}},
			wantScrape: ingressRule{from: "monitoring", ports: []int{9464}}, wantRules: 1,
		},
		{
			name: "worker serving metrics on its health port: the port is named metrics", worker: true,
			edit:       func(a *WorkloadArgs) { a.MetricsPort = 8081 },
			wantPorts:  []corev1.ContainerPort{{Name: "metrics", ContainerPort: 8081, Protocol: "TCP"}},
			wantScrape: ingressRule{from: "monitoring", ports: []int{8081}}, wantRules: 1,
		},
		{
			name: "worker with its own Prometheus namespace", worker: true,
			edit:       func(a *WorkloadArgs) { a.MetricsPort, a.MetricsFromNamespace = 9100, "prometheus" },
			wantPorts:  []corev1.ContainerPort{{Name: "health", ContainerPort: 8081, Protocol: "TCP"}, {Name: "metrics", ContainerPort: 9100, Protocol: "TCP"}},
			wantScrape: ingressRule{from: "prometheus", ports: []int{9100}}, wantRules: 1,
		},
		{
			name:       "api: metrics on the app port http",
			edit:       func(a *WorkloadArgs) { a.Network.IngressFromNamespaces = nil },
			wantPorts:  []corev1.ContainerPort{{Name: "http", ContainerPort: 3000, Protocol: "TCP"}},
			wantScrape: ingressRule{from: "monitoring", ports: []int{3000}}, wantRules: 2, // ALB from the VPC, Prometheus
		},
		{
			name:       "api with a separate metrics port",
			edit:       func(a *WorkloadArgs) { a.MetricsPort = 9464 },
			wantPorts:  []corev1.ContainerPort{{Name: "http", ContainerPort: 3000, Protocol: "TCP"}, {Name: "metrics", ContainerPort: 9464, Protocol: "TCP"}},
			wantScrape: ingressRule{from: "monitoring", ports: []int{9464}}, wantRules: 3,
		},
	}
	for _, tc := range cases {
		for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
			t.Run(tc.name+"/"+mode.String(), func(t *testing.T) {
				p := capture(t, mode, func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
					u, err := newUpstream(ctx, k8s)
					if err != nil {
						return err
					}
					a := u.apiArgs(nil, nil)
					if tc.worker {
						a = u.workerArgs(nil, nil)
					}
					if tc.edit != nil {
						tc.edit(a)
					}
					_, err = NewWorkload(ctx, a.Name, a)
					return err
				})
				d := testkit.Decode[appsv1.Deployment](t, one(t, p, tDeployment, ""))
				require.Equal(t, tc.wantPorts, d.Spec.Template.Spec.Containers[0].Ports)
				np := testkit.Decode[networkingv1.NetworkPolicy](t, one(t, p, tNetPol, ""))
				require.Len(t, np.Spec.Ingress, tc.wantRules)
				require.Equal(t, tc.wantScrape, ruleOf(t, np.Spec.Ingress[len(np.Spec.Ingress)-1]))
				if !tc.worker {
					s := testkit.Decode[corev1.Service](t, one(t, p, tService, "api"))
					require.Len(t, s.Spec.Ports, 1)
					require.Equal(t, "http", s.Spec.Ports[0].Name, "the API ServiceMonitor scrapes the Service port http")
					require.Equal(t, "http", s.Spec.Ports[0].TargetPort.String())
				}
			})
		}
	}
}

// TestMigrationIsNotScraped: Jobs are short-lived and not scraped, so the migration pod
// declares no port and its policy admits nothing.
func TestMigrationIsNotScraped(t *testing.T) {
	p := captureRelease(t, plan.Update)
	j := testkit.Decode[batchv1.Job](t, one(t, p, tJob, ""))
	require.Empty(t, j.Spec.Template.Spec.Containers[0].Ports)
	np := testkit.Decode[networkingv1.NetworkPolicy](t, one(t, p, tNetPol, "migrate"))
	require.Empty(t, np.Spec.Ingress)
}
