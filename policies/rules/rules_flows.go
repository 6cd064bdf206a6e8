package rules

import (
	"slices"

	"github.com/mattfenwick/cyclonus/pkg/matcher"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/generic-corp/platform/internal/tokens"
)

// findingAt puts a stack-level verdict on the resource a flow starts from.
func findingAt(s Stack, urn, format string, args ...any) Finding {
	for _, r := range s.Resources {
		if r.URN == urn {
			return fail(r, format, args...)
		}
	}
	return stackFail(s.Name, format, args...)
}

var netpolRequiredFlows = Rule{
	ID: "netpol-required-flows", Number: 62, Severity: Critical, Anchors: "own (issue 11: rollouts that converge)",
	Description: "Every flow a workload needs is allowed at both layers: the NetworkPolicies of the plan (evaluated with " +
		"cyclonus pkg/matcher) at the source's egress and the destination's ingress, and, for RDS and ElastiCache, the node " +
		"security group's egress and the store's ingress. Flows are derived from the plan (DNS for every pod, service hosts in " +
		"env and ExternalSecret templates, data stores the configuration depends on, IRSA, monitors, KEDA triggers, Ingress " +
		"backends) plus the chart pods declared in flows_declared.go.",
	ResourceTypes: []string{tokens.K8sNetworkPolicy, tokens.K8sDeployment, tokens.K8sJob, tokens.K8sExternalSecret, tokens.K8sService, tokens.K8sHelmChart, tokens.VPCSecurityGroupIngressRule, tokens.VPCSecurityGroupEgressRule},
	CheckStack: func(s Stack, _ Params) []Finding {
		var out []Finding
		for _, v := range Flows(s) {
			if v.Unresolved {
				f := findingAt(s, v.source, "needs %s, which cannot be judged from this plan (%s); a partial deployment "+
					"(an in-cluster layer on its own) is judged on the whole program", v, v.Ingress)
				f.Unknown = true
				out = append(out, f)
				continue
			}
			if v.Allowed {
				continue
			}
			out = append(out, findingAt(s, v.source, "needs %s but it is blocked: egress %s; ingress %s%s", v, v.Egress, v.Ingress,
				map[bool]string{true: "; security groups " + v.SecurityGroups, false: ""}[v.SecurityGroups != ""]))
		}
		return out
	},
}

var netpolDefaultDeny = Rule{
	ID: "netpol-default-deny", Number: 63, Severity: High, Anchors: "own (issue 11); NSA/CISA Kubernetes hardening guide",
	Description: "Every namespace the program creates has a NetworkPolicy that selects all its pods for both Ingress and " +
		"Egress and admits nothing, so only explicit allow policies open flows. permitNamespaces lists the exceptions with " +
		"their reason.",
	ResourceTypes: []string{tokens.K8sNamespace, tokens.K8sNetworkPolicy},
	Params: []ParamSpec{{Name: "permitNamespaces", Type: ParamStringList, Default: []string{"external-secrets", "keda", "monitoring"},
		Description: "namespaces of third-party charts whose pods the plan cannot show (charts render only under the engine), " +
			"whose webhooks the control plane calls, or that run host-network pods (node-exporter, Alloy)"}},
	CheckStack: func(s Stack, p Params) []Finding {
		g := newReadiness(s)
		denied := map[string]bool{}
		for _, r := range s.ofType(tokens.K8sNetworkPolicy) {
			np := networkingv1.NetworkPolicy{}
			if _, err := decode(valueOf(propertyMap(r.Inputs)), &np); err != nil {
				continue
			}
			sel := np.Spec.PodSelector
			types := np.Spec.PolicyTypes
			if len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0 && len(np.Spec.Ingress) == 0 && len(np.Spec.Egress) == 0 &&
				slices.Contains(types, networkingv1.PolicyTypeIngress) && slices.Contains(types, networkingv1.PolicyTypeEgress) {
				denied[g.namespaceOf(r)] = true
			}
		}
		var out []Finding
		for _, ns := range s.ofType(tokens.K8sNamespace) {
			name := k8sName(ns)
			if denied[name] || contains(p.StringList("permitNamespaces"), name) {
				continue
			}
			out = append(out, fail(ns, "namespace %q has no default-deny NetworkPolicy (empty podSelector, policyTypes "+
				"[Ingress, Egress], no rules): every pod without a policy of its own accepts and opens any connection", name))
		}
		return out
	},
}

