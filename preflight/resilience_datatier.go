package preflight

import (
	"fmt"
	"maps"
)

// postgres is an RDS PostgreSQL instance (the system of record).
type postgres struct{ res *Resource }

func (p *postgres) public() ResilienceComponent {
	return ResilienceComponent{Name: "PostgreSQL " + p.res.Name, Kind: "postgres", URN: p.res.URN}
}

func (p *postgres) multiAz() bool      { return boolean(p.res.Inputs["multiAz"]) }
func (p *postgres) retention() float64 { return number(p.res.Inputs["backupRetentionPeriod"], 0) }

func (p *postgres) availability(m *resilienceModel) (float64, string) {
	if p.multiAz() {
		return m.c.percent("sla-rds-multi-az"), "multiAz true: the RDS SLA of a Multi-AZ instance"
	}
	return m.c.percent("sla-rds-single-az"), "multiAz false: the RDS SLA of a Single-AZ instance"
}

func (p *postgres) estimate(m *resilienceModel, d string) (ResilienceEstimate, bool) {
	switch d {
	case "node-loss", "az-loss":
		if p.multiAz() {
			return est(minutesFig(m.c.minutes("rds-multi-az-failover")), minutesFig(m.c.minutes("rds-multi-az-data-loss")),
				"multiAz true: RDS fails over to the synchronous standby in another AZ", "rds-multi-az-failover", "rds-multi-az-data-loss")
		}
		rto, rpo, basis := p.restore(m)
		return est(rto, rpo, "multiAz false: no standby, so the bounded way back is "+basis, "rds-log-upload-interval", "restore-cutover")
	case "region-loss":
		rpo, basis, consts := m.postgresRegionRPO(p.res)
		return est(minutesFig(m.region.RTOMinutes), rpo, m.region.Basis+"; data: "+basis, consts...)
	case "data-corruption":
		rto, rpo, basis := p.restore(m)
		return est(rto, rpo, basis+" to just before the corruption", "rds-log-upload-interval", "restore-cutover")
	}
	return ResilienceEstimate{}, false
}

// restore is a point-in-time restore to a new instance and the cutover to it; without
// automated backups there is nothing to restore.
func (p *postgres) restore(m *resilienceModel) (Figure, Figure, string) {
	if p.retention() < 1 {
		return unboundedFig(), unboundedFig(), "nothing: backupRetentionPeriod 0 keeps no automated backups to restore"
	}
	restored := *p.res
	restored.Inputs = maps.Clone(p.res.Inputs)
	delete(restored.Inputs, "snapshotIdentifier") // a dr stack's own source; a PITR takes none
	restored.Inputs["restoreToPointInTime"] = map[string]any{"useLatestRestorableTime": true}
	restore, cutover := m.t.Minutes(&restored), m.c.minutes("restore-cutover")
	return minutesFig(restore + cutover), minutesFig(m.c.minutes("rds-log-upload-interval")),
		fmt.Sprintf("a point-in-time restore (%s, %s) and the cutover (%s); the newest restorable point trails by the 5-minute log upload (backupRetentionPeriod %g days)",
			minutes(restore), TimingsSource, minutes(cutover), p.retention())
}

// redisGroup is an ElastiCache replication group: the BullMQ queue holds work nobody else
// has; the cache holds derived data that refills from PostgreSQL.
type redisGroup struct {
	res       *Resource
	role      string
	derived   bool // the cache: losing it loses nothing
	failover  bool // a replica and automatic failover
	multiAz   bool // and that replica in another AZ
	snapshots bool
}

func newRedis(res *Resource) *redisGroup {
	role, _ := asMap(res.Inputs["tags"])["role"].(string)
	if role == "" {
		role = res.Name
	}
	failover := boolean(res.Inputs["automaticFailoverEnabled"]) && number(res.Inputs["numCacheClusters"], 1) >= 2
	return &redisGroup{res: res, role: role, derived: role == "cache", failover: failover,
		multiAz: failover && boolean(res.Inputs["multiAzEnabled"]), snapshots: number(res.Inputs["snapshotRetentionLimit"], 0) > 0}
}

