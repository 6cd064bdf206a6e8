package preflight

import (
	"github.com/generic-corp/platform/policies/rules"
)

// Rehearsal is the first deploy of the stack on an empty account, as the deployment model
// (policies/rules/deploy_model.go) sees it: where each phase runs and what it reaches, the
// phases in order with the commands that perform and verify them, and the modeled wall
// time (docs/preflight.md#rehearsal-the-first-deploy-of-an-empty-account).
type Rehearsal struct {
	Executors []RehearsalExecutor `json:"executors"`
	// Endpoints are the EKS API endpoints against every executor.
	Endpoints []EndpointReach  `json:"endpoints"`
	Phases    []RehearsalPhase `json:"phases"`
	// BootstrapResources and DeployResources count what the two main `pulumi up` phases
	// create; with the deferred resources (phase runner-webhook, phases[].resources) they
	// are every resource of the plan.
	BootstrapResources int           `json:"bootstrapResources"`
	DeployResources    int           `json:"deployResources"`
	Time               RehearsalTime `json:"time"`
}

// RehearsalExecutor is a place a phase runs.
type RehearsalExecutor struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	InVPC       bool     `json:"inVpc"`
	EgressCIDRs []string `json:"egressCidrs"`
}

// EndpointReach is one cluster's API endpoint and who reaches it.
type EndpointReach struct {
	Cluster string `json:"cluster"` // URN
	// Access is "private", "public to 0.0.0.0/0", "private + public to <CIDRs>", ...
	Access        string   `json:"access"`
	PrivateAccess bool     `json:"privateAccess"`
	PublicAccess  bool     `json:"publicAccess"`
	PublicCIDRs   []string `json:"publicCidrs"` // empty when the public endpoint is open (or off)
	// Runner is the URN of the in-VPC runner the plan creates, "" when none qualifies.
	Runner string          `json:"runner,omitempty"`
	Reach  []ExecutorReach `json:"reach"`
}

// ExecutorReach says whether one executor reaches an endpoint.
type ExecutorReach struct {
	Executor  string `json:"executor"`
	Reachable bool   `json:"reachable"`
	Why       string `json:"why"`
}

// Phase statuses.
const (
	StatusOK       = "ok"
	StatusBlocked  = "blocked"  // a blocking finding of one of the phase's rules
	StatusUnknown  = "unknown"  // only unknown-value findings
	StatusAdvisory = "advisory" // findings that the policy config does not let block
	StatusNA       = "n/a"      // the stack has nothing for this phase
)

// RehearsalPhase is one checklist line.
type RehearsalPhase struct {
	Name     string   `json:"name"`
	Executor string   `json:"executor"`
	Provides string   `json:"provides"`
	Needs    []string `json:"needs"`
	Status   string   `json:"status"`
	// Rules are the rehearsal rules that judge the phase; Problems their findings.
	Rules    []string           `json:"rules"`
	Problems []RehearsalProblem `json:"problems"`
	Note     string             `json:"note,omitempty"`
	// Run performs the phase; Verify proves it done when AWS credentials are present.
	Run    []string `json:"run"`
	Verify []string `json:"verify"`
	// Resources is how many plan resources the phase creates (bootstrap and deploy).
	Resources int `json:"resources"`
	// Minutes is the phase's modeled time: the critical path of its resources for the
	// `pulumi up` phases, the declared estimate (MinutesBasis) for the others.
	Minutes      float64 `json:"minutes"`
	MinutesBasis string  `json:"minutesBasis"`
}

// RehearsalProblem is a finding that blocks (or would block) a phase.
type RehearsalProblem struct {
	Rule     string `json:"rule"`
	URN      string `json:"urn,omitempty"`
	Message  string `json:"message"`
	Blocking bool   `json:"blocking"`
}

// RehearsalTime is the modeled wall time of the first deploy.
type RehearsalTime struct {
	// BootstrapMinutes is the critical path of the bootstrap resources alone.
	BootstrapMinutes float64 `json:"bootstrapMinutes"`
	// OperatorMinutes sums the steps between the two runs: the declared estimates, and the
	// critical path of the runner-webhook run.
	OperatorMinutes float64 `json:"operatorMinutes"`
	// DeployMinutes is the critical path of the deploy resources, starting when
	// bootstrap is done (what they wait for in bootstrap exists already).
	DeployMinutes float64 `json:"deployMinutes"`
	TotalMinutes  float64 `json:"totalMinutes"`
	// SingleRunMinutes is today's critical path of one `pulumi up` of everything
	// (criticalPath.minutes), for comparison.
	SingleRunMinutes float64 `json:"singleRunMinutes"`
}

