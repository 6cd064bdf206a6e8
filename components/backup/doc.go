// Package backup owns the platform's AWS Backup setup: where recovery points live, how
// long they are kept, which resources are backed up, the copy to the disaster-recovery
// region and the weekly proof that a backup actually restores.
//
// What it creates (one Backup component):
//
//   - a primary vault in the stack's region, encrypted with the caller's customer-managed
//     key (the secrets component's data key);
//   - a DR vault in Args.DRRegion through Args.DRProvider, encrypted with a key this
//     package creates there (KMS keys are regional: the primary key cannot protect copies
//     in another region). Its policy mirrors the aws/backup managed key: the account root
//     plus principals of this account calling through AWS Backup or RDS in that region;
//   - with Args.VaultLock (prod), a VaultLockConfiguration on both vaults. With
//     ChangeableForDays set the lock is created in compliance mode: for that many days
//     (the grace time) it can still be changed or removed; afterwards it is IMMUTABLE
//     and neither the account root nor AWS support can delete the recovery points
//     before their retention ends or delete the vault while it holds any. Recovery
//     points whose retention falls outside [MinRetentionDays, MaxRetentionDays] are
//     refused, so validate() checks every lifecycle against the lock;
//   - a plan with one daily rule (cron(0 5 * * ? *) UTC, two hours after the RDS
//     automated backup window): retention RetentionDays (30 in prod, 7 in staging),
//     continuous backup (point-in-time recovery for RDS, at most 35 days of retention)
//     and a copy action to the DR vault with its own retention;
//   - a selection by tag: every supported resource tagged backup=true (SelectionTagKey /
//     SelectionTagValue) plus any explicit Args.ResourceArns, through an IAM role with
//     the AWS managed backup and restore policies (S3's own included, so a tagged bucket
//     works too). The database component's instance and any other stateful resource
//     join the plan by carrying that tag;
//   - vault notifications to Args.NotificationTopicArn. AWS deprecated BACKUP_JOB_FAILED:
//     BACKUP_JOB_COMPLETED reports failures too (its State attribute says which), so a
//     subscriber that wants failures only filters on State;
//   - a restore testing plan (the seed's "weekly backup verification"): every Sunday
//     AWS Backup restores the latest RDS recovery point of the primary vault from the
//     last SelectionWindowDays into the data tier (Args.RestoreTestDbSubnetGroupName and
//     RestoreTestSecurityGroupIds; without them it would use a default VPC that does not
//     exist), keeps it for ValidationWindowHours and deletes it. The job's status is the
//     verification; a failed restore shows as RESTORE_JOB_COMPLETED with a failed State;
//   - with Args.ReplicateRdsBackups, RDS native cross-region replication of the
//     instance's automated backups into the DR region, encrypted with the DR key: a
//     second, independent path to a point-in-time restore in the DR region.
//
// With Args.Protect (prod) the vaults, the lock configurations and the DR key carry
// pulumi.Protect, and the key RetainOnDelete: losing a vault or its key loses every
// recovery point in it.
package backup
