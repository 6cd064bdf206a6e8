package tests

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/policies/rules"
)

// renderPolicyTable renders docs/policies.md from the rule catalogue and the committed
// policy configs, so the table can never disagree with what the pack enforces.
func renderPolicyTable(t *testing.T) string {
	var b strings.Builder
	b.WriteString("# Policy rules\n\n")
	b.WriteString("Generated from `policies/rules` and `policies/config/*.json` by\n")
	b.WriteString("`go test ./tests -run TestPolicyDocIsCurrent -update`. Levels: **M** mandatory (blocks), A advisory, - disabled.\n")
	b.WriteString("Every rule has a companion `<id>-unknown` (advisory) for values not known until apply.\n\n")
	b.WriteString("| # | ID | Severity | staging | prod | dr | What it checks | Parameters set per stack | From |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	cfgs := map[string]rules.Config{}
	for _, st := range []string{"staging", "prod", "dr"} {
		cfgs[st] = policyConfig(t, st)
	}
	level := func(r rules.RuleInfo, st string) string {
		e := r.Enforcement[st]
		if rc, ok := cfgs[st].Rules[r.ID]; ok && rc.EnforcementLevel != "" {
			e = rc.EnforcementLevel
		}
		switch e {
		case rules.Mandatory:
			return "**M**"
		case rules.Advisory:
			return "A"
		}
		return "-"
	}
	for _, r := range rules.Catalogue() {
		var params []string
		for _, st := range []string{"staging", "prod"} {
			rc := cfgs[st].Rules[r.ID]
			for _, k := range sortedKeys(rc.Params) {
				params = append(params, fmt.Sprintf("%s: %s=%v", st, k, rc.Params[k]))
			}
			if n := len(rc.Exceptions); n > 0 {
				params = append(params, fmt.Sprintf("%s: %d exception(s)", st, n))
			}
		}
		desc := strings.ReplaceAll(r.Description, "|", "\\|")
		fmt.Fprintf(&b, "| %d | `%s` | %s | %s | %s | %s | %s | %s | %s |\n", r.Number, r.ID, r.Severity,
			level(r, "staging"), level(r, "prod"), level(r, "dr"), desc,
			strings.ReplaceAll(strings.Join(params, "; "), "|", "\\|"), r.Anchors)
	}
	return b.String()
}

// readmeTable is the rule table of the README: the same rows without the parameters.
func readmeTable(t *testing.T) string {
	full := renderPolicyTable(t)
	var b strings.Builder
	b.WriteString("| # | ID | Severity | staging | prod | dr | What it checks | From |\n|---|---|---|---|---|---|---|---|\n")
	for _, line := range strings.Split(full, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| # ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 9 {
			continue
		}
		b.WriteString("| " + strings.Join(append(cells[:7:7], cells[8]), " | ") + " |\n")
	}
	return b.String()
}

const (
	tableStart = "<!-- policy-table:start (generated: go test ./tests -run TestPolicyDocIsCurrent -update) -->\n"
	tableEnd   = "<!-- policy-table:end -->"
)

func TestPolicyDocIsCurrent(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	start, end := strings.Index(string(readme), tableStart), strings.Index(string(readme), tableEnd)
	require.True(t, start >= 0 && end > start, "README.md needs the policy table markers")
	wantReadme := string(readme[:start]) + tableStart + readmeTable(t) + string(readme[end:])
	if *updateGolden {
		require.NoError(t, os.WriteFile("../README.md", []byte(wantReadme), 0o644))
		readme = []byte(wantReadme)
	}
	require.Equal(t, wantReadme, string(readme), "the README's policy table is stale: go test ./tests -run TestPolicyDocIsCurrent -update")

	want := renderPolicyTable(t)
	if *updateGolden {
		require.NoError(t, os.WriteFile("../docs/policies.md", []byte(want), 0o644))
	}
	got, err := os.ReadFile("../docs/policies.md")
	require.NoError(t, err)
	require.Equal(t, want, string(got), "docs/policies.md is stale: go test ./tests -run TestPolicyDocIsCurrent -update")
	require.Len(t, rules.Catalogue(), 71)
}
