package rules

import (
	"errors"
	"fmt"
	"slices"
)

// Rule is one catalogue rule. Exactly one of CheckResource and CheckStack is set.
type Rule struct {
	ID          string
	Number      int // position in the catalogue
	Description string
	Severity    Severity
	// ProdMandatory marks the catalogue's "(prod)" rules: mandatory in prod and dr,
	// advisory in staging. Every other rule is mandatory on every stack.
	ProdMandatory bool
	// Anchors names the tools the rule comes from (AWSGuard, Checkov IDs, ...).
	Anchors string
	// ResourceTypes are the type tokens CheckResource is called for; for a stack rule,
	// the types it reads (documentation only).
	ResourceTypes []string
	// AppliesTo, when set, replaces ResourceTypes for choosing the resources
	// CheckResource judges (for rules over open-ended type sets, e.g. every taggable type).
	AppliesTo func(typ string) bool
	Params    []ParamSpec
	// CheckResource judges one resource of ResourceTypes.
	CheckResource func(r Resource, p Params) []Finding
	// CheckStack judges the whole stack (joins across resources).
	CheckStack func(s Stack, p Params) []Finding
}

// DefaultEnforcement is the rule's level on a stack before any config override.
func (r Rule) DefaultEnforcement(stack string) Enforcement {
	if r.ProdMandatory && stack == StackStaging {
		return Advisory
	}
	return Mandatory
}

// Applies reports whether CheckResource judges resources of a type.
func (r Rule) Applies(typ string) bool {
	if r.AppliesTo != nil {
		return r.AppliesTo(typ)
	}
	return slices.Contains(r.ResourceTypes, typ)
}

func (r Rule) param(name string) (ParamSpec, bool) {
	for _, p := range r.Params {
		if p.Name == name {
			return p, true
		}
	}
	return ParamSpec{}, false
}

func (r Rule) paramNames() []string {
	out := make([]string, 0, len(r.Params))
	for _, p := range r.Params {
		out = append(out, p.Name)
	}
	return out
}

// Evaluate runs every rule of the catalogue over the stack with the given config and
// returns the findings in catalogue order. The error reports config problems (a bad
// parameter); a rule that panics yields an Error finding, never a crash.
func Evaluate(stack Stack, cfg Config) ([]Finding, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var out []Finding
	var errs []error
	for _, rule := range All() {
		fs, err := Run(rule, stack, cfg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, fs...)
	}
	return out, errors.Join(errs...)
}

// Run evaluates one rule: it resolves enforcement and parameters for the stack, runs the
// check under recover(), stamps rule ID, severity and enforcement on every finding, moves
// unknown-value findings to the companion rule and applies exceptions.
func Run(rule Rule, stack Stack, cfg Config) ([]Finding, error) {
	rc, err := resolve(rule, stack.Name, cfg)
	if err != nil || rc.off() {
		return nil, err
	}
	return rc.finish(check(rule, stack, rc.params)), nil
}

// RunResource evaluates a resource rule on one resource, exactly as Run would (for a
// policy pack that is called once per resource). For a stack rule or a resource of
// another type it returns nil.
func RunResource(rule Rule, stackName string, r Resource, cfg Config) ([]Finding, error) {
	if rule.CheckResource == nil || !rule.Applies(r.Type) {
		return nil, nil
	}
	rc, err := resolve(rule, stackName, cfg)
	if err != nil || rc.off() {
		return nil, err
	}
	return rc.finish(guarded(rule.ID, &r, func() []Finding { return rule.CheckResource(r, rc.params) })), nil
}

// resolved is a rule's settings for one stack and config.
type resolved struct {
	rule        Rule
	enf, unkEnf Enforcement
	params      Params
	exceptions  []Exception
}

func resolve(rule Rule, stack string, cfg Config) (resolved, error) {
	rc := resolved{
		rule:       rule,
		enf:        cfg.enforcement(rule.ID, rule.DefaultEnforcement(stack)),
		unkEnf:     cfg.enforcement(UnknownID(rule.ID), Advisory),
		exceptions: slices.Concat(cfg.Rules[rule.ID].Exceptions, cfg.Rules[UnknownID(rule.ID)].Exceptions),
	}
	if rc.off() {
		return rc, nil
	}
	p, err := NewParams(rule, stack, cfg.Rules[rule.ID].Params)
	rc.params = p
	return rc, err
}

func (rc resolved) off() bool { return rc.enf == Disabled && rc.unkEnf == Disabled }

// finish stamps the raw findings of a check.
func (rc resolved) finish(raw []Finding) []Finding {
	var out []Finding
	for _, f := range raw {
		f.Severity = rc.rule.Severity
		switch {
		case f.Error:
			f.RuleID = rc.rule.ID
			f.Enforcement = rc.enf
			if rc.enf == Disabled {
				f.Enforcement = rc.unkEnf
			}
		case f.Unknown:
			f.RuleID = UnknownID(rc.rule.ID)
			f.Enforcement = rc.unkEnf
		case f.Warning:
			f.RuleID = rc.rule.ID
			f.Enforcement = rc.enf
			if rc.enf == Mandatory {
				f.Enforcement = Advisory
			}
		default:
			f.RuleID = rc.rule.ID
			f.Enforcement = rc.enf
		}
		if f.Enforcement == Disabled {
			continue
		}
		if ex, ok := matchException(rc.exceptions, f); ok && !f.Error {
			f.Exempted = true
			f.ExemptionReason = ex.Reason
		}
		out = append(out, f)
	}
	return out
}

// check runs the rule's check; a panic becomes an Error finding naming the rule (and the
// resource, for resource rules, so one bad resource does not hide the others' verdicts).
func check(rule Rule, stack Stack, p Params) []Finding {
	if rule.CheckStack != nil {
		return guarded(rule.ID, nil, func() []Finding { return rule.CheckStack(stack, p) })
	}
	if rule.CheckResource == nil {
		return []Finding{{Error: true, Message: fmt.Sprintf("rule %s has no check (please report)", rule.ID)}}
	}
	var out []Finding
	for i := range stack.Resources {
		r := stack.Resources[i]
		if !rule.Applies(r.Type) {
			continue
		}
		out = append(out, guarded(rule.ID, &r, func() []Finding { return rule.CheckResource(r, p) })...)
	}
	return out
}

func guarded(id string, r *Resource, fn func() []Finding) (out []Finding) {
	defer func() {
		if rec := recover(); rec != nil {
			f := Finding{Error: true}
			where := "on the stack"
			if r != nil {
				f.URN, f.Name, f.Type = r.URN, r.Name, r.Type
				where = "on " + r.label()
			}
			f.Message = fmt.Sprintf("rule %s panicked %s: %v; the resource was not judged (this is a bug in the rule, please report)", id, where, rec)
			out = []Finding{f}
		}
	}()
	return fn()
}
