package rules

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

// catalogueIDs are the IDs of rule-catalogue.md, in order; they are fixed.
var catalogueIDs = []string{
	"rds-encrypted", "rds-not-public", "rds-backup-retention", "rds-multi-az", "rds-deletion-protection", "rds-force-ssl",
	"rds-performance-insights", "rds-logs", "rds-minor-upgrades", "rds-copy-tags", "redis-at-rest", "redis-in-transit",
	"redis-failover", "redis-snapshots", "redis-queue-noeviction", "s3-public-access-block", "s3-sse-kms", "s3-versioning",
	"s3-logging", "s3-acls-disabled", "s3-tls-only", "cf-https-viewers", "cf-tls-min", "cf-oac", "cf-waf", "cf-logging",
	"cf-security-headers", "eks-secrets-kms", "eks-endpoint-private", "eks-control-plane-logs", "eks-version-floor",
	"eks-nodes-imdsv2", "eks-nodes-no-ssh", "sg-no-public-admin", "sg-data-tier-from-sg", "sg-descriptions", "vpc-flow-logs",
	"subnet-no-auto-public-ip", "iam-no-admin", "iam-trust-scoped", "kms-rotation", "kms-no-wildcard-principal", "secrets-cmk",
	"sns-encrypted", "backup-coverage", "backup-vault-cmk", "logs-retention", "alarms-routed", "ecr-immutable-scan",
	"cloudtrail-on", "k8s-pss-restricted", "k8s-hygiene", "k8s-ha", "pgbouncer-connection-budget", "cost-required-tags",
	"cost-instance-allowlist", "cost-gp3", "cost-nat-count", "cost-stack-budget", "stateful-protected",
	"k8s-readiness-deadlock", "netpol-required-flows", "netpol-default-deny", "netpol-least-open",
	"deploy-endpoint-reachable", "deploy-artifacts-provided", "deploy-zone-delegated", "deploy-secret-has-version",
	"day2-converges", "version-lifecycle", "cis-trail-alarms",
}

var prodOnly = []string{"rds-multi-az", "rds-deletion-protection", "redis-failover", "cf-waf", "k8s-ha", "stateful-protected", "backup-coverage"}

func TestCatalogue(t *testing.T) {
	t.Parallel()
	cat := Catalogue()
	require.Len(t, cat, len(catalogueIDs))
	for i, info := range cat {
		require.Equal(t, catalogueIDs[i], info.ID)
		require.Equal(t, i+1, info.Number)
		require.Equal(t, info.ID+"-unknown", info.UnknownID)
		require.NotEmpty(t, info.Description, info.ID)
		require.NotEmpty(t, info.Anchors, info.ID)
		require.Contains(t, []Severity{Critical, High, Medium, Low}, info.Severity, info.ID)
		want := Mandatory
		if slices.Contains(prodOnly, info.ID) {
			want = Advisory
		}
		require.Equal(t, want, info.Enforcement[StackStaging], info.ID)
		require.Equal(t, Mandatory, info.Enforcement[StackProd], info.ID)
		require.Equal(t, Mandatory, info.Enforcement[StackDR], info.ID)
		rule, ok := ByID(info.ID)
		require.True(t, ok)
		require.True(t, (rule.CheckResource == nil) != (rule.CheckStack == nil), "%s must have exactly one check", info.ID)
		if rule.CheckResource != nil {
			require.True(t, len(rule.ResourceTypes) > 0 || rule.AppliesTo != nil, "%s judges no type", info.ID)
		}
	}
	nat := cat[57]
	require.Equal(t, "cost-nat-count", nat.ID)
	require.Equal(t, map[string]string{"staging": "1", "prod": "3", "dr": "3"}, nat.Params[0].Default)
	_, ok := ByID("rds-encrypted-unknown")
	require.False(t, ok, "companions are not rules of their own")
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	cfg, err := LoadConfig([]byte(`{
		"all": {"enforcementLevel": "advisory"},
		"rds-backup-retention": {"enforcementLevel": "mandatory", "minDays": 14,
			"exceptions": [{"urn": "urn:pulumi:prod::platform::aws:rds/instance:Instance::legacy", "reason": "OPS-12: migrating"}]},
		"rds-multi-az-unknown": "mandatory",
		"s3-logging": "disabled",
		"cost-stack-budget": {"budgetUSD": 2500, "modeledMonthlyUSD": 1999.5},
		"sg-descriptions": {"exceptions": [{"name": "legacy-*", "reason": "pre-existing groups"}]}
	}`))
	require.NoError(t, err)
	require.Equal(t, Advisory, cfg.All)
	require.Equal(t, Mandatory, cfg.Rules["rds-backup-retention"].EnforcementLevel)
	require.Equal(t, 14.0, cfg.Rules["rds-backup-retention"].Params["minDays"])
	require.Equal(t, Mandatory, cfg.enforcement("rds-multi-az-unknown", Advisory))
	require.Equal(t, Disabled, cfg.enforcement("s3-logging", Mandatory))
	require.Equal(t, Advisory, cfg.enforcement("kms-rotation", Mandatory), "all applies where a rule has no level")

	require.Equal(t, []Exception{{Name: "legacy-*", Reason: "pre-existing groups"}}, cfg.Rules["sg-descriptions"].Exceptions)
	p, err := NewParams(costStackBudget, StackProd, cfg.Rules["cost-stack-budget"].Params)
	require.NoError(t, err)
	require.Equal(t, 2500.0, p.Number("budgetUSD"))
	require.Equal(t, 1999.5, p.Number("modeledMonthlyUSD"))
}

