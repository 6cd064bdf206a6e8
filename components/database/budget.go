package database

import "github.com/generic-corp/platform/internal/connbudget"

// ConnectionBudget is the server-connection arithmetic that seed incident 1 (database
// connection exhaustion) asks us to prove before deploying; internal/connbudget holds it
// for the stack config, this component and the policy rule alike.
type ConnectionBudget = connbudget.Budget

// budget is the connection budget these args imply, counting the rollout surge.
func (a PostgresArgs) budget(maxConnections int) ConnectionBudget {
	return connbudget.ForPgBouncer(a.PgBouncer.Replicas, a.PgBouncer.DefaultPoolSize, a.PgBouncer.ReservePoolSize,
		a.OtherClients, a.ConnectionMargin, maxConnections)
}
