package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/generic-corp/platform/policies/rules"
)

// panicEnv is the test hook: PLATFORM_POLICY_PANIC_RULE=<rule id> makes that rule's check
// panic (inside the rules engine), and "<rule id>@adapter" makes the pack's own adapter code
// panic just before running the rule. It exists so the protocol test can prove a panicking
// rule yields a violation naming the rule instead of killing the pack. Unset, it is inert.
const panicEnv = "PLATFORM_POLICY_PANIC_RULE"

type hook struct {
	rule    string // "" when inert
	adapter bool
}

func parseHook(v string) hook {
	v = strings.TrimSpace(v)
	if id, ok := strings.CutSuffix(v, "@adapter"); ok {
		return hook{rule: id, adapter: true}
	}
	return hook{rule: v}
}

// snapshot is the pack's settings for one call. It is immutable and swapped whole, so a
// call sees one consistent stack, config and catalogue even while the engine reconfigures.
type snapshot struct {
	stack string // as told by ConfigureStack; "" = not told (prod defaults)
	cfg   rules.Config
	cat   *catalogue
}

// evaluator owns the rules (with the test hook applied) and the current snapshot.
type evaluator struct {
	rules []rules.Rule
	hook  hook
	mu    sync.Mutex // serialises writers of cur
	cur   atomic.Pointer[snapshot]
}

func newEvaluator(h hook) (*evaluator, error) {
	if h.rule != "" {
		if _, ok := rules.ByID(h.rule); !ok {
			return nil, fmt.Errorf("%s=%q: no such rule (want a catalogue rule ID, optionally with @adapter)", panicEnv, h.rule)
		}
	}
	ev := &evaluator{hook: h, rules: withHook(rules.All(), h)}
	// Built eagerly for the prod defaults: policyx builds its pack only in ConfigureStack,
	// so `pulumi policy publish` (which never calls it) crashes on a nil pack.
	cat, err := buildCatalogue(ev, "")
	if err != nil {
		return nil, err
	}
	ev.cur.Store(&snapshot{cat: cat, cfg: rules.Config{Rules: map[string]rules.RuleConfig{}}})
	return ev, nil
}

func withHook(all []rules.Rule, h hook) []rules.Rule {
	if h.rule == "" || h.adapter {
		return all
	}
	msg := fmt.Sprintf("induced panic (%s=%s)", panicEnv, h.rule)
	for i := range all {
		if all[i].ID != h.rule {
			continue
		}
		if all[i].CheckStack != nil {
			all[i].CheckStack = func(rules.Stack, rules.Params) []rules.Finding { panic(msg) }
		} else {
			all[i].CheckResource = func(rules.Resource, rules.Params) []rules.Finding { panic(msg) }
		}
	}
	return all
}

// configureStack rebuilds the catalogue for the stack's default levels; the config stays.
func (ev *evaluator) configureStack(stack string) error {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	cat, err := buildCatalogue(ev, stack)
	if err != nil {
		return err
	}
	old := ev.cur.Load()
	ev.cur.Store(&snapshot{stack: stack, cfg: old.cfg, cat: cat})
	return nil
}

func (ev *evaluator) configure(cfg rules.Config) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	old := ev.cur.Load()
	ev.cur.Store(&snapshot{stack: old.stack, cfg: cfg, cat: old.cat})
}

type snapshotKey struct{}

func withSnapshot(ctx context.Context, s *snapshot) context.Context {
	return context.WithValue(ctx, snapshotKey{}, s)
}

// snapshotFrom returns the snapshot the server pinned for this call, or the current one
// (when a policy is driven by another server, e.g. policyx's).
func (ev *evaluator) snapshotFrom(ctx context.Context) *snapshot {
	if s, ok := ctx.Value(snapshotKey{}).(*snapshot); ok && s != nil {
		return s
	}
	return ev.cur.Load()
}

// resourcePolicy is one policyx resource policy for a rule (main or companion). Both run
// the rule and keep the findings they own, so each also works under a plain policyx server.
func (ev *evaluator) resourcePolicy(rule rules.Rule, name, desc string, lvl policyx.EnforcementLevel,
	schema *policyx.ConfigSchema,
) policyx.Policy {
	return policyx.NewResourceValidationPolicy(name, policyx.ResourceValidationPolicyArgs{
		Description: desc, EnforcementLevel: lvl, ConfigSchema: schema,
		ValidateResource: func(ctx context.Context, args policyx.ResourceValidationArgs) error {
			snap := ev.snapshotFrom(ctx)
			r := toRulesResource(args.Resource)
			fs := ev.guard(snap, rule, &r, func() ([]rules.Finding, error) {
				return rules.RunResource(rule, effectiveStack(snap.stack), r, snap.cfg)
			})
			report(args.Manager, snap, name, fs)
			return nil
		},
	})
}

