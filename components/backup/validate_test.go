package backup_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/backup"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
)

func TestValidation(t *testing.T) {
	cases := []struct {
		name string
		edit func(a *backup.BackupArgs)
		want []string
	}{
		{"bad prefix and region", func(a *backup.BackupArgs) { a.NamePrefix = "Platform_Prod"; a.DRRegion = "west" },
			[]string{`NamePrefix "Platform_Prod"`, `DRRegion "west"`}},
		{"missing inputs", func(a *backup.BackupArgs) { a.AccountId = nil; a.KmsKeyArn = nil },
			[]string{"AccountId is required", "KmsKeyArn is required"}},
		{"continuous caps retention", func(a *backup.BackupArgs) { a.RetentionDays = 40 },
			[]string{`RetentionDays "40"`, "at most 35 days"}},
		{"lock range excludes the retention", func(a *backup.BackupArgs) {
			a.VaultLock = true
			a.VaultLockMinRetentionDays = 14
		}, []string{`RetentionDays "7"`, `DRRetentionDays "7"`, "locked vaults accept 14..365"}},
		{"lock grace under the AWS minimum", func(a *backup.BackupArgs) { a.VaultLock = true; a.VaultLockChangeableForDays = 1 },
			[]string{`VaultLockChangeableForDays "1"`}},
		{"deprecated event", func(a *backup.BackupArgs) { a.NotificationEvents = []string{"BACKUP_JOB_FAILED"} },
			[]string{`NotificationEvents "BACKUP_JOB_FAILED"`, "deprecated"}},
		{"restore tests need the data tier", func(a *backup.BackupArgs) {
			a.RestoreTestDbSubnetGroupName = nil
			a.RestoreTestSecurityGroupIds = nil
			a.RestoreTestValidationWindowHours = 200
		}, []string{"RestoreTestDbSubnetGroupName is required", "RestoreTestSecurityGroupIds is required", `RestoreTestValidationWindowHours "200"`}},
		{"bad schedule", func(a *backup.BackupArgs) { a.Schedule = "rate(1 day)" }, []string{`Schedule "rate(1 day)"`}},
		{"replication needs the instance", func(a *backup.BackupArgs) {
			a.ReplicateRdsBackups = true
			a.RdsReplicationRetentionDays = 36
		}, []string{"RdsInstanceArn is required", `RdsReplicationRetentionDays "36"`}},
		{"missing tag", func(a *backup.BackupArgs) { a.Tags = tags.Set{"environment": "x"} }, []string{`required tag "owner"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := stagingArgs()
			tc.edit(a)
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				dr, err := aws.NewProvider(ctx, "dr", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
				if err != nil {
					return err
				}
				a.DRProvider = dr
				_, err = backup.NewBackup(ctx, "backup", a)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			require.False(t, slices.ContainsFunc(p.Resources, func(r *plan.Resource) bool { return strings.HasPrefix(r.Type, "aws:") }),
				"nothing is registered when args are invalid")
		})
	}
}
