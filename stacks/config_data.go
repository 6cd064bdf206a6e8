package stacks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/generic-corp/platform/components/database"
	"github.com/generic-corp/platform/components/temporal"
	"github.com/generic-corp/platform/internal/connbudget"
	"github.com/generic-corp/platform/internal/instanceclass"
)

var githubRepoRe = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)

func loadCluster(r *reader) ClusterConfig {
	c := ClusterConfig{
		KubernetesVersion: r.oneOf("kubernetesVersion", KubernetesVersions...),
		GithubRepository:  r.str("githubRepository"),
		PublicAccessCidrs: r.list("clusterPublicAccessCidrs"),
		AdminRoleArns:     r.list("clusterAdminRoleArns"),
		NodeInstanceTypes: r.list("nodeInstanceTypes"),
		NodeMin:           r.integer("nodeMinSize", 1, 100),
		NodeDesired:       r.integer("nodeDesiredSize", 1, 100),
		NodeMax:           r.integer("nodeMaxSize", 1, 100),
		NodeDiskGiB:       r.integer("nodeDiskGiB", 20, 1000),
	}
	if !githubRepoRe.MatchString(c.GithubRepository) {
		r.errs.add("githubRepository", c.GithubRepository, `is not a GitHub repository (allowed: "owner/name", e.g. generic-corp/platform)`)
	}
	checkPublicAccessCidrs(r, c.PublicAccessCidrs)
	for _, arn := range c.AdminRoleArns {
		if !strings.HasPrefix(arn, "arn:aws:iam::") || !strings.Contains(arn, ":role/") {
			r.errs.add("clusterAdminRoleArns", arn, "is not an IAM role ARN (allowed: arn:aws:iam::<account>:role/<name>)")
		}
	}
	if r.raw["nodeInstanceTypes"] != "" && len(c.NodeInstanceTypes) == 0 {
		r.errs.add("nodeInstanceTypes", "[]", "must name at least one instance type")
	}
	if !r.errs.any("nodeMinSize", "nodeDesiredSize", "nodeMaxSize") && (c.NodeMin > c.NodeDesired || c.NodeDesired > c.NodeMax) {
		r.errs.add("nodeDesiredSize", fmt.Sprint(c.NodeDesired), "must satisfy nodeMinSize (%d) <= nodeDesiredSize <= nodeMaxSize (%d)", c.NodeMin, c.NodeMax)
	}
	return c
}

func loadDatabase(r *reader) DatabaseConfig {
	d := DatabaseConfig{
		InstanceClass:       r.str("dbInstanceClass"),
		EngineVersion:       r.str("dbEngineVersion"),
		AllocatedGiB:        r.integer("dbAllocatedStorageGiB", 20, 65536),
		MaxAllocatedGiB:     r.integer("dbMaxAllocatedStorageGiB", 20, 65536),
		MultiAz:             r.boolean("dbMultiAz"),
		BackupRetentionDays: r.integer("dbBackupRetentionDays", 1, 35),
		DeletionProtection:  r.boolean("dbDeletionProtection"),
		ReadReplica:         r.boolean("dbReadReplica"),
		PgBouncerReplicas:   r.integer("pgbouncerReplicas", 2, 20),
		DefaultPoolSize:     r.integer("pgbouncerDefaultPoolSize", 1, 500),
		ReservePoolSize:     r.integer("pgbouncerReservePoolSize", 0, 100),
		MaxClientConn:       r.integer("pgbouncerMaxClientConn", 10, 100000),
		DirectConnections:   r.integer("dbDirectConnections", 0, 5000),
		ConnectionMargin:    r.integer("dbConnectionMargin", 3, 1000),
	}
	if d.EngineVersion != "" && d.EngineVersion != database.DefaultEngineVersion {
		r.errs.add("dbEngineVersion", d.EngineVersion, "is not allowed (allowed: %s, the major only: RDS applies minor upgrades itself, and a pinned minor makes the next run ask for a refused downgrade; a major upgrade is its own change)", database.DefaultEngineVersion)
	}
	if d.MaxAllocatedGiB != 0 && d.MaxAllocatedGiB <= d.AllocatedGiB {
		r.errs.add("dbMaxAllocatedStorageGiB", fmt.Sprint(d.MaxAllocatedGiB), "must be above dbAllocatedStorageGiB (%d) so storage can autoscale", d.AllocatedGiB)
	}
	return d
}

func loadCache(r *reader) CacheConfig {
	c := CacheConfig{
		EngineVersion:         r.str("redisEngineVersion"),
		QueueNodeType:         r.str("redisQueueNodeType"),
		CacheNodeType:         r.str("redisCacheNodeType"),
		Replicas:              r.integer("redisReplicas", 0, 5),
		SnapshotRetentionDays: r.integer("redisSnapshotRetentionDays", 1, 35),
	}
	if c.EngineVersion != "" && !strings.HasPrefix(c.EngineVersion, "7.") {
		r.errs.add("redisEngineVersion", c.EngineVersion, "is not Redis 7 (allowed: 7.0, 7.1)")
	}
	return c
}

