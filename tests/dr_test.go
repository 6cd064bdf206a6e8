package tests

import (
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
	"github.com/generic-corp/platform/stacks"
)

func TestDRRestoresTheDatabaseInTheDRRegion(t *testing.T) {
	p := capture(t, "dr", plan.Update)
	db := one(t, p, rds, isPrimaryDB)
	require.Equal(t, "platform-prod-dr-drill", str(db.Input("snapshotIdentifier")))
	require.Contains(t, str(db.Output("arn")), ":us-west-2:")
	require.True(t, db.Input("multiAz").AsBool())
	require.True(t, db.Protect)
	require.Equal(t, "dr", str(p.Outputs.Get("environment")))
	require.Equal(t, "us-west-2", str(p.Outputs.Get("region")))
}

func TestDRConfigWithoutRestoreSourceIsRefused(t *testing.T) {
	root, err := stackplan.ProjectRoot()
	require.NoError(t, err)
	raw, err := stacks.ReadStackFile(root, "dr")
	require.NoError(t, err)
	delete(raw, "platform:restoreSnapshotId")
	p, err := plan.Capture(stacks.Deploy, plan.Options{Stack: "dr", Config: raw})
	require.ErrorContains(t, err, "platform:restoreSnapshotId: is required in a dr stack")
	require.Empty(t, p.Resources, "nothing may be registered for a refused config")
}

// drNormalise maps DR-specific strings onto their prod counterparts, so what remains
// after it is a real difference in settings.
var drNormalise = strings.NewReplacer(
	"us-west-2", "us-east-1", "dr.generic-corp.io", "generic-corp.io", "agent-platform-dr", "agent-platform-prod",
	"10.40.", "10.30.", "\"dr\"", "\"prod\"", "agent_platform_dr", "agent_platform_prod", "environment$dr", "environment$prod",
	"environment=dr", "environment=prod",
)

// What a DR rebuild uses from prod instead of creating its own: the image repositories,
// which prod replicates into the DR region (issue 10: an empty registry of its own is what
// a rebuild must not wait on); and everything prod has in us-east-1, the region the
// rebuild survives (issue 12): CloudFront's web ACL with its logs, the sites' certificate
// (one for prod's names and the rebuild's, edge-certificate), the hosted zone (the rebuild
// writes into prod's) and the health check, whose alarm can live only in us-east-1; and
// the operator-filled secrets, which prod replicates into the DR region.
var drTakesFromProd = regexp.MustCompile(`^(aws:ecr/(repository:Repository|lifecyclePolicy:LifecyclePolicy|` +
	`replicationConfiguration:ReplicationConfiguration|repositoryCreationTemplate:RepositoryCreationTemplate) ` +
	`|platform:cdn:EdgeWaf edge-waf$|aws:wafv2/webAcl(LoggingConfiguration:WebAclLoggingConfiguration)?(:WebAcl)? edge-waf|aws:cloudwatch/logGroup:LogGroup edge-waf-logs$` +
	`|aws:acm/certificate(Validation)?:Certificate(Validation)? edge-certificate` +
	`|aws:route53/record:Record edge-certificate-validation-` +
	`|aws:route53/zone:Zone dns-zone$|aws:route53/healthCheck:HealthCheck alerting-api-health$` +
	`|aws:cloudwatch/metricAlarm:MetricAlarm alerting-api-unhealthy-critical$|pulumi:providers:aws us-east-1$` +
	// The operator-filled secrets: the rebuild reads prod's replicas in its region.
	`|aws:secretsmanager/secret(Version)?:Secret(Version)? secrets-(anthropic-api-key|sentry-dsn|stripe-secret-key|stripe-webhook-secret|slack-alerts-webhook|pagerduty-routing-key)$` +
	`|aws:kms/(key:Key|alias:Alias) secrets-secrets-replica$)`)

