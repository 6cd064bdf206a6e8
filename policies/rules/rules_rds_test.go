package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func goodDB() map[string]any {
	return map[string]any{
		"engine": "postgres", "engineVersion": "16.4", "instanceClass": "db.m7g.large", "identifier": "platform-prod-postgres",
		"storageEncrypted": true, "kmsKeyId": keyARN, "publiclyAccessible": false, "backupRetentionPeriod": 30,
		"multiAz": true, "deletionProtection": true, "skipFinalSnapshot": false, "finalSnapshotIdentifier": "platform-prod-postgres-final-1a2b",
		"parameterGroupName": "platform-prod-pg16", "performanceInsightsEnabled": true, "performanceInsightsKmsKeyId": keyARN,
		"enabledCloudwatchLogsExports": []any{"postgresql", "upgrade"}, "autoMinorVersionUpgrade": true,
		"copyTagsToSnapshot": true, "storageType": "gp3", "vpcSecurityGroupIds": []any{"sg-db"},
		"password": sec("hunter2-db-password"), "tags": goodTags("backup", "true"),
	}
}

func goodPG() map[string]any {
	return map[string]any{
		"name": "platform-prod-pg16", "family": "postgres16", "tags": goodTags(),
		"parameters": []any{
			map[string]any{"name": "rds.force_ssl", "value": "1"},
			map[string]any{"name": "log_min_duration_statement", "value": "1000"},
			map[string]any{"name": "max_connections", "value": "500"},
		},
	}
}

func db(inputs map[string]any, opts ...opt) Resource {
	return res(tokens.RDSInstance, "postgres", inputs, opts...)
}
func pg(inputs map[string]any) Resource { return res(tokens.RDSParameterGroup, "pg16", inputs) }

func rdsCase(id, path string, bad any, msg string, unkPath string) ruleCase {
	return ruleCase{
		id: id, pass: stack("prod", db(goodDB()), pg(goodPG())),
		fail: stack("prod", db(set(goodDB(), path, bad)), pg(goodPG())), failMsg: msg,
		unknown: stack("prod", db(set(goodDB(), unkPath, unk)), pg(goodPG())),
	}
}

func rdsCases() []ruleCase {
	return []ruleCase{
		rdsCase("rds-encrypted", "storageEncrypted", false, "storageEncrypted is false", "kmsKeyId"),
		rdsCase("rds-not-public", "publiclyAccessible", true, "publiclyAccessible is true", "publiclyAccessible"),
		rdsCase("rds-backup-retention", "backupRetentionPeriod", 7, "backupRetentionPeriod is 7, below the minimum of 30", "backupRetentionPeriod"),
		rdsCase("rds-multi-az", "multiAz", false, "multiAz is false", "multiAz"),
		rdsCase("rds-deletion-protection", "skipFinalSnapshot", true, "skipFinalSnapshot is true", "deletionProtection"),
		{
			id: "rds-force-ssl", pass: stack("prod", db(goodDB()), pg(goodPG())),
			fail:    stack("prod", db(goodDB()), pg(set(goodPG(), "parameters[0].value", "0"))),
			failMsg: `rds.force_ssl is "0"`,
			unknown: stack("prod", db(set(goodDB(), "parameterGroupName", unk)), pg(goodPG())),
		},
		rdsCase("rds-performance-insights", "performanceInsightsEnabled", false, "performanceInsightsEnabled is false", "performanceInsightsKmsKeyId"),
		{
			id: "rds-logs", pass: stack("prod", db(goodDB()), pg(goodPG())),
			fail:    stack("prod", db(set(goodDB(), "enabledCloudwatchLogsExports", []any{"upgrade"})), pg(goodPG())),
			failMsg: `missing "postgresql"`,
			unknown: stack("prod", db(goodDB()), pg(set(goodPG(), "parameters", unk))),
		},
		rdsCase("rds-minor-upgrades", "autoMinorVersionUpgrade", false, "autoMinorVersionUpgrade is false", "autoMinorVersionUpgrade"),
		rdsCase("rds-copy-tags", "copyTagsToSnapshot", false, "copyTagsToSnapshot is false", "copyTagsToSnapshot"),
	}
}