func rehearsal(s rules.Stack, r *Report, t *Timings) Rehearsal {
	rh := rules.Rehearse(s)
	out := Rehearsal{Executors: []RehearsalExecutor{}, Endpoints: []EndpointReach{}, Phases: []RehearsalPhase{},
		BootstrapResources: len(rh.Partition.Bootstrap), DeployResources: len(rh.Partition.Deploy)}
	for _, x := range rules.Executors {
		out.Executors = append(out.Executors, RehearsalExecutor{Name: x.Name, Description: x.Description, InVPC: x.InVPC,
			EgressCIDRs: append([]string{}, x.EgressCIDRs...)})
	}
	for _, e := range rh.Endpoints {
		er := EndpointReach{Cluster: e.Cluster.URN, Access: e.Describe(), PrivateAccess: e.PrivateAccess, PublicAccess: e.PublicAccess,
			PublicCIDRs: append([]string{}, e.PublicCIDRs...), Reach: []ExecutorReach{}}
		if e.Runner != nil {
			er.Runner = e.Runner.URN
		}
		for _, x := range rules.Executors {
			ok, why := e.Reach(x)
			er.Reach = append(er.Reach, ExecutorReach{Executor: x.Name, Reachable: ok, Why: why})
		}
		out.Endpoints = append(out.Endpoints, er)
	}
	subset := func(urns []string) []Resource {
		in := make(map[string]bool, len(urns))
		for _, u := range urns {
			in[u] = true
		}
		var rs []Resource
		for _, res := range r.Resources {
			if in[res.URN] {
				rs = append(rs, res)
			}
		}
		return rs
	}
	out.Time.BootstrapMinutes = analyse(subset(rh.Partition.Bootstrap), t).Minutes
	out.Time.DeployMinutes = analyse(subset(rh.Partition.Deploy), t).Minutes
	out.Time.SingleRunMinutes = r.CriticalPath.Minutes
	for _, v := range rh.Phases {
		ph := RehearsalPhase{Name: v.Name, Executor: v.Executor, Provides: v.Provides, Needs: append([]string{}, v.Needs...),
			Rules: append([]string{}, v.Rules...), Problems: []RehearsalProblem{}, Note: v.Note,
			Run: append([]string{}, v.Run...), Verify: append([]string{}, v.Verify...), Minutes: v.Minutes, MinutesBasis: v.ManualBasis}
		switch {
		case v.Name == rules.PhaseBootstrap:
			ph.Resources, ph.Minutes, ph.MinutesBasis = out.BootstrapResources, out.Time.BootstrapMinutes, "critical path of its resources"
		case v.Name == rules.PhaseDeploy:
			ph.Resources, ph.Minutes, ph.MinutesBasis = out.DeployResources, out.Time.DeployMinutes, "critical path of its resources, after bootstrap"
		case v.Creates:
			urns := rh.Partition.ByPhase[v.Name]
			ph.Resources, ph.Minutes, ph.MinutesBasis = len(urns), analyse(subset(urns), t).Minutes, "critical path of its resources"
			out.Time.OperatorMinutes += ph.Minutes
		default:
			out.Time.OperatorMinutes += v.Minutes
		}
		ph.Status = phaseStatus(v, r.Findings, &ph.Problems)
		out.Phases = append(out.Phases, ph)
	}
	out.Time.OperatorMinutes = round1(out.Time.OperatorMinutes)
	out.Time.TotalMinutes = round1(out.Time.BootstrapMinutes + out.Time.OperatorMinutes + out.Time.DeployMinutes)
	return out
}

// phaseStatus judges a phase by the report's verdict on each of its problems, so the
// stack's policy config (levels, exceptions) decides as it does for the findings.
func phaseStatus(v rules.PhaseView, findings []Finding, problems *[]RehearsalProblem) string {
	if !v.Applies {
		return StatusNA
	}
	status := StatusOK
	rank := map[string]int{StatusOK: 0, StatusAdvisory: 1, StatusUnknown: 2, StatusBlocked: 3}
	for _, pr := range v.Problems {
		for _, f := range findings {
			if f.Rule != pr.RuleID || f.URN != pr.URN || f.Message != pr.Message {
				continue
			}
			*problems = append(*problems, RehearsalProblem{Rule: f.Rule, URN: f.URN, Message: f.Message, Blocking: f.Blocking})
			s := StatusAdvisory
			switch {
			case f.Blocking:
				s = StatusBlocked
			case f.Unknown:
				s = StatusUnknown
			}
			if rank[s] > rank[status] {
				status = s
			}
			break
		}
	}
	return status
}
