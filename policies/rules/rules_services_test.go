package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func simpleCase(id, typ string, good map[string]any, path string, bad any, msg, unkPath string) ruleCase {
	return ruleCase{
		id: id, pass: stack("prod", res(typ, "x", good)),
		fail: stack("prod", res(typ, "x", set(good, path, bad))), failMsg: msg,
		unknown: stack("prod", res(typ, "x", set(good, unkPath, unk))),
	}
}

func backupFixture(planRules []any, selection map[string]any, dbInputs map[string]any) Stack {
	return stack("prod",
		db(dbInputs),
		res(tokens.BackupPlan, "plan", map[string]any{"name": "platform-prod", "rules": planRules, "tags": goodTags()}, withID("plan-1")),
		res(tokens.BackupSelection, "rds", selection),
	)
}

func copyRules() []any {
	return []any{map[string]any{"ruleName": "daily", "targetVaultName": "platform-prod", "schedule": "cron(0 5 * * ? *)",
		"copyActions": []any{map[string]any{"destinationVaultArn": "arn:aws:backup:us-west-2:1:backup-vault:platform-dr"}}}}
}

func localRules() []any {
	return []any{map[string]any{"ruleName": "daily", "targetVaultName": "platform-prod", "schedule": "cron(0 5 * * ? *)"}}
}

func tagSelection() map[string]any {
	return map[string]any{"name": "rds", "iamRoleArn": "arn:aws:iam::1:role/backup", "planId": "plan-1",
		"selectionTags": []any{map[string]any{"type": "STRINGEQUALS", "key": "backup", "value": "true"}}}
}

func serviceCases() []ruleCase {
	topic := map[string]any{"name": "platform-prod-alerts", "kmsMasterKeyId": keyARN, "tags": goodTags()}
	vault := res(tokens.BackupVault, "vault", map[string]any{"name": "platform-prod", "kmsKeyArn": keyARN, "tags": goodTags()})
	lock := res(tokens.BackupVaultLockConfiguration, "vault-lock", map[string]any{"backupVaultName": "platform-prod", "minRetentionDays": 7, "maxRetentionDays": 365})
	alarm := func(actions any) Resource {
		return res(tokens.CloudWatchMetricAlarm, "api-5xx", map[string]any{"alarmActions": actions, "comparisonOperator": "GreaterThanThreshold",
			"evaluationPeriods": 5, "threshold": 5, "tags": goodTags()})
	}
	alerts := res(tokens.SNSTopic, "alerts", topic)
	goodRepo := map[string]any{"name": "platform/api", "imageTagMutability": "IMMUTABLE",
		"imageScanningConfiguration": map[string]any{"scanOnPush": true},
		"encryptionConfigurations":   []any{map[string]any{"encryptionType": "KMS", "kmsKey": keyARN}}, "tags": goodTags()}
	goodTrail := map[string]any{"name": "platform", "s3BucketName": "platform-prod-trail", "isMultiRegionTrail": true,
		"enableLogFileValidation": true, "kmsKeyId": keyARN, "tags": goodTags()}
	return []ruleCase{
		simpleCase("secrets-cmk", tokens.SecretsManagerSecret, map[string]any{"name": "db", "kmsKeyId": keyARN, "tags": goodTags()}, "kmsKeyId", del,
			"kmsKeyId is not set (the AWS-managed key is used)", "kmsKeyId"),
		simpleCase("sns-encrypted", tokens.SNSTopic, topic, "kmsMasterKeyId", "alias/aws/sns", `kmsMasterKeyId is "alias/aws/sns", an AWS-managed key`, "kmsMasterKeyId"),
		{
			id: "backup-coverage", pass: backupFixture(copyRules(), tagSelection(), goodDB()),
			fail:    backupFixture(localRules(), tagSelection(), goodDB()),
			failMsg: "no aws.backup.Selection selects this instance through a plan with a copy action",
			unknown: backupFixture(copyRules(), set(tagSelection(), "planId", unk), goodDB()),
		},
		{
			id: "backup-vault-cmk", pass: stack("prod", vault, lock), fail: stack("prod", vault), failMsg: "no VaultLockConfiguration locks this vault",
			unknown: stack("prod", res(tokens.BackupVault, "vault", map[string]any{"name": "platform-prod", "kmsKeyArn": unk}), lock),
		},
		simpleCase("logs-retention", tokens.CloudWatchLogGroup, map[string]any{"name": "/platform/api", "retentionInDays": 30, "kmsKeyId": keyARN, "tags": goodTags()},
			"retentionInDays", 0, "retentionInDays is 0 (logs kept forever)", "retentionInDays"),
		{
			id: "alarms-routed", pass: stack("prod", alerts, alarm([]any{"arn:aws:sns:us-east-1:123456789012:platform-prod-alerts"})),
			fail:    stack("prod", alerts, alarm([]any{"arn:aws:sns:us-east-1:123456789012:someone-else"})),
			failMsg: `alarmActions[0] is "arn:aws:sns:us-east-1:123456789012:someone-else", not an SNS topic of this stack`,
			unknown: stack("prod", alerts, alarm([]any{unk})),
		},
		simpleCase("ecr-immutable-scan", tokens.ECRRepository, goodRepo, "imageTagMutability", "MUTABLE", `imageTagMutability is "MUTABLE"`, "imageTagMutability"),
		simpleCase("cloudtrail-on", tokens.CloudTrailTrail, goodTrail, "isMultiRegionTrail", false, "isMultiRegionTrail is false", "kmsKeyId"),
	}
}

