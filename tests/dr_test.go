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
// a rebuild must not wait on).
var drTakesFromProd = regexp.MustCompile(`^aws:ecr/(repository:Repository|lifecyclePolicy:LifecyclePolicy|` +
	`replicationConfiguration:ReplicationConfiguration|repositoryCreationTemplate:RepositoryCreationTemplate) `)

// drDelegation is what only a child zone has: its NS record in prod's zone (issue 10).
const drDelegation = "aws:route53/record:Record dns-delegation"

// Inputs that are allowed to differ between the DR rebuild and prod.
var drAllowedDiffs = map[string]bool{
	"aws:rds/instance:Instance database snapshotIdentifier":          true, // the restore source
	"aws:rds/instance:Instance database username":                    true, // taken from the snapshot on restore
	"aws:rds/instance:Instance database dbName":                      true,
	"random:index/randomId:RandomId database-final-snapshot keepers": true, // renewed with the restore source
}

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
		if pi[k] == nil && k != drDelegation {
			onlyDR = append(onlyDR, k)
		}
	}
	sort.Strings(onlyDR)
	require.Empty(t, onlyProd, "resources prod has and DR lacks")
	// Outside us-east-1 two things need resources of their own in us-east-1: the key of the
	// CloudFront web ACL's log group, and the topic (and its key) that the Route 53 health
	// check alarm, whose metrics exist only in us-east-1, notifies.
	require.NotEmpty(t, onlyDR)
	for _, k := range onlyDR {
		require.True(t, strings.Contains(k, "us-east-1") || strings.Contains(k, "edge-logs-key"),
			"DR-only resource %s is not a us-east-1 helper", k)
	}

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
			case drAllowedDiffs[k+" "+key]:
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
