package alerting

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	rdsNamespace   = "AWS/RDS"
	redisNamespace = "AWS/ElastiCache"
	gib            = 1 << 30
)

// databaseAlarms watch the RDS instance: CPU, free storage (the seed's disk > 90 %),
// connections against max_connections (seed incident 1) and replica lag.
func databaseAlarms(a AlertingArgs) []alarmSpec {
	db := a.Database
	if db == nil {
		return nil
	}
	t := a.Thresholds
	dims := pulumi.StringMap{"DBInstanceIdentifier": db.InstanceIdentifier}
	const gaps = " Gaps keep the last state (missing): the RDS event subscription reports an instance that stops."
	specs := []alarmSpec{
		{
			name: "db-cpu-warning", severity: Warning,
			description: fmt.Sprintf("RDS CPU > %g%% for 15 minutes. Runbook: High API Latency (slow queries).", t.DbCpuWarningPercent) + gaps,
			metric:      &metric{rdsNamespace, "CPUUtilization", dims, "Average"}, period: 300,
			threshold: t.DbCpuWarningPercent, comparison: above,
			evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: missingKeepsState,
		},
		{
			name: "db-free-storage-critical", severity: Critical,
			description: fmt.Sprintf("Seed critical: disk usage > %g%%: RDS free storage below %g%% of %d GiB for 15 minutes. "+
				"Storage autoscaling acts at 10%% free, so this pages only when it could not (ceiling reached, or the 6-hour cool-down).",
				100-t.DbFreeStorageCriticalPercent, t.DbFreeStorageCriticalPercent, db.AllocatedStorageGiB) + gaps,
			metric: &metric{rdsNamespace, "FreeStorageSpace", dims, "Minimum"}, period: 300,
			threshold:  float64(db.AllocatedStorageGiB) * gib * t.DbFreeStorageCriticalPercent / 100,
			comparison: below, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: missingKeepsState,
		},
		{
			name: "db-connections-warning", severity: Warning,
			description: fmt.Sprintf("Connections > %g%% of max_connections (%d). Runbook: Database Connection Exhaustion.",
				t.DbConnectionsWarningPercent, db.MaxConnections) + gaps,
			metric: &metric{rdsNamespace, "DatabaseConnections", dims, "Maximum"}, period: 60,
			threshold:  float64(db.MaxConnections) * t.DbConnectionsWarningPercent / 100,
			comparison: above, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: missingKeepsState,
		},
		{
			name: "db-connections-critical", severity: Critical,
			description: fmt.Sprintf("Seed critical: database connection failures are imminent: connections > %g%% of max_connections (%d). "+
				"Runbook: Database Connection Exhaustion (scale the pool down or PgBouncer, restart leaking servers).",
				t.DbConnectionsCriticalPercent, db.MaxConnections) + gaps,
			metric: &metric{rdsNamespace, "DatabaseConnections", dims, "Maximum"}, period: 60,
			threshold:  float64(db.MaxConnections) * t.DbConnectionsCriticalPercent / 100,
			comparison: above, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: missingKeepsState,
		},
	}
	if db.ReplicaIdentifier != nil {
		specs = append(specs, alarmSpec{
			name: "db-replica-lag-warning", severity: Warning,
			description: fmt.Sprintf("Seed metric: replication lag > %gs for 5 minutes; reads from the replica are stale. "+
				"A replica that reports no lag is not replicating (missing: breaching).", t.DbReplicaLagWarningSeconds),
			metric:    &metric{rdsNamespace, "ReplicaLag", pulumi.StringMap{"DBInstanceIdentifier": db.ReplicaIdentifier}, "Maximum"},
			period:    60,
			threshold: t.DbReplicaLagWarningSeconds, comparison: above,
			evaluationPeriods: 5, datapointsToAlarm: 5, treatMissingData: missingIsBad,
		})
	}
	return specs
}

