package backup

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/policydoc"
)

// keyDeletionWindowDays is the longest window KMS allows: a scheduled deletion of the DR
// key can be cancelled for a month, while copies encrypted with it still matter.
const keyDeletionWindowDays = 30

// drKeyPolicy mirrors the aws/backup managed key: the account root administers the key
// (so IAM decides, and the key can never become unmanageable), and principals of this
// account may use it only through AWS Backup (copy jobs into the DR vault) or RDS
// (cross-region snapshot copies and automated-backup replication) in the DR region.
// The "*" principal is always pinned by kms:CallerAccount and kms:ViaService.
func drKeyPolicy(account, drRegion string) (string, error) {
	via := map[string]any{
		"kms:CallerAccount": account,
		"kms:ViaService":    []string{fmt.Sprintf("backup.%s.amazonaws.com", drRegion), fmt.Sprintf("rds.%s.amazonaws.com", drRegion)},
	}
	return policydoc.Render("backup", policydoc.Document{
		Version: policydoc.Version,
		Id:      "platform-backup-dr-key",
		Statement: []policydoc.Statement{
			policydoc.Root(account),
			{
				Sid:       "AllowBackupAndRdsForAccount",
				Effect:    "Allow",
				Principal: map[string]any{"AWS": "*"},
				Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
				Resource:  "*",
				Condition: map[string]any{"StringEquals": via},
			},
			{
				Sid:       "AllowBackupAndRdsGrantsForAccount",
				Effect:    "Allow",
				Principal: map[string]any{"AWS": "*"},
				Action:    []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"},
				Resource:  "*",
				Condition: map[string]any{
					"StringEquals": via,
					"Bool":         map[string]any{"kms:GrantIsForAWSResource": "true"},
				},
			},
		},
	})
}

// newDRKey creates the DR region's key through the DR provider.
func (c *Backup) newDRKey(ctx *pulumi.Context, name string, a BackupArgs) (*kms.Key, error) {
	drRegion := a.DRRegion
	policy := a.AccountId.ToStringOutput().ApplyT(func(account string) (string, error) {
		return drKeyPolicy(account, drRegion)
	}).(pulumi.StringOutput)
	physical := a.NamePrefix + "-backup-dr"
	opts := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(a.DRProvider)}
	if a.Protect {
		opts = append(opts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	key, err := kms.NewKey(ctx, name+"-dr-key", &kms.KeyArgs{
		Description:          pulumi.String(fmt.Sprintf("%s: AWS Backup DR vault and replicated RDS backups in %s", a.NamePrefix, a.DRRegion)),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(keyDeletionWindowDays),
		KeyUsage:             pulumi.String("ENCRYPT_DECRYPT"),
		Policy:               policy,
		Tags:                 a.Tags.AWS(physical),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-dr-key", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + physical),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(c), pulumi.Provider(a.DRProvider)); err != nil {
		return nil, err
	}
	return key, nil
}
