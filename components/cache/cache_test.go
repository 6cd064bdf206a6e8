package cache_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
)

const (
	typeRG       = "aws:elasticache/replicationGroup:ReplicationGroup"
	typeParams   = "aws:elasticache/parameterGroup:ParameterGroup"
	typeSubnets  = "aws:elasticache/subnetGroup:SubnetGroup"
	typeSG       = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress  = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeLogGroup = "aws:cloudwatch/logGroup:LogGroup"
	typeRandomID = "random:index/randomId:RandomId"

	dataKey  = "arn:aws:kms:us-east-1:123456789012:key/data"
	logsKey  = "arn:aws:kms:us-east-1:123456789012:key/logs"
	tokenOne = "queue-token-0123456789abcdef"
	tokenTwo = "cache-token-0123456789abcdef"
)

var stackTags = tags.New("staging", "platform", "platform-team", "cc-123", nil)

// stagingArgs is the staging shape: one node per group, defaults elsewhere.
func stagingArgs() *cache.RedisArgs {
	return &cache.RedisArgs{
		NamePrefix:    "platform-staging",
		VpcId:         pulumi.String("vpc-0123"),
		DataSubnetIds: pulumi.StringArray{pulumi.String("subnet-a"), pulumi.String("subnet-b")},
		AllowedSecurityGroupIds: map[string]pulumi.StringInput{
			"eks-nodes": pulumi.String("sg-nodes"),
			"bastion":   pulumi.String("sg-bastion"),
		},
		KmsKeyArn:              pulumi.String(dataKey),
		LogsKmsKeyArn:          pulumi.String(logsKey),
		SnapshotRetentionLimit: 1,
		ApplyImmediately:       true,
		Tags:                   stackTags,
		Groups: []cache.GroupArgs{
			{Name: "queue", AuthToken: pulumi.String(tokenOne), Parameters: map[string]string{"notify-keyspace-events": ""}},
			{Name: "cache", AuthToken: pulumi.String(tokenTwo)},
		},
	}
}

// prodArgs is the prod shape: Multi-AZ with one replica, protected, bigger nodes.
func prodArgs() *cache.RedisArgs {
	a := stagingArgs()
	a.NamePrefix = "platform-prod"
	a.NodeType = "cache.m7g.large"
	a.Replicas = 1
	a.MultiAz = true
	a.SnapshotRetentionLimit = 7
	a.ApplyImmediately = false
	a.Protect = true
	return a
}

func capture(t *testing.T, mode plan.Mode, args *cache.RedisArgs) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		r, err := cache.NewRedis(ctx, "redis", args)
		if err != nil {
			return err
		}
		ctx.Export("endpoints", r.Endpoints)
		ctx.Export("securityGroupId", r.SecurityGroupId)
		ctx.Export("queuePort", r.Groups["queue"].Port)
		return nil
	}, plan.Options{Stack: "test", Mode: mode})
	require.NoError(t, err)
	return p
}

func str(v property.Value) string {
	if !v.IsString() {
		return "<" + v.GoString() + ">"
	}
	return v.AsString()
}

// params returns a parameter group's parameters as a name -> value map.
func params(t *testing.T, r *plan.Resource) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range r.Input("parameters").AsArray().AsSlice() {
		m := p.AsMap()
		out[m.Get("name").AsString()] = m.Get("value").AsString()
	}
	return out
}

func TestParameterGroupsCarryTheRolePolicy(t *testing.T) {
	p := capture(t, plan.Update, stagingArgs())
	cases := []struct {
		group, policy string
		extra         map[string]string
	}{
		{"queue", "noeviction", map[string]string{"notify-keyspace-events": ""}},
		{"cache", "allkeys-lru", nil},
	}
	for _, tc := range cases {
		t.Run(tc.group, func(t *testing.T) {
			pg := p.Named(typeParams, "redis-"+tc.group+"-params")
			require.NotNil(t, pg)
			require.Equal(t, "redis7", pg.Input("family").AsString())
			got := params(t, pg)
			require.Equal(t, tc.policy, got["maxmemory-policy"])
			for k, v := range tc.extra {
				require.Contains(t, got, k)
				require.Equal(t, v, got[k])
			}
			require.Equal(t, tc.group, pg.Input("tags.role").AsString())

			rg := p.Named(typeRG, "redis-"+tc.group)
			require.NotNil(t, rg)
			require.Equal(t, pg.Output("name").AsString(), rg.Input("parameterGroupName").AsString(),
				"the group must use its own parameter group")
			require.Equal(t, tc.group, rg.Input("tags.role").AsString())
		})
	}
}

