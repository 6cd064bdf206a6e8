package rules

import (
	"fmt"
	"slices"
)

// The day-2 rule: the second run of a stack, after AWS has done what it documents
// (day2.go), replaces nothing and reverts nothing.

const ruleDay2Converges = "day2-converges"

var day2Converges = Rule{
	ID: ruleDay2Converges, Number: 69, Severity: Critical, Anchors: "own (issue 12: a day-2 simulation)",
	Description: "The second `pulumi up --refresh` converges: after each documented AWS-side behaviour of the day-2 catalogue " +
		"(policies/rules/day2_behaviours.go: a restore keeps the snapshot's KMS key and engine version, RDS and ElastiCache " +
		"minor upgrades, storage autoscaling, Multi-AZ failover, the cluster autoscaler, HPA and KEDA replicas, the load " +
		"balancer controller's security-group rules) has changed the state the way the provider reads it back, the program's " +
		"inputs differ from the state only at paths its ignoreChanges covers or the provider suppresses. A difference at a " +
		"replace-on-change path is a replacement, any other a revert of what AWS manages; an unknown input of a resource " +
		"that has state counts as different.",
	ResourceTypes: day2Types(),
	CheckStack:    func(s Stack, _ Params) []Finding { return Day2(s, s).Findings() },
}

func day2Types() []string {
	var out []string
	for _, b := range day2Catalogue {
		for _, t := range b.Types {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// Findings turns the failing and undecided diffs into findings of day2-converges.
func (r Day2Report) Findings() []Finding {
	var out []Finding
	for _, d := range r.Diffs {
		b := d.Behaviour
		src := b.Source
		if b.Provider != "" {
			src += "; provider: " + b.Provider
		}
		what := fmt.Sprintf("day 2, %s (%s): %s", b.Name, src, b.Fact)
		switch d.Outcome {
		case Day2Undecided:
			out = append(out, unknown(d.Resource, d.Path, "whether the next run keeps "+d.Path+" as "+b.Name+" leaves it"))
		case Day2Replaces:
			out = append(out, fail(d.Resource, "%s. The state's %s is then %s while the program sets %s; %s forces a replacement, "+
				"so the next `pulumi up` replaces the resource%s. Fix: %s", what, d.Path, d.stateShown(), d.Program, d.Path,
				protectedNote(d.Resource), b.Fix))
		case Day2Reverts:
			out = append(out, fail(d.Resource, "%s. The state's %s is then %s while the program sets %s, so the next `pulumi up` "+
				"sets it back, undoing what the behaviour changed (or failing where that cannot be undone, as a downgrade). Fix: %s", what, d.Path,
				d.stateShown(), d.Program, b.Fix))
		}
	}
	return out
}

func (d Day2Diff) stateShown() string {
	if d.StateNote != "" {
		return d.StateNote
	}
	return d.State.Display()
}

func protectedNote(r Resource) string {
	if r.Protect {
		return " (it is protected: the run fails instead)"
	}
	return ""
}
