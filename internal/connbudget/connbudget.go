// Package connbudget is the PgBouncer/PostgreSQL connection budget of seed incident 1
// ("too many connections"), in one place: stacks.Load checks it on the configuration,
// components/database on its args, and the pgbouncer-connection-budget rule on the plan.
// The numbers policies/config/<stack>.json carries for the rule (otherClients, margin)
// are generated from the same budget (stacks, TestPolicyConfigDerivedValuesAreCurrent).
// It has no dependencies, so the policy rules can use it without the cloud SDKs.
package connbudget

import "fmt"

const (
	// RolloutSurge is the extra PgBouncer pod, with its pools, during a rolling update:
	// the Deployment's maxSurge.
	RolloutSurge = 1
	// DefaultOtherClients are connections that bypass PgBouncer when nothing says more.
	DefaultOtherClients = 50
	// DefaultMargin is kept free by default: superuser_reserved_connections (3),
	// rds_superuser sessions and admin headroom.
	DefaultMargin = 15
)

// Budget is the server-connection arithmetic.
type Budget struct {
	// Replicas is the number of PgBouncer pods at peak (replicas, or an autoscaler's
	// maximum, plus the rolling-update surge).
	Replicas int
	// PoolsPerPod is the database/user pairs each pod pools; 0 counts as 1.
	PoolsPerPod int
	// DefaultPoolSize and ReservePoolSize are pgbouncer default_pool_size and
	// reserve_pool_size: server connections per pool.
	DefaultPoolSize, ReservePoolSize int
	// MaxDBConnections is pgbouncer max_db_connections, a per-pod cap (0: none).
	MaxDBConnections int
	// OtherClients are connections that bypass PgBouncer: Temporal's own pools,
	// migrations, operators' psql sessions.
	OtherClients int
	// Margin is kept free below max_connections.
	Margin int
	// MaxConnections is the server's max_connections.
	MaxConnections int
}

// ForPgBouncer is the budget of the program's PgBouncer: replicas pods as configured plus
// the rollout surge, one pool each (its max_db_connections is the pool's own size, so it
// caps nothing).
func ForPgBouncer(replicas, defaultPool, reservePool, otherClients, margin, maxConnections int) Budget {
	return Budget{
		Replicas: replicas + RolloutSurge, DefaultPoolSize: defaultPool, ReservePoolSize: reservePool,
		OtherClients: otherClients, Margin: margin, MaxConnections: maxConnections,
	}
}

// PerPod is the most server connections one pod opens: its pools, capped by
// max_db_connections.
func (b Budget) PerPod() int {
	n := max(b.PoolsPerPod, 1) * (b.DefaultPoolSize + b.ReservePoolSize)
	if b.MaxDBConnections > 0 && b.MaxDBConnections < n {
		return b.MaxDBConnections
	}
	return n
}

// Used is the worst-case number of server connections the clients can open.
func (b Budget) Used() int { return b.Replicas*b.PerPod() + b.OtherClients }

// Limit is what the clients may use: max_connections minus the margin.
func (b Budget) Limit() int { return b.MaxConnections - b.Margin }

// Check returns an error, with every number, when the clients could exhaust the server.
func (b Budget) Check() error {
	if b.Used() <= b.Limit() {
		return nil
	}
	pools := ""
	if b.PoolsPerPod > 1 {
		pools = fmt.Sprintf("%d pools x ", b.PoolsPerPod)
	}
	capped := ""
	if b.PerPod() < max(b.PoolsPerPod, 1)*(b.DefaultPoolSize+b.ReservePoolSize) {
		capped = fmt.Sprintf(", capped at max_db_connections %d", b.MaxDBConnections)
	}
	return fmt.Errorf("connection budget exceeded: %d PgBouncer pods x %s(default_pool_size %d + reserve_pool_size %d%s) "+
		"+ %d other clients = %d server connections, but max_connections %d - margin %d = %d; "+
		"lower the pool sizes or replicas, or pick a larger instance class",
		b.Replicas, pools, b.DefaultPoolSize, b.ReservePoolSize, capped, b.OtherClients, b.Used(),
		b.MaxConnections, b.Margin, b.Limit())
}