func TestReplicationGroupSecurityAndReliability(t *testing.T) {
	p := capture(t, plan.Update, stagingArgs())
	sg := p.Named(typeSG, "redis-sg")
	require.NotNil(t, sg)
	for _, name := range []string{"queue", "cache"} {
		t.Run(name, func(t *testing.T) {
			rg := p.Named(typeRG, "redis-"+name)
			require.NotNil(t, rg)
			require.Equal(t, "platform-staging-"+name, rg.Input("replicationGroupId").AsString())
			require.Equal(t, "redis", rg.Input("engine").AsString())
			require.Equal(t, "7.1", rg.Input("engineVersion").AsString())
			require.Equal(t, "cache.t4g.small", rg.Input("nodeType").AsString())
			require.Equal(t, "disabled", rg.Input("clusterMode").AsString())
			require.NotEmpty(t, rg.Input("description").AsString())

			require.True(t, rg.Input("atRestEncryptionEnabled").AsBool())
			require.Equal(t, dataKey, rg.Input("kmsKeyId").AsString())
			require.True(t, rg.Input("transitEncryptionEnabled").AsBool())
			require.Equal(t, "required", rg.Input("transitEncryptionMode").AsString())
			token := rg.Input("authToken")
			require.True(t, token.Secret(), "authToken must reach the engine as a secret")
			require.True(t, strings.HasSuffix(token.AsString(), "-token-0123456789abcdef"))
			require.Equal(t, "ROTATE", rg.Input("authTokenUpdateStrategy").AsString())
			require.Contains(t, rg.AdditionalSecretOutputs, "authToken")

			require.Equal(t, 1.0, rg.Input("numCacheClusters").AsNumber())
			require.False(t, rg.Input("automaticFailoverEnabled").AsBool())
			require.False(t, rg.Input("multiAzEnabled").AsBool())
			require.Equal(t, 1.0, rg.Input("snapshotRetentionLimit").AsNumber())
			require.Equal(t, "03:00-04:00", rg.Input("snapshotWindow").AsString())
			require.Equal(t, "sun:05:00-sun:06:00", rg.Input("maintenanceWindow").AsString())
			require.True(t, rg.Input("autoMinorVersionUpgrade").AsBool())
			require.True(t, rg.Input("applyImmediately").AsBool())
			require.Equal(t, float64(cache.Port), rg.Input("port").AsNumber())

			sgs := rg.Input("securityGroupIds").AsArray().AsSlice()
			require.Len(t, sgs, 1)
			require.Equal(t, sg.ID, sgs[0].AsString())
			subnets := p.Named(typeSubnets, "redis-subnets")
			require.Equal(t, subnets.Input("name").AsString(), rg.Input("subnetGroupName").AsString())

			final := rg.Input("finalSnapshotIdentifier").AsString()
			require.Regexp(t, `^platform-staging-`+name+`-final-[0-9a-f]{8}$`, final)
			require.NotNil(t, p.Named(typeRandomID, "redis-"+name+"-final-snapshot"))

			require.False(t, rg.Protect, "staging is not protected")
			require.True(t, rg.DeleteBeforeReplace)
			for _, k := range tags.Required {
				require.Equal(t, stackTags[k], rg.Input("tags."+k).AsString(), "tag %s", k)
			}
		})
	}
}

func TestLogDeliveryGoesToEncryptedLogGroupsWithRetention(t *testing.T) {
	p := capture(t, plan.Update, stagingArgs())
	rg := p.Named(typeRG, "redis-queue")
	cfgs := rg.Input("logDeliveryConfigurations").AsArray().AsSlice()
	require.Len(t, cfgs, 2)
	seen := map[string]bool{}
	for _, c := range cfgs {
		m := c.AsMap()
		logType := m.Get("logType").AsString()
		seen[logType] = true
		require.Equal(t, "cloudwatch-logs", m.Get("destinationType").AsString())
		require.Equal(t, "json", m.Get("logFormat").AsString())

		lg := p.Named(typeLogGroup, "redis-queue-"+logType)
		require.NotNil(t, lg, logType)
		require.Equal(t, "/aws/elasticache/platform-staging-queue/"+logType, lg.Input("name").AsString())
		require.Equal(t, lg.Input("name").AsString(), m.Get("destination").AsString())
		require.Equal(t, 30.0, lg.Input("retentionInDays").AsNumber())
		require.Equal(t, logsKey, lg.Input("kmsKeyId").AsString())
	}
	require.Equal(t, map[string]bool{"slow-log": true, "engine-log": true}, seen)
}

func TestSecurityGroupAdmitsRedisOnlyFromSourceGroups(t *testing.T) {
	p := capture(t, plan.Update, stagingArgs())
	sg := p.Named(typeSG, "redis-sg")
	require.Equal(t, "vpc-0123", sg.Input("vpcId").AsString())
	require.NotEmpty(t, sg.Input("description").AsString())
	require.True(t, sg.Input("ingress").IsNull(), "no inline ingress")
	require.True(t, sg.Input("egress").IsNull(), "no egress: Redis never opens connections")

	rules := p.ByType(typeIngress)
	require.Len(t, rules, 2)
	want := map[string]string{"redis-from-bastion": "sg-bastion", "redis-from-eks-nodes": "sg-nodes"}
	for _, r := range rules {
		t.Run(r.Name, func(t *testing.T) {
			require.Equal(t, want[r.Name], r.Input("referencedSecurityGroupId").AsString())
			require.Equal(t, sg.ID, r.Input("securityGroupId").AsString())
			require.Equal(t, "tcp", r.Input("ipProtocol").AsString())
			require.Equal(t, 6379.0, r.Input("fromPort").AsNumber())
			require.Equal(t, 6379.0, r.Input("toPort").AsNumber())
			require.NotEmpty(t, r.Input("description").AsString())
			for _, cidr := range []string{"cidrIpv4", "cidrIpv6", "prefixListId"} {
				require.True(t, r.Input(cidr).IsNull(), "%s must not be set", cidr)
			}
		})
	}
}