// stackPolicy is one policyx stack policy for a stack rule (main or companion).
func (ev *evaluator) stackPolicy(rule rules.Rule, name, desc string, lvl policyx.EnforcementLevel,
	schema *policyx.ConfigSchema,
) policyx.Policy {
	return policyx.NewStackValidationPolicy(name, policyx.StackValidationPolicyArgs{
		Description: desc, EnforcementLevel: lvl, ConfigSchema: schema,
		ValidateStack: func(ctx context.Context, args policyx.StackValidationArgs) error {
			snap := ev.snapshotFrom(ctx)
			st := rules.Stack{Name: effectiveStack(snap.stack), Resources: make([]rules.Resource, 0, len(args.Resources))}
			for _, ar := range args.Resources {
				r := toRulesResource(ar)
				// AnalyzeStack sends each resource's outputs (inputs plus computed state), so
				// joins may also match against them.
				r.Outputs = r.Inputs
				st.Resources = append(st.Resources, r)
			}
			fs := ev.guard(snap, rule, nil, func() ([]rules.Finding, error) {
				return rules.Run(rule, st, snap.cfg)
			})
			report(args.Manager, snap, name, fs)
			return nil
		},
	})
}

// guard runs a rule under recover(). The rules engine already recovers panics inside a
// check; this catches the rest (the engine's own code, the adapter, the hook) and turns a
// config error into a finding too, so nothing is silently skipped.
func (ev *evaluator) guard(snap *snapshot, rule rules.Rule, r *rules.Resource,
	run func() ([]rules.Finding, error),
) (out []rules.Finding) {
	defer func() {
		if rec := recover(); rec != nil {
			out = ev.errorFinding(snap, rule, r, fmt.Sprintf("rule %s panicked in the policy pack%s: %v; "+
				"the rule was not evaluated (this is a bug, please report)", rule.ID, where(r), rec))
		}
	}()
	if ev.hook.adapter && ev.hook.rule == rule.ID && (r == nil || rule.Applies(r.Type)) {
		panic(fmt.Sprintf("induced panic (%s=%s@adapter)", panicEnv, rule.ID))
	}
	fs, err := run()
	if err != nil {
		return ev.errorFinding(snap, rule, r, fmt.Sprintf("rule %s could not run%s: %v", rule.ID, where(r), err))
	}
	return fs
}

func where(r *rules.Resource) string {
	if r == nil {
		return " on the stack"
	}
	return fmt.Sprintf(" on %s %q", r.Type, r.Name)
}

// errorFinding is a failure of the rule itself: reported on the main policy at its level
// (on the companion when the main policy is disabled), never exempted.
func (ev *evaluator) errorFinding(snap *snapshot, rule rules.Rule, r *rules.Resource, msg string) []rules.Finding {
	f := rules.Finding{RuleID: rule.ID, Severity: rule.Severity, Error: true, Message: msg}
	f.Enforcement = level(snap.cfg, snap.stack, rule.ID, policyMeta{rule: rule})
	if f.Enforcement == rules.Disabled {
		f.Enforcement = level(snap.cfg, snap.stack, rules.UnknownID(rule.ID), policyMeta{rule: rule, companion: true})
	}
	if f.Enforcement == rules.Disabled {
		return nil
	}
	if r != nil {
		f.URN, f.Name, f.Type = r.URN, r.Name, r.Type
	}
	return []rules.Finding{f}
}

// findingReporter is implemented by this pack's server: it takes whole findings, so each
// diagnostic carries its own level (exempted findings are advisory) and severity. A plain
// policyx manager only gets ReportViolation, at the policy's level.
type findingReporter interface {
	ReportFinding(f rules.Finding)
}

// report hands the policy the findings it owns: the main policy its rule's violations and
// errors, the companion the unknown-value findings (and errors while the main is disabled).
func report(m policyx.PolicyManager, snap *snapshot, policy string, fs []rules.Finding) {
	for _, f := range fs {
		if owner(snap, f) != policy {
			continue
		}
		if fr, ok := m.(findingReporter); ok {
			fr.ReportFinding(f)
			continue
		}
		m.ReportViolation(message(f), f.URN)
	}
}

func owner(snap *snapshot, f rules.Finding) string {
	if f.Error {
		if rule, ok := snap.cat.meta[f.RuleID]; ok && level(snap.cfg, snap.stack, f.RuleID, rule) == rules.Disabled {
			return rules.UnknownID(f.RuleID)
		}
	}
	return f.RuleID
}

// message renders a finding for the engine. An exempted finding stays visible, prefixed
// with its reason, so the engine output shows why it did not block.
func message(f rules.Finding) string {
	if f.Exempted {
		return fmt.Sprintf("[exempted] %s: %s", f.ExemptionReason, f.Message)
	}
	return f.Message
}