func TestConfigOverridesAndExceptions(t *testing.T) {
	t.Parallel()
	legacy := db(set(goodDB(), "backupRetentionPeriod", 7))
	legacy.Name, legacy.URN = "legacy", urnOf(tokens.RDSInstance, "legacy")
	current := db(set(goodDB(), "backupRetentionPeriod", 20))
	s := stack("prod", legacy, current)
	rule, _ := ByID("rds-backup-retention")

	fs, err := Run(rule, s, Config{})
	require.NoError(t, err)
	require.Len(t, fs, 2, "both below the prod default of 30")

	cfg, err := LoadConfig([]byte(`{"rds-backup-retention": {"minDays": 14,
		"exceptions": [{"urn": "urn:pulumi:prod::platform::aws:rds/instance:Instance::legacy", "reason": "OPS-12: migrating"}]}}`))
	require.NoError(t, err)
	fs, err = Run(rule, s, cfg)
	require.NoError(t, err)
	require.Len(t, fs, 1, "20 passes minDays 14, 7 does not")
	require.Equal(t, legacy.URN, fs[0].URN)
	require.True(t, fs[0].Exempted)
	require.Equal(t, "OPS-12: migrating", fs[0].ExemptionReason)
	require.False(t, fs[0].Blocking())

	cfg, err = LoadConfig([]byte(`{"rds-backup-retention": {"enforcementLevel": "advisory",
		"exceptions": [{"urn": "urn:pulumi:prod::platform::*::leg*", "reason": "glob"}]}}`))
	require.NoError(t, err)
	fs, err = Run(rule, s, cfg)
	require.NoError(t, err)
	require.Len(t, fs, 2)
	for _, f := range fs {
		require.Equal(t, Advisory, f.Enforcement)
		require.Equal(t, f.URN == legacy.URN, f.Exempted, "URN glob matches only legacy")
	}

	cfg, err = LoadConfig([]byte(`{"rds-backup-retention": "disabled"}`))
	require.NoError(t, err)
	fs, err = Run(rule, s, cfg)
	require.NoError(t, err)
	require.Empty(t, fs)
}

