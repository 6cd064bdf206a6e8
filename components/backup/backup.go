package backup

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the component's type token.
const Type = "platform:backup:Backup"

// Backup is the platform's AWS Backup setup (see the package doc).
type Backup struct {
	pulumi.ResourceState

	// VaultArn is the primary vault's ARN.
	VaultArn pulumi.StringOutput
	// VaultName is the primary vault's name.
	VaultName pulumi.StringOutput
	// DRVaultArn is the DR vault's ARN (the copy action's destination).
	DRVaultArn pulumi.StringOutput
	// DRKmsKeyArn is the DR region key's ARN (DR vault, replicated RDS backups; a DR
	// restore of an encrypted snapshot names it).
	DRKmsKeyArn pulumi.StringOutput
	// PlanId is the backup plan's id.
	PlanId pulumi.StringOutput
	// PlanArn is the backup plan's ARN.
	PlanArn pulumi.StringOutput
	// SelectionId is the tag selection's id.
	SelectionId pulumi.StringOutput
	// RoleArn is the IAM role AWS Backup uses.
	RoleArn pulumi.StringOutput
	// RestoreTestingPlanArn is the weekly restore testing plan's ARN ("" when
	// SkipRestoreTesting).
	RestoreTestingPlanArn pulumi.StringOutput
	// ReplicatedBackupsArn is the ARN of the RDS automated backups replicated to the DR
	// region (the SourceDbInstanceAutomatedBackupsArn of a DR point-in-time restore);
	// "" without ReplicateRdsBackups.
	ReplicatedBackupsArn pulumi.StringOutput
}

// NewBackup validates args and creates the keys, vaults, plan, selection, restore tests
// and the optional RDS backup replication.
func NewBackup(ctx *pulumi.Context, name string, args *BackupArgs, opts ...pulumi.ResourceOption) (*Backup, error) {
	if args == nil {
		return nil, errors.New("backup: args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}

	c := &Backup{}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}

	drKey, err := c.newDRKey(ctx, name, a)
	if err != nil {
		return nil, err
	}
	primary, err := c.newVault(ctx, name, vaultSpec{logical: "vault", keyArn: a.KmsKeyArn}, a)
	if err != nil {
		return nil, err
	}
	dr, err := c.newVault(ctx, name, vaultSpec{logical: "dr-vault", keyArn: drKey.Arn,
		providers: []pulumi.ResourceOption{pulumi.Provider(a.DRProvider)}}, a)
	if err != nil {
		return nil, err
	}
	if err := c.notify(ctx, name, primary, a); err != nil {
		return nil, err
	}
	role, err := c.newRole(ctx, name, a)
	if err != nil {
		return nil, err
	}
	plan, err := c.newPlan(ctx, name, primary, dr, a)
	if err != nil {
		return nil, err
	}
	sel, err := c.newSelection(ctx, name, plan, role, a)
	if err != nil {
		return nil, err
	}

	c.RestoreTestingPlanArn = pulumi.String("").ToStringOutput()
	if !a.SkipRestoreTesting {
		rtp, err := c.newRestoreTests(ctx, name, primary, role, a)
		if err != nil {
			return nil, err
		}
		c.RestoreTestingPlanArn = rtp.Arn
	}

	c.ReplicatedBackupsArn = pulumi.String("").ToStringOutput()
	if a.ReplicateRdsBackups {
		// Created in the destination region, as the RDS API requires.
		repl, err := rds.NewInstanceAutomatedBackupsReplication(ctx, name+"-rds-replication", &rds.InstanceAutomatedBackupsReplicationArgs{
			SourceDbInstanceArn: a.RdsInstanceArn,
			KmsKeyId:            drKey.Arn,
			RetentionPeriod:     pulumi.Int(a.RdsReplicationRetentionDays),
		}, pulumi.Parent(c), pulumi.Provider(a.DRProvider))
		if err != nil {
			return nil, err
		}
		c.ReplicatedBackupsArn = repl.ID().ToStringOutput()
	}

	c.VaultArn, c.VaultName = primary.Arn, primary.Name
	c.DRVaultArn, c.DRKmsKeyArn = dr.Arn, drKey.Arn
	c.PlanId, c.PlanArn = plan.ID().ToStringOutput(), plan.Arn
	c.SelectionId = sel.ID().ToStringOutput()
	c.RoleArn = role.Arn
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"vaultArn":              c.VaultArn,
		"vaultName":             c.VaultName,
		"drVaultArn":            c.DRVaultArn,
		"drKmsKeyArn":           c.DRKmsKeyArn,
		"planId":                c.PlanId,
		"planArn":               c.PlanArn,
		"selectionId":           c.SelectionId,
		"roleArn":               c.RoleArn,
		"restoreTestingPlanArn": c.RestoreTestingPlanArn,
		"replicatedBackupsArn":  c.ReplicatedBackupsArn,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
