package temporal

// ServerServices are the Temporal services the chart runs as one Deployment each. Every
// one of them opens a pool to each store (the internal-frontend is not enabled).
var ServerServices = []string{"frontend", "history", "matching", "worker"}

// rolloutSurge is the extra pod per service during a rolling update: the chart values set
// maxSurge 1 and maxUnavailable 0, so a rollout briefly runs Replicas+1 pods with pools.
const rolloutSurge = 1

// schemaJobConnections is what the schema Job holds: its steps run one after another, each
// with one connection.
const schemaJobConnections = 1

// PoolConnections is the most server connections Temporal can open to RDS at once: every
// service (ServerServices) x (Replicas + rollout surge) x (DefaultStoreMaxConns +
// VisibilityStoreMaxConns), plus the schema Job's one. With the defaults that is
// 4 x (1 + 1) x (10 + 5) + 1 = 121.
//
// The database connection budget must count it (database.PostgresArgs.OtherClients, the
// stack key dbDirectConnections, together with migrations and operators), and the schema
// Job sets it as the CONNECTION LIMIT of Temporal's role, so PostgreSQL itself refuses a
// Temporal that ever opens more than the budget allowed for. Defaults are applied first;
// the args are not validated.
func PoolConnections(args TemporalArgs) int {
	a := args.withDefaults()
	perPod := a.DefaultStoreMaxConns + a.VisibilityStoreMaxConns
	return len(ServerServices)*(a.Replicas+rolloutSurge)*perPod + schemaJobConnections
}
