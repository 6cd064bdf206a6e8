package preflight

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/generic-corp/platform/cost"
	"github.com/generic-corp/platform/internal/lifecycle"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
	"github.com/generic-corp/platform/stacks"
)

// Options say what to check.
type Options struct {
	// Root is the project directory (holding Pulumi.yaml and Pulumi.<stack>.yaml).
	Root string
	// Mode is the capture mode; plan.Preview is what CI sees.
	Mode plan.Mode
	// PolicyConfig is the policy config file; "" means policies/config/<stack>.json under Root.
	PolicyConfig string
	// RunDate is the day to judge; zero means lifecycle.Today (today, or $PLATFORM_RUN_DATE).
	RunDate time.Time
}

// Run captures one stack offline, judges it and builds its report. A configuration
// problem comes back as the *stacks.ConfigError that stacks.Load returned, so callers
// print the same message the program would.
func Run(stack string, opts Options) (*Report, error) {
	p, err := stackplan.Capture(opts.Root, stack, opts.Mode)
	if err != nil {
		return nil, err
	}
	cfgPath := opts.PolicyConfig
	if cfgPath == "" {
		cfgPath = verdict.ConfigPath(opts.Root, stack)
	}
	pcfg, err := rules.LoadConfigFile(cfgPath)
	if err != nil {
		return nil, err
	}
	on := opts.RunDate
	if on.IsZero() {
		if on, err = lifecycle.Today(); err != nil {
			return nil, err
		}
	}
	v, err := verdict.CheckOn(p, pcfg, on)
	if err != nil {
		return nil, fmt.Errorf("judging %s: %w", stack, err)
	}
	if opts.Mode == plan.Preview {
		if v, err = judgeResolved(opts.Root, stack, pcfg, on, v); err != nil {
			return nil, err
		}
	}
	stackCfg, err := stacks.ReadStackFile(opts.Root, stack)
	if err != nil {
		return nil, err
	}
	t, err := LoadTimings()
	if err != nil {
		return nil, err
	}
	return Build(p, v, stackCfg, t), nil
}

// judgeResolved re-judges what the preview could not see: the same program captured in
// update mode, where the offline engine resolves every computed value (verdict.Resolve).
func judgeResolved(root, stack string, cfg rules.Config, on time.Time, preview *verdict.Report) (*verdict.Report, error) {
	up, err := stackplan.Capture(root, stack, plan.Update)
	if err != nil {
		return nil, err
	}
	resolved, err := verdict.CheckOn(up, cfg, on)
	if err != nil {
		return nil, fmt.Errorf("judging %s on resolved values: %w", stack, err)
	}
	return verdict.Resolve(preview, resolved), nil
}

// Build assembles the report of a captured and judged plan.
func Build(p *plan.Plan, v *verdict.Report, stackConfig map[string]string, t *Timings) *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Project:       p.Project,
		Stack:         p.Stack,
		Mode:          p.Mode.String(),
		RunDate:       v.RunDate,
		Config:        stackConfig,
		Resources:     resources(p),
		Findings:      findings(v.Findings),
		Cost:          costOf(v.Cost, v.Budget),
	}
	if r.Config == nil {
		r.Config = map[string]string{}
	}
	r.Inventory = inventory(r.Resources)
	r.CriticalPath = analyse(r.Resources, t)
	r.Rollout = rollout(v.Judged)
	r.Rehearsal = rehearsal(v.Judged, r, t)
	if r.DR = disasterRehearsal(r); r.DR != nil {
		r.Findings = append(r.Findings, r.DR.findings()...)
	}
	addResilience(r, t)
	r.Summary = summarise(r)
	return r
}

func resources(p *plan.Plan) []Resource {
	out := make([]Resource, 0, len(p.Resources))
	for _, pr := range p.Resources {
		comp := cost.StackComponent
		if owner := p.Component(pr, "platform:"); owner != nil {
			comp = owner.Name
		}
		deps := slices.Clone(pr.Dependencies)
		slices.Sort(deps)
		out = append(out, Resource{
			URN: pr.URN, Type: pr.Type, Name: pr.Name, Parent: pr.Parent, Component: comp,
			Custom: pr.Custom, Protect: pr.Protect, RetainOnDelete: pr.RetainOnDelete,
			DeleteBeforeReplace: pr.DeleteBeforeReplace, Provider: providerURN(pr.Provider),
			Dependencies: slices.Compact(deps), PropertyDependencies: propertyDependencies(pr.PropertyDependencies),
			ReplaceOnChanges: pr.ReplaceOnChanges, IgnoreChanges: pr.IgnoreChanges,
			Inputs: plainMap(pr.Inputs),
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// propertyDependencies copies the recorded input dependencies, each list sorted and
// without repeats, leaving out inputs computed from nothing (most of them), so the JSON
// stays deterministic and small.
func propertyDependencies(in map[string][]string) map[string][]string {
	var out map[string][]string
	for k, urns := range in {
		if len(urns) == 0 {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		deps := slices.Clone(urns)
		slices.Sort(deps)
		out[k] = slices.Compact(deps)
	}
	return out
}

// providerURN strips the id from a provider reference ("urn::id").
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 && strings.HasPrefix(ref, "urn:") {
		return ref[:i]
	}
	return ref
}

func findings(in []rules.Finding) []Finding {
	out := make([]Finding, 0, len(in))
	for _, f := range in {
		out = append(out, Finding{
			Rule: f.RuleID, Severity: string(f.Severity), Enforcement: string(f.Enforcement),
			URN: f.URN, Name: f.Name, Type: f.Type, Message: f.Message, Blocking: f.Blocking(),
			Unknown: f.Unknown, Exempted: f.Exempted, ExemptionReason: f.ExemptionReason, Error: f.Error,
		})
	}
	return out
}

func costOf(e *cost.Estimate, budget float64) Cost {
	c := Cost{MonthlyUSD: cents(e.MonthlyUSD), BudgetUSD: budget, ByComponent: map[string]float64{},
		Complete: len(e.Unknown) == 0, PriceDate: e.PriceDate, Currency: e.Currency}
	for k, v := range e.ByComponent {
		c.ByComponent[k] = cents(v)
	}
	for _, it := range e.Unknown {
		c.Unpriced = append(c.Unpriced, Unpriced{URN: it.URN, Reason: it.Reason})
	}
	return c
}

func inventory(rs []Resource) []InventoryRow {
	idx := map[[2]string]*InventoryRow{}
	for i := range rs {
		r := &rs[i]
		if strings.HasPrefix(r.Type, "platform:") {
			continue // components are the grouping, not inventory
		}
		k := [2]string{r.Component, r.Type}
		row := idx[k]
		if row == nil {
			row = &InventoryRow{Component: r.Component, Type: r.Type}
			idx[k] = row
		}
		row.Count++
		if r.Protect {
			row.Protected++
		}
	}
	out := make([]InventoryRow, 0, len(idx))
	for _, row := range idx {
		out = append(out, *row)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Component != out[j].Component {
			return out[i].Component < out[j].Component
		}
		return out[i].Type < out[j].Type
	})
	return out
}

func summarise(r *Report) Summary {
	s := Summary{Resources: len(r.Resources)}
	for _, res := range r.Resources {
		if res.Custom {
			s.Custom++
		}
		if res.Protect {
			s.Protected++
		}
	}
	for _, f := range r.Findings {
		switch {
		case f.Blocking:
			s.Mandatory++
		case f.Exempted:
			s.Exempted++
		default:
			s.Advisory++
		}
	}
	s.Pass = s.Mandatory == 0
	return s
}

func cents(x float64) float64 { return math.Round(x*100) / 100 }
