package rules

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/mattfenwick/cyclonus/pkg/matcher"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/generic-corp/platform/internal/tokens"
)

// selectorOnlyIP is the address given to in-cluster peers when asking whether selectors
// alone admit a flow: an IPv6 address matches no IPv4 ipBlock, so only namespace and pod
// selectors can allow it.
const selectorOnlyIP = "fd00::10"

// FlowVerdict is one required flow and what decides it at each layer.
type FlowVerdict struct {
	From, To string
	Port     int
	Protocol string
	Why      string
	// Egress and Ingress are the NetworkPolicy verdicts at the source and destination
	// pods: "allowed by <policy>", "open (no policy selects the pods)", "outside the
	// cluster" or "denied: <policies> select the pods and none admits it".
	Egress, Ingress string
	// SecurityGroups is the AWS verdict for flows to data stores ("" for in-cluster flows).
	SecurityGroups string
	Allowed        bool
	// SelectorsOnly is false for an in-cluster flow that only an ipBlock admits.
	SelectorsOnly bool
	// Unresolved is set when the destination is a service name nothing in the plan
	// serves (e.g. a chart left out of an in-cluster-only deployment): not judged.
	Unresolved bool

	source string // URN of the workload (or chart) the flow starts from
}

// netpols decodes every NetworkPolicy of the plan.
func (m *flowModel) netpols() []*networkingv1.NetworkPolicy {
	var out []*networkingv1.NetworkPolicy
	for _, r := range m.s.ofType(tokens.K8sNetworkPolicy) {
		np := &networkingv1.NetworkPolicy{}
		if _, err := decode(valueOf(propertyMap(r.Inputs)), np); err != nil {
			continue
		}
		np.Namespace = m.g.namespaceOf(r)
		np.Name = k8sName(r)
		out = append(out, np)
	}
	return out
}

// namespaceLabels are the labels namespace ns carries on a cluster (the returned map is
// shared: callers only read it).
func (m *flowModel) namespaceLabels(ns string) map[string]string {
	if labels, ok := m.nsLabels[ns]; ok {
		return labels
	}
	labels := map[string]string{"kubernetes.io/metadata.name": ns}
	for _, r := range m.s.ofType(tokens.K8sNamespace) {
		if k8sName(r) == ns {
			l, _ := stringMap(r.in("metadata.labels"))
			for k, v := range l {
				labels[k] = v
			}
			labels["kubernetes.io/metadata.name"] = ns
		}
	}
	m.nsLabels[ns] = labels
	return labels
}

func (m *flowModel) peer(e flowEnd, ip string) *matcher.TrafficPeer {
	if e.kind != endPods {
		return &matcher.TrafficPeer{IP: e.ip}
	}
	return &matcher.TrafficPeer{IP: ip, Internal: &matcher.InternalPeer{
		PodLabels: e.pods.labels, NamespaceLabels: m.namespaceLabels(e.pods.namespace), Namespace: e.pods.namespace}}
}

func (m *flowModel) traffic(f flow, podIP string) *matcher.Traffic {
	portName := ""
	if f.to.kind == endPods {
		for name, p := range f.to.pods.ports {
			if p == f.port {
				portName = name
			}
		}
	}
	return &matcher.Traffic{Source: m.peer(f.from, podIP), Destination: m.peer(f.to, podIP),
		ResolvedPort: f.port, ResolvedPortName: portName, Protocol: corev1.Protocol(f.protocol)}
}

func describeDirection(d *matcher.DirectionResult, end flowEnd) string {
	names := func(ts []*matcher.Target) string {
		var out []string
		for _, t := range ts {
			for _, r := range t.SourceRules {
				out = append(out, r.Namespace+"/"+r.Name)
			}
		}
		slices.Sort(out)
		return strings.Join(slices.Compact(out), ", ")
	}
	switch {
	case end.kind != endPods:
		return "outside the cluster"
	case len(d.AllowingTargets) > 0:
		return "allowed by " + names(d.AllowingTargets)
	case len(d.DenyingTargets) == 0:
		return "open (no policy selects the pods)"
	}
	return "denied: " + names(d.DenyingTargets) + " select the pods and none admits it"
}

// evaluate judges every flow at both layers.
func (m *flowModel) evaluate() []FlowVerdict {
	policy := matcher.BuildNetworkPolicies(false, m.netpols())
	sg := newSGModel(m.s, m.g)
	var out []FlowVerdict
	for _, f := range m.flows {
		if why := m.unjudgeable(f); why != "" {
			v := FlowVerdict{From: f.from.label, To: f.to.label, Port: f.port, Protocol: f.protocol, Why: f.why,
				Egress: "not judged", Ingress: why, Unresolved: true}
			if f.from.pods != nil {
				v.source = f.from.pods.urn
			}
			out = append(out, v)
			continue
		}
		res := policy.IsTrafficAllowed(m.traffic(f, m.addr.pod))
		v := FlowVerdict{From: f.from.label, To: f.to.label, Port: f.port, Protocol: f.protocol, Why: f.why,
			Egress: describeDirection(res.Egress, f.from), Ingress: describeDirection(res.Ingress, f.to),
			Allowed: res.IsAllowed(), SelectorsOnly: true}
		if f.from.pods != nil {
			v.source = f.from.pods.urn
		}
		if f.to.kind == endPods && f.from.kind == endPods && v.Allowed {
			v.SelectorsOnly = policy.IsTrafficAllowed(m.traffic(f, selectorOnlyIP)).IsAllowed()
		}
		if f.to.kind == endStore {
			ok, why := sg.allows(f.to.store, f.port)
			v.SecurityGroups = why
			v.Allowed = v.Allowed && ok
		}
		out = append(out, v)
	}
	return out
}

// unjudgeable says why a flow cannot be evaluated from this plan, "" when it can.
func (m *flowModel) unjudgeable(f flow) string {
	switch {
	case f.to.kind == endUnresolved:
		return "unresolved: nothing in the plan serves it"
	case !m.addr.known && (f.from.kind == endExternal && f.from.ip == m.addr.alb || f.to.kind == endStore):
		return "unresolved: the VPC is not in the plan, so its addresses are unknown"
	}
	return ""
}

// Flows is the flow matrix of a stack, for the preflight report.
func Flows(s Stack) []FlowVerdict {
	_, v := judgedFlows(s)
	return v
}

// lastJudged keeps the model of the stack judged last: two rules and the report read the
// same flows of the same stack, and building them costs more than the rest of a rule.
var lastJudged struct {
	sync.Mutex
	first *Resource
	n     int
	m     *flowModel
	v     []FlowVerdict
}

// judgedFlows builds (once per stack) the flow model and its verdicts. A stack is the
// same when it is the same slice: mutations and captures always build new ones.
func judgedFlows(s Stack) (*flowModel, []FlowVerdict) {
	if len(s.Resources) == 0 {
		m := newFlowModel(s)
		return m, m.evaluate()
	}
	lastJudged.Lock()
	defer lastJudged.Unlock()
	if lastJudged.first != &s.Resources[0] || lastJudged.n != len(s.Resources) {
		lastJudged.m = newFlowModel(s)
		lastJudged.v = lastJudged.m.evaluate()
		lastJudged.first, lastJudged.n = &s.Resources[0], len(s.Resources)
	}
	return lastJudged.m, slices.Clone(lastJudged.v)
}

func (v FlowVerdict) String() string {
	return fmt.Sprintf("%s → %s %d/%s (%s)", v.From, v.To, v.Port, v.Protocol, v.Why)
}
