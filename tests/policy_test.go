package tests

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files under tests/testdata")

func policyConfig(t testing.TB, stack string) rules.Config {
	t.Helper()
	cfg, err := rules.LoadConfigFile(verdict.ConfigPath("..", stack))
	require.NoError(t, err)
	return cfg
}

// TestCommittedStacksPassMandatoryPolicies: neither stack may carry a blocking finding,
// in preview (what CI sees on a pull request) or in update mode.
func TestCommittedStacksPassMandatoryPolicies(t *testing.T) {
	for _, stack := range stacksUnderTest {
		for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
			t.Run(stack+"/"+mode.String(), func(t *testing.T) {
				rep, err := verdict.Check(capture(t, stack, mode), policyConfig(t, stack))
				require.NoError(t, err)
				var lines []string
				for _, f := range rep.Blocking() {
					lines = append(lines, f.RuleID+": "+f.Message)
				}
				require.Empty(t, lines, "mandatory violations")
				for _, f := range rep.Findings {
					require.False(t, f.Error, "rule %s failed: %s", f.RuleID, f.Message)
				}
			})
		}
	}
}

// TestAdvisoryFindingsGolden lists every non-blocking finding, so a new one shows up in
// review as a diff of tests/testdata/advisory-<stack>.golden.
func TestAdvisoryFindingsGolden(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			rep, err := verdict.Check(capture(t, stack, plan.Preview), policyConfig(t, stack))
			require.NoError(t, err)
			var lines []string
			for _, f := range rep.Findings {
				if f.Blocking() {
					continue
				}
				status := string(f.Enforcement)
				if f.Exempted {
					status = "exempted: " + f.ExemptionReason
				}
				lines = append(lines, fmt.Sprintf("%s [%s] %s", f.RuleID, status, f.Name))
			}
			sort.Strings(lines)
			got := strings.Join(lines, "\n") + "\n"
			path := filepath.Join("testdata", "advisory-"+stack+".golden")
			if *updateGolden {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./tests -run TestAdvisoryFindingsGolden -update")
			require.Equal(t, string(want), got, "advisory findings changed; review and run with -update")
		})
	}
}

func TestCostWithinBudget(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			rep, err := verdict.Check(capture(t, stack, plan.Update), policyConfig(t, stack))
			require.NoError(t, err)
			t.Logf("%s: modeled $%.2f/month of a $%.0f budget\n%s", stack, rep.Cost.MonthlyUSD, rep.Budget, rep.Cost.Table())
			// Unpriced items (no sourced price in the table) are listed, never counted as zero;
			// the total is then a lower bound, which must still fit the budget.
			for _, u := range rep.Cost.Unknown {
				require.NotEmpty(t, u.Reason, "an unpriced item must say why: %s", u.URN)
				t.Logf("unpriced: %s %s: %s", u.Type, u.Name, u.Reason)
			}
			require.Positive(t, rep.Budget)
			require.LessOrEqual(t, rep.Cost.MonthlyUSD, rep.Budget)
		})
	}
}
