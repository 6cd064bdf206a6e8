package cost

import "github.com/generic-corp/platform/plan"

const (
	keyBackupCopy = "backup.cross_region_transfer"
	keyECR        = "ecr.storage"
	keyS3         = "s3.standard.first_50tb"
)

// backupVault: the warm storage assumption at the rate of what the vault holds.
func backupVault(_ *estimator, r *plan.Resource, c *calc) {
	gb, over := c.a.gb(r.Name, c.a.BackupGB)
	c.term("backup.warm_storage."+c.a.BackupKind, gb, gbText(gb, over))
}

// backupPlan: each copy action of each rule transfers the copy assumption across regions
// (the destination vault's storage is priced on that vault, in its own stack).
func backupPlan(_ *estimator, r *plan.Resource, c *calc) {
	rules, st := arr(r, "rules")
	if !c.need(st, "rules") {
		return
	}
	copies := 0
	for _, rule := range rules {
		if !rule.IsMap() {
			c.need(unknown, "rules")
			return
		}
		actions, ast := arrIn(rule.AsMap(), "copyActions")
		if ast == unknown {
			c.need(ast, "rules[].copyActions")
			return
		}
		copies += len(actions)
	}
	if copies == 0 {
		c.free("no copy actions; recovery points are priced on the vault")
		return
	}
	c.term(keyBackupCopy, float64(copies)*c.a.BackupCopyGB, count(float64(copies), "copy action")+" x "+fmtNum(c.a.BackupCopyGB)+" GB")
}

// ecrRepository: stored images at the per-GB rate (pulls inside the region are free of
// transfer charges; the endpoint or NAT that carries them is priced there).
func ecrRepository(_ *estimator, r *plan.Resource, c *calc) {
	gb, over := c.a.gb(r.Name, c.a.ECRGBPerRepo)
	c.term(keyECR, gb, gbText(gb, over))
}

// s3Bucket: Standard storage under the per-bucket assumption; request charges are not
// in the table and are noted, not priced.
func s3Bucket(_ *estimator, r *plan.Resource, c *calc) {
	gb, over := c.a.gb(r.Name, c.a.S3GBPerBucket)
	c.term(keyS3, gb, gbText(gb, over))
	c.note("request charges not modeled")
}

func gbText(gb float64, override bool) string {
	if override {
		return fmtNum(gb) + " GB (perResourceGB)"
	}
	return fmtNum(gb) + " GB"
}
