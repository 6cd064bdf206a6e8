package rules

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// ruleCase is the minimum every rule must show: a passing stack, a failing stack (with a
// message fragment that names the property), and a stack where the value the rule needs
// is unknown (the verdict moves to "<id>-unknown").
type ruleCase struct {
	id      string
	pass    Stack
	fail    Stack
	failMsg string
	unknown Stack
	// noUnknown documents a rule that never needs a computed value; unknown then holds a
	// stack with computed inputs that must still yield a plain verdict.
	noUnknown bool
	// passCfg and failCfg configure the pass and fail runs (stack rules fed by params).
	passCfg, failCfg Config
}

func allCases() []ruleCase {
	return slices.Concat(rdsCases(), redisCases(), s3Cases(), cloudfrontCases(), eksCases(), networkCases(),
		iamCases(), serviceCases(), k8sCases(), costCases(), rolloutCases(), rehearsalCases(), day2Cases(), lifecycleCases(), cisCases())
}

func TestEveryRuleHasCases(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, c := range allCases() {
		require.False(t, seen[c.id], "duplicate case for %s", c.id)
		seen[c.id] = true
	}
	for _, r := range All() {
		require.True(t, seen[r.ID], "rule %s has no pass/fail/unknown case", r.ID)
	}
	require.Len(t, seen, len(All()))
}

func TestRules(t *testing.T) {
	t.Parallel()
	for _, c := range allCases() {
		t.Run(c.id, func(t *testing.T) {
			t.Parallel()
			t.Run("pass", func(t *testing.T) {
				fs := runWith(t, c.id, c.pass, c.passCfg)
				require.Empty(t, only(fs, c.id), messages(fs))
				require.Empty(t, only(fs, UnknownID(c.id)), messages(fs))
			})
			t.Run("fail", func(t *testing.T) {
				fs := only(runWith(t, c.id, c.fail, c.failCfg), c.id)
				require.NotEmpty(t, fs, "expected a %s finding", c.id)
				require.True(t, slices.ContainsFunc(fs, func(f Finding) bool { return strings.Contains(f.Message, c.failMsg) }),
					"no message contains %q:\n%s", c.failMsg, messages(fs))
				for _, f := range fs {
					require.False(t, f.Unknown)
					require.NotEmpty(t, f.Message)
					rule, _ := ByID(c.id)
					require.Equal(t, rule.Severity, f.Severity)
					require.Equal(t, rule.DefaultEnforcement(c.fail.Name), f.Enforcement)
				}
			})
			t.Run("unknown", func(t *testing.T) {
				fs := run(t, c.id, c.unknown)
				if c.noUnknown {
					require.Empty(t, only(fs, UnknownID(c.id)), messages(fs))
					return
				}
				unk := only(fs, UnknownID(c.id))
				require.NotEmpty(t, unk, "expected a %s finding:\n%s", UnknownID(c.id), messages(fs))
				for _, f := range unk {
					require.True(t, f.Unknown)
					require.Equal(t, Advisory, f.Enforcement)
				}
			})
		})
	}
}
