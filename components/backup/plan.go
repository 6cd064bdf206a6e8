package backup

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/generic-corp/platform/internal/policydoc"
)

// The AWS managed policies of the backup role, by short name: create recovery points
// (and copy them) and restore them (restore tests included, which also delete the
// restored resource afterwards), for every supported service; S3 has policies of its
// own, attached so that a bucket tagged backup=true is backed up rather than failing.
var managedPolicyArns = []struct{ logical, arn string }{
	{"backup", "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"},
	{"restores", "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"},
	{"s3-backup", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup"},
	{"s3-restore", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore"},
}

// maxPlanName is AWS Backup's limit on plan and selection names.
const maxPlanName = 50

// newRole creates the role AWS Backup assumes for backups, copies and restore tests.
// The trust names the service; aws:SourceAccount keeps another account's AWS Backup
// from using it (confused deputy).
func (c *Backup) newRole(ctx *pulumi.Context, name string, a BackupArgs) (*iam.Role, error) {
	physical := naming.Name(naming.MaxIAMRole, a.NamePrefix, "aws-backup")
	trust := a.AccountId.ToStringOutput().ApplyT(func(account string) (string, error) {
		return policydoc.Render("backup", policydoc.Document{
			Version: policydoc.Version,
			Statement: []policydoc.Statement{{
				Sid:       "AwsBackupAssumesThisRole",
				Effect:    "Allow",
				Principal: map[string]any{"Service": "backup.amazonaws.com"},
				Action:    []string{"sts:AssumeRole"},
				Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}},
			}},
		})
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		Name:             pulumi.String(physical),
		Description:      pulumi.String("AWS Backup: backups, DR copies and restore tests of " + a.NamePrefix),
		AssumeRolePolicy: trust,
		Tags:             a.Tags.AWS(physical),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	for _, p := range managedPolicyArns {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-role-"+p.logical, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(p.arn),
		}, pulumi.Parent(c)); err != nil {
			return nil, err
		}
	}
	return role, nil
}

// newPlan creates the daily plan: one rule with continuous backup (PITR where the
// service supports it, RDS here) and a copy of every recovery point to the DR vault.
func (c *Backup) newPlan(ctx *pulumi.Context, name string, primary, dr *backup.Vault, a BackupArgs) (*backup.Plan, error) {
	physical := naming.Name(maxPlanName, a.NamePrefix, "daily")
	return backup.NewPlan(ctx, name+"-plan", &backup.PlanArgs{
		Name: pulumi.String(physical),
		Rules: backup.PlanRuleArray{&backup.PlanRuleArgs{
			RuleName:                   pulumi.String("daily"),
			TargetVaultName:            primary.Name,
			Schedule:                   pulumi.String(a.Schedule),
			ScheduleExpressionTimezone: pulumi.String("Etc/UTC"),
			StartWindow:                pulumi.Int(a.StartWindowMinutes),
			CompletionWindow:           pulumi.Int(a.CompletionWindowMinutes),
			EnableContinuousBackup:     pulumi.Bool(!a.DisableContinuousBackup),
			Lifecycle: &backup.PlanRuleLifecycleArgs{
				DeleteAfter: pulumi.Int(a.RetentionDays),
			},
			CopyActions: backup.PlanRuleCopyActionArray{&backup.PlanRuleCopyActionArgs{
				DestinationVaultArn: dr.Arn,
				Lifecycle: &backup.PlanRuleCopyActionLifecycleArgs{
					DeleteAfter: pulumi.Int(a.DRRetentionDays),
				},
			}},
			RecoveryPointTags: a.Tags.AWS(""),
		}},
		Tags: a.Tags.AWS(physical),
	}, pulumi.Parent(c))
}

// newSelection assigns resources to the plan: every resource tagged backup=true, plus
// the explicit ResourceArns (AWS Backup ORs the two).
func (c *Backup) newSelection(ctx *pulumi.Context, name string, plan *backup.Plan, role *iam.Role, a BackupArgs) (*backup.Selection, error) {
	return backup.NewSelection(ctx, name+"-selection", &backup.SelectionArgs{
		Name:       pulumi.String(naming.Name(maxPlanName, a.NamePrefix, "tagged", SelectionTagKey, SelectionTagValue)),
		PlanId:     plan.ID().ToStringOutput(),
		IamRoleArn: role.Arn,
		SelectionTags: backup.SelectionSelectionTagArray{&backup.SelectionSelectionTagArgs{
			Type:  pulumi.String("STRINGEQUALS"),
			Key:   pulumi.String(SelectionTagKey),
			Value: pulumi.String(SelectionTagValue),
		}},
		Resources: a.ResourceArns,
	}, pulumi.Parent(c))
}
