package tests

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

// The day-2 simulation (issue 12): each stack is captured in update mode, the catalogue
// of documented AWS-side behaviours drifts the state, and the program's second run must
// neither replace nor revert anything.

// secondRun captures a stack again, apart from the shared capture: the second `pulumi up`.
func secondRun(t *testing.T, stack string) *plan.Plan {
	t.Helper()
	root, err := stackplan.ProjectRoot()
	require.NoError(t, err)
	p, err := stackplan.Capture(root, stack, plan.Update)
	require.NoError(t, err, "capturing %s again", stack)
	return p
}

// TestSecondRunHasTheSameInputs proves what the simulation assumes: the program reads
// nothing from state, so its second run sends every resource the same inputs and options.
func TestSecondRunHasTheSameInputs(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			first, second := capture(t, stack, plan.Update), secondRun(t, stack)
			require.Len(t, second.Resources, len(first.Resources))
			for _, r := range first.Resources {
				again := second.Resource(r.URN)
				require.NotNil(t, again, "%s is missing from the second run", r.URN)
				require.True(t, property.New(r.Inputs).Equals(property.New(again.Inputs)), "%s: the inputs differ between runs", r.URN)
				require.Equal(t, r.IgnoreChanges, again.IgnoreChanges, r.URN)
				require.Equal(t, r.ReplaceOnChanges, again.ReplaceOnChanges, r.URN)
			}
		})
	}
}

// TestDay2Converges: no stack's second run replaces or reverts anything, and every
// behaviour of the catalogue applies to a resource of prod or dr (else the test proves
// nothing about it).
func TestDay2Converges(t *testing.T) {
	applied := map[string]int{}
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			first := capture(t, stack, plan.Update)
			rep := rules.Day2(verdict.Stack(first), verdict.Stack(secondRun(t, stack)))
			t.Logf("%s day 2:\n%s", stack, day2Summary(rep))
			if stack != "staging" {
				for id, n := range rep.Applied {
					applied[id] += n
				}
			}
			var failing []string
			for _, f := range rep.Findings() {
				failing = append(failing, f.Message)
			}
			require.Empty(t, failing, "the second run of %s would replace or revert", stack)
			require.Empty(t, findingsOf(t, stack, plan.Update, "day2-converges"), "the policy reads the same model")
		})
	}
	for _, b := range rules.Day2Behaviours() {
		require.Positive(t, applied[b.ID], "behaviour %s applies to no resource of prod or dr", b.ID)
	}
}

// day2Summary renders per-behaviour counts: resources it applied to, and the outcome of
// each drifted path.
func day2Summary(rep rules.Day2Report) string {
	var b strings.Builder
	for _, beh := range rules.Day2Behaviours() {
		outcomes := map[string]int{}
		for _, d := range rep.Diffs {
			if d.Behaviour.ID == beh.ID {
				outcomes[d.Outcome.String()]++
			}
		}
		var parts []string
		for _, o := range slices.Sorted(maps.Keys(outcomes)) {
			parts = append(parts, fmt.Sprintf("%s %d", o, outcomes[o]))
		}
		fmt.Fprintf(&b, "  %-42s applied to %d: %s\n", beh.ID, rep.Applied[beh.ID], strings.Join(parts, ", "))
	}
	return b.String()
}

// renderDay2Behaviours is the behaviour table of docs/day2.md, from the catalogue.
func renderDay2Behaviours() string {
	var b strings.Builder
	b.WriteString("| Behaviour | Applies to | What AWS and the provider's read do | Source | What converges |\n|---|---|---|---|---|\n")
	for _, beh := range rules.Day2Behaviours() {
		var types []string
		for _, typ := range beh.Types {
			types = append(types, "`"+typ+"`")
		}
		esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
		src := beh.Source
		if beh.Provider != "" {
			src += " (provider: " + beh.Provider + ")"
		}
		fmt.Fprintf(&b, "| `%s` %s | %s | %s | %s | %s |\n", beh.ID, esc(beh.Name), strings.Join(types, ", "), esc(beh.Fact),
			esc(src), esc(beh.Fix))
	}
	return b.String()
}

// TestDay2DocIsCurrent: docs/day2.md lists the catalogue as the model has it.
func TestDay2DocIsCurrent(t *testing.T) {
	const begin, end = "<!-- day2:behaviours -->\n", "<!-- /day2:behaviours -->"
	raw, err := os.ReadFile("../docs/day2.md")
	require.NoError(t, err)
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	require.True(t, i >= 0 && j > i, "docs/day2.md has no behaviour table markers")
	want := doc[:i+len(begin)] + renderDay2Behaviours() + doc[j:]
	if *updateGolden {
		require.NoError(t, os.WriteFile("../docs/day2.md", []byte(want), 0o644))
		doc = want
	}
	require.Equal(t, want, doc, "docs/day2.md is stale: go test ./tests -run TestDay2DocIsCurrent -update")
}