func TestUnknownCompanionEnforcement(t *testing.T) {
	t.Parallel()
	s := stack("prod", db(set(goodDB(), "multiAz", unk)))
	rule, _ := ByID("rds-multi-az")
	fs, err := Run(rule, s, Config{})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	require.Equal(t, "rds-multi-az-unknown", fs[0].RuleID)
	require.Equal(t, Advisory, fs[0].Enforcement)
	require.True(t, fs[0].Unknown)

	cfg, err := LoadConfig([]byte(`{"rds-multi-az-unknown": {"enforcementLevel": "mandatory"}}`))
	require.NoError(t, err)
	fs, err = Run(rule, s, cfg)
	require.NoError(t, err)
	require.Equal(t, Mandatory, fs[0].Enforcement)
	require.True(t, fs[0].Blocking())

	cfg, err = LoadConfig([]byte(`{"rds-multi-az": {"exceptions": [{"name": "postgres", "reason": "single-AZ by design"}]}}`))
	require.NoError(t, err)
	fs, err = Run(rule, s, cfg)
	require.NoError(t, err)
	require.True(t, fs[0].Exempted, "a rule's exception also covers its unknown companion")
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, json, want string
	}{
		{"exception without reason", `{"rds-multi-az": {"exceptions": [{"urn": "urn:x"}]}}`, "rds-multi-az.exceptions[0]: reason is required"},
		{"exception without target", `{"rds-multi-az": {"exceptions": [{"reason": "x"}]}}`, "set urn (exact or glob) or name (glob)"},
		{"unknown exception field", `{"rds-multi-az": {"exceptions": [{"urn": "u", "reason": "r", "why": 1}]}}`, "rds-multi-az.exceptions"},
		{"unknown rule", `{"rds-multiaz": "advisory"}`, "rds-multiaz: no such rule"},
		{"bad level", `{"rds-multi-az": "warn"}`, `"warn" is not one of mandatory, advisory, disabled`},
		{"bad all level", `{"all": "strict"}`, `all: enforcement level "strict"`},
		{"unknown parameter", `{"rds-backup-retention": {"minDay": 3}}`, `unknown parameter "minDay" (known: [minDays])`},
		{"parameter of the wrong type", `{"rds-backup-retention": {"minDays": "14"}}`, `parameter "minDays": value "14" is not of type integer`},
		{"fractional integer", `{"rds-backup-retention": {"minDays": 1.5}}`, `value 1.5 is not of type integer`},
		{"list of the wrong type", `{"cost-instance-allowlist": {"rdsClasses": [1]}}`, `"rdsClasses": value [1] is not of type stringList`},
		{"parameters on a companion", `{"rds-backup-retention-unknown": {"minDays": 3}}`, "a companion rule takes no parameters"},
		{"not an object", `[]`, "not a JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadConfig([]byte(c.json))
			require.Error(t, err)
			require.Contains(t, err.Error(), c.want)
		})
	}
	// every problem at once
	_, err := LoadConfig([]byte(`{"nope": "advisory", "rds-multi-az": "warn"}`))
	require.ErrorContains(t, err, "nope")
	require.ErrorContains(t, err, "warn")
	// Evaluate validates configs built in code too
	_, err = Evaluate(stack("prod"), Config{Rules: map[string]RuleConfig{"x": {}}})
	require.ErrorContains(t, err, "x: no such rule")
}

func TestPanickingRuleIsContained(t *testing.T) {
	t.Parallel()
	boom := Rule{ID: "boom", Severity: High, ResourceTypes: []string{tokens.RDSInstance},
		CheckResource: func(r Resource, _ Params) []Finding {
			if r.Name == "bad" {
				var m map[string]int
				m["x"]++ // nil map write
			}
			return []Finding{fail(r, "judged")}
		}}
	good := db(goodDB())
	bad := db(goodDB())
	bad.Name, bad.URN = "bad", urnOf(tokens.RDSInstance, "bad")
	var fs []Finding
	require.NotPanics(t, func() {
		var err error
		fs, err = Run(boom, stack("prod", good, bad), Config{})
		require.NoError(t, err)
	})
	require.Len(t, fs, 2, "the other resource is still judged")
	require.False(t, fs[0].Error)
	require.True(t, fs[1].Error)
	require.Equal(t, "boom", fs[1].RuleID)
	require.Equal(t, bad.URN, fs[1].URN)
	require.Contains(t, fs[1].Message, `rule boom panicked on rds.Instance "bad"`)
	require.Equal(t, Mandatory, fs[1].Enforcement)

	stackBoom := Rule{ID: "stack-boom", Severity: Low, CheckStack: func(Stack, Params) []Finding { panic("kaput") }}
	fs, err := Run(stackBoom, stack("prod"), Config{})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	require.True(t, fs[0].Error)
	require.Contains(t, fs[0].Message, "rule stack-boom panicked on the stack: kaput")
}

