package cost_test

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/cost"
	"github.com/generic-corp/platform/internal/lifecycle"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

const cents = 1e-6 // figures are unrounded; this only absorbs float error

// box is a stand-in platform component.
type box struct{ pulumi.ResourceState }

func newBox(ctx *pulumi.Context, typ, name string, opts ...pulumi.ResourceOption) (*box, error) {
	b := &box{}
	return b, ctx.RegisterComponentResource(typ, name, b, opts...)
}

func capture(t *testing.T, mode plan.Mode, program pulumi.RunFunc) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(program, plan.Options{Stack: "test", Mode: mode})
	require.NoError(t, err)
	return p
}

func estimate(t *testing.T, p *plan.Plan, a cost.Assumptions) *cost.Estimate {
	t.Helper()
	tbl, err := cost.Load()
	require.NoError(t, err)
	e := tbl.Estimate(p, a)
	// Every figure must be traceable: each key an item cites is in prices.json, with a
	// source URL unless its price is null (then the item is Unknown).
	for _, it := range e.Items {
		for _, k := range it.PriceKeys {
			pr, ok := tbl.Price(k)
			require.True(t, ok, "%s cites %s, not in prices.json", it.URN, k)
			if pr.Price != nil {
				require.Regexp(t, `^https?://`, pr.Source, k)
			} else {
				require.False(t, it.Known, "%s uses null price %s but is Known", it.URN, k)
			}
		}
	}
	return e
}

func item(t *testing.T, e *cost.Estimate, typ, name string) cost.Item {
	t.Helper()
	for _, it := range e.Items {
		if it.Type == typ && it.Name == name {
			return it
		}
	}
	require.Failf(t, "item not found", "%s %s in %d items", typ, name, len(e.Items))
	return cost.Item{}
}

func TestRDSInstance(t *testing.T) {
	a := cost.DefaultAssumptions("staging")
	cases := []struct {
		name    string
		args    rds.InstanceArgs
		usd     float64
		known   bool
		keys    []string
		reason  string
		formula string
	}{
		{
			name: "multi-AZ db.t4g.medium 50 GiB gp3",
			args: rds.InstanceArgs{Engine: pulumi.String("postgres"), InstanceClass: pulumi.String("db.t4g.medium"),
				MultiAz: pulumi.Bool(true), AllocatedStorage: pulumi.Int(50), StorageType: pulumi.String("gp3")},
			usd: 0.13*730 + 50*0.23, known: true, // 106.40
			keys: []string{"rds.postgres.db.t4g.medium.multi_az", "rds.gp3.storage.multi_az", "rds.backup_storage.beyond_free"},
		},
		{
			name: "single-AZ db.t4g.medium 20 GiB with PI and enhanced monitoring",
			args: rds.InstanceArgs{Engine: pulumi.String("postgres"), InstanceClass: pulumi.String("db.t4g.medium"),
				AllocatedStorage: pulumi.Int(20), StorageType: pulumi.String("gp3"), PerformanceInsightsEnabled: pulumi.Bool(true),
				MonitoringInterval: pulumi.Int(30)},
			// 47.45 + 2.30 + 1 GB EM (0.5 GB x 60/30) x (0.50 ingest + 0.03 storage)
			usd: 0.065*730 + 20*0.115 + 1*0.5 + 1*0.03, known: true,
			keys: []string{"rds.postgres.db.t4g.medium.single_az", "rds.gp3.storage.single_az",
				"rds.performance_insights.free_retention", "cloudwatch.logs.ingestion", "cloudwatch.logs.storage"},
		},
		{
			name: "class with a null price is unknown, storage still priced",
			args: rds.InstanceArgs{Engine: pulumi.String("postgres"), InstanceClass: pulumi.String("db.m7g.large"),
				MultiAz: pulumi.Bool(true), AllocatedStorage: pulumi.Int(100), StorageType: pulumi.String("gp3")},
			usd: 100 * 0.23, known: false, keys: []string{"rds.postgres.db.m7g.large.multi_az"},
			reason: "price rds.postgres.db.m7g.large.multi_az is null",
		},
		{
			name: "default storage type gp2 is not priced",
			args: rds.InstanceArgs{Engine: pulumi.String("postgres"), InstanceClass: pulumi.String("db.t4g.small"),
				AllocatedStorage: pulumi.Int(20)},
			usd: 0.032 * 730, known: false, reason: "storageType gp2",
		},
		{
			name: "engine without prices",
			args: rds.InstanceArgs{Engine: pulumi.String("mysql"), InstanceClass: pulumi.String("db.t4g.small"),
				AllocatedStorage: pulumi.Int(20), StorageType: pulumi.String("gp3")},
			usd: 20 * 0.115, known: false, reason: `no price "rds.mysql.db.t4g.small.single_az"`,
		},
		{
			name: "long Performance Insights retention",
			args: rds.InstanceArgs{Engine: pulumi.String("postgres"), InstanceClass: pulumi.String("db.t4g.micro"),
				AllocatedStorage: pulumi.Int(20), StorageType: pulumi.String("gp3"), PerformanceInsightsEnabled: pulumi.Bool(true),
				PerformanceInsightsRetentionPeriod: pulumi.Int(731)},
			usd: 0.016*730 + 20*0.115, known: false, reason: "retention 731 days",
		},
		{
			name: "storage autoscaling is noted",
			args: rds.InstanceArgs{Engine: pulumi.String("postgres"), InstanceClass: pulumi.String("db.t4g.micro"),
				AllocatedStorage: pulumi.Int(20), MaxAllocatedStorage: pulumi.Int(100), StorageType: pulumi.String("gp3")},
			usd: 0.016*730 + 20*0.115, known: true, formula: "autoscaling up to 100 GB",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
				_, err := rds.NewInstance(ctx, "db", &tc.args)
				return err
			})
			e := estimate(t, p, a)
			it := item(t, e, tokens.RDSInstance, "db")
			require.InDelta(t, tc.usd, it.MonthlyUSD, cents, it.Formula)
			require.Equal(t, tc.known, it.Known, it.Reason)
			require.Subset(t, it.PriceKeys, tc.keys)
			require.Contains(t, it.Reason, tc.reason)
			require.Contains(t, it.Formula, tc.formula)
			require.InDelta(t, tc.usd, e.MonthlyUSD, cents)
			if !tc.known {
				require.Len(t, e.Unknown, 1)
			}
		})
	}
}

