package preflight_test

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/preflight"
)

// A small prod-shaped graph, built by hand so every edge is explicit:
//
//	vpc -> subnet-a, subnet-b -> db-subnets -> database (protected, Multi-AZ)
//	vpc -> cache-sg -> queue (ElastiCache)
//	subnet-a, subnet-b -> cluster (EKS) -> kubernetes provider -> api (Deployment)
//	database -> db-alarm (dimensions: an update)
const (
	tVpc         = tokens.EC2VPC
	tSubnet      = tokens.EC2Subnet
	tSG          = tokens.EC2SecurityGroup
	tDBSubnets   = tokens.RDSSubnetGroup
	tRedis       = tokens.ElastiCacheReplicationGroup
	tEKS         = tokens.EKSCluster
	tK8sProvider = tokens.ProviderK8s
	tDeployment  = tokens.K8sDeployment
	tAlarm       = tokens.CloudWatchMetricAlarm
)

func urnOf(typ, name string) string { return "urn:pulumi:prod::platform::" + typ + "::" + name }

type node struct {
	typ, name string
	inputs    map[string]any
	deps      map[string][]string // input -> names of the resources it is computed from
	protect   bool
	provider  string // name of the explicit provider
	ignore    []string
}

// graph builds a report of the nodes; deps name other nodes by logical name.
func graph(t *testing.T, nodes ...node) *preflight.Report {
	t.Helper()
	urns := map[string]string{}
	for _, n := range nodes {
		urns[n.name] = urnOf(n.typ, n.name)
	}
	r := &preflight.Report{SchemaVersion: preflight.SchemaVersion, Stack: "prod", Mode: "preview",
		Config: map[string]string{}, Summary: preflight.Summary{Pass: true}}
	for _, n := range nodes {
		res := preflight.Resource{URN: urns[n.name], Type: n.typ, Name: n.name, Custom: true, Protect: n.protect,
			Inputs: n.inputs, IgnoreChanges: n.ignore}
		if n.provider != "" {
			res.Provider = urns[n.provider]
		}
		for prop, names := range n.deps {
			if res.PropertyDependencies == nil {
				res.PropertyDependencies = map[string][]string{}
			}
			for _, name := range names {
				require.Contains(t, urns, name, "node %s depends on an unknown node", n.name)
				res.PropertyDependencies[prop] = append(res.PropertyDependencies[prop], urns[name])
			}
		}
		r.Resources = append(r.Resources, res)
	}
	return r
}

// network is the graph with the VPC and subnet CIDRs given.
func network(t *testing.T, vpcCidr, subnetA string, dbMultiAZ bool) *preflight.Report {
	return graph(t,
		node{typ: tVpc, name: "vpc", inputs: map[string]any{"cidrBlock": vpcCidr}},
		node{typ: tSubnet, name: "subnet-a", inputs: map[string]any{"cidrBlock": subnetA, "vpcId": "[unknown]"},
			deps: map[string][]string{"vpcId": {"vpc"}}},
		node{typ: tSubnet, name: "subnet-b", inputs: map[string]any{"cidrBlock": "10.0.2.0/24", "vpcId": "[unknown]"},
			deps: map[string][]string{"vpcId": {"vpc"}}},
		node{typ: tDBSubnets, name: "db-subnets", inputs: map[string]any{"name": "db", "subnetIds": "[unknown]"},
			deps: map[string][]string{"subnetIds": {"subnet-a", "subnet-b"}}},
		node{typ: rdsType, name: "database", protect: true,
			inputs: map[string]any{"identifier": "db", "multiAz": dbMultiAZ, "dbSubnetGroupName": "[unknown]"},
			deps:   map[string][]string{"dbSubnetGroupName": {"db-subnets"}}},
		node{typ: tAlarm, name: "db-alarm", inputs: map[string]any{"dimensions": "[unknown]"},
			deps: map[string][]string{"dimensions": {"database"}}},
		node{typ: tSG, name: "cache-sg", inputs: map[string]any{"name": "cache", "vpcId": "[unknown]"},
			deps: map[string][]string{"vpcId": {"vpc"}}},
		node{typ: tRedis, name: "queue", inputs: map[string]any{"replicationGroupId": "queue", "securityGroupIds": "[unknown]",
			"tags": "[unknown]"},
			deps:   map[string][]string{"securityGroupIds": {"cache-sg"}, "tags": {"vpc"}},
			ignore: []string{"tags"}},
		node{typ: tEKS, name: "cluster", inputs: map[string]any{"name": "c", "vpcConfig": "[unknown]"},
			deps: map[string][]string{"vpcConfig": {"subnet-a", "subnet-b"}}},
		node{typ: tK8sProvider, name: "k8s", inputs: map[string]any{"kubeconfig": "[unknown]"},
			deps: map[string][]string{"kubeconfig": {"cluster"}}},
		node{typ: tDeployment, name: "api", inputs: map[string]any{"spec": map[string]any{"replicas": 2.0}}, provider: "k8s"},
	)
}

