package rules

import (
	"reflect"
	"strings"

	"github.com/generic-corp/platform/internal/replacement"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// The day-2 model: what the second `pulumi up --refresh` of a stack does after AWS (and
// the controllers in the cluster) have done what they document. The state after the
// first run is each resource's inputs, as the provider echoes them; a behaviour
// (day2_behaviours*.go) changes state paths the way AWS and the bridged Terraform
// provider's read would; the second run's inputs are the program's again (a test captures
// a stack twice and finds the inputs identical). Each drifted path is then diffed the way
// the engine would: a path the resource's ignoreChanges covers, or one the provider
// suppresses, is no change; otherwise the update either replaces the resource (the
// replace-on-change table) or reverts what AWS manages.

// Day2Outcome is what the second run does with one drifted path.
type Day2Outcome int

// The outcomes, from harmless to worst.
const (
	Day2Converges  Day2Outcome = iota // the program leaves the path to the state (unset, or equal)
	Day2Ignored                       // ignoreChanges covers the path
	Day2Suppressed                    // the provider's diff suppresses the difference
	Day2Undecided                     // a value is unknown and the resource has no state yet (preview)
	Day2Reverts                       // an update that undoes what AWS did
	Day2Replaces                      // a replacement
)

func (o Day2Outcome) String() string {
	return [...]string{"converges", "ignored", "suppressed", "undecided", "reverts", "replaces"}[o]
}

// Day2Diff is one drifted path of one resource and what the second run does with it.
type Day2Diff struct {
	Behaviour Day2Behaviour
	Resource  Resource // the second run's resource
	Path      string
	State     Value  // the state after the behaviour (what the provider's read leaves)
	StateNote string // how a message shows a state the plan cannot name ("" shows State)
	Program   Value  // the second run's input at Path
	Outcome   Day2Outcome
	// Why names the ignoreChanges entry or the suppression (with its source) that made
	// the path harmless.
	Why string
}

// Day2Report is a simulation's result.
type Day2Report struct {
	// Applied counts, per behaviour ID, the resources the behaviour applied to.
	Applied map[string]int
	Diffs   []Day2Diff
}

// Failing returns the diffs that replace or revert.
func (r Day2Report) Failing() []Day2Diff {
	var out []Day2Diff
	for _, d := range r.Diffs {
		if d.Outcome >= Day2Reverts {
			out = append(out, d)
		}
	}
	return out
}

// day2Change is a behaviour's effect on one state path.
type day2Change struct {
	path  string
	state property.Value
	note  string // shown instead of the value when the plan cannot know it (the snapshot's key)
	// foreign marks a state value that existed before the stack (the snapshot's key): an
	// unknown program value computed from this stack's resources cannot be it.
	foreign bool
	// suppressed, when set, is the provider's own diff suppression of this path, judged on
	// the second run's resource; why names it and its source.
	suppressed func(prog Resource, state Value) verdict
	why        string
	// replaces, when set, says whether the provider forces a new resource for this
	// difference beyond the replace-on-change table (a CustomizeDiff).
	replaces func(state, prog Value) bool
}

// Day2 simulates the second run: state is the first run's stack, program the second's;
// resources are matched by URN (one that only one run has is a create or a delete, not
// day-2 drift).
func Day2(state, program Stack) Day2Report {
	rep := Day2Report{Applied: map[string]int{}}
	next := make(map[string]Resource, len(program.Resources))
	for _, r := range program.Resources {
		next[r.URN] = r
	}
	for _, b := range Day2Behaviours() {
		rep.Applied[b.ID] = 0
		for _, r := range state.ofType(b.Types...) {
			changes := b.drift(state, r)
			prog, ok := next[r.URN]
			if len(changes) == 0 || !ok {
				continue
			}
			rep.Applied[b.ID]++
			for _, c := range changes {
				rep.Diffs = append(rep.Diffs, judge(b, prog, c))
			}
		}
	}
	return rep
}

// judge diffs one drifted path against the program.
func judge(b Day2Behaviour, prog Resource, c day2Change) Day2Diff {
	d := Day2Diff{Behaviour: b, Resource: prog, Path: c.path, State: valueOf(c.state), StateNote: c.note, Program: prog.in(c.path)}
	if entry, ok := ignored(prog.IgnoreChanges, c.path); ok {
		d.Outcome, d.Why = Day2Ignored, "ignoreChanges "+entry
		return d
	}
	// Every modeled path is Optional+Computed in the provider's schema, or (Kubernetes) a
	// field server-side apply leaves to its manager while the program does not set it:
	// a program that leaves it unset takes the state's value.
	if d.Program.IsMissing() {
		return d
	}
	if c.suppressed != nil {
		switch c.suppressed(prog, d.State) {
		case pass:
			d.Outcome, d.Why = Day2Suppressed, c.why
			return d
		case undecided:
			if !hasState(prog) {
				d.Outcome = Day2Undecided
				return d
			}
		}
	}
	switch sameValue(d.State, d.Program) {
	case pass:
		return d
	case undecided:
		fromStack := c.foreign && d.Program.IsUnknown() && len(prog.PropertyDependencies[topKey(c.path)]) > 0
		if !fromStack && !hasState(prog) {
			d.Outcome = Day2Undecided
			return d
		}
	}
	d.Outcome = Day2Reverts
	if replacement.Forces(prog.Type, c.path, prog.ReplaceOnChanges) || (c.replaces != nil && c.replaces(d.State, d.Program)) {
		d.Outcome = Day2Replaces
	}
	return d
}

// hasState reports a resource the first run created (an update-mode capture gives it an
// id). Its unknown input is a value the engine only learns by changing what it comes
// from, so it counts as different; without state (preview) the verdict stays open.
func hasState(r Resource) bool { return r.ID != "" }

// sameValue compares two values, secrets unwrapped; an unknown anywhere leaves it open.
func sameValue(a, b Value) verdict {
	ga, ua := toGo(a.Raw())
	gb, ub := toGo(b.Raw())
	switch {
	case a.IsUnknown() || b.IsUnknown() || ua || ub:
		return undecided
	case reflect.DeepEqual(ga, gb):
		return pass
	}
	return violation
}

// ignored reports the ignoreChanges entry that covers path: the entry itself or an
// ancestor, with "*" and "[*]" matching any one segment.
func ignored(entries []string, path string) (string, bool) {
	want, err := parsePath(path)
	if err != nil {
		return "", false
	}
	for _, e := range entries {
		segs, err := parsePath(strings.ReplaceAll(e, "[*]", ".*"))
		if err != nil || len(segs) == 0 || len(segs) > len(want) {
			continue
		}
		if coveredBy(segs, want) {
			return e, true
		}
	}
	return "", false
}

func coveredBy(prefix, path []pathSeg) bool {
	for i, s := range prefix {
		if s.key == "*" && !s.isIndex {
			continue
		}
		if s != path[i] {
			return false
		}
	}
	return true
}
