package temporal

import (
	"github.com/generic-corp/platform/components/services"
	"github.com/generic-corp/platform/internal/tags"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TemporalNetwork gives the server, Web UI and schema Job pods their NetworkPolicies, for
// a namespace whose default-deny policy otherwise isolates them from RDS and each other.
type TemporalNetwork struct {
	// VpcCidr is where RDS lives and where the internal ALB reaches the Web UI from
	// (target-type ip). Required.
	VpcCidr pulumi.StringInput
	// ClientNamespaces may call the frontend on FrontendPort: our Temporal workers and
	// the API ("platform") and KEDA's Temporal scaler ("keda"). Required.
	ClientNamespaces []string
	// MetricsNamespace is Prometheus's namespace, admitted on the metrics port. Default
	// "monitoring".
	MetricsNamespace string
}

// Server ports of chart 1.6.0 (values.yaml server.<service>.service.port and
// membershipPort; web.service.port): gRPC for clients and peers, membership (ringpop)
// among the server pods.
var serverPorts = map[string][2]int{
	"frontend": {FrontendPort, 6933},
	"history":  {7234, 6934},
	"matching": {7235, 6935},
	"worker":   {7239, 6939},
}

const webPort = 8080

// ServerPodLabels are the labels the chart puts on the pods of one service
// (temporal.resourceLabels): name, instance and component.
func ServerPodLabels(release, component string) map[string]string {
	return map[string]string{"app.kubernetes.io/name": ChartName, "app.kubernetes.io/instance": release, "app.kubernetes.io/component": component}
}

// newPolicies registers one policy per server service, one for the Web UI and one for
// the schema Job, before any of those pods exist.
func newPolicies(ctx *pulumi.Context, name string, a TemporalArgs, ns pulumi.StringInput, labels pulumi.StringMap,
	opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	n := a.Network
	metricsNs := n.MetricsNamespace
	if metricsNs == "" {
		metricsNs = "monitoring"
	}
	meta := func(objName string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(objName), Namespace: ns, Labels: labels}
	}
	// Every pod of the release: the server services find each other through membership
	// and call each other on gRPC; the Web UI calls the frontend.
	release := []services.PolicyPeer{{Pods: map[string]string{"app.kubernetes.io/name": ChartName, "app.kubernetes.io/instance": a.ReleaseName}}}
	var allPorts []int
	for _, p := range serverPorts {
		allPorts = append(allPorts, p[0], p[1])
	}
	rds := services.PolicyRule{Peers: []services.PolicyPeer{{Cidr: n.VpcCidr}}, TCP: []int{a.DbPort}}
	metrics := services.PolicyRule{Peers: []services.PolicyPeer{{Namespace: metricsNs}}, TCP: []int{metricsPort}}
	var out []pulumi.Resource
	for _, svc := range []string{"frontend", "history", "matching", "worker"} {
		own := serverPorts[svc]
		ingress := []services.PolicyRule{{Peers: release, TCP: own[:]}, metrics}
		if svc == "frontend" {
			var clients []services.PolicyPeer
			for _, c := range n.ClientNamespaces {
				clients = append(clients, services.PolicyPeer{Namespace: c})
			}
			ingress = append(ingress, services.PolicyRule{Peers: clients, TCP: []int{FrontendPort}})
		}
		p, err := services.NewNetworkPolicy(ctx, name+"-"+svc, services.PolicyArgs{
			Metadata: meta(a.ReleaseName + "-" + svc), Pods: ServerPodLabels(a.ReleaseName, svc),
			Ingress: ingress,
			Egress:  []services.PolicyRule{services.DNSEgress(), rds, {Peers: release, TCP: allPorts}},
		}, opts...)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	web, err := services.NewNetworkPolicy(ctx, name+"-web", services.PolicyArgs{
		Metadata: meta(a.ReleaseName + "-web"), Pods: ServerPodLabels(a.ReleaseName, "web"),
		// The internal ALB's nodes sit in the VPC and reach the pod IPs directly.
		Ingress: []services.PolicyRule{{Peers: []services.PolicyPeer{{Cidr: n.VpcCidr}}, TCP: []int{webPort}}},
		Egress: []services.PolicyRule{services.DNSEgress(),
			{Peers: []services.PolicyPeer{{Pods: ServerPodLabels(a.ReleaseName, "frontend")}}, TCP: []int{FrontendPort}}},
	}, opts...)
	if err != nil {
		return nil, err
	}
	schema, err := services.NewNetworkPolicy(ctx, name+"-schema", services.PolicyArgs{
		Metadata: meta(schemaApp), Pods: tags.SelectorMap(schemaApp),
		Egress: []services.PolicyRule{services.DNSEgress(), rds},
	}, opts...)
	if err != nil {
		return nil, err
	}
	return append(out, web, schema), nil
}
