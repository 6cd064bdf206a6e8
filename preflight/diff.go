package preflight

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Diff compares a report (head) with a base report of the same stack, resources keyed
// by URN.
type Diff struct {
	// Base names what was compared against: a file path or a git ref.
	Base     string   `json:"base"`
	BaseMode string   `json:"baseMode"`
	Added    []Change `json:"added"`
	Removed  []Change `json:"removed"`
	Changed  []Change `json:"changed"` // updates and replacements
	// Replacements counts changed resources that are replaced: by a change of their own
	// replace-on-change properties or, CascadedReplacements of them, only because a
	// resource they are computed from is replaced (cascade.go). StatefulReplacements and
	// StatefulRemovals count the data-losing ones.
	Replacements         int       `json:"replacements"`
	CascadedReplacements int       `json:"cascadedReplacements"`
	StatefulReplacements int       `json:"statefulReplacements"`
	StatefulRemovals     int       `json:"statefulRemovals"`
	Cost                 CostDelta `json:"cost"`
	// Refusals are changes that cannot be deployed: a protected resource replaced or
	// removed, a setting that cannot change after creation changed. Any refusal fails
	// the report like a mandatory finding.
	Refusals []Refusal `json:"refusals"`
	// NewFindings are in head and not in base (by rule and URN); ResolvedFindings the reverse.
	NewFindings      []Finding `json:"newFindings"`
	ResolvedFindings []Finding `json:"resolvedFindings"`
	Notes            []string  `json:"notes,omitempty"`
}

