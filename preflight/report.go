package preflight

// SchemaVersion is the version of the JSON document. It changes only when a field is
// removed or changes meaning; adding a field keeps it.
const SchemaVersion = 1

// Report is everything preflight knows about one stack. It is data: every format renders
// it, and its JSON form (field tags below) is the stable, documented plan export.
type Report struct {
	SchemaVersion int    `json:"schemaVersion"`
	Project       string `json:"project"`
	Stack         string `json:"stack"`
	// Mode is "preview" (computed values unknown, what CI sees) or "update".
	Mode string `json:"mode"`
	// RunDate is the day the plan was judged (YYYY-MM-DD): support windows
	// (version-lifecycle) and the cost of extended support depend on it.
	RunDate string  `json:"runDate"`
	Summary Summary `json:"summary"`
	// Config is the stack file's configuration (full keys, values as the CLI passes them).
	Config    map[string]string `json:"config"`
	Inventory []InventoryRow    `json:"inventory"`
	// Resources are every registered resource but the root stack, sorted by URN.
	Resources    []Resource   `json:"resources"`
	Findings     []Finding    `json:"findings"`
	Cost         Cost         `json:"cost"`
	CriticalPath CriticalPath `json:"criticalPath"`
	// Rollout is the flow matrix and readiness deadlocks (docs/preflight.md#rollout).
	Rollout Rollout `json:"rollout"`
	// Rehearsal is the first deploy on an empty account: phases, reachability and the
	// modeled wall time (docs/preflight.md#rehearsal-the-first-deploy-of-an-empty-account).
	Rehearsal Rehearsal `json:"rehearsal"`
	// DR is the disaster-recovery rehearsal of a stack that sets platform:failedRegion
	// (docs/preflight.md#dr-rehearsal).
	DR *DRRehearsal `json:"drRehearsal,omitempty"`
	// Resilience is RTO/RPO per disruption and availability against the targets (docs/resilience.md).
	Resilience Resilience `json:"resilience"`
	// Diff is set when the report was compared with a base (--diff).
	Diff *Diff `json:"diff,omitempty"`
	// Notes are remarks about the run (e.g. why no diff could be made).
	Notes []string `json:"notes,omitempty"`
	// Mermaid is the dependency graph in Mermaid syntax, when asked for (--graph mermaid).
	Mermaid string `json:"mermaid,omitempty"`
}

// Summary holds the headline numbers.
type Summary struct {
	Resources int `json:"resources"` // all registered resources
	Custom    int `json:"custom"`    // cloud (custom) resources, providers included
	Protected int `json:"protected"` // resources with the protect option
	Mandatory int `json:"mandatory"` // blocking findings (mandatory, not exempted)
	Advisory  int `json:"advisory"`  // advisory findings
	Exempted  int `json:"exempted"`  // findings a policy-config exception covers
	// Pass is false when any finding blocks a deployment, or the diff has a refusal.
	Pass bool `json:"pass"`
}

// InventoryRow counts the resources of one type owned by one component.
type InventoryRow struct {
	Component string `json:"component"`
	Type      string `json:"type"`
	Count     int    `json:"count"`
	Protected int    `json:"protected"`
}

