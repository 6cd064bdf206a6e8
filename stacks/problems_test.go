package stacks

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// loadProblems loads a committed stack file with edits (nil value: drop the key) and
// returns its ConfigError.
func loadProblems(t *testing.T, stack string, edits map[string]*string) *ConfigError {
	t.Helper()
	raw := stackConfig(t, stack)
	for k, v := range edits {
		if v == nil {
			delete(raw, k)
			continue
		}
		raw[k] = *v
	}
	_, err := Load(stack, raw)
	var cerr *ConfigError
	require.True(t, errors.As(err, &cerr), "want a ConfigError, got %v", err)
	return cerr
}

func ptr(s string) *string { return &s }

// TestTypeAndRuleProblemsInOneList: a value of the wrong type no longer hides the rule
// problems of the same file, and does not bring a second, derived problem of its own key.
func TestTypeAndRuleProblemsInOneList(t *testing.T) {
	t.Parallel()
	cerr := loadProblems(t, "prod", map[string]*string{
		"platform:nodeMinSize": ptr("three"), // type
		"platform:dbMultiAz":   ptr("false"), // prod rule
	})
	require.Equal(t, `stack "prod" has 2 configuration problems; nothing was deployed:
  - platform:nodeMinSize: "three" is not an integer (allowed: whole numbers 1 to 100)
  - platform:dbMultiAz: "false" must be true in prod (99.9% uptime needs a standby; policy rds-multi-az)`, cerr.Error())
}

// TestOneProblemErrorText is the whole message of a file with one problem: no header
// from an error-joining library, one line naming the key, the value and what is allowed.
func TestOneProblemErrorText(t *testing.T) {
	t.Parallel()
	cerr := loadProblems(t, "prod", map[string]*string{"platform:dbDeletionProtection": ptr("false")})
	require.Equal(t, `stack "prod" has 1 configuration problem; nothing was deployed:
  - platform:dbDeletionProtection: "false" must be true in prod (policy rds-deletion-protection)`, cerr.Error())
	require.NotContains(t, cerr.Error(), "error occurred")
}

// TestProblemsInKeyTableOrder: the list follows the stack file's layout (aws:region, then
// the key table, as in Pulumi.yaml and docs/configuration.md), unknown keys last.
func TestProblemsInKeyTableOrder(t *testing.T) {
	t.Parallel()
	cerr := loadProblems(t, "prod", map[string]*string{
		"platform:zzzTypo":          ptr("1"),
		"platform:dbMultiAz":        ptr("false"),
		"platform:nodeMinSize":      ptr("three"),
		"aws:region":                nil,
		"platform:monthlyBudgetUsd": ptr("lots"),
	})
	var keys []string
	for _, p := range cerr.Problems {
		keys = append(keys, p.Key)
	}
	require.Equal(t, []string{"aws:region", "platform:monthlyBudgetUsd", "platform:nodeMinSize", "platform:dbMultiAz", "platform:zzzTypo"}, keys)
}

// TestRequiredMessagesReadCleanly: the message of every key without a default, when the
// file leaves it out, is one line whose sentences join without doubled punctuation.
func TestRequiredMessagesReadCleanly(t *testing.T) {
	t.Parallel()
	for _, k := range Keys {
		if k.Default != nil {
			continue
		}
		cerr := loadProblems(t, "prod", map[string]*string{Namespace + ":" + k.Name: nil})
		require.True(t, cerr.Has(k.Name), k.Name)
		for _, p := range cerr.Problems {
			s := strings.ReplaceAll(p.String(), "...", "…") // an ellipsis is not a doubled stop
			require.NotContains(t, s, "\n", s)
			for _, bad := range []string{".;", ";.", "..", ";;", " ;", " ."} {
				require.NotContains(t, s, bad, s)
			}
		}
	}
}
