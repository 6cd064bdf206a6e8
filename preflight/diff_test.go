package preflight_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

const rdsType = tokens.RDSInstance

func changeOf(t *testing.T, d *preflight.Diff, typ string) preflight.Change {
	t.Helper()
	for _, c := range d.Changed {
		if c.Type == typ {
			return c
		}
	}
	t.Fatalf("no change of %s in %+v", typ, d.Changed)
	return preflight.Change{}
}

func property(t *testing.T, c preflight.Change, path string) preflight.PropertyChange {
	t.Helper()
	for _, p := range c.Properties {
		if p.Path == path {
			return p
		}
	}
	t.Fatalf("no change of %s in %+v", path, c.Properties)
	return preflight.PropertyChange{}
}

// TestDiffOfAChangedInstanceClass changes the stack file (as a pull request would) and
// captures both revisions: a class change is an in-place update with a cost delta.
func TestDiffOfAChangedInstanceClass(t *testing.T) {
	const redisType = tokens.ElastiCacheReplicationGroup
	t.Run("redis node type: priced both sides", func(t *testing.T) {
		dir := projectCopy(t, map[string]func(string) string{
			"Pulumi.staging.yaml": setConfig("platform:redisQueueNodeType", "cache.t4g.small"),
		})
		base := report(t, "staging", plan.Preview)
		head := reportAt(t, dir, "staging", plan.Preview)
		d := preflight.Compare(base, head, "main")

		require.Len(t, d.Changed, 1, "only the queue group changes")
		c := d.Changed[0]
		require.Equal(t, redisType, c.Type)
		require.Equal(t, "update", c.Action, "a node type change modifies in place")
		p := property(t, c, "nodeType")
		require.Equal(t, "cache.t4g.micro", p.Old)
		require.Equal(t, "cache.t4g.small", p.New)
		require.False(t, p.Replaces)
		require.False(t, d.Loud())
		require.Empty(t, d.Added)
		require.Empty(t, d.Removed)
		// cache.t4g.small $0.032/h against cache.t4g.micro $0.016/h (cost/prices.json).
		require.Greater(t, d.Cost.DeltaUSD, 10.0, "a larger node costs more")
		require.InDelta(t, head.Cost.MonthlyUSD-base.Cost.MonthlyUSD, d.Cost.DeltaUSD, 0.01)
		require.Equal(t, map[string]float64{"cache": d.Cost.DeltaUSD}, d.Cost.ByComponent, "only the cache's cost moves")
		require.Empty(t, d.Cost.NewlyUnpriced)
	})
	t.Run("RDS class missing from the price table is refused", func(t *testing.T) {
		// Issue 13: a diff to an unpriced class used to understate the cost; Load now
		// refuses every class the price table cannot price (internal/instanceclass).
		dir := projectCopy(t, map[string]func(string) string{
			"Pulumi.staging.yaml": setConfig("platform:dbInstanceClass", "db.t4g.large"),
		})
		_, err := preflight.Run("staging", preflight.Options{Root: dir, Mode: plan.Preview})
		require.ErrorContains(t, err, "platform:dbInstanceClass")
		require.ErrorContains(t, err, "db.t4g.large")
	})
	t.Run("an instance the head cannot price is named", func(t *testing.T) {
		// As a revision with an older price table would: the delta leaves it out, and says so.
		base := report(t, "staging", plan.Preview)
		head := report(t, "staging", plan.Preview)
		urn := firstOfType(t, head, rdsType).URN
		head.Cost.Unpriced = append(head.Cost.Unpriced, preflight.Unpriced{URN: urn, Reason: "no price"})
		d := preflight.Compare(base, head, "main")
		require.Equal(t, []string{urn}, d.Cost.NewlyUnpriced)
	})
}