func TestOutputsInUpdateMode(t *testing.T) {
	p := capture(t, plan.Update, stagingArgs())
	endpoints := p.Outputs.Get("endpoints").AsMap()
	for _, g := range []string{"queue", "cache"} {
		ep := endpoints.Get(g).AsString()
		require.True(t, strings.HasPrefix(ep, "master.platform-staging-"+g+"."), ep)
		require.True(t, strings.HasSuffix(ep, ":6379"), ep)
	}
	require.Equal(t, 6379.0, p.Outputs.Get("queuePort").AsNumber())
	require.Equal(t, p.Named(typeSG, "redis-sg").ID, p.Outputs.Get("securityGroupId").AsString())

	comp := p.Named(cache.Token, "redis")
	require.NotNil(t, comp)
	for _, r := range p.Resources {
		if r != comp {
			require.Equal(t, comp.URN, r.Parent, "%s must be a child of the component", r.URN)
		}
	}
	// The auth tokens never leak into outputs or other resources' inputs in plaintext.
	for _, r := range p.Resources {
		if r.Type == typeRG {
			continue
		}
		require.NotContains(t, r.Inputs.GoString(), tokenOne, r.URN)
		require.NotContains(t, r.Outputs.GoString(), tokenOne, r.URN)
	}
}

// TestProdInPreview runs the prod shape the way a first `pulumi preview` sees it: the KMS
// key and the auth token come from resources whose outputs are still unknown.
func TestProdInPreview(t *testing.T) {
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		key, err := kms.NewKey(ctx, "data", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true)})
		if err != nil {
			return err
		}
		pw, err := random.NewRandomPassword(ctx, "queue-token", &random.RandomPasswordArgs{Length: pulumi.Int(48), Special: pulumi.Bool(false)})
		if err != nil {
			return err
		}
		a := prodArgs()
		a.KmsKeyArn = key.Arn
		a.Groups[0].AuthToken = pw.Result
		a.Groups[1].Replicas = pulumi.IntRef(2)
		_, err = cache.NewRedis(ctx, "redis", a)
		return err
	}, plan.Options{Stack: "prod", Mode: plan.Preview})
	require.NoError(t, err)

	cases := []struct {
		group    string
		clusters float64
	}{{"queue", 2}, {"cache", 3}}
	for _, tc := range cases {
		t.Run(tc.group, func(t *testing.T) {
			rg := p.Named(typeRG, "redis-"+tc.group)
			require.NotNil(t, rg)
			require.Equal(t, tc.clusters, rg.Input("numCacheClusters").AsNumber())
			require.True(t, rg.Input("automaticFailoverEnabled").AsBool())
			require.True(t, rg.Input("multiAzEnabled").AsBool())
			require.Equal(t, "cache.m7g.large", rg.Input("nodeType").AsString())
			require.Equal(t, 7.0, rg.Input("snapshotRetentionLimit").AsNumber())
			require.False(t, rg.Input("applyImmediately").AsBool())
			require.True(t, rg.Protect, "prod replication groups are protected")
			require.True(t, rg.Input("kmsKeyId").IsComputed(), "the key ARN is unknown in preview")
			require.True(t, rg.Input("finalSnapshotIdentifier").IsComputed(), "the unique suffix is unknown in preview")
			require.Equal(t, "", rg.ID)
		})
	}
	token := p.Named(typeRG, "redis-queue").Input("authToken")
	require.True(t, token.IsComputed())
	require.True(t, token.Secret())
}

func TestSkipFinalSnapshotAndDRSeed(t *testing.T) {
	a := stagingArgs()
	a.SkipFinalSnapshot = true
	a.Groups[0].SnapshotName = "platform-prod-queue-2026-01-01"
	a.AuthTokenUpdateStrategy = "SET"
	a.NotificationTopicArn = pulumi.String("arn:aws:sns:us-east-1:123456789012:alerts")
	p := capture(t, plan.Update, a)
	q := p.Named(typeRG, "redis-queue")
	require.True(t, q.Input("finalSnapshotIdentifier").IsNull())
	require.Empty(t, p.ByType(typeRandomID))
	require.Equal(t, "platform-prod-queue-2026-01-01", q.Input("snapshotName").AsString())
	require.True(t, p.Named(typeRG, "redis-cache").Input("snapshotName").IsNull())
	require.Equal(t, "SET", q.Input("authTokenUpdateStrategy").AsString())
	require.Equal(t, "arn:aws:sns:us-east-1:123456789012:alerts", q.Input("notificationTopicArn").AsString())
}
