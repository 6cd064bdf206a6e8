package backup_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/backup"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const (
	tProvider     = "pulumi:providers:aws"
	tKey          = "aws:kms/key:Key"
	tAlias        = "aws:kms/alias:Alias"
	tVault        = "aws:backup/vault:Vault"
	tLock         = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	tNotify       = "aws:backup/vaultNotifications:VaultNotifications"
	tPlan         = "aws:backup/plan:Plan"
	tSelection    = "aws:backup/selection:Selection"
	tRole         = "aws:iam/role:Role"
	tAttachment   = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tRestorePlan  = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
	tRestoreSel   = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
	tReplication  = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"
	tRDSInstance  = "aws:rds/instance:Instance"
	dataKeyArn    = "arn:aws:kms:us-east-1:123456789012:key/data"
	alertTopicArn = "arn:aws:sns:us-east-1:123456789012:platform-prod-warning"
)

func stackTags(env string) tags.Set { return tags.New(env, "platform", "platform-team", "cc-1", nil) }

// stagingArgs is the staging shape; the program fills the providers and the joins.
func stagingArgs() *backup.BackupArgs {
	return &backup.BackupArgs{
		NamePrefix:                   "platform-staging",
		AccountId:                    pulumi.String(plan.AccountID),
		KmsKeyArn:                    pulumi.String(dataKeyArn),
		DRRegion:                     "us-west-2",
		RetentionDays:                7,
		NotificationTopicArn:         pulumi.String(alertTopicArn),
		RestoreTestDbSubnetGroupName: pulumi.String("platform-staging-data"),
		RestoreTestSecurityGroupIds:  pulumi.StringArray{pulumi.String("sg-0db")},
		Tags:                         stackTags("staging"),
	}
}

func prodArgs() *backup.BackupArgs {
	a := stagingArgs()
	a.NamePrefix = "platform-prod"
	a.RetentionDays = 30
	a.VaultLock = true
	a.ReplicateRdsBackups = true
	a.Protect = true
	a.Tags = stackTags("prod")
	return a
}

// capture runs a program with a DR provider and an RDS instance tagged like the
// database component tags its instance, so the selection can be joined to it.
func capture(t *testing.T, mode plan.Mode, args *backup.BackupArgs) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(program(args), plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
}

func program(args *backup.BackupArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		dr, err := aws.NewProvider(ctx, "dr", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
		if err != nil {
			return err
		}
		db, err := rds.NewInstance(ctx, "postgres", &rds.InstanceArgs{
			Identifier:    pulumi.String("platform-test-postgres"),
			InstanceClass: pulumi.String("db.t4g.medium"),
			Tags:          args.Tags.With(map[string]string{backup.SelectionTagKey: backup.SelectionTagValue}).AWS("platform-test-postgres"),
		})
		if err != nil {
			return err
		}
		a := *args
		a.DRProvider = dr
		a.ResourceArns = pulumi.StringArray{db.Arn}
		if a.ReplicateRdsBackups {
			a.RdsInstanceArn = db.Arn
		}
		b, err := backup.NewBackup(ctx, "backup", &a)
		if err != nil {
			return err
		}
		ctx.Export("drVaultArn", b.DRVaultArn)
		ctx.Export("restoreTestingPlanArn", b.RestoreTestingPlanArn)
		return nil
	}
}

func viaProvider(t *testing.T, r, provider *plan.Resource) {
	t.Helper()
	require.True(t, strings.HasPrefix(r.Provider, provider.URN+"::"), "%s %s must use provider %s, got %q", r.Type, r.Name, provider.Name, r.Provider)
}

type policy struct {
	Statement []struct {
		Sid       string
		Effect    string
		Principal map[string]any
		Action    any
		Condition map[string]map[string]any
	}
}

func parsePolicy(t *testing.T, v property.Value) policy {
	t.Helper()
	var doc policy
	require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, v)), &doc))
	return doc
}

