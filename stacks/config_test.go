package stacks

import (
	"errors"
	"maps"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/cluster"

	"github.com/generic-corp/platform/plan"
)

func stackConfig(t testing.TB, stack string) map[string]string {
	t.Helper()
	cfg, err := ReadStackFile("..", stack)
	require.NoError(t, err)
	return cfg
}

func TestCommittedStacksLoad(t *testing.T) {
	for _, stack := range []string{"staging", "prod"} {
		t.Run(stack, func(t *testing.T) {
			cfg, err := Load(stack, stackConfig(t, stack))
			require.NoError(t, err)
			require.Equal(t, stack, cfg.Environment)
			require.Equal(t, "us-east-1", cfg.Region)
		})
	}
}

func TestProdIsStrictAndStagingIsNot(t *testing.T) {
	prod, err := Load("prod", stackConfig(t, "prod"))
	require.NoError(t, err)
	require.True(t, prod.Strict())
	require.True(t, prod.Database.MultiAz)
	require.Equal(t, 30, prod.Database.BackupRetentionDays)
	require.Equal(t, len(prod.Network.AvailabilityZones), prod.Network.NatGateways)

	staging, err := Load("staging", stackConfig(t, "staging"))
	require.NoError(t, err)
	require.False(t, staging.Strict())
	require.Equal(t, 1, staging.Network.NatGateways)
	require.Equal(t, 7, staging.Database.BackupRetentionDays)
}