func TestCascadeOfAVPCReplacement(t *testing.T) {
	type want struct {
		action   string
		cascaded bool
		because  []string // CascadeFrom properties that force the replacement
	}
	// vpcRebuild is what a new VPC CIDR changes when the database is Multi-AZ.
	vpcRebuild := map[string]want{
		"vpc":        {action: "replace"},
		"subnet-a":   {action: "replace", because: []string{"vpcId"}}, // its own cidrBlock too
		"subnet-b":   {action: "replace", cascaded: true, because: []string{"vpcId"}},
		"db-subnets": {action: "replace", cascaded: true, because: []string{"subnetIds"}},
		"database":   {action: "replace", cascaded: true, because: []string{"dbSubnetGroupName"}},
		"db-alarm":   {action: "update", cascaded: true},
		"cache-sg":   {action: "replace", cascaded: true, because: []string{"vpcId"}},
		"queue":      {action: "replace", cascaded: true, because: []string{"securityGroupIds"}},
		"cluster":    {action: "replace", cascaded: true, because: []string{"vpcConfig"}},
		"k8s":        {action: "replace", cascaded: true, because: []string{"kubeconfig"}},
		"api":        {action: "replace", cascaded: true, because: []string{"(provider)"}},
	}
	// singleAZ: RDS can move a single-AZ instance, so it is updated; its alarm is not touched.
	singleAZ := maps.Clone(vpcRebuild)
	singleAZ["database"] = want{action: "update", cascaded: true}
	delete(singleAZ, "db-alarm")
	cases := []struct {
		name            string
		base, head      *preflight.Report
		changes         map[string]want // by name; every other resource is unchanged
		replacements    int
		cascaded        int
		stateful        int
		refusedURNs     []string
		blocksTheReport bool
	}{
		{
			name:         "a new VPC CIDR rebuilds everything in the VPC",
			base:         network(t, "10.0.0.0/16", "10.0.1.0/24", true),
			head:         network(t, "10.9.0.0/16", "10.9.1.0/24", true),
			changes:      vpcRebuild,
			replacements: 10, cascaded: 8, stateful: 3, // database, queue, cluster
			refusedURNs:     []string{urnOf(rdsType, "database")},
			blocksTheReport: true,
		},
		{
			name:         "a single-AZ instance can move VPC: an update, and nothing is refused",
			base:         network(t, "10.0.0.0/16", "10.0.1.0/24", false),
			head:         network(t, "10.9.0.0/16", "10.9.1.0/24", false),
			changes:      singleAZ,
			replacements: 9, cascaded: 7, stateful: 2,
		},
		{
			name: "a new subnet in the same VPC only updates what uses it",
			base: network(t, "10.0.0.0/16", "10.0.1.0/24", true),
			head: network(t, "10.0.0.0/16", "10.0.3.0/24", true),
			changes: map[string]want{
				"subnet-a":   {action: "replace"},
				"db-subnets": {action: "update", cascaded: true},
				"cluster":    {action: "update", cascaded: true},
			},
			replacements: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := preflight.Compare(tc.base, tc.head, "base.json")
			got := map[string]preflight.Change{}
			for _, c := range d.Changed {
				got[c.Name] = c
			}
			require.Len(t, got, len(tc.changes), "changed: %v", names(d.Changed))
			for name, w := range tc.changes {
				c, ok := got[name]
				require.True(t, ok, "%s should change", name)
				require.Equal(t, w.action, c.Action, name)
				require.Equal(t, w.cascaded, c.Cascaded, name)
				var because []string
				for _, cc := range c.CascadeFrom {
					if cc.Replaces {
						because = append(because, cc.Property)
					}
				}
				require.Equal(t, w.because, because, name)
			}
			require.Equal(t, tc.replacements, d.Replacements)
			require.Equal(t, tc.cascaded, d.CascadedReplacements)
			require.Equal(t, tc.stateful, d.StatefulReplacements)
			require.Equal(t, tc.stateful > 0, d.Loud())
			var refused []string
			for _, x := range d.Refusals {
				require.Equal(t, "protected-replace", x.Kind)
				refused = append(refused, x.URN)
			}
			require.Equal(t, tc.refusedURNs, refused)

			tc.head.AttachDiff(d)
			doc := &preflight.Document{Reports: []*preflight.Report{tc.head}}
			require.Equal(t, !tc.blocksTheReport, tc.head.Summary.Pass)
			require.Equal(t, !tc.blocksTheReport, doc.Pass())
		})
	}
}

