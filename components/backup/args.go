package backup

import (
	"slices"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The tag that puts a resource into the backup plan. Stateful components (the database,
// data buckets) add it to their tags; the selection and the restore tests match it.
const (
	SelectionTagKey   = "backup"
	SelectionTagValue = "true"
)

// Defaults, exported so the stack config and the docs can quote them. Applied by
// withDefaults and nowhere else.
const (
	DefaultRetentionDays = 7
	// DefaultSchedule runs at 05:00 UTC, after the RDS automated backup window
	// (03:00-04:00) so the two never compete for I/O.
	DefaultSchedule                = "cron(0 5 * * ? *)"
	DefaultStartWindowMinutes      = 60
	DefaultCompletionWindowMinutes = 360
	DefaultLockMinRetentionDays    = 7
	DefaultLockMaxRetentionDays    = 365
	// DefaultLockChangeableForDays is the shortest grace time AWS allows (3 days) before
	// a compliance-mode lock becomes immutable.
	DefaultLockChangeableForDays = 3
	// DefaultRestoreTestSchedule runs every Sunday at 06:00 UTC, an hour after that
	// day's backup started.
	DefaultRestoreTestSchedule              = "cron(0 6 ? * SUN *)"
	DefaultRestoreTestSelectionWindowDays   = 7
	DefaultRestoreTestStartWindowHours      = 8
	DefaultRestoreTestValidationWindowHours = 2
	// MaxContinuousRetentionDays is AWS Backup's limit for continuous (PITR) backups.
	MaxContinuousRetentionDays = 35
)

// DefaultNotificationEvents are the vault events sent to NotificationTopicArn: job
// completions (success and failure; BACKUP_JOB_FAILED is deprecated), failed copies to
// the DR vault, and changes to recovery points (someone shortening a retention).
var DefaultNotificationEvents = []string{
	"BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED", "RECOVERY_POINT_MODIFIED",
}

// DefaultRestoreTestRecoveryPointTypes lets a restore test pick either kind: with
// continuous backup on, RDS recovery points in the primary vault are CONTINUOUS.
var DefaultRestoreTestRecoveryPointTypes = []string{"CONTINUOUS", "SNAPSHOT"}

// BackupArgs configure the vaults, the plan, the DR copy and the restore tests.
type BackupArgs struct {
	// NamePrefix starts every physical name, e.g. "platform-prod". Required; lower-case
	// words joined by single hyphens, starting with a letter, at most 40 characters
	// (argcheck.NamePrefix).
	NamePrefix string
	// AccountId is the AWS account id (12 digits) the DR key policy grants to. Required;
	// may be unknown at construction (e.g. from aws.GetCallerIdentity).
	AccountId pulumi.StringInput
	// KmsKeyArn is the customer-managed key (ARN) of the primary vault, normally the
	// secrets component's data key. Required.
	KmsKeyArn pulumi.StringInput
	// DRRegion is the disaster-recovery region, e.g. "us-west-2": where DRProvider
	// points. It scopes the DR key policy. Required.
	DRRegion string
	// DRProvider is an aws provider for DRRegion, created by the stack. The DR key, the
	// DR vault (and its lock) and the RDS backup replication are registered through it.
	// Required.
	DRProvider pulumi.ProviderResource

	// RetentionDays is how long the daily recovery points stay in the primary vault, in
	// days. Default 7; 1..35 with continuous backup (AWS limit), else 1..36500. Prod
	// sets 30 (seed: 30-day retention).
	RetentionDays int
	// DRRetentionDays is how long copies stay in the DR vault, in days. Default
	// RetentionDays; 1..36500.
	DRRetentionDays int
	// Schedule is the daily rule's cron expression (UTC). Default DefaultSchedule.
	Schedule string
	// StartWindowMinutes is how long a backup may wait to start before it is cancelled.
	// Default 60; 60..720 (AWS minimum 60).
	StartWindowMinutes int
	// CompletionWindowMinutes is how long a backup may run before it is cancelled.
	// Default 360; must exceed StartWindowMinutes, at most 10080.
	CompletionWindowMinutes int
	// DisableContinuousBackup turns point-in-time recovery off (snapshots only).
	// Default false: continuous backup is on, which caps RetentionDays at 35.
	DisableContinuousBackup bool

	// VaultLock locks both vaults (true in prod). Default false.
	VaultLock bool
	// VaultLockMinRetentionDays is the shortest retention the locked vaults accept, in
	// days. Default 7; at least 1 and at most every rule's retention.
	VaultLockMinRetentionDays int
	// VaultLockMaxRetentionDays is the longest retention the locked vaults accept, in
	// days. Default 365; at least every rule's retention, at most 36500.
	VaultLockMaxRetentionDays int
	// VaultLockChangeableForDays is the grace time of the compliance-mode lock, in days:
	// after it the lock is immutable (see the package doc). Default 3; 3..36500.
	VaultLockChangeableForDays int
	// Teardown makes the stack's vaults removable by `pulumi destroy`: a governance-mode
	// lock instead of compliance mode (a compliance lock can never be removed, and a
	// vault cannot be deleted while it holds recovery points) and ForceDestroy, which
	// deletes the recovery points first. Default false; only for a repeatable DR drill,
	// whose vaults hold copies of copies (prod's locked vaults keep the originals).
	Teardown bool

	// ResourceArns are extra resources selected by ARN, on top of the tag selection (for
	// resources that cannot carry the tag). Optional.
	ResourceArns pulumi.StringArrayInput
	// NotificationTopicArn receives the primary vault's events. Optional: nil means no
	// notifications. The topic must be in the primary region and admit
	// backup.amazonaws.com (the alerting component's topics do).
	NotificationTopicArn pulumi.StringInput
	// NotificationEvents are the vault events sent. nil means DefaultNotificationEvents.
	NotificationEvents []string

	// SkipRestoreTesting turns the weekly restore test off. Default false (tests on).
	SkipRestoreTesting bool
	// RestoreTestSchedule is the restore testing plan's cron expression (UTC). Default
	// DefaultRestoreTestSchedule (weekly).
	RestoreTestSchedule string
	// RestoreTestSelectionWindowDays is how far back a test may pick its recovery
	// point, in days. Default 7; 1..365.
	RestoreTestSelectionWindowDays int
	// RestoreTestStartWindowHours is how long a test may wait to start, in hours.
	// Default 8; 1..168.
	RestoreTestStartWindowHours int
	// RestoreTestValidationWindowHours is how long the restored instance lives before
	// AWS Backup deletes it (time to run checks against it), in hours. Default 2; 1..168.
	RestoreTestValidationWindowHours int
	// RestoreTestRecoveryPointTypes are the recovery point kinds a test may restore.
	// nil means DefaultRestoreTestRecoveryPointTypes; values CONTINUOUS, SNAPSHOT.
	RestoreTestRecoveryPointTypes []string
	// RestoreTestDbSubnetGroupName is the RDS subnet group test restores land in (the
	// data tier). Required unless SkipRestoreTesting.
	RestoreTestDbSubnetGroupName pulumi.StringInput
	// RestoreTestSecurityGroupIds are the security groups of a test-restored instance
	// (the database's group, so nothing new is reachable). Required unless
	// SkipRestoreTesting.
	RestoreTestSecurityGroupIds pulumi.StringArrayInput

	// ReplicateRdsBackups replicates the RDS instance's automated backups to DRRegion
	// (RDS native, independent of AWS Backup). Default false.
	ReplicateRdsBackups bool
	// RdsInstanceArn is the source instance's ARN. Required with ReplicateRdsBackups.
	RdsInstanceArn pulumi.StringInput
	// RdsReplicationRetentionDays is the replicated backups' retention, in days.
	// Default min(RetentionDays, 35); 1..35.
	RdsReplicationRetentionDays int

	// Protect adds pulumi.Protect to the vaults, the locks and the DR key (and
	// RetainOnDelete to the key). Default false; true in prod.
	Protect bool
	// Tags is the stack tag set; must carry tags.Required.
	Tags tags.Set
}

// withDefaults returns a copy with every documented default applied.
func (a BackupArgs) withDefaults() BackupArgs {
	setI := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	setS := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	setI(&a.RetentionDays, DefaultRetentionDays)
	setI(&a.DRRetentionDays, a.RetentionDays)
	setS(&a.Schedule, DefaultSchedule)
	setI(&a.StartWindowMinutes, DefaultStartWindowMinutes)
	setI(&a.CompletionWindowMinutes, DefaultCompletionWindowMinutes)
	setI(&a.VaultLockMinRetentionDays, DefaultLockMinRetentionDays)
	setI(&a.VaultLockMaxRetentionDays, DefaultLockMaxRetentionDays)
	setI(&a.VaultLockChangeableForDays, DefaultLockChangeableForDays)
	if a.NotificationEvents == nil {
		a.NotificationEvents = slices.Clone(DefaultNotificationEvents)
	}
	setS(&a.RestoreTestSchedule, DefaultRestoreTestSchedule)
	setI(&a.RestoreTestSelectionWindowDays, DefaultRestoreTestSelectionWindowDays)
	setI(&a.RestoreTestStartWindowHours, DefaultRestoreTestStartWindowHours)
	setI(&a.RestoreTestValidationWindowHours, DefaultRestoreTestValidationWindowHours)
	if a.RestoreTestRecoveryPointTypes == nil {
		a.RestoreTestRecoveryPointTypes = slices.Clone(DefaultRestoreTestRecoveryPointTypes)
	}
	setI(&a.RdsReplicationRetentionDays, min(a.RetentionDays, MaxContinuousRetentionDays))
	return a
}