// TestMalformedConfigs: each case breaks one thing and must get an error that names the
// key, shows the bad value and says what is allowed.
func TestMalformedConfigs(t *testing.T) {
	cases := []badConfig{
		{"unknown key with suggestion", "prod", map[string]string{"platform:dbInstanceClas": "db.t4g.medium"}, nil,
			"platform:dbInstanceClas", []string{"not a platform config key", "did you mean platform:dbInstanceClass"}},
		{"wrong type integer", "prod", map[string]string{"platform:nodeMinSize": "three"}, nil,
			"platform:nodeMinSize", []string{`"three"`, "not an integer"}},
		{"wrong type boolean", "prod", map[string]string{"platform:dbMultiAz": "yes please"}, nil,
			"platform:dbMultiAz", []string{"not a boolean", "true, false"}},
		{"wrong type list", "prod", map[string]string{"platform:availabilityZones": "us-east-1a"}, nil,
			"platform:availabilityZones", []string{"not a list of strings"}},
		{"bad environment enum", "prod", map[string]string{"platform:environment": "production"}, nil,
			"platform:environment", []string{`"production"`, "allowed: staging, prod, dr"}},
		{"bad rds class", "prod", map[string]string{"platform:dbInstanceClass": "db.x9.huge"}, nil,
			"platform:dbInstanceClass", []string{`"db.x9.huge"`, "not an allowed RDS class", "db.t4g.medium"}},
		{"bad cidr", "prod", map[string]string{"platform:vpcCidr": "10.300.0.0/16"}, nil,
			"platform:vpcCidr", []string{"not an IPv4 CIDR"}},
		{"cidr too small", "prod", map[string]string{"platform:vpcCidr": "10.30.0.0/24"}, nil,
			"platform:vpcCidr", []string{"/16 to /20"}},
		{"public cidr", "prod", map[string]string{"platform:vpcCidr": "8.8.0.0/16"}, nil,
			"platform:vpcCidr", []string{"private range"}},
		{"cidr host bits", "prod", map[string]string{"platform:vpcCidr": "10.30.1.0/16"}, nil,
			"platform:vpcCidr", []string{"host bits", "10.30.0.0/16"}},
		{"prod without multi-az", "prod", map[string]string{"platform:dbMultiAz": "false"}, nil,
			"platform:dbMultiAz", []string{"must be true in prod"}},
		{"prod without deletion protection", "prod", map[string]string{"platform:dbDeletionProtection": "false"}, nil,
			"platform:dbDeletionProtection", []string{"must be true in prod"}},
		{"prod short backups", "prod", map[string]string{"platform:dbBackupRetentionDays": "7"}, nil,
			"platform:dbBackupRetentionDays", []string{"at least 30"}},
		{"prod single nat", "prod", map[string]string{"platform:natGateways": "1"}, nil,
			"platform:natGateways", []string{"one per availability zone (3)"}},
		{"nat count neither 1 nor per-az", "staging", map[string]string{"platform:natGateways": "2"}, nil,
			"platform:natGateways", []string{"must be 1 or one per availability zone"}},
		{"prod without redis replica", "prod", map[string]string{"platform:redisReplicas": "0"}, nil,
			"platform:redisReplicas", []string{"at least 1"}},
		{"replicas out of range", "prod", map[string]string{"platform:pgbouncerReplicas": "1"}, nil,
			"platform:pgbouncerReplicas", []string{"out of range", "2 to 20"}},
		{"broken connection budget", "prod", map[string]string{"platform:pgbouncerReplicas": "12", "platform:pgbouncerDefaultPoolSize": "40"}, nil,
			"platform:pgbouncerReplicas", []string{"connection budget", "13 PgBouncer pods", "max_connections 405"}},
		{"az of another region", "prod", map[string]string{"platform:availabilityZones": `["eu-west-1a","eu-west-1b"]`}, nil,
			"platform:availabilityZones", []string{"not a zone of aws:region us-east-1"}},
		{"duplicate az", "staging", map[string]string{"platform:availabilityZones": `["us-east-1a","us-east-1a"]`}, nil,
			"platform:availabilityZones", []string{"listed twice"}},
		{"public eks endpoint open to the world", "prod", map[string]string{"platform:clusterPublicAccessCidrs": `["0.0.0.0/0"]`}, nil,
			"platform:clusterPublicAccessCidrs", []string{"opens the Kubernetes API to the internet"}},
		{"non-graviton nodes", "prod", map[string]string{"platform:nodeInstanceTypes": `["m5.24xlarge"]`}, nil,
			"platform:nodeInstanceTypes", []string{"not an allowed node type"}},
		{"node sizes out of order", "prod", map[string]string{"platform:nodeDesiredSize": "9"}, nil,
			"platform:nodeDesiredSize", []string{"nodeMinSize (3) <= nodeDesiredSize <= nodeMaxSize (6)"}},
		{"missing env-specific key", "prod", nil, []string{"platform:dbInstanceClass"},
			"platform:dbInstanceClass", []string{"is required"}},
		{"missing region", "prod", nil, []string{"aws:region"},
			"aws:region", []string{"is required"}},
		{"storage ceiling below size", "prod", map[string]string{"platform:dbMaxAllocatedStorageGiB": "40"}, nil,
			"platform:dbMaxAllocatedStorageGiB", []string{"must be above dbAllocatedStorageGiB (50)"}},
		{"bad log retention", "prod", map[string]string{"platform:logRetentionDays": "45"}, nil,
			"platform:logRetentionDays", []string{"not a CloudWatch retention"}},
		{"pinned postgres minor", "prod", map[string]string{"platform:dbEngineVersion": "16.6"}, nil,
			"platform:dbEngineVersion", []string{`"16.6"`, "allowed: 16", "refused downgrade"}},
		{"redis 6", "prod", map[string]string{"platform:redisEngineVersion": "6.2"}, nil,
			"platform:redisEngineVersion", []string{"not Redis 7"}},
		{"parent zone missing", "staging", nil, []string{"platform:parentDnsZoneId"}, "platform:parentDnsZoneId", []string{"platform:parentDnsZoneId: is required", "no default"}},
		{"child zone without delegation", "staging", map[string]string{"platform:parentDnsZoneId": "none"}, nil,
			"platform:parentDnsZoneId", []string{`platform:parentDnsZoneId: "none" leaves staging.generic-corp.io undelegated`, "pulumi stack output dnsZoneId -s prod", "none only for a two-label apex"}},
		{"parent zone not a zone id", "dr", map[string]string{"platform:parentDnsZoneId": "generic-corp.io"}, nil,
			"platform:parentDnsZoneId", []string{`platform:parentDnsZoneId: "generic-corp.io" is not allowed`, "Route 53 hosted zone id", "or none"}},
		{"adopted zone with a parent", "staging", map[string]string{"platform:dnsZoneId": "Z0STAGINGZONE0001"}, nil,
			"platform:parentDnsZoneId", []string{`"ZREPLACEWITHPRODZONEID" is not allowed with dnsZoneId "Z0STAGINGZONE0001"`, "allowed: none"}},
		// A DR rebuild must not need the region it survives (issue 12).
		{"dr copies its backups into the failed region", "dr", map[string]string{"platform:drRegion": "us-east-1"}, nil,
			"platform:drRegion", []string{`"us-east-1" is the failed region`, "e.g. us-east-2"}},
		{"dr without a failed region", "dr", nil, []string{"platform:failedRegion"},
			"platform:failedRegion", []string{"is required in a dr stack"}},
		{"dr surviving a misspelt region", "dr", map[string]string{"platform:failedRegion": "us-east1"}, nil,
			"platform:failedRegion", []string{`"us-east1" is not an AWS region`}},
		{"dr failing over to its own region", "dr", map[string]string{"platform:failedRegion": "us-west-2"}, nil,
			"platform:failedRegion", []string{"is this stack's aws:region"}},
		{"dr surviving us-east-1 without prod's certificate", "dr", nil, []string{"platform:edgeCertificateArn"},
			"platform:edgeCertificateArn", []string{"is required when platform:failedRegion is us-east-1", "drEdgeCertificateArn"}},
		{"dr with a web ACL of another region", "dr", map[string]string{"platform:cloudFrontWebAclArn": "arn:aws:wafv2:us-west-2:123456789012:regional/webacl/x/1"}, nil,
			"platform:cloudFrontWebAclArn", []string{"is not a CloudFront web ACL ARN"}},
		{"failed region outside dr", "prod", map[string]string{"platform:failedRegion": "us-west-2"}, nil,
			"platform:failedRegion", []string{"only allowed in a dr stack"}},
		{"drill outside dr", "prod", map[string]string{"platform:repeatableDrill": "true"}, nil,
			"platform:repeatableDrill", []string{"only allowed in a dr stack"}},
		{"drill with a recovery window", "dr", map[string]string{"platform:secretRecoveryWindowDays": "7"}, nil,
			"platform:secretRecoveryWindowDays", []string{"conflicts with platform:repeatableDrill"}},
		{"dr domain outside prod's domain", "prod", map[string]string{"platform:drDomain": "dr.example.com"}, nil,
			"platform:drDomain", []string{"a subdomain of platform:domain \"generic-corp.io\""}},
		{"cut over to a domain that is not prod's", "dr", map[string]string{"platform:cutoverDomain": "example.com"}, nil,
			"platform:cutoverDomain", []string{"the parent of platform:domain \"dr.generic-corp.io\""}},
		{"dr domain in the dr stack", "dr", map[string]string{"platform:drDomain": "dr.generic-corp.io"}, nil,
			"platform:drDomain", []string{"is a prod key"}},
		{"accepted risk of an unknown disruption", "prod", map[string]string{"platform:resilienceAcceptedRisks": `["meteor/Redis queue"]`}, nil,
			"platform:resilienceAcceptedRisks", []string{`"meteor/Redis queue" is not "<disruption>/<component>"`, "region-loss"}},
		{"apex zone with a parent", "prod", map[string]string{"platform:parentDnsZoneId": "Z0SOMEZONE0001"}, nil,
			"platform:parentDnsZoneId", []string{`"Z0SOMEZONE0001" is not allowed for the apex generic-corp.io`, "allowed: none"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := tc.config(t)
			_, err := Load(tc.stack, raw)
			requireRefused(t, err, tc)
			// The program registers nothing with a bad configuration (a directory without
			// stack files, so the keys dropped above stay dropped; an undeclared key reaches
			// the program only through the stack file, so those cases stop at Load).
			if !declared(tc.key) {
				return
			}
			p, err := plan.Capture(Deploy, plan.Options{Stack: tc.stack, Config: raw, Mode: plan.Preview, RootDirectory: t.TempDir()})
			require.Error(t, err)
			require.Empty(t, p.Resources, "nothing is registered with a bad configuration")
		})
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	raw := stackConfig(t, "prod")
	raw["platform:dbMultiAzz"] = "true"
	raw["platform:nodeMinSize"] = "x"
	raw["platform:vpcCidr"] = "nope"
	_, err := Load("prod", raw)
	var cerr *ConfigError
	require.ErrorAs(t, err, &cerr)
	require.GreaterOrEqual(t, len(cerr.Problems), 3)
	for _, k := range []string{"dbMultiAzz", "nodeMinSize", "vpcCidr"} {
		require.True(t, cerr.Has(k), k)
	}
}

func TestDefaultsApplyOnlyToKeysThatHaveOne(t *testing.T) {
	raw := stackConfig(t, "prod")
	delete(raw, "platform:kubernetesVersion") // prod steps through 1.35 (docs/lifecycle.md)
	cfg, err := Load("prod", raw)
	require.NoError(t, err)
	require.Equal(t, cluster.DefaultAddonsKubernetesVersion, cfg.Cluster.KubernetesVersion)
	require.Equal(t, 90, cfg.LogRetentionDays)
	require.Empty(t, cfg.Cluster.PublicAccessCidrs)
	for _, k := range Keys {
		if k.Default == nil {
			_, ok := stackConfig(t, "prod")[Namespace+":"+k.Name]
			require.True(t, ok, "prod must set %s explicitly", k.Name)
		}
	}
}

// FuzzLoad: whatever a stack file says, Load returns a Config or a ConfigError, never
// panics, and never accepts a prod config that relaxes a production rule.
func FuzzLoad(f *testing.F) {
	f.Add("platform:dbMultiAz", "false")
	f.Add("platform:vpcCidr", "10.0.0.0/8")
	f.Add("platform:availabilityZones", `["us-east-1a"]`)
	f.Add("platform:pgbouncerReplicas", "20")
	f.Add("platform:natGateways", "-1")
	base := stackConfig(f, "prod")
	f.Fuzz(func(t *testing.T, key, value string) {
		raw := maps.Clone(base)
		raw[key] = value
		cfg, err := Load("prod", raw)
		if err != nil {
			var cerr *ConfigError
			require.ErrorAs(t, err, &cerr)
			require.NotEmpty(t, cerr.Problems)
			return
		}
		require.True(t, cfg.Database.MultiAz)
		require.True(t, cfg.Database.DeletionProtection)
		require.GreaterOrEqual(t, cfg.Database.BackupRetentionDays, 30)
		require.Equal(t, len(cfg.Network.AvailabilityZones), cfg.Network.NatGateways)
	})
}

func declared(key string) bool {
	for _, k := range Keys {
		if Namespace+":"+k.Name == key {
			return true
		}
	}
	return false
}

// badConfig is a committed stack file with one thing broken, and what the error must say.
type badConfig struct {
	name     string
	stack    string
	set      map[string]string
	drop     []string
	key      string
	contains []string
}

// config is the stack file with the case's edits.
func (c badConfig) config(t testing.TB) map[string]string {
	raw := maps.Clone(stackConfig(t, c.stack))
	maps.Copy(raw, c.set)
	for _, k := range c.drop {
		delete(raw, k)
	}
	return raw
}

// requireRefused: err is a ConfigError that names the case's key and says what it must.
func requireRefused(t *testing.T, err error, c badConfig) {
	t.Helper()
	var cerr *ConfigError
	require.True(t, errors.As(err, &cerr), "want a ConfigError, got %v", err)
	require.True(t, cerr.Has(c.key), "no problem names %s in:\n%v", c.key, err)
	for _, s := range c.contains {
		require.Contains(t, err.Error(), s)
	}
}
