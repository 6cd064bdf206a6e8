package cost

import (
	"github.com/generic-corp/platform/internal/instanceclass"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

const (
	keyRDSBackup   = "rds.backup_storage.beyond_free"
	keyRDSPIFree   = "rds.performance_insights.free_retention"
	keyLogsIngest  = "cloudwatch.logs.ingestion"
	keyLogsStorage = "cloudwatch.logs.storage"
	keyCacheBackup = "elasticache.backup_storage"
)

// rdsInstance: instance-hours at the Single-AZ or Multi-AZ rate of its engine and class,
// allocated storage at the matching gp3 rate, backup storage beyond the free allowance,
// Performance Insights beyond the free tier, and Enhanced Monitoring's log volume.
// A read replica is priced the same way, inheriting engine and storage from its source.
func rdsInstance(e *estimator, r *plan.Resource, c *calc) {
	source := e.replicaSource(r)
	inherit := func(path string) *plan.Resource {
		if _, st := read(r.Inputs, path); st == missing && source != nil {
			return source
		}
		return r
	}
	class, cst := str(r, "instanceClass")
	engine, est := str(inherit("engine"), "engine")
	multi, mst := boolean(r, "multiAz", false)
	if !c.need(mst, "multiAz") {
		return
	}
	az := "single_az"
	if multi {
		az = "multi_az"
	}
	if c.need(cst, "instanceClass") && c.need(est, "engine") {
		c.hours("rds."+engine+"."+class+"."+az, 1, "instance")
	}

	sr := inherit("allocatedStorage")
	size, sst := num(sr, "allocatedStorage")
	iops, _ := num(sr, "iops")
	stype, tst := str(inherit("storageType"), "storageType")
	if tst == missing {
		// The provider's documented default: io1 with iops, gp2 without.
		stype, tst = "gp2", known
		if iops > 0 {
			stype = "io1"
		}
	}
	switch {
	case !c.need(sst, "allocatedStorage") || !c.need(tst, "storageType"):
	case stype != "gp3":
		c.unknownf("storageType %s: the table prices gp3 RDS storage only", stype)
	default:
		c.term("rds.gp3.storage."+az, size, fmtNum(size)+" GB")
		if iops > 3000 {
			c.unknownf("%s provisioned IOPS: only 3,000 are included and extra IOPS are not in the table", fmtNum(iops))
		}
		if tp, st := num(sr, "storageThroughput"); st == known && tp > 125 {
			c.unknownf("%s MiB/s storage throughput: only 125 are included and extra throughput is not in the table", fmtNum(tp))
		}
	}
	if maxGB, st := num(r, "maxAllocatedStorage"); st == known && maxGB > size {
		c.note("storage autoscaling up to %s GB is not priced (allocated storage is)", fmtNum(maxGB))
	}

	c.term(keyRDSBackup, c.a.RDSBackupGBBeyondFree, fmtNum(c.a.RDSBackupGBBeyondFree)+" GB beyond the free allowance")
	rdsInsights(r, c)
	rdsEnhancedMonitoring(r, c)
}

func rdsInsights(r *plan.Resource, c *calc) {
	if on, st := boolean(r, "performanceInsightsEnabled", false); st == known && on {
		// The free tier is also the retention RDS applies when none is set.
		free := float64(instanceclass.PerformanceInsightsFreeRetentionDays())
		days, dst := numOr(r, "performanceInsightsRetentionPeriod", free)
		switch {
		case dst != known:
			c.need(dst, "performanceInsightsRetentionPeriod")
		case days > free:
			c.cite(keyRDSPIFree)
			c.unknownf("Performance Insights retention %s days: only the %s-day tier is in the table (free)", fmtNum(days), fmtNum(free))
		default:
			c.zero(keyRDSPIFree, "Performance Insights, "+fmtNum(free)+"-day retention")
		}
	}
	if mode, st := str(r, "databaseInsightsMode"); st == known && mode == "advanced" {
		c.unknownf("databaseInsightsMode advanced: its price is not in the table")
	}
}

// rdsEnhancedMonitoring: RDS writes OS metrics to CloudWatch Logs (RDSOSMetrics) at the
// standard ingestion and storage rates; the volume scales with the interval.
func rdsEnhancedMonitoring(r *plan.Resource, c *calc) {
	interval, st := numOr(r, "monitoringInterval", 0)
	if st != known {
		c.need(st, "monitoringInterval")
		return
	}
	if interval <= 0 {
		return
	}
	gb := c.a.EnhancedMonitoringGB * 60 / interval
	what := fmtNum(round2(gb)) + " GB Enhanced Monitoring"
	c.term(keyLogsIngest, gb, what)
	c.term(keyLogsStorage, gb, what+" stored (RDSOSMetrics keeps 30 days)")
}

// replicaSource joins a read replica to its source instance: by identifier or ARN, else
// through the replicateSourceDb dependency.
func (e *estimator) replicaSource(r *plan.Resource) *plan.Resource {
	src, st := str(r, "replicateSourceDb")
	if st == missing {
		return nil
	}
	for _, cand := range e.p.ByType(tokens.RDSInstance) {
		if cand == r {
			continue
		}
		id, _ := str(cand, "identifier")
		arn := cand.Output("arn")
		if st == known && (src == id || (arn.IsString() && src == arn.AsString()) || src == cand.ID) {
			return cand
		}
	}
	if deps := dependsOn(e.p, r, "replicateSourceDb", tokens.RDSInstance); len(deps) == 1 {
		return deps[0]
	}
	return nil
}

// cacheEngineKey maps the engine input to the table's engine segment.
func cacheEngineKey(r *plan.Resource, c *calc) (string, bool) {
	engine, st := strOr(r, "engine", "redis")
	if !c.need(st, "engine") {
		return "", false
	}
	switch engine {
	case "redis":
		return "redis_oss", true
	case "valkey":
		return "valkey", true
	}
	c.unknownf("engine %s: the table prices Redis OSS and Valkey nodes only", engine)
	return "", false
}

// replicationGroup: nodes x node-hours at the engine's rate (primary and replicas, or
// shards x (1 + replicas)), plus retained daily snapshots.
func replicationGroup(_ *estimator, r *plan.Resource, c *calc) {
	nodes, ok := cacheNodes(r, c)
	engine, eok := cacheEngineKey(r, c)
	nodeType, nst := str(r, "nodeType")
	if ok && eok && c.need(nst, "nodeType") {
		c.hours("elasticache."+engine+"."+nodeType, nodes, "nodes")
	}
	cacheSnapshots(r, c)
}

func cacheNodes(r *plan.Resource, c *calc) (float64, bool) {
	shards, sst := num(r, "numNodeGroups")
	switch sst {
	case unknown:
		return 0, c.need(sst, "numNodeGroups")
	case known:
		replicas, rst := num(r, "replicasPerNodeGroup")
		if !c.need(rst, "replicasPerNodeGroup") {
			return 0, false
		}
		return shards * (1 + replicas), true
	}
	n, st := numOr(r, "numCacheClusters", 1)
	return n, c.need(st, "numCacheClusters")
}

func cacheSnapshots(r *plan.Resource, c *calc) {
	days, st := numOr(r, "snapshotRetentionLimit", 0)
	if !c.need(st, "snapshotRetentionLimit") || days <= 0 {
		return
	}
	gb := days * c.a.CacheSnapshotGB
	c.term(keyCacheBackup, gb, count(days, "snapshot")+" x "+fmtNum(c.a.CacheSnapshotGB)+" GB")
}

// cacheCluster: a member of a replication group is priced on the group.
func cacheCluster(_ *estimator, r *plan.Resource, c *calc) {
	if _, st := read(r.Inputs, "replicationGroupId"); st != missing {
		c.free("member of a replication group, priced on the group")
		return
	}
	engine, eok := cacheEngineKey(r, c)
	nodeType, nst := str(r, "nodeType")
	n, st := numOr(r, "numCacheNodes", 1)
	if eok && c.need(nst, "nodeType") && c.need(st, "numCacheNodes") {
		c.hours("elasticache."+engine+"."+nodeType, n, "nodes")
	}
	cacheSnapshots(r, c)
}