func TestProdBackupUpdate(t *testing.T) {
	p := capture(t, plan.Update, prodArgs())
	dr := p.Named(tProvider, "dr")
	require.NotNil(t, dr)
	vault := p.Named(tVault, "backup-vault")
	drVault := p.Named(tVault, "backup-dr-vault")
	drKey := testkit.One(t, p, tKey)
	require.NotNil(t, vault)
	require.NotNil(t, drVault)
	db := testkit.One(t, p, tRDSInstance)

	t.Run("primary vault uses the data CMK, is protected and never force-destroyed", func(t *testing.T) {
		require.Equal(t, dataKeyArn, testkit.Str(t, vault.Input("kmsKeyArn")))
		require.Equal(t, "platform-prod-vault", testkit.Str(t, vault.Input("name")))
		require.Equal(t, backup.VaultName("platform-prod"), testkit.Str(t, vault.Input("name")), "VaultName predicts the name")
		require.False(t, vault.Input("forceDestroy").AsBool())
		require.True(t, vault.Protect)
		require.Empty(t, vault.Provider, "the primary vault is in the stack region")
		require.Equal(t, "prod", testkit.Str(t, vault.Input("tags.environment")))
	})

	t.Run("DR key and vault live in the DR region with their own CMK", func(t *testing.T) {
		viaProvider(t, drKey, dr)
		viaProvider(t, drVault, dr)
		viaProvider(t, testkit.One(t, p, tAlias), dr)
		require.True(t, drKey.Input("enableKeyRotation").AsBool())
		require.Equal(t, 30.0, testkit.Num(t, drKey.Input("deletionWindowInDays")))
		require.True(t, drKey.Protect)
		require.True(t, drKey.RetainOnDelete)
		require.True(t, drVault.Protect)
		require.Equal(t, testkit.Str(t, drKey.Output("arn")), testkit.Str(t, drVault.Input("kmsKeyArn")))
		require.NotEqual(t, dataKeyArn, testkit.Str(t, drVault.Input("kmsKeyArn")))

		doc := parsePolicy(t, drKey.Input("policy"))
		require.Len(t, doc.Statement, 3)
		require.Equal(t, "arn:aws:iam::123456789012:root", doc.Statement[0].Principal["AWS"])
		for _, s := range doc.Statement[1:] {
			require.Equal(t, "*", s.Principal["AWS"])
			eq := s.Condition["StringEquals"]
			require.Equal(t, plan.AccountID, eq["kms:CallerAccount"], "%s must be pinned to the account", s.Sid)
			require.ElementsMatch(t, []any{"backup.us-west-2.amazonaws.com", "rds.us-west-2.amazonaws.com"}, eq["kms:ViaService"])
		}
	})

	t.Run("both vaults are locked in compliance mode with the retention range", func(t *testing.T) {
		locks := p.ByType(tLock)
		require.Len(t, locks, 2)
		names := []string{}
		for _, l := range locks {
			require.Equal(t, 7.0, testkit.Num(t, l.Input("minRetentionDays")))
			require.Equal(t, 365.0, testkit.Num(t, l.Input("maxRetentionDays")))
			require.Equal(t, 3.0, testkit.Num(t, l.Input("changeableForDays")), "changeableForDays makes it compliance mode")
			require.True(t, l.Protect)
			names = append(names, testkit.Str(t, l.Input("backupVaultName")))
		}
		require.ElementsMatch(t, []string{"platform-prod-vault", "platform-prod-dr-vault"}, names)
		viaProvider(t, p.Named(tLock, "backup-dr-vault-lock"), dr)
	})

	t.Run("daily rule: 30 days, continuous, copied to the DR vault", func(t *testing.T) {
		pl := testkit.One(t, p, tPlan)
		require.Len(t, pl.Input("rules").AsArray().AsSlice(), 1)
		require.Equal(t, "cron(0 5 * * ? *)", testkit.Str(t, pl.Input("rules[0].schedule")))
		require.Equal(t, "platform-prod-vault", testkit.Str(t, pl.Input("rules[0].targetVaultName")))
		require.Equal(t, 30.0, testkit.Num(t, pl.Input("rules[0].lifecycle.deleteAfter")))
		require.True(t, pl.Input("rules[0].enableContinuousBackup").AsBool())
		require.Equal(t, 60.0, testkit.Num(t, pl.Input("rules[0].startWindow")))
		require.Equal(t, 360.0, testkit.Num(t, pl.Input("rules[0].completionWindow")))
		require.Len(t, pl.Input("rules[0].copyActions").AsArray().AsSlice(), 1)
		require.Equal(t, testkit.Str(t, drVault.Output("arn")), testkit.Str(t, pl.Input("rules[0].copyActions[0].destinationVaultArn")),
			"the copy action's destination is the DR vault")
		require.Equal(t, 30.0, testkit.Num(t, pl.Input("rules[0].copyActions[0].lifecycle.deleteAfter")))
	})

	t.Run("selection picks backup=true and the RDS instance", func(t *testing.T) {
		sel := testkit.One(t, p, tSelection)
		pl := testkit.One(t, p, tPlan)
		role := testkit.One(t, p, tRole)
		require.Equal(t, pl.ID, testkit.Str(t, sel.Input("planId")))
		require.Equal(t, testkit.Str(t, role.Output("arn")), testkit.Str(t, sel.Input("iamRoleArn")))
		tag := sel.Input("selectionTags[0]").AsMap()
		require.Equal(t, "STRINGEQUALS", tag.Get("type").AsString())
		require.Equal(t, "backup", tag.Get("key").AsString())
		require.Equal(t, "true", tag.Get("value").AsString())
		// The join a backup-coverage policy makes: by tag and by ARN.
		require.Equal(t, tag.Get("value").AsString(), testkit.Str(t, db.Input("tags."+tag.Get("key").AsString())))
		require.Contains(t, testkit.Strs(t, sel.Input("resources")), testkit.Str(t, db.Output("arn")))
	})

	t.Run("backup role trusts only AWS Backup of this account and has both managed policies", func(t *testing.T) {
		role := testkit.One(t, p, tRole)
		doc := parsePolicy(t, role.Input("assumeRolePolicy"))
		require.Len(t, doc.Statement, 1)
		require.Equal(t, "backup.amazonaws.com", doc.Statement[0].Principal["Service"])
		require.Equal(t, plan.AccountID, doc.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
		var attached []string
		for _, a := range p.ByType(tAttachment) {
			attached = append(attached, testkit.Str(t, a.Input("policyArn")))
			require.Equal(t, testkit.Str(t, role.Output("name")), testkit.Str(t, a.Input("role")))
		}
		require.ElementsMatch(t, []string{
			"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
			"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
			"arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
			"arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
		}, attached)
	})

	t.Run("vault events go to the notification topic", func(t *testing.T) {
		n := testkit.One(t, p, tNotify)
		require.Equal(t, alertTopicArn, testkit.Str(t, n.Input("snsTopicArn")))
		require.Equal(t, "platform-prod-vault", testkit.Str(t, n.Input("backupVaultName")))
		require.Equal(t, backup.DefaultNotificationEvents, testkit.Strs(t, n.Input("backupVaultEvents")))
	})

	t.Run("weekly restore test of the latest RDS recovery point", func(t *testing.T) {
		rtp := testkit.One(t, p, tRestorePlan)
		require.Equal(t, "cron(0 6 ? * SUN *)", testkit.Str(t, rtp.Input("scheduleExpression")))
		require.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9_]{1,50}$`), testkit.Str(t, rtp.Input("name")))
		require.Equal(t, "LATEST_WITHIN_WINDOW", testkit.Str(t, rtp.Input("recoveryPointSelection.algorithm")))
		require.Equal(t, []string{testkit.Str(t, vault.Output("arn"))}, testkit.Strs(t, rtp.Input("recoveryPointSelection.includeVaults")))
		require.Equal(t, []string{"CONTINUOUS", "SNAPSHOT"}, testkit.Strs(t, rtp.Input("recoveryPointSelection.recoveryPointTypes")))
		require.Equal(t, 7.0, testkit.Num(t, rtp.Input("recoveryPointSelection.selectionWindowDays")))
		require.Equal(t, 8.0, testkit.Num(t, rtp.Input("startWindowHours")))

		sel := testkit.One(t, p, tRestoreSel)
		require.Equal(t, testkit.Str(t, rtp.Input("name")), testkit.Str(t, sel.Input("restoreTestingPlanName")))
		require.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9_]{1,50}$`), testkit.Str(t, sel.Input("name")))
		require.Equal(t, "RDS", testkit.Str(t, sel.Input("protectedResourceType")))
		require.Equal(t, []string{"*"}, testkit.Strs(t, sel.Input("protectedResourceArns")))
		require.Equal(t, "aws:ResourceTag/backup", testkit.Str(t, sel.Input("protectedResourceConditions.stringEquals[0].key")))
		require.Equal(t, "true", testkit.Str(t, sel.Input("protectedResourceConditions.stringEquals[0].value")))
		require.Equal(t, "platform-staging-data", testkit.Str(t, sel.Input("restoreMetadataOverrides.dbSubnetGroupName")))
		require.Equal(t, `["sg-0db"]`, testkit.Str(t, sel.Input("restoreMetadataOverrides.vpcSecurityGroupIds")))
		require.Equal(t, 2.0, testkit.Num(t, sel.Input("validationWindowHours")))
		require.Equal(t, testkit.Str(t, testkit.One(t, p, tRole).Output("arn")), testkit.Str(t, sel.Input("iamRoleArn")))
		require.Equal(t, testkit.Str(t, rtp.Output("arn")), testkit.Str(t, property.New(p.Outputs).AsMap().Get("restoreTestingPlanArn")))
	})

	t.Run("RDS automated backups replicate to the DR region with the DR key", func(t *testing.T) {
		r := testkit.One(t, p, tReplication)
		viaProvider(t, r, dr)
		require.Equal(t, testkit.Str(t, db.Output("arn")), testkit.Str(t, r.Input("sourceDbInstanceArn")))
		require.Equal(t, testkit.Str(t, drKey.Output("arn")), testkit.Str(t, r.Input("kmsKeyId")))
		require.Equal(t, 30.0, testkit.Num(t, r.Input("retentionPeriod")))
	})

	t.Run("every taggable resource carries the stack tags", func(t *testing.T) {
		for _, typ := range []string{tKey, tVault, tPlan, tRole, tRestorePlan} {
			for _, r := range p.ByType(typ) {
				for _, k := range tags.Required {
					require.NotEmpty(t, testkit.Str(t, r.Input("tags."+k)), "%s %s lacks tag %s", typ, r.Name, k)
				}
			}
		}
	})
}

