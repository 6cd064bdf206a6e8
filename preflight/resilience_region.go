package preflight

import (
	"fmt"
	"maps"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// regionRebuild is the region-loss RTO: the plan rebuilt elsewhere, with the database
// restored from a copy (the restore variant of provisioning.json, which a dr stack
// already has), plus the people steps of docs/disaster-recovery.md (drManualSteps, the
// same table as the DR rehearsal).
func (m *resilienceModel) regionRebuild() RegionRebuild {
	rebuilt := make([]Resource, len(m.r.Resources))
	copy(rebuilt, m.r.Resources)
	for i := range rebuilt {
		res := &rebuilt[i]
		if res.Type == tokens.RDSInstance && !isSet(res.Inputs["snapshotIdentifier"]) && !isSet(res.Inputs["restoreToPointInTime"]) {
			res.Inputs = maps.Clone(res.Inputs)
			res.Inputs["snapshotIdentifier"] = "(the newest copy outside the region)"
		}
	}
	out := RegionRebuild{RebuildMinutes: analyse(rebuilt, m.t).Minutes, ManualSteps: manualSteps(m.r.Config)}
	for _, s := range out.ManualSteps {
		out.ManualMinutes += s.Minutes
	}
	out.ManualMinutes = round1(out.ManualMinutes)
	out.RTOMinutes = round1(out.RebuildMinutes + out.ManualMinutes)
	out.Basis = fmt.Sprintf("rebuilt elsewhere: %s of critical path with the database restored (%s) and %s of runbook steps (docs/disaster-recovery.md)",
		minutes(out.RebuildMinutes), TimingsSource, minutes(out.ManualMinutes))
	return out
}

// postgresRegionRPO is the age of the newest copy of the database outside the region:
// replicated automated backups (point in time, minutes behind) or an AWS Backup copy
// action (one recovery point per scheduled run). The smaller wins.
func (m *resilienceModel) postgresRegionRPO(db *Resource) (Figure, string, []string) {
	best, basis, consts := unboundedFig(), fmt.Sprintf("nothing copies it out of %s (no automated-backup replication, no AWS Backup copy action)", m.home), []string(nil)
	consider := func(f Figure, why string, c ...string) {
		if best.worse(f) {
			best, basis, consts = f, why, c
		}
	}
	for i := range m.r.Resources {
		res := &m.r.Resources[i]
		switch res.Type {
		case tokens.RDSInstanceAutomatedBackupsReplication:
			if region := m.regionOf(res); dependsOn(res, db.URN) && region != m.home {
				consider(minutesFig(m.c.minutes("rds-backup-replication")),
					fmt.Sprintf("automated backups replicated to %s: a point-in-time restore there trails by the log interval", region), "rds-backup-replication")
			}
		case tokens.BackupPlan:
			if !m.backupSelects(res, db) {
				continue
			}
			for _, rule := range asList(res.Inputs["rules"]) {
				rm := asMap(rule)
				for _, ca := range asList(rm["copyActions"]) {
					region := m.copyRegion(res, asMap(ca))
					if region == "" || region == m.home {
						continue
					}
					schedule, _ := rm["schedule"].(string)
					every, ok := scheduleMinutes(schedule)
					if !ok {
						consider(unboundedFig(), fmt.Sprintf("AWS Backup rule %v copies to %s on a schedule the model cannot read (%q)", rm["ruleName"], region, schedule))
						continue
					}
					consider(minutesFig(every), fmt.Sprintf("AWS Backup rule %v (%s) copies each recovery point to %s: one every %s", rm["ruleName"], schedule, region, minutes(every)))
				}
			}
		}
	}
	return best, basis, consts
}

// backupSelects reports whether a selection of the plan takes the database: it names
// the instance, or its tags match every selection tag.
func (m *resilienceModel) backupSelects(plan, db *Resource) bool {
	tags := asMap(db.Inputs["tags"])
	for i := range m.r.Resources {
		sel := &m.r.Resources[i]
		if sel.Type != tokens.BackupSelection || !dependsOn(sel, plan.URN) {
			continue
		}
		if dependsOn(sel, db.URN) {
			return true
		}
		conds := asList(sel.Inputs["selectionTags"])
		match := len(conds) > 0
		for _, c := range conds {
			cm := asMap(c)
			key, _ := cm["key"].(string)
			match = match && cm["type"] == "STRINGEQUALS" && tags[key] == cm["value"]
		}
		if match {
			return true
		}
	}
	return false
}

// copyRegion is the region of a copy action's destination vault: from its ARN when
// known, else from the vault the plan depends on that lives outside the stack's region.
func (m *resilienceModel) copyRegion(plan *Resource, action map[string]any) string {
	if arn, _ := action["destinationVaultArn"].(string); strings.HasPrefix(arn, "arn:") {
		if parts := strings.Split(arn, ":"); len(parts) > 3 {
			return parts[3]
		}
	}
	for _, urn := range plan.Dependencies {
		if v := m.byURN[urn]; v != nil && v.Type == tokens.BackupVault && m.regionOf(v) != m.home {
			return m.regionOf(v)
		}
	}
	return ""
}
