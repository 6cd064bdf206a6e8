package services

import (
	"maps"
	"slices"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// namespaceNameLabel is set by the API server on every namespace (immutable), so a
// namespace selector on it cannot be spoofed by whoever may label namespaces.
const namespaceNameLabel = "kubernetes.io/metadata.name"

// PolicyPeer is one side a NetworkPolicy rule admits: pods chosen by selectors (in-cluster
// peers) or a CIDR (peers outside the cluster: RDS, ElastiCache, the ALB).
type PolicyPeer struct {
	// Namespace selects the peer's namespace by name; "" means the policy's own namespace.
	Namespace string
	// Pods selects the peer pods by label; nil means every pod of Namespace.
	Pods map[string]string
	// Cidr admits an address range instead of pods (Namespace and Pods are then ignored).
	// Use it only for addresses outside the cluster.
	Cidr pulumi.StringInput
}

// PolicyRule admits Peers on TCP and UDP ports.
type PolicyRule struct {
	Peers []PolicyPeer
	TCP   []int
	UDP   []int
}

// DNSEgress is the rule every pod needs: CoreDNS (kube-dns) in kube-system on 53.
func DNSEgress() PolicyRule {
	return PolicyRule{
		Peers: []PolicyPeer{{Namespace: "kube-system", Pods: map[string]string{"k8s-app": "kube-dns"}}},
		TCP:   []int{53}, UDP: []int{53},
	}
}

// PolicyArgs describe one NetworkPolicy that isolates the selected pods in both
// directions and admits only the listed rules.
type PolicyArgs struct {
	Metadata *metav1.ObjectMetaArgs
	// Pods selects the pods the policy isolates; nil selects every pod of the namespace.
	Pods    map[string]string
	Ingress []PolicyRule
	Egress  []PolicyRule
}

// NewNetworkPolicy registers a NetworkPolicy listing both policy types: with the
// namespace's default-deny, only the rules given here pass.
func NewNetworkPolicy(ctx *pulumi.Context, name string, a PolicyArgs, opts ...pulumi.ResourceOption) (*networkingv1.NetworkPolicy, error) {
	ingress := networkingv1.NetworkPolicyIngressRuleArray{}
	for _, r := range a.Ingress {
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRuleArgs{From: policyPeers(r.Peers), Ports: policyPorts(r)})
	}
	egress := networkingv1.NetworkPolicyEgressRuleArray{}
	for _, r := range a.Egress {
		egress = append(egress, networkingv1.NetworkPolicyEgressRuleArgs{To: policyPeers(r.Peers), Ports: policyPorts(r)})
	}
	return networkingv1.NewNetworkPolicy(ctx, name, &networkingv1.NetworkPolicyArgs{
		Metadata: a.Metadata,
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(a.Pods)},
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
			Ingress:     ingress,
			Egress:      egress,
		},
	}, opts...)
}

func policyPeers(peers []PolicyPeer) networkingv1.NetworkPolicyPeerArray {
	out := networkingv1.NetworkPolicyPeerArray{}
	for _, p := range peers {
		if p.Cidr != nil {
			out = append(out, networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: p.Cidr}})
			continue
		}
		peer := networkingv1.NetworkPolicyPeerArgs{}
		if p.Namespace != "" {
			peer.NamespaceSelector = &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{namespaceNameLabel: pulumi.String(p.Namespace)}}
		}
		// An empty pod selector with a namespace selector means every pod there; without
		// a namespace selector, every pod of the policy's namespace.
		peer.PodSelector = &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(p.Pods)}
		out = append(out, peer)
	}
	return out
}

func policyPorts(r PolicyRule) networkingv1.NetworkPolicyPortArray {
	out := networkingv1.NetworkPolicyPortArray{}
	for _, proto := range []struct {
		name  string
		ports []int
	}{{"TCP", r.TCP}, {"UDP", r.UDP}} {
		for _, p := range slices.Compact(slices.Sorted(slices.Values(proto.ports))) {
			out = append(out, networkingv1.NetworkPolicyPortArgs{Port: pulumi.Int(p), Protocol: pulumi.String(proto.name)})
		}
	}
	return out
}

// clonePeers copies rules so callers' args are never modified.
func clonePeers(rules []PolicyRule) []PolicyRule {
	out := make([]PolicyRule, 0, len(rules))
	for _, r := range rules {
		peers := make([]PolicyPeer, 0, len(r.Peers))
		for _, p := range r.Peers {
			p.Pods = maps.Clone(p.Pods)
			peers = append(peers, p)
		}
		out = append(out, PolicyRule{Peers: peers, TCP: slices.Clone(r.TCP), UDP: slices.Clone(r.UDP)})
	}
	return out
}
