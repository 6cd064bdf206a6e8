package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/generic-corp/platform/policies/rules"
)

// Pack identity. The version must match PulumiPolicy.yaml (the engine prefers the file's).
const (
	packName        = "platform"
	packVersion     = "0.1.0"
	packDisplayName = "Platform policy catalogue"
)

// policyMeta is what a policy needs beyond what policyx.Policy carries: the rule behind it,
// whether it is the "-unknown" companion, and whether it judges the stack as a whole.
type policyMeta struct {
	rule      rules.Rule
	companion bool
}

func (m policyMeta) stack() bool { return m.rule.CheckStack != nil }

// catalogue is the policy pack for one stack: the policyx pack (names, descriptions,
// default levels, config schemas, validate functions) plus per-policy metadata.
type catalogue struct {
	stack string
	pack  policyx.PolicyPack
	meta  map[string]policyMeta
}

// buildCatalogue builds one main and one companion policy per rule, with the stack's
// default enforcement levels. stack "" means "not told yet": the prod defaults apply.
func buildCatalogue(ev *evaluator, stack string) (*catalogue, error) {
	stack = effectiveStack(stack)
	params := map[string][]rules.ParamInfo{}
	for _, info := range rules.Catalogue() {
		params[info.ID] = info.Params
	}
	cat := &catalogue{stack: stack, meta: map[string]policyMeta{}}
	var policies []policyx.Policy
	for _, rule := range ev.rules {
		main, companion := rule.ID, rules.UnknownID(rule.ID)
		cat.meta[main] = policyMeta{rule: rule}
		cat.meta[companion] = policyMeta{rule: rule, companion: true}
		mainSchema := configSchema(params[rule.ID])
		compSchema := configSchema(nil)
		mainDesc, compDesc := describe(rule), describeCompanion(rule)
		mainLevel, compLevel := toPolicyx(rule.DefaultEnforcement(stack)), policyx.EnforcementLevelAdvisory
		if rule.CheckStack != nil {
			policies = append(policies,
				ev.stackPolicy(rule, main, mainDesc, mainLevel, mainSchema),
				ev.stackPolicy(rule, companion, compDesc, compLevel, compSchema))
			continue
		}
		policies = append(policies,
			ev.resourcePolicy(rule, main, mainDesc, mainLevel, mainSchema),
			ev.resourcePolicy(rule, companion, compDesc, compLevel, compSchema))
	}
	pack, err := policyx.NewPolicyPack(packName, semver.MustParse(packVersion), policyx.EnforcementLevelMandatory, policies)
	if err != nil {
		return nil, fmt.Errorf("building the policy pack: %w", err)
	}
	cat.pack = pack
	return cat, nil
}

// effectiveStack maps "not told" to prod, the strictest defaults (rules does the same for
// any name outside the catalogue, but naming it keeps messages honest).
func effectiveStack(stack string) string {
	if stack == "" {
		return rules.StackProd
	}
	return stack
}

// describe puts the severity first because policyx v3.274.1 never sends severity to the
// engine; the protocol fields are filled too (GetAnalyzerInfo, diagnostics) for newer CLIs.
func describe(r rules.Rule) string {
	kind := "resource rule"
	if r.CheckStack != nil {
		kind = "stack rule"
	}
	return fmt.Sprintf("[%s] %s (catalogue #%d, %s; %s)", r.Severity, r.Description, r.Number, kind, r.Anchors)
}

func describeCompanion(r rules.Rule) string {
	return fmt.Sprintf("[%s] Values %s needs are unknown until apply (computed during preview), so its verdict "+
		"is open. Advisory by default; set %q to \"mandatory\" in the policy config to block on it.",
		r.Severity, r.ID, rules.UnknownID(r.ID))
}