func TestEvaluateEmptyAndFullStacks(t *testing.T) {
	t.Parallel()
	fs, err := Evaluate(stack("prod"), Config{})
	require.NoError(t, err)
	require.Len(t, fs, 1, messages(fs))
	require.Equal(t, "cost-stack-budget-unknown", fs[0].RuleID)

	// every fixture of every rule together: no panics, no rule errors
	var all []Resource
	for _, c := range allCases() {
		all = append(all, c.pass.Resources...)
		all = append(all, c.fail.Resources...)
		all = append(all, c.unknown.Resources...)
	}
	for _, name := range []string{"staging", "prod", "dr", "test"} {
		fs, err := Evaluate(stack(name, all...), Config{})
		require.NoError(t, err)
		for _, f := range fs {
			require.False(t, f.Error, f.Message)
			require.NotEmpty(t, f.RuleID)
			require.NotEmpty(t, f.Severity)
			require.True(t, f.Enforcement.valid())
			require.True(t, strings.HasSuffix(f.RuleID, "-unknown") == f.Unknown, f.RuleID)
		}
	}
}

func TestSecretsNeverInMessages(t *testing.T) {
	t.Parallel()
	const s1, s2, s3, s4, s5 = "TOPSECRET-SID", "hunter2-db-password", "777", "10.99.0.0/16", "s3cr3t-image-host"
	secretAdmin := `{"Statement":[{"Sid":"` + s1 + `","Effect":"Allow","Action":"*","Resource":"*"}]}`
	ini := "[pgbouncer]\ndefault_pool_size = " + s3 + "\n"
	d := set(goodDeployment("pgbouncer"), "spec.template.spec.containers[0].image", sec(s5+"/x:latest"))
	all := stack("prod",
		res(tokens.IAMPolicy, "p", map[string]any{"policy": sec(secretAdmin)}),
		res(tokens.IAMPolicy, "broken", map[string]any{"policy": sec(`{"Statement": ` + s1)}),
		res(tokens.KMSKey, "k", map[string]any{"policy": sec(`{"Statement":[{"Sid":"` + s1 + `","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}`)}),
		db(set(set(goodDB(), "password", sec(s2)), "kmsKeyId", sec("alias/aws/"+s2))),
		res(tokens.EC2SecurityGroupRule, "r", map[string]any{"type": "ingress", "securityGroupId": "sg-db", "cidrBlocks": sec([]any{s4}), "description": "x"}),
		dataSG(),
		deployment("pgbouncer", d),
		res(tokens.K8sConfigMap, "pgbouncer", map[string]any{"metadata": map[string]any{"name": "pgbouncer"}, "data": map[string]any{"pgbouncer.ini": sec(ini)}}),
		res(tokens.RDSInstance, "class", set(goodDB(), "instanceClass", sec("db.x9."+s2))),
	)
	fs, err := Evaluate(all, Config{})
	require.NoError(t, err)
	require.NotEmpty(t, fs)
	hits := 0
	for _, f := range fs {
		for _, secret := range []string{s1, s2, s4, s5, "= " + s3, s3 + " default_pool_size"} {
			require.NotContains(t, f.Message, secret, "%s leaked a secret: %s", f.RuleID, f.Message)
		}
		if strings.Contains(f.Message, "[secret]") {
			hits++
		}
	}
	require.Positive(t, hits, "secret values are rendered as [secret]:\n%s", messages(fs))
}

func TestRunResourceMatchesRun(t *testing.T) {
	t.Parallel()
	bad := db(set(set(goodDB(), "multiAz", false), "kmsKeyId", unk))
	cfg, err := LoadConfig([]byte(`{"rds-multi-az": {"exceptions": [{"name": "postgres", "reason": "r"}]}}`))
	require.NoError(t, err)
	for _, id := range []string{"rds-multi-az", "rds-encrypted"} {
		rule, _ := ByID(id)
		want, err := Run(rule, stack("prod", bad), cfg)
		require.NoError(t, err)
		got, err := RunResource(rule, "prod", bad, cfg)
		require.NoError(t, err)
		require.Equal(t, want, got)
		require.NotEmpty(t, got)
	}
	rule, _ := ByID("rds-force-ssl")
	got, err := RunResource(rule, "prod", bad, cfg)
	require.NoError(t, err)
	require.Nil(t, got, "stack rules run through Run")
}