func TestRDSReadReplicaInheritsStorage(t *testing.T) {
	p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
		src, err := rds.NewInstance(ctx, "primary", &rds.InstanceArgs{Engine: pulumi.String("postgres"),
			Identifier: pulumi.String("platform-test-postgres"), InstanceClass: pulumi.String("db.t4g.medium"),
			AllocatedStorage: pulumi.Int(50), StorageType: pulumi.String("gp3")})
		if err != nil {
			return err
		}
		_, err = rds.NewInstance(ctx, "replica", &rds.InstanceArgs{InstanceClass: pulumi.String("db.t4g.medium"),
			ReplicateSourceDb: src.Identifier})
		return err
	})
	it := item(t, estimate(t, p, cost.DefaultAssumptions("staging")), tokens.RDSInstance, "replica")
	require.True(t, it.Known, it.Reason)
	require.InDelta(t, 0.065*730+50*0.115, it.MonthlyUSD, cents)
}

// nodeGroupProgram registers a launch template with a 50 GiB gp3 root volume and a node
// group of 3 t4g.large nodes that references it by id, as components/cluster does.
func nodeGroupProgram(ctx *pulumi.Context) error {
	lt, err := ec2.NewLaunchTemplate(ctx, "nodes", &ec2.LaunchTemplateArgs{
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{VolumeType: pulumi.String("gp3"), VolumeSize: pulumi.Int(50),
				Encrypted: pulumi.String("true")},
		}},
	})
	if err != nil {
		return err
	}
	_, err = eks.NewNodeGroup(ctx, "general", &eks.NodeGroupArgs{
		ClusterName: pulumi.String("c"), NodeRoleArn: pulumi.String("arn:aws:iam::123456789012:role/n"),
		SubnetIds:     pulumi.StringArray{pulumi.String("subnet-1")},
		InstanceTypes: pulumi.StringArray{pulumi.String("t4g.large")},
		ScalingConfig: &eks.NodeGroupScalingConfigArgs{MinSize: pulumi.Int(3), MaxSize: pulumi.Int(6), DesiredSize: pulumi.Int(3)},
		LaunchTemplate: &eks.NodeGroupLaunchTemplateArgs{Id: lt.ID(),
			Version: lt.LatestVersion.ApplyT(func(v int) string { return "1" }).(pulumi.StringOutput)},
	})
	return err
}

func TestNodeGroupJoinsLaunchTemplateInBothModes(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, nodeGroupProgram)
			ng := p.Named(tokens.EKSNodeGroup, "general")
			require.Equal(t, mode == plan.Preview, ng.Input("launchTemplate.id").IsComputed())
			e := estimate(t, p, cost.DefaultAssumptions("prod"))
			it := item(t, e, tokens.EKSNodeGroup, "general")
			require.True(t, it.Known, it.Reason)
			require.InDelta(t, 3*0.0672*730+3*50*0.08, it.MonthlyUSD, cents) // 147.17 + 12.00
			require.Equal(t, []string{"ec2.t4g.large", "ebs.gp3.storage"}, it.PriceKeys)
			lt := item(t, e, tokens.EC2LaunchTemplate, "nodes")
			require.True(t, lt.Known)
			require.Zero(t, lt.MonthlyUSD)
		})
	}
}