// configSchema declares every parameter of the rule and the exceptions list, so the CLI
// accepts policies/config/<stack>.json. Defaults are described, not declared: a schema
// "default" would be filled in by the engine for every stack and hide the per-stack ones.
func configSchema(params []rules.ParamInfo) *policyx.ConfigSchema {
	props := map[string]map[string]any{"exceptions": exceptionsSchema()}
	for _, p := range params {
		s := paramSchema(p.Type)
		s["description"] = p.Description + defaultsNote(p)
		props[p.Name] = s
	}
	return &policyx.ConfigSchema{Properties: props}
}

func defaultsNote(p rules.ParamInfo) string {
	var parts []string
	for _, st := range rules.Stacks {
		if d := p.Default[st]; d != "" {
			parts = append(parts, st+"="+d)
		}
	}
	if len(parts) == 0 {
		return " (unset unless configured)"
	}
	return " (defaults: " + strings.Join(parts, ", ") + ")"
}

// paramSchema maps a rules parameter type to JSON schema. Values must be structpb-friendly
// ([]any, map[string]any), since GetAnalyzerInfo sends the schema as a protobuf Struct.
func paramSchema(t string) map[string]any {
	switch rules.ParamType(t) {
	case rules.ParamString:
		return map[string]any{"type": "string"}
	case rules.ParamNumber:
		return map[string]any{"type": "number"}
	case rules.ParamInteger:
		return map[string]any{"type": "integer"}
	case rules.ParamBool:
		return map[string]any{"type": "boolean"}
	case rules.ParamStringList:
		return map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
	case rules.ParamNumberList:
		return map[string]any{"type": "array", "items": map[string]any{"type": "number"}}
	case rules.ParamNumberMap:
		return map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "number"}}
	}
	// An unknown type still loads; rules.NewParams rejects bad values with a precise error.
	return map[string]any{}
}

func exceptionsSchema() map[string]any {
	return map[string]any{
		"type": "array",
		"description": "exempt findings on matching resources: urn (exact or glob) or name (glob of the logical " +
			"name), and a required reason (e.g. a ticket). Exempted findings are reported as advisory, prefixed [exempted].",
		"items": map[string]any{
			"type": "object",
			"properties": map[string]any{
				"urn":    map[string]any{"type": "string"},
				"name":   map[string]any{"type": "string"},
				"reason": map[string]any{"type": "string", "minLength": 1},
			},
			"required":             []any{"reason"},
			"additionalProperties": false,
		},
	}
}

// level is a policy's effective level under a config: the policy's own entry, then "all",
// then the default (the rule's default for the stack; advisory for companions). It mirrors
// rules.Config's resolution, which is unexported.
func level(cfg rules.Config, stack, name string, m policyMeta) rules.Enforcement {
	if rc, ok := cfg.Rules[name]; ok && rc.EnforcementLevel != "" {
		return rc.EnforcementLevel
	}
	if cfg.All != "" {
		return cfg.All
	}
	if m.companion {
		return rules.Advisory
	}
	return m.rule.DefaultEnforcement(effectiveStack(stack))
}

func toPolicyx(e rules.Enforcement) policyx.EnforcementLevel {
	switch e {
	case rules.Advisory:
		return policyx.EnforcementLevelAdvisory
	case rules.Disabled:
		return policyx.EnforcementLevelDisabled
	}
	return policyx.EnforcementLevelMandatory
}

func toProtoLevel(e rules.Enforcement) pulumirpc.EnforcementLevel {
	return pulumirpc.EnforcementLevel(toPolicyx(e))
}

func toProtoSeverity(s rules.Severity) pulumirpc.PolicySeverity {
	switch s {
	case rules.Critical:
		return pulumirpc.PolicySeverity_POLICY_SEVERITY_CRITICAL
	case rules.High:
		return pulumirpc.PolicySeverity_POLICY_SEVERITY_HIGH
	case rules.Medium:
		return pulumirpc.PolicySeverity_POLICY_SEVERITY_MEDIUM
	case rules.Low:
		return pulumirpc.PolicySeverity_POLICY_SEVERITY_LOW
	}
	return pulumirpc.PolicySeverity_POLICY_SEVERITY_UNSPECIFIED
}

// sortedKeys is for deterministic error messages.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