// Inputs that are allowed to differ between the DR rebuild and prod.
var drAllowedDiffs = map[string]bool{
	"aws:rds/instance:Instance database snapshotIdentifier":          true, // the restore source
	"aws:rds/instance:Instance database username":                    true, // taken from the snapshot on restore
	"aws:rds/instance:Instance database dbName":                      true,
	"random:index/randomId:RandomId database-final-snapshot keepers": true, // renewed with the restore source
	// CloudFront's certificate and web ACL: prod's, made ahead of time in us-east-1.
	"aws:cloudfront/distribution:Distribution app-distribution viewerCertificate":     true,
	"aws:cloudfront/distribution:Distribution app-distribution webAclId":              true,
	"aws:cloudfront/distribution:Distribution landing-distribution viewerCertificate": true,
	"aws:cloudfront/distribution:Distribution landing-distribution webAclId":          true,
	// A repeatable drill: torn down and rebuilt (repeatableDrill).
	"aws:backup/vault:Vault backup-vault forceDestroy":                                                true,
	"aws:backup/vault:Vault backup-dr-vault forceDestroy":                                             true,
	"aws:backup/vaultLockConfiguration:VaultLockConfiguration backup-vault-lock changeableForDays":    true,
	"aws:backup/vaultLockConfiguration:VaultLockConfiguration backup-dr-vault-lock changeableForDays": true,
	// The rebuild copies its own backups to a third region, never the failed one.
	"pulumi:providers:aws dr-region region":       true,
	"aws:kms/key:Key backup-dr-key policy":        true,
	"aws:kms/key:Key backup-dr-key description":   true,
	"aws:rds/instance:Instance database kmsKeyId": true, // a snapshot restore keeps the snapshot's key
}

// drZoneInput: the rebuild's records go into prod's zone (an id in its stack file),
// prod's into the zone it creates (unknown in a preview).
const drZoneInput = "zoneId"

// drDrillInputs are the inputs a repeatable drill sets differently on every resource of
// their type: the secrets' recovery window and the buckets' forceDestroy.
var drDrillInputs = map[string]bool{"recoveryWindowInDays": true, "forceDestroy": true}

// TestDRMatchesProd: the DR plan has the same components and security settings as prod;
// only the region, the restore source and names differ.
func TestDRMatchesProd(t *testing.T) {
	prod := capture(t, "prod", plan.Preview)
	dr := capture(t, "dr", plan.Preview)
	index := func(p *plan.Plan) map[string]*plan.Resource {
		out := map[string]*plan.Resource{}
		for _, r := range p.Resources {
			out[drNormalise.Replace(r.Type+" "+r.Name)] = r
		}
		return out
	}
	pi, di := index(prod), index(dr)
	var onlyProd, onlyDR []string
	for k := range pi {
		if di[k] == nil && !drTakesFromProd.MatchString(k) {
			onlyProd = append(onlyProd, k)
		}
	}
	for k := range di {
		if pi[k] == nil {
			onlyDR = append(onlyDR, k)
		}
	}
	sort.Strings(onlyDR)
	require.Empty(t, onlyProd, "resources prod has and DR lacks")
	require.Empty(t, onlyDR, "resources only DR has: it needs nothing prod lacks")

	var diffs []string
	compared, allowed := 0, 0
	for _, k := range sortedKeys(pi) {
		a, b := pi[k], di[k]
		if b == nil {
			continue // taken from prod (drTakesFromProd)
		}
		require.Equal(t, a.Protect, b.Protect, "protect of %s", k)
		for key := range union(a.Inputs, b.Inputs) {
			va, vb := norm(a.Inputs.Get(key)), norm(b.Inputs.Get(key))
			compared++
			switch {
			case va == vb:
			case drAllowedDiffs[k+" "+key], drDrillInputs[key] && (b.Type == tokens.SecretsManagerSecret || b.Type == tokens.S3BucketV2),
				key == drZoneInput && b.Type == tokens.Route53Record:
				allowed++
			default:
				diffs = append(diffs, fmt.Sprintf("%s %s: prod %s, dr %s", k, key, va, vb))
			}
		}
	}
	require.Empty(t, diffs, "settings that differ between prod and its DR rebuild")
	require.Greater(t, compared, 1000, "the comparison must cover the whole plan")
	require.Positive(t, allowed, "the restore source must show up as the allowed difference")
}

// hashes are content hashes (config checksums, name suffixes) that legitimately change
// with region-specific content.
// The schema Job's name carries a 10-character hash over its images, which name the
// region's pull-through cache.
var hashes = regexp.MustCompile(`[0-9a-f]{64}|temporal-schema-[0-9a-f]{10}`)

func norm(v property.Value) string {
	if v.IsComputed() {
		return "[unknown]"
	}
	return hashes.ReplaceAllString(drNormalise.Replace(v.GoString()), "<hash>")
}

func union(a, b property.Map) map[string]bool {
	out := map[string]bool{}
	for k := range a.All {
		out[k] = true
	}
	for k := range b.All {
		out[k] = true
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range maps.Keys(m) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