func TestCascadeRecordsWhy(t *testing.T) {
	d := preflight.Compare(network(t, "10.0.0.0/16", "10.0.1.0/24", true), network(t, "10.9.0.0/16", "10.9.1.0/24", true), "b")
	byName := map[string]preflight.Change{}
	for _, c := range d.Changed {
		byName[c.Name] = c
	}
	db := byName["database"]
	require.Equal(t, []preflight.Cascade{{Property: "dbSubnetGroupName", From: []string{urnOf(tDBSubnets, "db-subnets")}, Replaces: true,
		Bound:  "RDS moves an instance to another VPC only when it is single-AZ and has no read replicas",
		Source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.VPC2VPC.html"}}, db.CascadeFrom)
	require.Equal(t, []string{"dbSubnetGroupName <- rds.SubnetGroup db-subnets replaced"}, db.Reasons())
	require.Equal(t, []string{"cidrBlock", "vpcId <- ec2.Vpc vpc replaced"}, byName["subnet-a"].Reasons(),
		"a resource replaced by its own change also says what it depends on")
	require.Equal(t, []string{"vpcConfig <- ec2.Subnet subnet-a (+1) replaced"}, byName["cluster"].Reasons())
	require.Empty(t, byName["db-alarm"].Reasons(), "an update has no replacement reasons")
	require.Equal(t, []preflight.Cascade{{Property: "dimensions", From: []string{urnOf(rdsType, "database")}}}, byName["db-alarm"].CascadeFrom)
	require.Len(t, byName["queue"].CascadeFrom, 1, "tags is ignored (ignoreChanges): the engine keeps its old value")
	require.Contains(t, d.Refusals[0].Message, "rds.Instance database is protected and this change replaces it (dbSubnetGroupName <- rds.SubnetGroup db-subnets replaced)")
}

func TestRemovingAProtectedResourceIsRefused(t *testing.T) {
	bucket := node{typ: tokens.S3BucketV2, name: "data", inputs: map[string]any{"bucket": "data"}}
	logs := node{typ: tokens.S3BucketV2, name: "logs", inputs: map[string]any{"bucket": "logs"}}
	cases := []struct {
		name    string
		protect bool
		refused []string
	}{
		{"protected: refused", true, []string{"protected-delete"}},
		{"not protected: loud but allowed", false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := bucket
			b.protect = tc.protect
			d := preflight.Compare(graph(t, b, logs), graph(t, logs), "b")
			require.Equal(t, 1, d.StatefulRemovals)
			var kinds []string
			for _, x := range d.Refusals {
				kinds = append(kinds, x.Kind)
				require.Equal(t, urnOf(b.typ, "data"), x.URN)
			}
			require.Equal(t, tc.refused, kinds)
		})
	}
}

func names(cs []preflight.Change) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Action+" "+c.Name)
	}
	return out
}
