package stacks

import (
	"regexp"
	"time"
)

// RestoreConfig says where a disaster-recovery rebuild takes its data from.
type RestoreConfig struct {
	SnapshotID         string
	PointInTime        string // RFC 3339 or "latest"
	SourceBackupsArn   string
	RedisQueueSnapshot string
	RedisCacheSnapshot string
}

// Active reports whether the database is restored rather than created empty.
func (r RestoreConfig) Active() bool { return r.SnapshotID != "" || r.PointInTime != "" }

var (
	snapshotIDPattern  = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9-:]{0,254}|arn:aws:rds:[a-z0-9-]+:[0-9]{12}:(cluster-)?snapshot:[a-zA-Z0-9:-]+)$`)
	autoBackupsPattern = regexp.MustCompile(`^arn:aws:rds:[a-z0-9-]+:[0-9]{12}:auto-backup:ab-[a-z0-9]+$`)
	cacheSnapshotName  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{0,254}$`)
)

func loadRestore(r *reader, environment string) RestoreConfig {
	rc := RestoreConfig{
		SnapshotID:         r.str("restoreSnapshotId"),
		PointInTime:        r.str("restorePointInTime"),
		SourceBackupsArn:   r.str("restoreSourceBackupsArn"),
		RedisQueueSnapshot: r.str("restoreRedisQueueSnapshot"),
		RedisCacheSnapshot: r.str("restoreRedisCacheSnapshot"),
	}
	set := map[string]string{
		"restoreSnapshotId": rc.SnapshotID, "restorePointInTime": rc.PointInTime, "restoreSourceBackupsArn": rc.SourceBackupsArn,
		"restoreRedisQueueSnapshot": rc.RedisQueueSnapshot, "restoreRedisCacheSnapshot": rc.RedisCacheSnapshot,
	}
	if environment != "dr" {
		for key, v := range set {
			if v != "" {
				r.errs.add(key, v, "is only allowed in a dr stack (platform:environment: dr); staging and prod never restore over themselves")
			}
		}
		return rc
	}
	switch {
	case rc.SnapshotID == "" && rc.PointInTime == "":
		r.errs.add("restoreSnapshotId", "", "is required in a dr stack: set restoreSnapshotId (a snapshot or AWS Backup recovery point) or restorePointInTime with restoreSourceBackupsArn; a DR rebuild never starts from an empty database")
	case rc.SnapshotID != "" && rc.PointInTime != "":
		r.errs.add("restorePointInTime", rc.PointInTime, "conflicts with restoreSnapshotId %q (allowed: exactly one restore source)", rc.SnapshotID)
	case rc.SnapshotID != "" && !snapshotIDPattern.MatchString(rc.SnapshotID):
		r.errs.add("restoreSnapshotId", rc.SnapshotID, "is not an RDS snapshot identifier or snapshot ARN")
	case rc.PointInTime != "":
		if _, err := time.Parse(time.RFC3339, rc.PointInTime); err != nil && rc.PointInTime != "latest" {
			r.errs.add("restorePointInTime", rc.PointInTime, "is not a time (allowed: RFC 3339 UTC such as 2026-11-27T03:00:00Z, or latest)")
		}
		if !autoBackupsPattern.MatchString(rc.SourceBackupsArn) {
			r.errs.add("restoreSourceBackupsArn", rc.SourceBackupsArn, "must be the ARN of replicated automated backups (arn:aws:rds:<region>:<account>:auto-backup:ab-...) for a point-in-time restore")
		}
	}
	for key, v := range map[string]string{"restoreRedisQueueSnapshot": rc.RedisQueueSnapshot, "restoreRedisCacheSnapshot": rc.RedisCacheSnapshot} {
		if v != "" && !cacheSnapshotName.MatchString(v) {
			r.errs.add(key, v, "is not an ElastiCache snapshot name")
		}
	}
	return rc
}