// validateClasses refuses every instance class the environment may not choose. The
// choices are internal/instanceclass's (classes.json): each is priced in cost/prices.json
// (cost tests) and the stack's cost-instance-allowlist is generated from them, so what
// Load accepts is always priced and allowed by policy.
func validateClasses(r *reader, c *Config) {
	ch, ok := instanceclass.ChoicesFor(c.Environment)
	if !ok {
		return // the environment itself is refused
	}
	refuse := func(key, class, what string, allowed []string) {
		if class != "" && !slices.Contains(allowed, class) {
			r.errs.add(key, class, "is not an allowed %s for %s (allowed: %s; internal/instanceclass/classes.json lists each environment's priced classes)",
				what, c.Environment, strings.Join(allowed, ", "))
		}
	}
	refuse("dbInstanceClass", c.Database.InstanceClass, "RDS class", ch.RDS)
	refuse("redisQueueNodeType", c.Cache.QueueNodeType, "node type", ch.Cache)
	refuse("redisCacheNodeType", c.Cache.CacheNodeType, "node type", ch.Cache)
	for _, t := range c.Cluster.NodeInstanceTypes {
		refuse("nodeInstanceTypes", t, "node type", ch.Nodes)
	}
}

// validateCrossField holds the rules that relate keys to each other and to the
// environment: what prod may never relax. Each rule runs unless a key it reads has a
// problem already (the value in its place is a zero, not the stack's).
func validateCrossField(c *Config, errs *problems) {
	ok := func(keys ...string) bool { return !errs.any(keys...) }
	azs := len(c.Network.AvailabilityZones)
	nat := ok("natGateways", "availabilityZones")
	if nat && c.Network.NatGateways != 1 && c.Network.NatGateways != azs {
		errs.add("natGateways", fmt.Sprint(c.Network.NatGateways), "must be 1 or one per availability zone (%d)", azs)
	}
	if c.Strict() {
		if nat && c.Network.NatGateways != azs {
			errs.add("natGateways", fmt.Sprint(c.Network.NatGateways), "must be one per availability zone (%d) in %s: a single NAT is a single point of failure", azs, c.Environment)
		}
		if ok("dbMultiAz") && !c.Database.MultiAz {
			errs.add("dbMultiAz", "false", "must be true in %s (99.9%% uptime needs a standby; policy rds-multi-az)", c.Environment)
		}
		if ok("dbDeletionProtection") && !c.Database.DeletionProtection {
			errs.add("dbDeletionProtection", "false", "must be true in %s (policy rds-deletion-protection)", c.Environment)
		}
		if ok("dbBackupRetentionDays") && c.Database.BackupRetentionDays < 30 {
			errs.add("dbBackupRetentionDays", fmt.Sprint(c.Database.BackupRetentionDays), "must be at least 30 in %s (seed: 30-day retention; policy rds-backup-retention)", c.Environment)
		}
		if ok("redisReplicas") && c.Cache.Replicas < 1 {
			errs.add("redisReplicas", fmt.Sprint(c.Cache.Replicas), "must be at least 1 in %s (automatic failover needs a replica; policy redis-failover)", c.Environment)
		}
		if ok("nodeMinSize") && c.Cluster.NodeMin < 2 {
			errs.add("nodeMinSize", fmt.Sprint(c.Cluster.NodeMin), "must be at least 2 in %s (pods spread over zones)", c.Environment)
		}
	}
	if !ok("environment", "dbInstanceClass", "pgbouncerReplicas", "pgbouncerDefaultPoolSize", "pgbouncerReservePoolSize", "dbDirectConnections", "dbConnectionMargin") {
		return
	}
	budget, err := c.ConnectionBudget()
	if err != nil {
		return
	}
	if err := budget.Check(); err != nil {
		errs.add("pgbouncerReplicas", fmt.Sprint(c.Database.PgBouncerReplicas),
			"(+%d surge pod during a rollout, plus Temporal's %d pool connections) breaks the connection budget of %s: %v (lower pgbouncerReplicas or pgbouncerDefaultPoolSize, or pick a larger dbInstanceClass)",
			connbudget.RolloutSurge, c.TemporalPoolConnections(), c.Database.InstanceClass, err)
	}
}

// ConnectionBudget is the PgBouncer/RDS connection budget of this configuration: the one
// Load checks, the database component checks again on its args, and the
// pgbouncer-connection-budget entry of policies/config/<stack>.json restates.
func (c *Config) ConnectionBudget() (connbudget.Budget, error) {
	maxConns, err := instanceclass.MaxConnections(c.Database.InstanceClass)
	if err != nil {
		return connbudget.Budget{}, err
	}
	d := c.Database
	return connbudget.ForPgBouncer(d.PgBouncerReplicas, d.DefaultPoolSize, d.ReservePoolSize,
		c.OtherClients(), d.ConnectionMargin, maxConns), nil
}

// OtherClients are the connections opened to RDS past PgBouncer: dbDirectConnections
// (migrations, operators) and Temporal's own pools.
func (c *Config) OtherClients() int {
	return c.Database.DirectConnections + c.TemporalPoolConnections()
}

// TemporalReplicas is how many pods each Temporal service runs: two in prod for HA.
func (c *Config) TemporalReplicas() int {
	if c.Strict() {
		return 2
	}
	return 1
}

// TemporalPoolConnections is what Temporal's own connection pools may open to RDS
// directly (Temporal cannot run behind PgBouncer's transaction pooling).
func (c *Config) TemporalPoolConnections() int {
	return temporal.PoolConnections(temporal.TemporalArgs{Replicas: c.TemporalReplicas()})
}
