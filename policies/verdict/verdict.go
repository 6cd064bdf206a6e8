// Package verdict runs the policy rules over a captured plan: it converts the plan into
// the rules' neutral stack, prices it with the cost model (for cost-stack-budget), and
// loads the stack's policy config, so tests and preflight judge a plan the same way.
package verdict

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/generic-corp/platform/cost"
	"github.com/generic-corp/platform/internal/lifecycle"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
)

// Report is the verdict on one plan.
type Report struct {
	Stack string
	// Judged is the rules' view of the plan the findings were made on, for reports that
	// read the same models (flows, rehearsal) without converting the plan again.
	Judged   rules.Stack
	Findings []rules.Finding
	Cost     *cost.Estimate
	Budget   float64 // USD per month, from the stack output monthlyBudgetUsd (0 when absent)
	// RunDate is the day the plan was judged (YYYY-MM-DD): support windows and the cost
	// of extended support depend on it.
	RunDate string
}

// Blocking returns the findings that must stop a deployment.
func (r *Report) Blocking() []rules.Finding {
	var out []rules.Finding
	for _, f := range r.Findings {
		if f.Blocking() {
			out = append(out, f)
		}
	}
	return out
}

// ConfigPath is where the policy config of a stack lives.
func ConfigPath(root, stack string) string {
	return filepath.Join(root, "policies", "config", stack+".json")
}

// Stack converts a plan into the rules' view. Outputs and ids are passed along so that
// joins by value work on update-mode captures.
func Stack(p *plan.Plan) rules.Stack {
	s := rules.Stack{Name: p.Stack, Resources: make([]rules.Resource, 0, len(p.Resources))}
	for _, r := range p.Resources {
		s.Resources = append(s.Resources, rules.Resource{
			URN: r.URN, Type: r.Type, Name: r.Name, Inputs: r.Inputs, Parent: r.Parent,
			Dependencies: r.Dependencies, PropertyDependencies: r.PropertyDependencies,
			Provider: providerURN(r.Provider), Protect: r.Protect, RetainOnDelete: r.RetainOnDelete, Custom: r.Custom,
			IgnoreChanges: r.IgnoreChanges, ReplaceOnChanges: r.ReplaceOnChanges,
			ID: r.ID, Outputs: r.Outputs,
		})
	}
	return s
}

// providerURN strips the id from a provider reference ("urn::id").
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 && strings.HasPrefix(ref, "urn:") {
		return ref[:i]
	}
	return ref
}

// Check judges the plan on the run date (lifecycle.Today: today, or $PLATFORM_RUN_DATE).
func Check(p *plan.Plan, cfg rules.Config) (*Report, error) {
	on, err := lifecycle.Today()
	if err != nil {
		return nil, err
	}
	return CheckOn(p, cfg, on)
}

// CheckOn prices the plan as of a day, feeds the modeled cost and the stack's budget to
// cost-stack-budget and the day to version-lifecycle, and evaluates every rule under cfg.
// The cost model and the lifecycle rule read the same day, so a version that left
// standard support is priced at its extended-support rate on the day it fails the gate.
func CheckOn(p *plan.Plan, cfg rules.Config, on time.Time) (*Report, error) {
	table, err := cost.Load()
	if err != nil {
		return nil, fmt.Errorf("loading the price table: %w", err)
	}
	assumptions, err := table.Assumptions(p.Stack)
	if err != nil {
		return nil, fmt.Errorf("cost assumptions of %s: %w", p.Stack, err)
	}
	est := table.EstimateOn(p, assumptions, on)
	rep := &Report{Stack: p.Stack, Cost: est, RunDate: lifecycle.FormatDate(on)}
	if b := p.Outputs.Get("monthlyBudgetUsd"); b.IsNumber() {
		rep.Budget = b.AsNumber()
	}
	cfg = withCost(cfg, est, rep.Budget)
	for _, rule := range []string{"version-lifecycle", "eks-version-floor"} {
		cfg = withParam(cfg, rule, "runDate", rep.RunDate)
	}
	rep.Judged = Stack(p)
	rep.Findings, err = rules.Evaluate(rep.Judged, cfg)
	return rep, err
}

// withCost returns a copy of cfg whose cost-stack-budget params carry the modeled cost
// and the budget from stack config. A cost with unpriced items is a lower bound: the rule
// gets it with the number of unpriced resources and judges it against its reserve.
func withCost(cfg rules.Config, est *cost.Estimate, budget float64) rules.Config {
	out := rules.Config{All: cfg.All, Rules: map[string]rules.RuleConfig{}}
	for k, v := range cfg.Rules {
		out.Rules[k] = v
	}
	rc := out.Rules["cost-stack-budget"]
	params := map[string]any{}
	for k, v := range rc.Params {
		params[k] = v
	}
	params["modeledMonthlyUSD"] = est.MonthlyUSD
	params["unpricedResources"] = len(est.Unknown)
	if budget > 0 {
		params["budgetUSD"] = budget
	}
	rc.Params = params
	out.Rules["cost-stack-budget"] = rc
	return out
}

// withParam returns cfg with one rule parameter set (a copy: cfg is not changed).
func withParam(cfg rules.Config, rule, name string, value any) rules.Config {
	out := rules.Config{All: cfg.All, Rules: map[string]rules.RuleConfig{}}
	for k, v := range cfg.Rules {
		out.Rules[k] = v
	}
	rc := out.Rules[rule]
	params := map[string]any{name: value}
	for k, v := range rc.Params {
		params[k] = v
	}
	rc.Params = params
	out.Rules[rule] = rc
	return out
}
