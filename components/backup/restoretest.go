package backup

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/naming"
)

// restoreTestName fits the restore testing names' rule: 1..50 letters, digits and '_'.
func restoreTestName(parts ...string) string {
	return strings.ReplaceAll(naming.Name(maxPlanName, parts...), "-", "_")
}

// newRestoreTests creates the weekly restore testing plan and its RDS selection.
func (c *Backup) newRestoreTests(ctx *pulumi.Context, name string, primary *backup.Vault, role *iam.Role, a BackupArgs,
) (*backup.RestoreTestingPlan, error) {
	physical := restoreTestName(a.NamePrefix, "weekly", "restore", "test")
	rtp, err := backup.NewRestoreTestingPlan(ctx, name+"-restore-testing", &backup.RestoreTestingPlanArgs{
		Name:                       pulumi.String(physical),
		ScheduleExpression:         pulumi.String(a.RestoreTestSchedule),
		ScheduleExpressionTimezone: pulumi.String("Etc/UTC"),
		StartWindowHours:           pulumi.Int(a.RestoreTestStartWindowHours),
		RecoveryPointSelection: &backup.RestoreTestingPlanRecoveryPointSelectionArgs{
			// The newest recovery point: what a real incident would restore.
			Algorithm:           pulumi.String("LATEST_WITHIN_WINDOW"),
			IncludeVaults:       pulumi.StringArray{primary.Arn},
			RecoveryPointTypes:  pulumi.ToStringArray(a.RestoreTestRecoveryPointTypes),
			SelectionWindowDays: pulumi.Int(a.RestoreTestSelectionWindowDays),
		},
		Tags: a.Tags.AWS(physical),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}

	// Restore metadata keys are case-insensitive; vpcSecurityGroupIds is a JSON array
	// in a string, as RestoreDBInstanceFromDBSnapshot takes a list.
	sgJSON := a.RestoreTestSecurityGroupIds.ToStringArrayOutput().ApplyT(func(ids []string) (string, error) {
		if len(ids) == 0 {
			return "", fmt.Errorf("backup: RestoreTestSecurityGroupIds is empty; give the database security group so test restores stay in the data tier")
		}
		b, err := json.Marshal(ids)
		return string(b), err
	}).(pulumi.StringOutput)
	_, err = backup.NewRestoreTestingSelection(ctx, name+"-restore-testing-rds", &backup.RestoreTestingSelectionArgs{
		Name:                   pulumi.String(restoreTestName("rds", SelectionTagKey, SelectionTagValue)),
		RestoreTestingPlanName: rtp.Name,
		ProtectedResourceType:  pulumi.String("RDS"),
		IamRoleArn:             role.Arn,
		// Conditions are allowed only with the "*" wildcard: every RDS instance in the
		// vault that carries the backup tag.
		ProtectedResourceArns: pulumi.StringArray{pulumi.String("*")},
		ProtectedResourceConditions: &backup.RestoreTestingSelectionProtectedResourceConditionsArgs{
			StringEquals: backup.RestoreTestingSelectionProtectedResourceConditionsStringEqualArray{
				&backup.RestoreTestingSelectionProtectedResourceConditionsStringEqualArgs{
					Key:   pulumi.String("aws:ResourceTag/" + SelectionTagKey),
					Value: pulumi.String(SelectionTagValue),
				},
			},
		},
		RestoreMetadataOverrides: pulumi.StringMap{
			"dbSubnetGroupName":   a.RestoreTestDbSubnetGroupName,
			"vpcSecurityGroupIds": sgJSON,
		},
		ValidationWindowHours: pulumi.Int(a.RestoreTestValidationWindowHours),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	return rtp, nil
}