// TestDiffFlagsReplacements mutates a saved base, as an older revision would differ.
func TestDiffFlagsReplacements(t *testing.T) {
	cases := []struct {
		name         string
		mutate       func(t *testing.T, base *preflight.Report)
		typ, path    string
		stateful     bool
		wantReplaced bool
	}{
		{
			name: "new RDS identifier replaces the database",
			mutate: func(t *testing.T, b *preflight.Report) {
				firstOfType(t, b, rdsType).Inputs["identifier"] = "platform-prod-postgres-old"
			},
			typ: rdsType, path: "identifier", stateful: true, wantReplaced: true,
		},
		{
			name: "storage encryption cannot be changed in place",
			mutate: func(t *testing.T, b *preflight.Report) {
				firstOfType(t, b, rdsType).Inputs["storageEncrypted"] = false
			},
			typ: rdsType, path: "storageEncrypted", stateful: true, wantReplaced: true,
		},
		{
			name: "a subnet's CIDR replaces the subnet",
			mutate: func(t *testing.T, b *preflight.Report) {
				firstOfType(t, b, tokens.EC2Subnet).Inputs["cidrBlock"] = "10.99.0.0/24"
			},
			typ: tokens.EC2Subnet, path: "cidrBlock", stateful: false, wantReplaced: true,
		},
		{
			name: "Redis snapshot retention is an update",
			mutate: func(t *testing.T, b *preflight.Report) {
				firstOfType(t, b, tokens.ElastiCacheReplicationGroup).Inputs["snapshotRetentionLimit"] = 1.0
			},
			typ: tokens.ElastiCacheReplicationGroup, path: "snapshotRetentionLimit", stateful: true, wantReplaced: false,
		},
		{
			name: "a nested EKS network setting replaces the cluster",
			mutate: func(t *testing.T, b *preflight.Report) {
				firstOfType(t, b, tokens.EKSCluster).Inputs["kubernetesNetworkConfig"] = map[string]any{"serviceIpv4Cidr": "172.16.0.0/16"}
			},
			typ: tokens.EKSCluster, path: "kubernetesNetworkConfig.serviceIpv4Cidr", stateful: true, wantReplaced: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			head := report(t, "prod", plan.Preview)
			base := report(t, "prod", plan.Preview)
			tc.mutate(t, base)
			d := preflight.Compare(base, head, "base.json")

			c := changeOf(t, d, tc.typ)
			require.Equal(t, tc.stateful, c.Stateful)
			p := property(t, c, tc.path)
			require.Equal(t, tc.wantReplaced, p.Replaces)
			if tc.wantReplaced {
				require.Equal(t, "replace", c.Action)
				require.Contains(t, c.ReplaceBecause, tc.path)
				require.False(t, c.Cascaded, "replaced by its own change")
				require.Equal(t, 1, d.Replacements-d.CascadedReplacements, "only the mutated resource is replaced by its own change")
			} else {
				require.Equal(t, "update", c.Action)
				require.Zero(t, d.Replacements)
			}
			require.Equal(t, tc.stateful && tc.wantReplaced, d.Loud(), "only a stateful replacement is loud")
		})
	}
}

func TestDiffAddedRemovedAndFindings(t *testing.T) {
	head := report(t, "prod", plan.Preview)
	base := report(t, "prod", plan.Preview)

	// The base has an extra bucket (removed by head) and lacks the Redis groups (added).
	extra := *firstOfType(t, base, tokens.S3BucketV2)
	extra.URN += "-retired"
	extra.Name += "-retired"
	base.Resources = append(base.Resources, extra)
	var kept []preflight.Resource
	for _, r := range base.Resources {
		if r.Type != tokens.ElastiCacheReplicationGroup {
			kept = append(kept, r)
		}
	}
	base.Resources = kept
	base.Findings = append(base.Findings[:0:0], base.Findings[1:]...) // head's first finding is new
	base.Findings = append(base.Findings, preflight.Finding{Rule: "rds-encrypted", URN: "urn:old", Enforcement: "mandatory"})

	d := preflight.Compare(base, head, "base.json")
	require.Len(t, d.Added, 2)
	for _, c := range d.Added {
		require.Equal(t, "create", c.Action)
	}
	require.Len(t, d.Removed, 1)
	require.Equal(t, "delete", d.Removed[0].Action)
	require.True(t, d.Removed[0].Stateful, "a removed bucket loses its data")
	require.Equal(t, 1, d.StatefulRemovals)
	require.True(t, d.Loud())
	require.Equal(t, []preflight.Finding{head.Findings[0]}, d.NewFindings)
	require.Len(t, d.ResolvedFindings, 1)
	require.Equal(t, "rds-encrypted", d.ResolvedFindings[0].Rule)
}