func TestNodeGroupUnknowns(t *testing.T) {
	cases := []struct {
		name   string
		args   eks.NodeGroupArgs
		reason string
	}{
		{"spot", eks.NodeGroupArgs{CapacityType: pulumi.String("SPOT"), InstanceTypes: pulumi.ToStringArray([]string{"t4g.large"})}, "SPOT"},
		{"unpriced type", eks.NodeGroupArgs{InstanceTypes: pulumi.ToStringArray([]string{"x9.huge"})}, `no price "ec2.x9.huge"`},
		{"no launch template", eks.NodeGroupArgs{InstanceTypes: pulumi.ToStringArray([]string{"t4g.large"})}, "chosen by EKS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
				args := tc.args
				args.ClusterName, args.NodeRoleArn = pulumi.String("c"), pulumi.String("arn:aws:iam::123456789012:role/n")
				args.SubnetIds = pulumi.ToStringArray([]string{"subnet-1"})
				args.ScalingConfig = &eks.NodeGroupScalingConfigArgs{MinSize: pulumi.Int(1), MaxSize: pulumi.Int(2), DesiredSize: pulumi.Int(1)}
				_, err := eks.NewNodeGroup(ctx, "ng", &args)
				return err
			})
			it := item(t, estimate(t, p, cost.DefaultAssumptions("staging")), tokens.EKSNodeGroup, "ng")
			require.False(t, it.Known)
			require.Contains(t, it.Reason, tc.reason)
		})
	}
}

// TestEKSClusterSupportTier prices the control plane as billed on the run date: the
// same Kubernetes minor is standard support one day and extended support the next.
func TestEKSClusterSupportTier(t *testing.T) {
	cases := []struct {
		name, version, support, day string
		usd                         float64
		key, formula                string
	}{
		{"1.34 on its last day of standard support", "1.34", "", "2026-12-01", 0.1 * 730, "eks.cluster.standard_support", ""},
		{"1.34 the day after enters extended support", "1.34", "", "2026-12-03", 0.6 * 730, "eks.cluster.extended_support", "left standard support on 2026-12-02"},
		{"1.34 past support with STANDARD upgrade policy", "1.34", "STANDARD", "2026-12-03", 0.1 * 730, "eks.cluster.standard_support", "instead of billing extended support"},
		{"1.36 in standard support", "1.36", "", "2026-12-03", 0.1 * 730, "eks.cluster.standard_support", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := item(t, eksEstimate(t, tc.version, tc.support, tc.day), tokens.EKSCluster, "eks")
			require.True(t, it.Known, it.Reason)
			require.InDelta(t, tc.usd, it.MonthlyUSD, cents)
			require.Equal(t, []string{tc.key}, it.PriceKeys)
			require.Contains(t, it.Formula, tc.formula)
		})
	}
	t.Run("a minor missing from the lifecycle table is unknown, not guessed", func(t *testing.T) {
		it := item(t, eksEstimate(t, "1.29", "", "2026-12-03"), tokens.EKSCluster, "eks")
		require.False(t, it.Known)
		require.Contains(t, it.Reason, "not in internal/lifecycle/lifecycle.json")
	})
}

func eksEstimate(t *testing.T, version, support, day string) *cost.Estimate {
	t.Helper()
	p := capture(t, plan.Preview, func(ctx *pulumi.Context) error {
		args := &eks.ClusterArgs{Version: pulumi.String(version), RoleArn: pulumi.String("arn:aws:iam::123456789012:role/c"),
			VpcConfig: &eks.ClusterVpcConfigArgs{SubnetIds: pulumi.ToStringArray([]string{"subnet-1"})}}
		if support != "" {
			args.UpgradePolicy = &eks.ClusterUpgradePolicyArgs{SupportType: pulumi.String(support)}
		}
		_, err := eks.NewCluster(ctx, "eks", args)
		return err
	})
	tbl, err := cost.Load()
	require.NoError(t, err)
	on, err := lifecycle.ParseDate(day)
	require.NoError(t, err)
	return tbl.EstimateOn(p, cost.DefaultAssumptions("staging"), on)
}

