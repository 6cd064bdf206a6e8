package rules

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Severity ranks how bad a violation is; it is reported, not enforced.
type Severity string

// Severities, from the catalogue's Crit / High / Med / Low.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Enforcement says what a finding does to a deployment (policy config v2 levels).
type Enforcement string

// Enforcement levels.
const (
	Mandatory Enforcement = "mandatory"
	Advisory  Enforcement = "advisory"
	Disabled  Enforcement = "disabled"
)

func (e Enforcement) valid() bool {
	return e == Mandatory || e == Advisory || e == Disabled
}

// Stack names the catalogue knows. Any other name gets the prod defaults.
const (
	StackStaging = "staging"
	StackProd    = "prod"
	StackDR      = "dr"
)

// Stacks lists the stacks in catalogue order.
var Stacks = []string{StackStaging, StackProd, StackDR}

// Resource is the neutral view of one registered resource that every rule reads.
type Resource struct {
	URN  string
	Type string // Pulumi type token, e.g. "aws:rds/instance:Instance"
	Name string // logical name
	// Inputs as sent to the engine; secrets and unknowns preserved.
	Inputs property.Map
	Parent string // parent URN
	// Dependencies are the URNs this resource depends on.
	Dependencies []string
	// PropertyDependencies maps a top-level input property to the URNs its value came
	// from; joins fall back to it when the joined value is unknown (preview).
	PropertyDependencies map[string][]string
	// Provider is the URN of the resource's explicit provider ("" for the default one);
	// the rehearsal partitions the plan by it (a Kubernetes object's provider needs the
	// cluster's API).
	Provider string
	// Resource options; Custom is false for component resources.
	Protect, RetainOnDelete, Custom bool
	// IgnoreChanges and ReplaceOnChanges are the resource's options of those names
	// (property paths); the day-2 model skips ignored paths and replaces on the others.
	IgnoreChanges, ReplaceOnChanges []string
	// ID and Outputs are optional: when the adapter has them (an update-mode capture),
	// joins also compare against them (e.g. a bucket's id output).
	ID      string
	Outputs property.Map
}

// Stack is every resource of one stack, in registration order.
type Stack struct {
	Name      string // "staging" | "prod" | "dr"
	Resources []Resource
}

// Finding is one rule verdict against one resource (or the whole stack, URN "").
type Finding struct {
	RuleID      string // the rule, or "<rule>-unknown" for a finding that needs an unknown value
	URN         string
	Name        string // the resource's logical name, "" for stack-level findings
	Type        string // the resource's type token, "" for stack-level findings
	Severity    Severity
	Enforcement Enforcement
	// Message names the resource, the property path, the bad value (never a secret) and
	// the fix.
	Message string
	// Unknown is set when the verdict needs a value that is not known yet (preview).
	Unknown bool
	// Warning is set for a finding that is due but not yet a violation (a version whose
	// support ends soon): it is reported as advisory whatever the rule's enforcement.
	Warning bool
	// Exempted is set when a config exception matched; the finding is kept for the report
	// but does not block.
	Exempted        bool
	ExemptionReason string
	// Error is set when the rule itself failed (panic); such a finding is never a pass.
	Error bool
}

// Blocking reports whether the finding must stop a deployment.
func (f Finding) Blocking() bool {
	return f.Enforcement == Mandatory && !f.Exempted
}

// UnknownID is the companion rule ID that carries a rule's unknown-value findings.
func UnknownID(id string) string { return id + unknownSuffix }

const unknownSuffix = "-unknown"

// baseRuleID strips the companion suffix.
func baseRuleID(id string) string { return strings.TrimSuffix(id, unknownSuffix) }

// shortType renders "aws:rds/instance:Instance" as "rds.Instance" and
// "kubernetes:apps/v1:Deployment" as "Deployment", for messages.
func shortType(typ string) string {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 {
		return typ
	}
	if parts[0] == "kubernetes" {
		return parts[2]
	}
	mod := parts[1]
	if i := strings.Index(mod, "/"); i >= 0 {
		mod = mod[:i]
	}
	return mod + "." + parts[2]
}

// label names a resource in a message: `rds.Instance "db"`.
func (r Resource) label() string {
	return shortType(r.Type) + ` "` + r.Name + `"`
}