// Resource is one registered resource as plain JSON.
type Resource struct {
	URN    string `json:"urn"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	// Component is the name of the outermost platform component owning the resource
	// ("(stack)" when none does).
	Component string `json:"component"`
	Custom    bool   `json:"custom"`
	Protect   bool   `json:"protect"`
	// RetainOnDelete and DeleteBeforeReplace are the resource options of that name.
	RetainOnDelete      bool `json:"retainOnDelete,omitempty"`
	DeleteBeforeReplace bool `json:"deleteBeforeReplace,omitempty"`
	// Provider is the URN of the explicit provider, "" for the default one.
	Provider string `json:"provider,omitempty"`
	// Dependencies are the URNs this resource waits for, sorted.
	Dependencies []string `json:"dependencies,omitempty"`
	// PropertyDependencies maps a top-level input to the URNs it is computed from (each
	// list sorted): what the diff follows to find the replacements a replacement causes.
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
	ReplaceOnChanges     []string            `json:"replaceOnChanges,omitempty"`
	// IgnoreChanges is the resource option: the engine keeps the old value of these
	// inputs, so a replacement upstream does not reach the resource through them.
	IgnoreChanges []string `json:"ignoreChanges,omitempty"`
	// Inputs as plain JSON: secret values are "[secret]", unknown (computed) values
	// "[unknown]", assets "[asset]", archives "[archive]", resource references their URN.
	Inputs map[string]any `json:"inputs"`
}

// Finding is one policy verdict.
type Finding struct {
	Rule        string `json:"rule"`
	Severity    string `json:"severity"`
	Enforcement string `json:"enforcement"` // mandatory | advisory
	URN         string `json:"urn,omitempty"`
	Name        string `json:"name,omitempty"`
	Type        string `json:"type,omitempty"`
	// Message names the resource, the property, the bad value and the fix.
	Message string `json:"message"`
	// Blocking is true for a mandatory finding that no exception covers.
	Blocking        bool   `json:"blocking"`
	Unknown         bool   `json:"unknown,omitempty"`
	Exempted        bool   `json:"exempted,omitempty"`
	ExemptionReason string `json:"exemptionReason,omitempty"`
	Error           bool   `json:"error,omitempty"`
}

// Cost is the modeled monthly cost.
type Cost struct {
	MonthlyUSD float64 `json:"monthlyUSD"`
	BudgetUSD  float64 `json:"budgetUSD"` // 0 when the stack sets none
	// ByComponent sums MonthlyUSD per owning component.
	ByComponent map[string]float64 `json:"byComponent"`
	// Complete is false when some resource could not be priced: MonthlyUSD is then a
	// lower bound.
	Complete bool `json:"complete"`
	// Unpriced lists the resources the model could not price, with the reason.
	Unpriced  []Unpriced `json:"unpriced,omitempty"`
	PriceDate string     `json:"priceDate"`
	Currency  string     `json:"currency"`
}

// Unpriced is a resource left out of the cost.
type Unpriced struct {
	URN    string `json:"urn"`
	Reason string `json:"reason"`
}

// OverBudget reports whether the modeled cost exceeds a set budget.
func (c Cost) OverBudget() bool { return c.BudgetUSD > 0 && c.MonthlyUSD > c.BudgetUSD }

// CriticalPath is the longest chain of the dependency graph, weighed with modeled
// provisioning times: the time a full rebuild takes at best (the DR RTO floor).
type CriticalPath struct {
	Minutes float64 `json:"minutes"`
	Chain   []Step  `json:"chain"`
	// Keystones are the slow, independent resources (RDS, ElastiCache, EKS, CloudFront)
	// with when each can start.
	Keystones []Keystone `json:"keystones"`
	// Serialised lists keystone pairs where one waits (transitively) for another: false
	// serialisation that lengthens a rebuild. Empty is the goal.
	Serialised []Serialisation `json:"serialised"`
	// TimingsSource names the data the minutes come from.
	TimingsSource string `json:"timingsSource"`
}

// Step is one resource on the critical path.
type Step struct {
	URN           string  `json:"urn"`
	Type          string  `json:"type"`
	Name          string  `json:"name"`
	Minutes       float64 `json:"minutes"`       // its own modeled creation time
	StartMinutes  float64 `json:"startMinutes"`  // when its dependencies are done
	FinishMinutes float64 `json:"finishMinutes"` // start + minutes
}

// Keystone is one slow resource and when it can start in a full rebuild.
type Keystone struct {
	URN           string  `json:"urn"`
	Type          string  `json:"type"`
	Name          string  `json:"name"`
	StartMinutes  float64 `json:"startMinutes"`
	FinishMinutes float64 `json:"finishMinutes"`
}

// Serialisation says that one keystone waits for another.
type Serialisation struct {
	URN       string   `json:"urn"`
	DependsOn string   `json:"dependsOn"`
	Via       []string `json:"via"` // the dependency chain, from URN to DependsOn
}

// Refusals returns the diff's refusals (none without a diff): like blocking findings,
// they stop a deployment.
func (r *Report) Refusals() []Refusal {
	if r.Diff == nil {
		return nil
	}
	return r.Diff.Refusals
}

// Blocking returns the findings that stop a deployment.
func (r *Report) Blocking() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Blocking {
			out = append(out, f)
		}
	}
	return out
}

// Document is what a run renders: one report per stack and, for several stacks, the
// parity comparison between them.
type Document struct {
	Reports []*Report
	Parity  *Parity // nil for one stack
	// Notes are run-level remarks (e.g. why a diff could not be made).
	Notes []string
}

// Pass reports whether no report has a blocking finding or a refused diff.
func (d *Document) Pass() bool {
	for _, r := range d.Reports {
		if !r.Summary.Pass || len(r.Refusals()) > 0 {
			return false
		}
	}
	return true
}
