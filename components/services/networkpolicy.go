package services

import (
	"slices"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// flows are the connections one set of pods may make or accept.
type flows struct {
	// ports are the pod ports peers may reach (the Service port, the health port).
	ports []int
	// fromVpc admits the VPC CIDR on ports (ALB targets are pod IPs: target-type ip).
	fromVpc bool
	net     NetworkArgs
	// metricsPort is admitted from the pods of namespace metricsFrom (Prometheus);
	// 0 for none.
	metricsPort int
	metricsFrom string
}

// newAllowPolicy registers the pods' NetworkPolicy. It lists both policy types, so the
// selected pods are isolated in both directions and only these flows pass (with the
// namespace's default-deny it is the only policy that selects them).
func newAllowPolicy(ctx *pulumi.Context, name string, meta *metav1.ObjectMetaArgs, selector *metav1.LabelSelectorArgs,
	f flows, opts []pulumi.ResourceOption) (*networkingv1.NetworkPolicy, error) {
	tcp := func(ports []int) networkingv1.NetworkPolicyPortArray {
		out := networkingv1.NetworkPolicyPortArray{}
		for _, p := range ports {
			out = append(out, networkingv1.NetworkPolicyPortArgs{Port: pulumi.Int(p), Protocol: pulumi.String("TCP")})
		}
		return out
	}
	podPorts := slices.Compact(slices.Sorted(slices.Values(f.ports)))

	ingress := networkingv1.NetworkPolicyIngressRuleArray{}
	if f.fromVpc && len(podPorts) > 0 {
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRuleArgs{
			From:  networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: f.net.VpcCidr}}},
			Ports: tcp(podPorts),
		})
	}
	if len(f.net.IngressFromNamespaces) > 0 && len(podPorts) > 0 {
		peers := networkingv1.NetworkPolicyPeerArray{}
		for _, ns := range f.net.IngressFromNamespaces {
			peers = append(peers, networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: &metav1.LabelSelectorArgs{
				MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(ns)},
			}})
		}
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRuleArgs{From: peers, Ports: tcp(podPorts)})
	}
	if f.metricsPort > 0 && f.metricsFrom != "" {
		// Its own rule, on the metrics port only: Prometheus must scrape even pods that
		// accept no other connection (workers).
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRuleArgs{
			From: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: &metav1.LabelSelectorArgs{
				MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(f.metricsFrom)},
			}}},
			Ports: tcp([]int{f.metricsPort}),
		})
	}

	egress := networkingv1.NetworkPolicyEgressRuleArray{
		// Cluster DNS (CoreDNS pods in kube-system).
		networkingv1.NetworkPolicyEgressRuleArgs{
			To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
				NamespaceSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String("kube-system")}},
				PodSelector:       &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"k8s-app": pulumi.String("kube-dns")}},
			}},
			Ports: networkingv1.NetworkPolicyPortArray{
				networkingv1.NetworkPolicyPortArgs{Port: pulumi.Int(53), Protocol: pulumi.String("UDP")},
				networkingv1.NetworkPolicyPortArgs{Port: pulumi.Int(53), Protocol: pulumi.String("TCP")},
			},
		},
	}
	if len(f.net.EgressVpcPorts) > 0 {
		egress = append(egress, networkingv1.NetworkPolicyEgressRuleArgs{
			To:    networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: f.net.VpcCidr}}},
			Ports: tcp(f.net.EgressVpcPorts),
		})
	}
	for _, r := range f.net.EgressPeers {
		egress = append(egress, networkingv1.NetworkPolicyEgressRuleArgs{To: policyPeers(r.Peers), Ports: policyPorts(r)})
	}
	if len(f.net.EgressInternetPorts) > 0 {
		egress = append(egress, networkingv1.NetworkPolicyEgressRuleArgs{
			To:    networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: pulumi.String("0.0.0.0/0")}}},
			Ports: tcp(f.net.EgressInternetPorts),
		})
	}

	return networkingv1.NewNetworkPolicy(ctx, name, &networkingv1.NetworkPolicyArgs{
		Metadata: meta,
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: selector,
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
			Ingress:     ingress,
			Egress:      egress,
		},
	}, opts...)
}
