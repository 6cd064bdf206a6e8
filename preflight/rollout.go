package preflight

import (
	"github.com/generic-corp/platform/policies/rules"
)

// Rollout is what the rollout models find: every network flow the workloads need with
// the NetworkPolicy and security-group verdicts, and every readiness chain that
// deadlocks (rules netpol-required-flows, netpol-least-open, k8s-readiness-deadlock).
type Rollout struct {
	Flows []Flow `json:"flows"`
	// Blocked counts flows some layer denies.
	Blocked int `json:"blocked"`
	// Deadlocks are readiness chains whose last object waits for the first.
	Deadlocks []string `json:"deadlocks"`
}

// Flow is one required connection.
type Flow struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	// Why says where the need comes from (the env, template, monitor or chart declaration).
	Why string `json:"why"`
	// Egress and Ingress are the NetworkPolicy verdicts and the policies that decide.
	Egress  string `json:"egress"`
	Ingress string `json:"ingress"`
	// SecurityGroups is the AWS verdict for flows to RDS and ElastiCache.
	SecurityGroups string `json:"securityGroups,omitempty"`
	Allowed        bool   `json:"allowed"`
	// SelectorsOnly is false when only an ipBlock covering pod IPs admits an in-cluster flow.
	SelectorsOnly bool `json:"selectorsOnly"`
	// Unresolved is set when the plan does not show the flow's destination (a partial
	// deployment): the flow is listed but not judged.
	Unresolved bool `json:"unresolved,omitempty"`
}

func rollout(s rules.Stack) Rollout {
	r := Rollout{Flows: []Flow{}, Deadlocks: rules.Deadlocks(s)}
	if r.Deadlocks == nil {
		r.Deadlocks = []string{}
	}
	for _, v := range rules.Flows(s) {
		r.Flows = append(r.Flows, Flow{From: v.From, To: v.To, Port: v.Port, Protocol: v.Protocol, Why: v.Why,
			Egress: v.Egress, Ingress: v.Ingress, SecurityGroups: v.SecurityGroups, Allowed: v.Allowed, SelectorsOnly: v.SelectorsOnly, Unresolved: v.Unresolved})
		if !v.Allowed && !v.Unresolved {
			r.Blocked++
		}
	}
	return r
}