func TestDiffOfIdenticalReportsIsEmpty(t *testing.T) {
	d := preflight.Compare(report(t, "staging", plan.Preview), report(t, "staging", plan.Preview), "same")
	require.Empty(t, d.Added)
	require.Empty(t, d.Removed)
	require.Empty(t, d.Changed)
	require.Zero(t, d.Cost.DeltaUSD)
	require.Empty(t, d.Notes)
}

func TestDiffNotesModeMismatch(t *testing.T) {
	d := preflight.Compare(report(t, "staging", plan.Update), report(t, "staging", plan.Preview), "saved.json")
	require.Len(t, d.Notes, 1)
	require.Contains(t, d.Notes[0], "update mode and head in preview mode")
}

func TestReplacePropertiesAreRealSDKInputs(t *testing.T) {
	// Spot checks; replace.go cites the upstream schema for each list.
	require.Contains(t, preflight.ReplaceProperties(rdsType), "identifier")
	require.Contains(t, preflight.ReplaceProperties(rdsType), "kmsKeyId")
	require.NotContains(t, preflight.ReplaceProperties(rdsType), "instanceClass")
	require.Contains(t, preflight.ReplaceProperties(tokens.EC2Subnet), "cidrBlock")
	require.True(t, preflight.StatefulTypes[rdsType])
	require.False(t, preflight.StatefulTypes[tokens.EC2Subnet])
}

// TestReportCarriesPropertyDependencies: the cascade reads them from the head report.
func TestReportCarriesPropertyDependencies(t *testing.T) {
	r := report(t, "prod", plan.Preview)
	db := firstOfType(t, r, rdsType)
	group := firstOfType(t, r, tokens.RDSSubnetGroup)
	require.Equal(t, []string{group.URN}, db.PropertyDependencies["dbSubnetGroupName"])
	require.NotContains(t, db.PropertyDependencies, "instanceClass", "inputs computed from nothing are left out")
	subnets := group.PropertyDependencies["subnetIds"]
	require.Len(t, subnets, 3, "one data subnet per zone")
	require.IsIncreasing(t, subnets, "sorted")
}

// TestDiffCascadesFromTheVPC replaces the prod VPC (its CIDR differs in the base) and
// follows the real plan's dependencies to the cluster and the data stores.
func TestDiffCascadesFromTheVPC(t *testing.T) {
	head := report(t, "prod", plan.Preview)
	base := report(t, "prod", plan.Preview)
	firstOfType(t, base, tokens.EC2VPC).Inputs["cidrBlock"] = "10.99.0.0/16"
	d := preflight.Compare(base, head, "base.json")

	want := map[string]string{ // stateful resource -> the input that carries the cascade to it
		"aws:eks/cluster:Cluster cluster":                               "vpcConfig",
		"aws:rds/instance:Instance database":                            "dbSubnetGroupName",
		"aws:elasticache/replicationGroup:ReplicationGroup cache-queue": "subnetGroupName",
		"aws:elasticache/replicationGroup:ReplicationGroup cache-cache": "subnetGroupName",
	}
	got := map[string]string{}
	var refused []string
	for _, c := range d.Changed {
		if c.Action == "replace" && c.Stateful {
			require.True(t, c.Cascaded, c.Name)
			for _, cc := range c.CascadeFrom {
				if cc.Replaces && cc.Property == want[c.Type+" "+c.Name] {
					got[c.Type+" "+c.Name] = cc.Property
				}
			}
		}
	}
	for _, x := range d.Refusals {
		refused = append(refused, x.Kind+" "+shortName(x.URN))
	}
	require.Equal(t, want, got)
	require.Equal(t, len(want), d.StatefulReplacements)
	require.ElementsMatch(t, []string{"protected-replace cluster", "protected-replace database",
		"protected-replace cache-queue", "protected-replace cache-cache"}, refused, "all four are protected in prod")
	require.Equal(t, 1, d.Replacements-d.CascadedReplacements, "only the VPC by its own change")
	require.Greater(t, d.CascadedReplacements, 100, "subnets, routes, groups, the node group, every Kubernetes object")
}

func shortName(urn string) string { return urn[strings.LastIndex(urn, "::")+2:] }