// nodeQueries reads one metric of every node of a group (m1, m2, ...) and combines them
// with fn (MAX or SUM) into the "alarm" line. ElastiCache names the nodes of a cluster
// mode disabled group "<group>-001", "<group>-002", ...
func nodeQueries(r RedisAlarms, metricName, stat, fn string) []query {
	var qs []query
	var ids []string
	for i := 1; i <= r.Nodes; i++ {
		id := fmt.Sprintf("m%d", i)
		node := r.ReplicationGroupId.ToStringOutput().ApplyT(func(g string) string { return fmt.Sprintf("%s-%03d", g, i) }).(pulumi.StringOutput)
		qs = append(qs, query{id: id, label: fmt.Sprintf("node %03d", i),
			metric: &metric{redisNamespace, metricName, pulumi.StringMap{"CacheClusterId": node}, stat}})
		ids = append(ids, id)
	}
	return append(qs, query{id: "alarm", label: strings.ToLower(fn) + " over nodes", expr: fn + "([" + strings.Join(ids, ", ") + "])"})
}

// redisAlarms watch each group: memory (seed: > 80 %), engine CPU, a missing primary
// (seed: Redis unavailable) and, on noeviction groups, evictions and full memory.
func redisAlarms(a AlertingArgs) []alarmSpec {
	t := a.Thresholds
	var specs []alarmSpec
	for _, r := range a.Redis {
		p := "redis-" + r.Name
		specs = append(specs,
			alarmSpec{
				name: p + "-memory-warning", severity: Warning,
				description: fmt.Sprintf("Seed warning: memory usage > %g%% on a node of the %s group for 5 minutes. Runbook: Redis OOM. "+
					"Gaps keep the last state (missing); the unavailable alarm covers silent nodes.", t.RedisMemoryWarningPercent, r.Name),
				queries: nodeQueries(r, "DatabaseMemoryUsagePercentage", "Maximum", "MAX"), period: 60,
				threshold: t.RedisMemoryWarningPercent, comparison: above,
				evaluationPeriods: 5, datapointsToAlarm: 5, treatMissingData: missingKeepsState,
			},
			alarmSpec{
				name: p + "-engine-cpu-warning", severity: Warning,
				description: fmt.Sprintf("Redis engine CPU > %g%% on a node of the %s group for 15 minutes (Redis runs commands on one thread). "+
					"Gaps keep the last state (missing).", t.RedisEngineCpuWarningPercent, r.Name),
				queries: nodeQueries(r, "EngineCPUUtilization", "Average", "MAX"), period: 300,
				threshold: t.RedisEngineCpuWarningPercent, comparison: above,
				evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: missingKeepsState,
			},
			alarmSpec{
				name: p + "-unavailable-critical", severity: Critical,
				description: fmt.Sprintf("Seed critical: Redis unavailable: no node of the %s group reports being primary (IsMaster) "+
					"for 3 minutes. No data at all means the group is gone (missing: breaching).", r.Name),
				queries: nodeQueries(r, "IsMaster", "Maximum", "MAX"), period: 60,
				threshold: 1, comparison: below,
				evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: missingIsBad,
			},
		)
		if !r.NoEviction {
			continue
		}
		specs = append(specs,
			alarmSpec{
				name: p + "-evictions-critical", severity: Critical,
				description: fmt.Sprintf("The %s group must never evict (maxmemory-policy noeviction: an evicted BullMQ key corrupts a queue); "+
					"any eviction means the policy is wrong. No data means no evictions (missing: notBreaching).", r.Name),
				queries: nodeQueries(r, "Evictions", "Sum", "SUM"), period: 60,
				threshold: 0, comparison: above,
				evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: missingIsOK,
			},
			alarmSpec{
				name: p + "-memory-critical", severity: Critical,
				description: fmt.Sprintf("Redis OOM imminent on the noeviction %s group: memory > %g%%; at 100%% every write (every job enqueue) fails. "+
					"Runbook: Redis OOM. Gaps keep the last state (missing).", r.Name, t.RedisNoEvictionMemoryCriticalPercent),
				queries: nodeQueries(r, "DatabaseMemoryUsagePercentage", "Maximum", "MAX"), period: 60,
				threshold: t.RedisNoEvictionMemoryCriticalPercent, comparison: above,
				evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: missingKeepsState,
			},
		)
	}
	return specs
}