func TestBackupSelectionShapes(t *testing.T) {
	t.Parallel()
	untagged := set(goodDB(), "tags", goodTags())
	cases := []struct {
		name    string
		s       Stack
		fails   int
		unknown int
	}{
		{"untagged instance is not selected by tag", backupFixture(copyRules(), tagSelection(), untagged), 1, 0},
		{"selection by resources ARN dependency (preview)", stack("prod", db(untagged),
			res(tokens.BackupPlan, "plan", map[string]any{"rules": copyRules()}, withID("plan-1")),
			res(tokens.BackupSelection, "rds", map[string]any{"planId": "plan-1", "resources": []any{unk}},
				deps("resources", urnOf(tokens.RDSInstance, "postgres")))), 0, 0},
		{"selection by wildcard RDS ARN", backupFixture(copyRules(), map[string]any{"planId": "plan-1",
			"resources": []any{"arn:aws:rds:*:*:db:*"}}, untagged), 0, 0},
		{"selection by conditions on tags", backupFixture(copyRules(), map[string]any{"planId": "plan-1", "resources": []any{"*"},
			"conditions": []any{map[string]any{"stringEquals": []any{map[string]any{"key": "aws:ResourceTag/backup", "value": "true"}}}}}, goodDB()), 0, 0},
		{"conditions exclude the untagged instance", backupFixture(copyRules(), map[string]any{"planId": "plan-1", "resources": []any{"*"},
			"conditions": []any{map[string]any{"stringEquals": []any{map[string]any{"key": "aws:ResourceTag/backup", "value": "true"}}}}}, untagged), 1, 0},
		{"plan joined by dependency in preview", stack("prod", db(goodDB()),
			res(tokens.BackupPlan, "plan", map[string]any{"rules": copyRules()}),
			res(tokens.BackupSelection, "rds", set(tagSelection(), "planId", unk), deps("planId", urnOf(tokens.BackupPlan, "plan")))), 0, 0},
		{"read replicas are skipped", stack("prod", db(set(untagged, "replicateSourceDb", "arn:aws:rds:us-east-1:1:db:primary"))), 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, "backup-coverage", c.s)
			require.Len(t, only(fs, "backup-coverage"), c.fails, messages(fs))
			require.Len(t, only(fs, "backup-coverage-unknown"), c.unknown, messages(fs))
		})
	}
}

func TestVaultLockOnlyWhereRequired(t *testing.T) {
	t.Parallel()
	vault := res(tokens.BackupVault, "vault", map[string]any{"name": "platform-staging", "kmsKeyArn": keyARN})
	require.Empty(t, run(t, "backup-vault-cmk", stack("staging", vault)))
	require.Len(t, run(t, "backup-vault-cmk", stack("dr", vault)), 1)
}

func TestTopicPolicyPublic(t *testing.T) {
	t.Parallel()
	fs := run(t, "sns-encrypted", stack("prod", res(tokens.SNSTopicPolicy, "alerts-policy", map[string]any{"arn": "arn:aws:sns:x",
		"policy": `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"SNS:Publish","Resource":"*"}]}`})))
	require.Len(t, fs, 1, messages(fs))
	require.Contains(t, fs[0].Message, `allows Principal "*" with no Condition`)
}
