package services

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

// TestReleasePassesThePolicyPack runs the catalogue rules that judge workloads over the
// release and requires no failure on anything our components registered (the fixture's
// stand-in RDS, Redis, ECR and secrets are not ours to judge).
func TestReleasePassesThePolicyPack(t *testing.T) {
	ids := []string{"k8s-pss-restricted", "k8s-hygiene", "k8s-ha", "iam-no-admin", "iam-trust-scoped", "cost-required-tags"}
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := captureRelease(t, mode)
			stack := verdict.Stack(p)
			stack.Name = rules.StackProd
			ours := map[string]bool{}
			for _, r := range p.Resources {
				if c := p.Component(r, "platform:services:"); c != nil {
					ours[r.URN] = true
				}
			}
			for _, id := range ids {
				rule, ok := rules.ByID(id)
				require.True(t, ok, id)
				findings, err := rules.Run(rule, stack, rules.Config{})
				require.NoError(t, err)
				for _, f := range findings {
					if f.URN != "" && !ours[f.URN] {
						continue
					}
					if mode == plan.Preview && f.Unknown {
						continue // e.g. a role ARN that only exists after the update
					}
					require.False(t, f.Blocking() || f.Error, "%s: %s %s", f.RuleID, f.URN, f.Message)
					require.False(t, strings.HasSuffix(f.RuleID, "-unknown") && mode == plan.Update, "%s: %s", f.RuleID, f.Message)
				}
			}
		})
	}
}
