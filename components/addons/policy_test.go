package addons

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

// TestAddonsPassThePolicyPack runs the rules that judge what this component registers
// directly (IAM roles and policies, tags, the secret store namespace).
func TestAddonsPassThePolicyPack(t *testing.T) {
	p := capture(t, plan.Update, nil)
	stack := verdict.Stack(p)
	stack.Name = rules.StackProd
	for _, id := range []string{"iam-no-admin", "iam-trust-scoped", "cost-required-tags", "k8s-hygiene", "k8s-pss-restricted"} {
		rule, ok := rules.ByID(id)
		require.True(t, ok, id)
		findings, err := rules.Run(rule, stack, rules.Config{})
		require.NoError(t, err)
		for _, f := range findings {
			if f.Type == "aws:iam/openIdConnectProvider:OpenIdConnectProvider" {
				continue // the fixture's stand-in, not ours
			}
			require.False(t, f.Blocking() || f.Error || f.Unknown, "%s: %s %s", f.RuleID, f.URN, f.Message)
		}
	}
}
