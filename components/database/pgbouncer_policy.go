package database

import (
	"github.com/generic-corp/platform/components/services"
	"github.com/generic-corp/platform/internal/tags"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultMetricsNamespace is where Prometheus runs (components/observability).
const DefaultMetricsNamespace = "monitoring"

// PgBouncerNetwork is the NetworkPolicy of the PgBouncer pods, for a namespace whose
// default-deny policy otherwise cuts them off from their clients and from RDS.
type PgBouncerNetwork struct {
	// RdsCidr is where the RDS primary lives: the VPC CIDR (RDS is outside the cluster,
	// so an ipBlock is the only peer that can name it). Required.
	RdsCidr pulumi.StringInput
	// ClientNamespaces may connect on the PgBouncer port, e.g. ["platform"]. Required.
	ClientNamespaces []string
	// MetricsNamespace is Prometheus's namespace, admitted on the exporter's port.
	// Default DefaultMetricsNamespace.
	MetricsNamespace string
}

// PgBouncerPort is the port clients connect to (the Service and container port).
const PgBouncerPort = postgresPort

// PgBouncerPodLabels select the PgBouncer pods, for clients' egress policies.
func PgBouncerPodLabels() map[string]string { return tags.SelectorMap(pgbouncerAppTag) }

// newPgBouncerPolicy admits clients and Prometheus in, and DNS and RDS out.
func newPgBouncerPolicy(ctx *pulumi.Context, name string, n PgBouncerNetwork, ns pulumi.StringInput, labels pulumi.StringMap,
	opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	metricsNs := n.MetricsNamespace
	if metricsNs == "" {
		metricsNs = DefaultMetricsNamespace
	}
	var clients []services.PolicyPeer
	for _, c := range n.ClientNamespaces {
		clients = append(clients, services.PolicyPeer{Namespace: c})
	}
	return services.NewNetworkPolicy(ctx, name, services.PolicyArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(pgbouncerName), Namespace: ns, Labels: labels},
		Pods:     PgBouncerPodLabels(),
		Ingress: []services.PolicyRule{
			{Peers: clients, TCP: []int{postgresPort}},
			{Peers: []services.PolicyPeer{{Namespace: metricsNs}}, TCP: []int{exporterPort}},
		},
		Egress: []services.PolicyRule{
			services.DNSEgress(),
			{Peers: []services.PolicyPeer{{Cidr: n.RdsCidr}}, TCP: []int{postgresPort}},
		},
	}, opts...)
}