// Change is one added, removed or changed resource.
type Change struct {
	URN       string `json:"urn"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	Component string `json:"component"`
	// Action is create, delete, update or replace.
	Action   string `json:"action"`
	Stateful bool   `json:"stateful"`
	Protect  bool   `json:"protect"`
	// ReplaceBecause lists the changed properties that force the replacement.
	ReplaceBecause []string `json:"replaceBecause,omitempty"`
	// CascadeFrom lists the inputs computed from replaced resources; Cascaded is true
	// when the action follows from them alone, not from the resource's own changes.
	CascadeFrom []Cascade        `json:"cascadeFrom,omitempty"`
	Cascaded    bool             `json:"cascaded,omitempty"`
	Properties  []PropertyChange `json:"properties,omitempty"`
}

// PropertyChange is one changed leaf of the inputs; Old or New is absent (null) when
// the property was added or removed.
type PropertyChange struct {
	Path     string `json:"path"`
	Old      any    `json:"old"`
	New      any    `json:"new"`
	Replaces bool   `json:"replaces,omitempty"`
}

// CostDelta is head minus base, in USD per month.
type CostDelta struct {
	BaseUSD  float64 `json:"baseUSD"`
	HeadUSD  float64 `json:"headUSD"`
	DeltaUSD float64 `json:"deltaUSD"`
	// ByComponent holds the non-zero deltas per component.
	ByComponent map[string]float64 `json:"byComponent"`
	// NewlyUnpriced are resources head cannot price that base could (e.g. an instance
	// class missing from the price table): the delta leaves them out, so it understates.
	NewlyUnpriced []string `json:"newlyUnpriced,omitempty"`
}

// Refusal is a change the deployment would refuse or that would corrupt data. Refusals
// are diagnostics like findings: Kind is the summary, Message the detail with the fix.
type Refusal struct {
	// Kind is protected-replace, protected-delete or immutable-setting.
	Kind string `json:"kind"`
	// URN is the protected resource, or the resource that fixed the setting when it
	// was created.
	URN string `json:"urn,omitempty"`
	// Key, Old and New are the config key of an immutable setting and its values.
	Key     string `json:"key,omitempty"`
	Old     string `json:"old,omitempty"`
	New     string `json:"new,omitempty"`
	Message string `json:"message"`
	Source  string `json:"source,omitempty"`
}

// Subject is what a refusal is about: the config key, else the resource.
func (r Refusal) Subject() string {
	if r.Key != "" {
		return r.Key
	}
	return r.URN
}

// Loud reports whether the diff destroys data: a stateful resource replaced or removed.
func (d *Diff) Loud() bool { return d.StatefulReplacements+d.StatefulRemovals > 0 }

// AttachDiff sets the report's diff; a diff with refusals fails the report.
func (r *Report) AttachDiff(d *Diff) {
	r.Diff = d
	if d != nil && len(d.Refusals) > 0 {
		r.Summary.Pass = false
	}
}

// protectedRefusals refuses the replacement or removal of a protected resource: the
// engine stops with "unable to replace (or delete) resource ... as it is currently marked
// for protection", and protection marks the data the platform must not lose. Protection
// in base counts: lifting it in the same change does not make the replacement safe.
func protectedRefusals(d *Diff, base map[string]*Resource) []Refusal {
	var out []Refusal
	for _, c := range d.Changed {
		if c.Action != "replace" || !(c.Protect || base[c.URN].Protect) {
			continue
		}
		out = append(out, Refusal{Kind: "protected-replace", URN: c.URN, Message: fmt.Sprintf(
			"%s %s is protected and this change replaces it (%s): `pulumi up` refuses, and a new one would start empty. "+
				"Keep what forces the replacement as it is, or migrate the data to a new resource in reviewed steps.",
			ShortType(c.Type), c.Name, strings.Join(c.Reasons(), "; "))})
	}
	for _, c := range d.Removed {
		if c.Protect {
			out = append(out, Refusal{Kind: "protected-delete", URN: c.URN, Message: fmt.Sprintf(
				"%s %s is protected and this change removes it: `pulumi up` refuses. Lift protection in a reviewed change of its own first, "+
					"once its data is kept elsewhere.", ShortType(c.Type), c.Name)})
		}
	}
	return out
}

// Compare diffs head against base. It does not modify either.
func Compare(base, head *Report, baseLabel string) *Diff {
	d := &Diff{Base: baseLabel, BaseMode: base.Mode, Added: []Change{}, Removed: []Change{}, Changed: []Change{},
		Refusals: []Refusal{}, NewFindings: []Finding{}, ResolvedFindings: []Finding{}}
	if base.Stack != head.Stack {
		d.Notes = append(d.Notes, fmt.Sprintf("base is stack %q, head is stack %q", base.Stack, head.Stack))
	}
	if base.Mode != head.Mode {
		d.Notes = append(d.Notes, fmt.Sprintf("base was captured in %s mode and head in %s mode: computed values differ by construction", base.Mode, head.Mode))
	}
	old := map[string]*Resource{}
	for i := range base.Resources {
		old[base.Resources[i].URN] = &base.Resources[i]
	}
	inBase := map[string]bool{}
	changes := map[string]*Change{}
	for i := range head.Resources {
		h := &head.Resources[i]
		b, ok := old[h.URN]
		if !ok {
			d.Added = append(d.Added, change(h, "create"))
			continue
		}
		inBase[h.URN] = true
		if c, changed := compareResource(b, h); changed {
			changes[h.URN] = &c
		}
	}
	d.CascadedReplacements = cascade(head, inBase, changes)
	// What the change itself does first, then what follows from it; each by URN (head's
	// order), so a long cascade does not bury the cause when a renderer cuts the list.
	for _, cascaded := range []bool{false, true} {
		for i := range head.Resources {
			c := changes[head.Resources[i].URN]
			if c == nil || c.Cascaded != cascaded {
				continue
			}
			if c.Action == "replace" {
				d.Replacements++
				if c.Stateful {
					d.StatefulReplacements++
				}
			}
			d.Changed = append(d.Changed, *c)
		}
	}
	for i := range base.Resources {
		b := &base.Resources[i]
		if !inBase[b.URN] {
			c := change(b, "delete")
			if c.Stateful {
				d.StatefulRemovals++
			}
			d.Removed = append(d.Removed, c)
		}
	}
	d.Refusals = append(immutableRefusals(base, head), protectedRefusals(d, old)...) // the cause first
	d.Cost = costDelta(base.Cost, head.Cost)
	d.NewFindings, d.ResolvedFindings = findingDelta(base.Findings, head.Findings)
	return d
}

func change(r *Resource, action string) Change {
	return Change{URN: r.URN, Type: r.Type, Name: r.Name, Component: r.Component, Action: action,
		Stateful: r.Custom && StatefulTypes[r.Type], Protect: r.Protect}
}

func compareResource(b, h *Resource) (Change, bool) {
	c := change(h, "update")
	before, after := flatten(b.Inputs), flatten(h.Inputs)
	paths := make([]string, 0, len(after))
	for p := range after {
		paths = append(paths, p)
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		o, n := before[p], after[p]
		if reflect.DeepEqual(o, n) {
			continue
		}
		pc := PropertyChange{Path: p, Old: o, New: n, Replaces: forcesReplacement(h.Type, p, h.ReplaceOnChanges)}
		if pc.Replaces {
			c.Action = "replace"
			c.ReplaceBecause = append(c.ReplaceBecause, p)
		}
		c.Properties = append(c.Properties, pc)
	}
	optionChanged := b.Protect != h.Protect || b.RetainOnDelete != h.RetainOnDelete || b.Parent != h.Parent
	if optionChanged {
		c.Properties = append(c.Properties, PropertyChange{Path: "(options)",
			Old: fmt.Sprintf("protect=%t retainOnDelete=%t", b.Protect, b.RetainOnDelete),
			New: fmt.Sprintf("protect=%t retainOnDelete=%t", h.Protect, h.RetainOnDelete)})
	}
	return c, len(c.Properties) > 0
}

var plainKey = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$-]*$`)

