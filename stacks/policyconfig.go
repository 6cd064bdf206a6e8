package stacks

import "github.com/generic-corp/platform/internal/instanceclass"

// DerivedPolicyParams are the parameters of policies/config/<stack>.json that restate
// facts of this program rather than policy choices, by rule ID: the allow-lists of
// cost-instance-allowlist (the environment's instance class choices) and the inputs of
// pgbouncer-connection-budget that the plan does not show (the connections opened past
// PgBouncer, the margin). A test keeps the files equal to them
// (go test ./stacks -run TestPolicyConfigDerivedValuesAreCurrent -update).
func (c *Config) DerivedPolicyParams() (map[string]map[string]any, error) {
	budget, err := c.ConnectionBudget()
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]any{
		"pgbouncer-connection-budget": {"otherClients": budget.OtherClients, "margin": budget.Margin},
	}
	if ch, ok := instanceclass.ChoicesFor(c.Environment); ok {
		out["cost-instance-allowlist"] = map[string]any{
			"rdsClasses": ch.RDS, "cacheNodeTypes": ch.Cache, "nodeInstanceTypes": ch.Nodes,
		}
	}
	return out, nil
}