func TestElastiCacheReplicationGroup(t *testing.T) {
	cases := []struct {
		name   string
		args   elasticache.ReplicationGroupArgs
		usd    float64
		known  bool
		reason string
	}{
		{"redis primary and replica with 7 snapshots",
			elasticache.ReplicationGroupArgs{NodeType: pulumi.String("cache.t4g.small"), NumCacheClusters: pulumi.Int(2),
				SnapshotRetentionLimit: pulumi.Int(7)},
			2*0.032*730 + 7*0.5*0.085, true, ""},
		{"cluster mode: 2 shards x (1 + 1 replica)",
			elasticache.ReplicationGroupArgs{Engine: pulumi.String("redis"), NodeType: pulumi.String("cache.t4g.micro"),
				NumNodeGroups: pulumi.Int(2), ReplicasPerNodeGroup: pulumi.Int(1)},
			4 * 0.016 * 730, true, ""},
		{"valkey nodes have no citable price",
			elasticache.ReplicationGroupArgs{Engine: pulumi.String("valkey"), NodeType: pulumi.String("cache.t4g.small"),
				NumCacheClusters: pulumi.Int(2)},
			0, false, "elasticache.valkey.cache.t4g.small is null"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
				args := tc.args
				args.Description = pulumi.String("test")
				_, err := elasticache.NewReplicationGroup(ctx, "queue", &args)
				return err
			})
			e := estimate(t, p, cost.DefaultAssumptions("staging"))
			it := item(t, e, tokens.ElastiCacheReplicationGroup, "queue")
			require.Equal(t, tc.known, it.Known, it.Reason)
			require.InDelta(t, tc.usd, it.MonthlyUSD, cents)
			require.Contains(t, it.Reason, tc.reason)
		})
	}
}

// TestUnknownIsNeverZero: an unpriceable part leaves the item in Unknown and out of the
// total, whatever the reason (null price, computed input in preview, no model).
func TestUnknownIsNeverZero(t *testing.T) {
	program := func(ctx *pulumi.Context) error {
		key, err := kms.NewKey(ctx, "k", &kms.KeyArgs{})
		if err != nil {
			return err
		}
		// The class comes from another resource's output: unknown in preview.
		class := key.KeyId.ApplyT(func(string) string { return "db.t4g.micro" }).(pulumi.StringOutput)
		_, err = rds.NewInstance(ctx, "db", &rds.InstanceArgs{Engine: pulumi.String("postgres"), InstanceClass: class,
			AllocatedStorage: pulumi.Int(20), StorageType: pulumi.String("gp3")})
		return err
	}
	preview := estimate(t, capture(t, plan.Preview, program), cost.DefaultAssumptions("staging"))
	db := item(t, preview, tokens.RDSInstance, "db")
	require.False(t, db.Known)
	require.Contains(t, db.Reason, "instanceClass is not known until apply")
	require.InDelta(t, 20*0.115, db.MonthlyUSD, cents)
	require.InDelta(t, 1+20*0.115, preview.MonthlyUSD, cents)
	require.Len(t, preview.Unknown, 1)

	update := estimate(t, capture(t, plan.Update, program), cost.DefaultAssumptions("staging"))
	db = item(t, update, tokens.RDSInstance, "db")
	require.True(t, db.Known, db.Reason)
	require.InDelta(t, 1+0.016*730+20*0.115, update.MonthlyUSD, cents)
	require.Empty(t, update.Unknown)
}

func TestComponentGrouping(t *testing.T) {
	p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
		outer, err := newBox(ctx, "platform:database:Postgres", "postgres")
		if err != nil {
			return err
		}
		inner, err := newBox(ctx, "platform:database:Inner", "inner", pulumi.Parent(outer))
		if err != nil {
			return err
		}
		if _, err := kms.NewKey(ctx, "db", &kms.KeyArgs{}, pulumi.Parent(inner)); err != nil {
			return err
		}
		sec, err := newBox(ctx, "platform:secrets:Secrets", "secrets")
		if err != nil {
			return err
		}
		if _, err := kms.NewKey(ctx, "secrets", &kms.KeyArgs{}, pulumi.Parent(sec)); err != nil {
			return err
		}
		_, err = kms.NewKey(ctx, "loose", &kms.KeyArgs{})
		return err
	})
	e := estimate(t, p, cost.DefaultAssumptions("staging"))
	require.Len(t, e.Items, 3, "components are not items")
	require.Equal(t, "postgres", item(t, e, tokens.KMSKey, "db").Component)
	require.Equal(t, "secrets", item(t, e, tokens.KMSKey, "secrets").Component)
	require.Equal(t, cost.StackComponent, item(t, e, tokens.KMSKey, "loose").Component)
	require.Equal(t, map[string]float64{"postgres": 1, "secrets": 1, cost.StackComponent: 1}, e.ByComponent)
	require.InDelta(t, 3.0, e.MonthlyUSD, cents)
}