func (g *redisGroup) public() ResilienceComponent {
	return ResilienceComponent{Name: "Redis " + g.role, Kind: "redis", URN: g.res.URN}
}

func (g *redisGroup) availability(m *resilienceModel) (float64, string) {
	if g.multiAz {
		return m.c.percent("sla-elasticache-multi-az"), "a replica in another AZ with automatic failover: the ElastiCache Multi-AZ SLA"
	}
	return m.c.percent("sla-elasticache-single-az"), "no replica in another AZ with automatic failover: the ElastiCache Single-AZ SLA"
}

func (g *redisGroup) estimate(m *resilienceModel, d string) (ResilienceEstimate, bool) {
	switch d {
	case "node-loss":
		if g.failover {
			return g.promote(m, fmt.Sprintf("numCacheClusters %g with automatic failover", number(g.res.Inputs["numCacheClusters"], 1)))
		}
		return g.replace(m, "no replica (numCacheClusters 1)")
	case "az-loss":
		if g.multiAz {
			return g.promote(m, "multiAzEnabled: the replica is in another AZ")
		}
		return g.replace(m, "no replica in another AZ")
	case "region-loss":
		if g.derived {
			return est(minutesFig(m.region.RTOMinutes), noDataFig(), m.region.Basis+"; data: a cache, it starts empty and refills")
		}
		return est(minutesFig(m.region.RTOMinutes), unboundedFig(),
			m.region.Basis+"; data: no snapshot of the group leaves the region (nothing exports it to S3 or joins a Global Datastore), so the jobs it holds are lost")
	case "data-corruption":
		if g.derived {
			return est(minutesFig(0), noDataFig(), "a cache: flush it (FLUSHALL) and it refills from PostgreSQL")
		}
		return g.fromSnapshot(m, "restore the newest daily snapshot into a new group")
	}
	return ResilienceEstimate{}, false
}

// promote is an automatic failover; the queue loses what asynchronous replication had
// not yet copied.
func (g *redisGroup) promote(m *resilienceModel, why string) (ResilienceEstimate, bool) {
	rpo, consts := noDataFig(), []string{"elasticache-failover"}
	if !g.derived {
		rpo, consts = minutesFig(m.c.minutes("elasticache-async-loss")), append(consts, "elasticache-async-loss")
	}
	return est(minutesFig(m.c.minutes("elasticache-failover")), rpo, why+": a replica is promoted; replication is asynchronous", consts...)
}

// replace: ElastiCache replaces the lost node, which starts empty; the queue can come
// back from its newest snapshot instead.
func (g *redisGroup) replace(m *resilienceModel, why string) (ResilienceEstimate, bool) {
	create := m.t.Minutes(g.res)
	if g.derived {
		return est(minutesFig(create), noDataFig(), fmt.Sprintf("%s: the node is replaced (%s, %s) and the cache refills", why, minutes(create), TimingsSource))
	}
	return g.fromSnapshot(m, why+": the replacement node starts empty; restore the newest daily snapshot into a new group")
}

func (g *redisGroup) fromSnapshot(m *resilienceModel, what string) (ResilienceEstimate, bool) {
	if !g.snapshots {
		return est(minutesFig(m.t.Minutes(g.res)), unboundedFig(), what+", but snapshotRetentionLimit 0 keeps no snapshot: the jobs are lost")
	}
	seeded := *g.res
	seeded.Inputs = maps.Clone(g.res.Inputs)
	seeded.Inputs["snapshotName"] = "(newest automatic snapshot)"
	restore, cutover := m.t.Minutes(&seeded), m.c.minutes("restore-cutover")
	return est(minutesFig(restore+cutover), minutesFig(m.c.minutes("elasticache-snapshot-interval")),
		fmt.Sprintf("%s (%s, %s) and the cutover (%s); snapshots are daily (snapshotRetentionLimit %g)", what, minutes(restore), TimingsSource,
			minutes(cutover), number(g.res.Inputs["snapshotRetentionLimit"], 0)),
		"elasticache-snapshot-interval", "restore-cutover")
}