func TestBackupPreviewKeepsJoinsAsDependencies(t *testing.T) {
	p := capture(t, plan.Preview, prodArgs())
	drVault := p.Named(tVault, "backup-dr-vault")
	pl := testkit.One(t, p, tPlan)
	dest := pl.Input("rules[0].copyActions[0].destinationVaultArn")
	require.True(t, dest.IsComputed(), "the DR vault ARN is unknown in a preview, got %#v", dest)
	require.Contains(t, pl.PropertyDependencies["rules"], drVault.URN, "the copy action depends on the DR vault")
	sel := testkit.One(t, p, tSelection)
	require.Contains(t, sel.PropertyDependencies["planId"], pl.URN)
	// Known in a preview: the numbers a policy checks.
	require.Equal(t, 30.0, testkit.Num(t, pl.Input("rules[0].lifecycle.deleteAfter")))
	require.Len(t, p.ByType(tLock), 2)
	require.Equal(t, "backup", testkit.Str(t, sel.Input("selectionTags[0].key")))
	require.True(t, p.Named(tVault, "backup-vault").Protect)
}

func TestStagingBackup(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, stagingArgs())
			require.Empty(t, p.ByType(tLock), "staging vaults are not locked")
			require.Empty(t, p.ByType(tReplication))
			pl := testkit.One(t, p, tPlan)
			require.Equal(t, 7.0, testkit.Num(t, pl.Input("rules[0].lifecycle.deleteAfter")))
			require.Equal(t, 7.0, testkit.Num(t, pl.Input("rules[0].copyActions[0].lifecycle.deleteAfter")))
			for _, v := range p.ByType(tVault) {
				require.False(t, v.Protect)
			}
			require.False(t, testkit.One(t, p, tKey).Protect)
			require.Len(t, p.ByType(tRestorePlan), 1)
		})
	}
}

func TestOptionalPartsCanBeOff(t *testing.T) {
	a := stagingArgs()
	a.SkipRestoreTesting = true
	a.RestoreTestDbSubnetGroupName = nil
	a.RestoreTestSecurityGroupIds = nil
	a.NotificationTopicArn = nil
	a.DisableContinuousBackup = true
	a.RetentionDays = 90
	p := capture(t, plan.Update, a)
	require.Empty(t, p.ByType(tRestorePlan))
	require.Empty(t, p.ByType(tRestoreSel))
	require.Empty(t, p.ByType(tNotify))
	pl := testkit.One(t, p, tPlan)
	require.False(t, pl.Input("rules[0].enableContinuousBackup").AsBool())
	require.Equal(t, 90.0, testkit.Num(t, pl.Input("rules[0].lifecycle.deleteAfter")))
	require.Equal(t, "", testkit.Str(t, property.New(p.Outputs).AsMap().Get("restoreTestingPlanArn")))
}
