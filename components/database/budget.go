package database

import (
	"fmt"
	"slices"
	"strings"
)

// bytesPerConnection is the divisor of the RDS for PostgreSQL default
// max_connections = LEAST({DBInstanceClassMemory/9531392}, 5000).
const bytesPerConnection = 9531392

// maxConnectionsCap is the upper bound of that default formula.
const maxConnectionsCap = 5000

// usablePercent models DBInstanceClassMemory: the class memory minus what the OS and the
// RDS agents reserve. AWS does not publish the reserve; observed defaults on Graviton
// classes sit at 90-95% of the nominal memory, so we take 90%: the budget errs low,
// never high, and the explicit max_connections we set is never above the RDS default.
const usablePercent = 90

// classMemoryGiB is the nominal memory of the RDS classes we allow (AWS instance type
// pages; the t4g, m6g/m7g and r6g/r7g families double per size step):
//
//	class           large  xlarge  2xlarge  4xlarge   (GiB)
//	db.t4g.*          8      16      32        -      (micro 1, small 2, medium 4)
//	db.m6g.*/m7g.*    8      16      32       64
//	db.r6g.*/r7g.*   16      32      64      128
var classMemoryGiB = map[string]int{
	"db.t4g.micro": 1, "db.t4g.small": 2, "db.t4g.medium": 4,
	"db.t4g.large": 8, "db.t4g.xlarge": 16, "db.t4g.2xlarge": 32,

	"db.m6g.large": 8, "db.m6g.xlarge": 16, "db.m6g.2xlarge": 32, "db.m6g.4xlarge": 64,
	"db.m7g.large": 8, "db.m7g.xlarge": 16, "db.m7g.2xlarge": 32, "db.m7g.4xlarge": 64,

	"db.r6g.large": 16, "db.r6g.xlarge": 32, "db.r6g.2xlarge": 64, "db.r6g.4xlarge": 128,
	"db.r7g.large": 16, "db.r7g.xlarge": 32, "db.r7g.2xlarge": 64, "db.r7g.4xlarge": 128,
}

// SupportedClasses lists the instance classes MaxConnections knows, sorted.
func SupportedClasses() []string {
	out := make([]string, 0, len(classMemoryGiB))
	for c := range classMemoryGiB {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// MaxConnections returns the RDS default max_connections for a PostgreSQL class:
// LEAST({DBInstanceClassMemory/9531392}, 5000), with DBInstanceClassMemory = 90% of the
// class memory (see classMemoryGiB for the table). Examples: db.t4g.medium 405,
// db.m7g.large 811, db.r7g.large 1622, 64 GiB classes and up 5000 (the cap).
func MaxConnections(instanceClass string) (int, error) {
	gib, ok := classMemoryGiB[instanceClass]
	if !ok {
		return 0, fmt.Errorf("instance class %q has no known memory size (supported: %s)",
			instanceClass, strings.Join(SupportedClasses(), ", "))
	}
	usable := (int64(gib) << 30) * usablePercent / 100
	return int(min(usable/bytesPerConnection, maxConnectionsCap)), nil
}

// ConnectionBudget is the server-connection arithmetic that seed incident 1 (database
// connection exhaustion) asks us to prove before deploying.
type ConnectionBudget struct {
	// Replicas is the number of PgBouncer pods at peak (spec.replicas + rolling-update surge).
	Replicas int
	// DefaultPoolSize is pgbouncer default_pool_size (server connections per pod).
	DefaultPoolSize int
	// ReservePoolSize is pgbouncer reserve_pool_size (extra server connections per pod).
	ReservePoolSize int
	// OtherClients are connections that bypass PgBouncer: Temporal's own pools,
	// migrations, operators' psql sessions.
	OtherClients int
	// Margin is kept free: superuser_reserved_connections, rds_superuser and admin headroom.
	Margin int
	// MaxConnections is the server's max_connections.
	MaxConnections int
}

// Used is the worst-case number of server connections the clients can open.
func (b ConnectionBudget) Used() int {
	return b.Replicas*(b.DefaultPoolSize+b.ReservePoolSize) + b.OtherClients
}

// Limit is what the clients may use: max_connections minus the margin.
func (b ConnectionBudget) Limit() int { return b.MaxConnections - b.Margin }

// Check returns an error, with every number, when the clients could exhaust the server.
func (b ConnectionBudget) Check() error {
	if b.Used() <= b.Limit() {
		return nil
	}
	return fmt.Errorf("connection budget exceeded: %d PgBouncer pods x (default_pool_size %d + reserve_pool_size %d) "+
		"+ %d other clients = %d server connections, but max_connections %d - margin %d = %d; "+
		"lower the pool sizes or replicas, or pick a larger instance class",
		b.Replicas, b.DefaultPoolSize, b.ReservePoolSize, b.OtherClients, b.Used(),
		b.MaxConnections, b.Margin, b.Limit())
}
