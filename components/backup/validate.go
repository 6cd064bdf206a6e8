package backup

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
)

var (
	regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	cronRe   = regexp.MustCompile(`^cron\(\S+( \S+){5}\)$`)
)

// supportedEvents are the vault events AWS Backup still sends (the deprecated
// *_SUCCESSFUL / *_FAILED job events are accepted by the API but never fire).
var supportedEvents = []string{
	"BACKUP_JOB_STARTED", "BACKUP_JOB_COMPLETED",
	"COPY_JOB_STARTED", "COPY_JOB_SUCCESSFUL", "COPY_JOB_FAILED",
	"RESTORE_JOB_STARTED", "RESTORE_JOB_COMPLETED", "RECOVERY_POINT_MODIFIED",
	"S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED",
}

var recoveryPointTypes = []string{"CONTINUOUS", "SNAPSHOT"}

// maxRetentionDays is AWS Backup's longest lifecycle (100 years).
const maxRetentionDays = 36500

// validate reports every user error at once, each naming the field, the value and what
// is allowed. It runs before anything is registered.
func (a BackupArgs) validate() error {
	var errs []error
	p := argcheck.Into("backup", &errs)
	bad := p.Bad
	missing := p.Missing
	between := p.Between

	p.NamePrefix(a.NamePrefix)
	if a.AccountId == nil {
		missing("AccountId", "the AWS account id the DR key policy grants to")
	}
	if a.KmsKeyArn == nil {
		missing("KmsKeyArn", "the customer-managed key of the primary vault, e.g. the secrets data key")
	}
	if !regionRe.MatchString(a.DRRegion) {
		bad("DRRegion", a.DRRegion, "want an AWS region such as us-west-2")
	}
	if a.DRProvider == nil {
		missing("DRProvider", "an aws provider for DRRegion; the DR key and vault are created through it")
	}

	maxPrimary := maxRetentionDays
	if !a.DisableContinuousBackup {
		maxPrimary = MaxContinuousRetentionDays
	}
	if a.RetentionDays < 1 || a.RetentionDays > maxPrimary {
		why := fmt.Sprintf("want 1..%d days", maxPrimary)
		if !a.DisableContinuousBackup {
			why += " (continuous backups are kept at most 35 days; set DisableContinuousBackup for longer)"
		}
		bad("RetentionDays", a.RetentionDays, why)
	}
	between("DRRetentionDays", a.DRRetentionDays, 1, maxRetentionDays, "days")
	if !cronRe.MatchString(a.Schedule) {
		bad("Schedule", a.Schedule, `want an AWS cron expression with six fields, e.g. "cron(0 5 * * ? *)"`)
	}
	between("StartWindowMinutes", a.StartWindowMinutes, 60, 720, "minutes (AWS minimum 60)")
	if a.CompletionWindowMinutes <= a.StartWindowMinutes || a.CompletionWindowMinutes > 10080 {
		bad("CompletionWindowMinutes", a.CompletionWindowMinutes,
			fmt.Sprintf("want more than StartWindowMinutes (%d) and at most 10080", a.StartWindowMinutes))
	}

	if a.VaultLock {
		between("VaultLockChangeableForDays", a.VaultLockChangeableForDays, 3, maxRetentionDays, "days (AWS minimum 3)")
		if a.VaultLockMinRetentionDays < 1 || a.VaultLockMinRetentionDays > a.VaultLockMaxRetentionDays || a.VaultLockMaxRetentionDays > maxRetentionDays {
			errs = append(errs, fmt.Errorf("backup: VaultLockMinRetentionDays %d and VaultLockMaxRetentionDays %d are invalid: want 1 <= min <= max <= %d",
				a.VaultLockMinRetentionDays, a.VaultLockMaxRetentionDays, maxRetentionDays))
		}
		// A locked vault refuses recovery points whose retention is outside the lock's
		// range: the daily job or the copy would fail every night.
		for _, r := range []struct {
			field string
			days  int
		}{{"RetentionDays", a.RetentionDays}, {"DRRetentionDays", a.DRRetentionDays}} {
			if r.days < a.VaultLockMinRetentionDays || r.days > a.VaultLockMaxRetentionDays {
				bad(r.field, r.days, fmt.Sprintf("the locked vaults accept %d..%d days (VaultLockMin/MaxRetentionDays)",
					a.VaultLockMinRetentionDays, a.VaultLockMaxRetentionDays))
			}
		}
	}

	for _, e := range a.NotificationEvents {
		if !slices.Contains(supportedEvents, e) {
			bad("NotificationEvents", e, "want one of "+strings.Join(supportedEvents, ", ")+
				" (BACKUP_JOB_FAILED and the other *_SUCCESSFUL/*_FAILED job events are deprecated: use *_COMPLETED)")
		}
	}
	if len(a.NotificationEvents) == 0 && a.NotificationTopicArn != nil {
		bad("NotificationEvents", "[]", "want at least one event when NotificationTopicArn is set")
	}

	if !a.SkipRestoreTesting {
		if !cronRe.MatchString(a.RestoreTestSchedule) {
			bad("RestoreTestSchedule", a.RestoreTestSchedule, `want an AWS cron expression with six fields, e.g. "cron(0 6 ? * SUN *)"`)
		}
		between("RestoreTestSelectionWindowDays", a.RestoreTestSelectionWindowDays, 1, 365, "days")
		between("RestoreTestStartWindowHours", a.RestoreTestStartWindowHours, 1, 168, "hours")
		between("RestoreTestValidationWindowHours", a.RestoreTestValidationWindowHours, 1, 168, "hours")
		if len(a.RestoreTestRecoveryPointTypes) == 0 {
			bad("RestoreTestRecoveryPointTypes", "[]", "want CONTINUOUS and/or SNAPSHOT")
		}
		for _, t := range a.RestoreTestRecoveryPointTypes {
			if !slices.Contains(recoveryPointTypes, t) {
				bad("RestoreTestRecoveryPointTypes", t, "want CONTINUOUS or SNAPSHOT")
			}
		}
		if a.RestoreTestDbSubnetGroupName == nil {
			missing("RestoreTestDbSubnetGroupName", "the data-tier RDS subnet group test restores land in; or set SkipRestoreTesting")
		}
		if a.RestoreTestSecurityGroupIds == nil {
			missing("RestoreTestSecurityGroupIds", "the security groups of test-restored instances; or set SkipRestoreTesting")
		}
	}

	if a.ReplicateRdsBackups {
		if a.RdsInstanceArn == nil {
			missing("RdsInstanceArn", "the RDS instance whose automated backups ReplicateRdsBackups copies")
		}
		between("RdsReplicationRetentionDays", a.RdsReplicationRetentionDays, 1, MaxContinuousRetentionDays, "days")
	}

	errs = append(errs, argcheck.MissingTags("backup", a.Tags)...)
	return errors.Join(errs...)
}