// flatten maps every leaf of plain JSON inputs to its path: "a.b[0].c", with keys that
// are not identifiers quoted (`tags["kubernetes.io/role/elb"]`). Empty maps and arrays
// are leaves, so adding or emptying one shows.
func flatten(m map[string]any) map[string]any {
	out := map[string]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				out[prefix] = map[string]any{}
				return
			}
			for k, e := range x {
				walk(joinKey(prefix, k), e)
			}
		case []any:
			if len(x) == 0 {
				out[prefix] = []any{}
				return
			}
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", prefix, i), e)
			}
		default:
			out[prefix] = v
		}
	}
	for k, v := range m {
		walk(joinKey("", k), v)
	}
	return out
}

func joinKey(prefix, k string) string {
	if !plainKey.MatchString(k) {
		return fmt.Sprintf("%s[%q]", prefix, k)
	}
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func costDelta(base, head Cost) CostDelta {
	d := CostDelta{BaseUSD: base.MonthlyUSD, HeadUSD: head.MonthlyUSD, DeltaUSD: cents(head.MonthlyUSD - base.MonthlyUSD),
		ByComponent: map[string]float64{}}
	for k, v := range head.ByComponent {
		if delta := cents(v - base.ByComponent[k]); delta != 0 {
			d.ByComponent[k] = delta
		}
	}
	for k, v := range base.ByComponent {
		if _, ok := head.ByComponent[k]; !ok && v != 0 {
			d.ByComponent[k] = cents(-v)
		}
	}
	before := map[string]bool{}
	for _, u := range base.Unpriced {
		before[u.URN] = true
	}
	for _, u := range head.Unpriced {
		if !before[u.URN] {
			d.NewlyUnpriced = append(d.NewlyUnpriced, u.URN)
		}
	}
	return d
}

func findingDelta(base, head []Finding) (added, resolved []Finding) {
	key := func(f Finding) string { return f.Rule + "\x00" + f.URN }
	inBase, inHead := map[string]bool{}, map[string]bool{}
	for _, f := range base {
		inBase[key(f)] = true
	}
	for _, f := range head {
		inHead[key(f)] = true
	}
	added, resolved = []Finding{}, []Finding{}
	for _, f := range head {
		if !inBase[key(f)] {
			added = append(added, f)
		}
	}
	for _, f := range base {
		if !inHead[key(f)] {
			resolved = append(resolved, f)
		}
	}
	return added, resolved
}
