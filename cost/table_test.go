package cost

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixedKeys are the price keys the models name directly.
var fixedKeys = []string{
	keyEKSStandard, keyEKSExtended, keyEBSGP3, keyEBSIOPS,
	keyNATHour, keyNATData, keyIPv4, keyALBHour, keyALBLCU, keyEndpointAZ, keyEndpointGB, keyFlowLogsCWL,
	keyRDSBackup, keyRDSPIFree, keyLogsIngest, keyLogsStorage, keyCacheBackup,
	keyBackupCopy, keyECR, keyS3,
	keySecret, keyKMSKey, keyAlarm, keyAlarmHighRes, keyLogsIngestIA,
	keyTrailFirstCopy, keyTrailMoreCopy, keyTrailData, keySNSHTTPS, keySNSEmail, keyCustomMetric,
	keyCFTransfer, keyCFRequests, keyWAFACL, keyWAFRule, keyWAFReqs, keyZone, keyHCAWS, keyHCOther,
}

// keyFamilies are the prefixes of keys the models build from inputs or assumptions
// (instance class, engine, node type, AZ mode, plan, backup kind).
var keyFamilies = []string{
	"ec2.", "rds.postgres.", "rds.gp3.storage.", "elasticache.redis_oss.", "elasticache.valkey.",
	"cloudfront.flat_rate.", "backup.warm_storage.",
}

func TestEveryModelKeyIsSourced(t *testing.T) {
	tbl, err := Load()
	require.NoError(t, err)
	for _, k := range fixedKeys {
		p, ok := tbl.Price(k)
		require.True(t, ok, "model key %s missing from prices.json", k)
		if p.Price != nil {
			require.True(t, strings.HasPrefix(p.Source, "https://") || strings.HasPrefix(p.Source, "http://"), "%s has no source URL", k)
		}
	}
	for _, k := range []string{"cloudfront.flat_rate.free", "cloudfront.flat_rate.pro", "cloudfront.flat_rate.business",
		"cloudfront.flat_rate.premium", "backup.warm_storage.ebs", "backup.warm_storage.rds_snapshot",
		"rds.gp3.storage.single_az", "rds.gp3.storage.multi_az"} {
		_, ok := tbl.Price(k)
		require.True(t, ok, "assumption-selected key %s missing", k)
	}
}

// TestEveryTableKeyIsUsed keeps prices.json to what the models read: each key is a fixed
// model key or belongs to a family the models build.
func TestEveryTableKeyIsUsed(t *testing.T) {
	tbl, err := Load()
	require.NoError(t, err)
	fixed := map[string]bool{}
	for _, k := range fixedKeys {
		fixed[k] = true
	}
	for _, k := range tbl.Keys() {
		require.True(t, fixed[k] || hasPrefixAny(k, keyFamilies...), "prices.json key %s is not used by any model", k)
	}
}

func TestTableMatchesSharedFacts(t *testing.T) {
	tbl, err := Load()
	require.NoError(t, err)
	require.Equal(t, "us-east-1", tbl.Region)
	require.Equal(t, "2026-11-27", tbl.Collected)
	cases := map[string]float64{
		"rds.postgres.db.t4g.medium.multi_az": 0.13, "rds.gp3.storage.multi_az": 0.23, "ec2.t4g.large": 0.0672,
		"eks.cluster.standard_support": 0.1, "eks.cluster.extended_support": 0.6, "nat.gateway.hour": 0.045,
		"alb.hour": 0.0225, "elasticache.redis_oss.cache.t4g.small": 0.032, "kms.customer_managed_key": 1,
	}
	for k, want := range cases {
		p, ok := tbl.Price(k)
		require.True(t, ok, k)
		require.NotNil(t, p.Price, k)
		require.Equal(t, want, *p.Price, k)
	}
	for _, k := range []string{"rds.postgres.db.m7g.large.multi_az", "elasticache.valkey.cache.t4g.micro", "backup.warm_storage.rds_snapshot"} {
		p, ok := tbl.Price(k)
		require.True(t, ok, k)
		require.Nil(t, p.Price, "%s has no citable source and must stay null", k)
		require.NotEmpty(t, p.Note)
	}
}

func TestLoadRejectsBrokenTables(t *testing.T) {
	head := `{"region":"us-east-1","currency":"USD","collected":"2026-11-27","items":[`
	tail := `],"assumptions":[]}`
	cases := []struct {
		name, items, want string
	}{
		{"price without source", `{"key":"a","price":1,"unit":"hour","source":null,"note":""}`, `item "a" has price 1 but source "" is not a URL`},
		{"duplicate key", `{"key":"a","price":null,"unit":"hour","source":null,"note":"n"},{"key":"a","price":null,"unit":"hour","source":null,"note":"n"}`, `item "a" appears twice`},
		{"null without note", `{"key":"a","price":null,"unit":"hour","source":null,"note":""}`, `item "a" has no price and no note`},
		{"unknown field", `{"key":"a","price":1,"unit":"hour","source":"https://x","note":"","cost":2}`, `unknown field "cost"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseTable([]byte(head + tc.items + tail))
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestDefaultAssumptionsPerStack(t *testing.T) {
	staging, prod := DefaultAssumptions("staging"), DefaultAssumptions("prod")
	require.Equal(t, 730.0, staging.HoursPerMonth)
	require.Equal(t, 730.0, prod.HoursPerMonth)
	require.Equal(t, 30.0, staging.NATGBPerGateway)
	require.Equal(t, 100.0, prod.NATGBPerGateway)
	require.Equal(t, 3, prod.ALBZones)
	require.Equal(t, "rds_snapshot", prod.BackupKind)
	require.Equal(t, DefaultAssumptions("dr"), DefaultAssumptions("test"), "stacks without overrides get the defaults")

	tbl, err := Load()
	require.NoError(t, err)
	for _, e := range tbl.assume {
		require.NotEmpty(t, e.Why, e.Key)
	}
	require.Len(t, tbl.assume, len(assumptionKeys())-1, "every Assumptions field but perResourceGB is in prices.json")
}

func TestAssumptionOverrides(t *testing.T) {
	base := DefaultAssumptions("staging")
	cases := []struct {
		name, json, want string
	}{
		{"unknown key", `{"natGb": 1}`, `unknown field "natGb"`},
		{"negative", `{"albLCUs": -2}`, "albLCUs -2 must be a finite number >= 0"},
		{"bad plan", `{"cloudFrontPlan": "gold"}`, `cloudFrontPlan "gold" is not a plan`},
		{"bad hours", `{"hoursPerMonth": 24}`, "hoursPerMonth 24 is not a month"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := base.Override([]byte(tc.json))
			require.ErrorContains(t, err, tc.want)
		})
	}
	got, err := base.Override([]byte(`{"natGBPerGateway": 500, "perResourceGB": {"app-logs": 3}}`))
	require.NoError(t, err)
	require.Equal(t, 500.0, got.NATGBPerGateway)
	require.Equal(t, map[string]float64{"app-logs": 3}, got.PerResourceGB)
	require.Equal(t, 30.0, base.NATGBPerGateway, "Override does not modify the receiver")
}

func TestParseQuantity(t *testing.T) {
	cases := map[string]float64{"20Gi": 20, "512Mi": 0.5, "1Ti": 1024, "1073741824": 1, "2G": 2e9 / (1 << 30)}
	for q, want := range cases {
		got, ok := parseQuantityGiB(q)
		require.True(t, ok, q)
		require.InDelta(t, want, got, 1e-9, q)
	}
	_, ok := parseQuantityGiB("lots")
	require.False(t, ok)
}