// Joins must work in both capture modes: by value (update) and by property dependency
// (preview, where parameterGroupName is unknown).
func TestRDSParameterGroupJoin(t *testing.T) {
	t.Parallel()
	group := pg(goodPG())
	badGroup := pg(set(goodPG(), "parameters[0].value", "0"))
	cases := []struct {
		name     string
		s        Stack
		findings int
		unknown  int
	}{
		{"preview join by dependency", stack("prod", db(set(goodDB(), "parameterGroupName", unk), deps("parameterGroupName", group.URN)), group), 0, 0},
		{"preview join finds the bad group", stack("prod", db(set(goodDB(), "parameterGroupName", unk), deps("parameterGroupName", badGroup.URN)), badGroup), 1, 0},
		{"update join by id output", stack("prod", db(set(goodDB(), "parameterGroupName", "pg-abc")), func() Resource { g := badGroup; g.ID = "pg-abc"; return g }()), 1, 0},
		{"no group on postgres 16 uses the force_ssl=1 default", stack("prod", db(set(goodDB(), "parameterGroupName", del))), 0, 0},
		{"no group on postgres 14 fails", stack("prod", db(set(set(goodDB(), "parameterGroupName", del), "engineVersion", "14.9"))), 1, 0},
		{"external non-default group cannot be verified", stack("prod", db(set(goodDB(), "parameterGroupName", "someone-elses"))), 1, 0},
		{"family postgres16 group without the parameter passes", stack("prod", db(goodDB()), pg(set(goodPG(), "parameters", []any{}))), 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, "rds-force-ssl", c.s)
			require.Len(t, only(fs, "rds-force-ssl"), c.findings, messages(fs))
			require.Len(t, only(fs, "rds-force-ssl-unknown"), c.unknown, messages(fs))
		})
	}
}

func TestRDSBackupRetentionPerStack(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		stack string
		days  int
		fails bool
	}{{"staging", 7, false}, {"prod", 7, true}, {"dr", 29, true}, {"prod", 30, false}, {"test", 7, true}} {
		t.Run(c.stack+"-"+itoaT(c.days), func(t *testing.T) {
			t.Parallel()
			fs := only(run(t, "rds-backup-retention", stack(c.stack, db(set(goodDB(), "backupRetentionPeriod", c.days)))), "rds-backup-retention")
			require.Equal(t, c.fails, len(fs) == 1, messages(fs))
		})
	}
}

func TestRDSCustomerManagedKey(t *testing.T) {
	t.Parallel()
	key := res(tokens.KMSKey, "db-key", map[string]any{"enableKeyRotation": true})
	for _, c := range []struct {
		name    string
		r       Resource
		fail    bool
		unknown bool
	}{
		{"aws-managed alias", db(set(goodDB(), "kmsKeyId", "alias/aws/rds")), true, false},
		{"missing key", db(set(goodDB(), "kmsKeyId", del)), true, false},
		{"snapshot restore keeps the snapshot's key", db(set(set(goodDB(), "kmsKeyId", del), "snapshotIdentifier", "arn:aws:backup:us-west-2:123456789012:recovery-point:abc")), false, false},
		{"point-in-time restore keeps the backups' key", db(set(set(goodDB(), "kmsKeyId", del), "restoreToPointInTime", map[string]any{"useLatestRestorableTime": true})), false, false},
		{"unknown key from a stack KMS key", db(set(goodDB(), "kmsKeyId", unk), deps("kmsKeyId", key.URN)), false, false},
		{"unknown key of unknown origin", db(set(goodDB(), "kmsKeyId", unk)), false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, "rds-encrypted", stack("prod", c.r, key))
			require.Equal(t, c.fail, len(only(fs, "rds-encrypted")) > 0, messages(fs))
			require.Equal(t, c.unknown, len(only(fs, "rds-encrypted-unknown")) > 0, messages(fs))
		})
	}
}