var netpolLeastOpen = Rule{
	ID: "netpol-least-open", Number: 64, Severity: High, Anchors: "own (issue 11)",
	Description: "Nothing is more open than the flows need: every peer and port of every allow rule admits at least one " +
		"required flow, and in-cluster flows are admitted by namespace/pod selectors, not by an ipBlock that covers pod IPs.",
	ResourceTypes: []string{tokens.K8sNetworkPolicy},
	CheckStack: func(s Stack, _ Params) []Finding {
		m, verdicts := judgedFlows(s)
		if !m.addr.known && len(s.ofType(tokens.K8sNetworkPolicy)) > 0 {
			// An in-cluster layer deployed on its own (the real-engine tier): the VPC, the data
			// stores and the chart pods its policies admit are not in the plan, so "admits
			// nothing any workload needs" cannot be told from "admits what another layer needs".
			f := stackFail(s.Name, "the plan holds no VPC, only an in-cluster layer: the ends of its flows (RDS, "+
				"ElastiCache, the ALB, chart pods) are not in it, so least-open cannot be judged; it is judged on the whole program")
			f.Unknown = true
			return []Finding{f}
		}
		var out []Finding
		for _, v := range verdicts {
			if v.Allowed && !v.SelectorsOnly {
				out = append(out, findingAt(s, v.source, "%s is admitted only by an ipBlock covering pod IPs; select the peer "+
					"by namespace and pod labels", v))
			}
		}
		for _, r := range s.ofType(tokens.K8sNetworkPolicy) {
			if fromHelmChart(r.URN) {
				continue
			}
			out = append(out, m.unusedPeers(r)...)
		}
		return out
	},
}

// unusedPeers checks each (rule, peer, port) of one policy against the flows it governs.
func (m *flowModel) unusedPeers(r Resource) []Finding {
	np := networkingv1.NetworkPolicy{}
	if _, err := decode(valueOf(propertyMap(r.Inputs)), &np); err != nil {
		return nil
	}
	np.Namespace, np.Name = m.g.namespaceOf(r), k8sName(r)
	var out []Finding
	check := func(ingress bool, i int, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) {
		if len(peers) == 0 {
			peers = []networkingv1.NetworkPolicyPeer{{}}
		}
		if len(ports) == 0 {
			ports = []networkingv1.NetworkPolicyPort{{}}
		}
		for j, peer := range peers {
			for _, port := range ports {
				one := np.DeepCopy()
				one.Spec.Ingress, one.Spec.Egress = nil, nil
				var peerList []networkingv1.NetworkPolicyPeer
				if peer.PodSelector != nil || peer.NamespaceSelector != nil || peer.IPBlock != nil {
					peerList = []networkingv1.NetworkPolicyPeer{peer}
				}
				var portList []networkingv1.NetworkPolicyPort
				if port.Port != nil || port.Protocol != nil {
					portList = []networkingv1.NetworkPolicyPort{port}
				}
				dir := "egress"
				if ingress {
					dir = "ingress"
					one.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
					one.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: peerList, Ports: portList}}
				} else {
					one.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
					one.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{To: peerList, Ports: portList}}
				}
				if !m.admitsAFlow(one, ingress, peer.IPBlock != nil) {
					what := "any port"
					if port.Port != nil {
						what = port.Port.String()
					}
					out = append(out, fail(r, "spec.%s[%d] peer %d on %s admits traffic no workload needs (no required flow "+
						"uses it); remove it or declare the flow", dir, i, j, what))
				}
			}
		}
	}
	for i, rule := range np.Spec.Ingress {
		check(true, i, rule.From, rule.Ports)
	}
	for i, rule := range np.Spec.Egress {
		check(false, i, rule.To, rule.Ports)
	}
	return out
}

// admitsAFlow reports whether np admits a required flow. An ipBlock peer counts only
// flows to or from outside the cluster: pods are peers for selectors, and an ipBlock that
// happens to cover pod IPs is exactly what least-open forbids.
func (m *flowModel) admitsAFlow(np *networkingv1.NetworkPolicy, ingress, ipBlock bool) bool {
	policy := matcher.BuildNetworkPolicies(false, []*networkingv1.NetworkPolicy{np})
	for _, f := range m.flows {
		if f.to.kind == endUnresolved {
			continue
		}
		other := f.to
		if ingress {
			other = f.from
		}
		if ipBlock && other.kind == endPods {
			continue
		}
		if len(policy.IsIngressOrEgressAllowed(m.traffic(f, m.addr.pod), ingress).AllowingTargets) > 0 {
			return true
		}
	}
	return false
}
