package backup

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/naming"
)

// maxVaultName is AWS Backup's limit on vault names (2..50 letters, digits, '-', '_').
const maxVaultName = 50

// VaultName is the primary vault's name for a NamePrefix, known before the vault
// exists: the alerting component's backup alarm needs it, and the backup component
// needs the alerting topic, so one of the two must be named up front.
func VaultName(namePrefix string) string { return naming.Name(maxVaultName, namePrefix, "vault") }

// vaultSpec is one vault: the primary in the stack's region or the DR copy target.
type vaultSpec struct {
	logical   string // suffix of the logical name and of the physical name
	keyArn    pulumi.StringInput
	providers []pulumi.ResourceOption // pulumi.Provider for the DR vault, nothing for the primary
}

// newVault creates a vault and, with VaultLock, its lock: compliance mode, or governance
// mode for a Teardown stack. Only a Teardown vault force-destroys; otherwise deleting a
// vault that holds recovery points must fail.
func (c *Backup) newVault(ctx *pulumi.Context, name string, spec vaultSpec, a BackupArgs) (*backup.Vault, error) {
	physical := naming.Name(maxVaultName, a.NamePrefix, spec.logical)
	stateful := append([]pulumi.ResourceOption{pulumi.Parent(c), pulumi.Protect(a.Protect)}, spec.providers...)
	vault, err := backup.NewVault(ctx, name+"-"+spec.logical, &backup.VaultArgs{
		Name:         pulumi.String(physical),
		KmsKeyArn:    spec.keyArn,
		ForceDestroy: pulumi.Bool(a.Teardown),
		Tags:         a.Tags.AWS(physical),
	}, stateful...)
	if err != nil {
		return nil, err
	}
	if !a.VaultLock {
		return vault, nil
	}
	// ChangeableForDays makes this a compliance-mode lock: immutable once the grace
	// time has passed (see the package doc). Protect keeps `pulumi destroy` from even
	// trying to remove it. Without it the lock is in governance mode, which a destroy
	// removes before it empties the vault.
	lock := &backup.VaultLockConfigurationArgs{
		BackupVaultName:  vault.Name,
		MinRetentionDays: pulumi.Int(a.VaultLockMinRetentionDays),
		MaxRetentionDays: pulumi.Int(a.VaultLockMaxRetentionDays),
	}
	if !a.Teardown {
		lock.ChangeableForDays = pulumi.Int(a.VaultLockChangeableForDays)
	}
	if _, err := backup.NewVaultLockConfiguration(ctx, name+"-"+spec.logical+"-lock", lock, stateful...); err != nil {
		return nil, err
	}
	return vault, nil
}

// notify sends the primary vault's events to the notification topic. The DR vault has
// none: vault notifications must go to a topic in the vault's own region, and a failed
// copy is already reported by the primary vault (COPY_JOB_FAILED).
func (c *Backup) notify(ctx *pulumi.Context, name string, vault *backup.Vault, a BackupArgs) error {
	if a.NotificationTopicArn == nil {
		return nil
	}
	_, err := backup.NewVaultNotifications(ctx, name+"-notifications", &backup.VaultNotificationsArgs{
		BackupVaultName:   vault.Name,
		SnsTopicArn:       a.NotificationTopicArn,
		BackupVaultEvents: pulumi.ToStringArray(a.NotificationEvents),
	}, pulumi.Parent(c))
	return err
}
