package cache

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Token is the component's type token.
const Token = "platform:cache:Redis"

// Redis is the Redis tier: one replication group per GroupArgs.
type Redis struct {
	pulumi.ResourceState

	// Groups are the per-group outputs, keyed by GroupArgs.Name.
	Groups map[string]*Group
	// SecurityGroupId is the security group attached to every replication group; other
	// components never need to add rules to it (sources come in through Args).
	SecurityGroupId pulumi.StringOutput
	// SubnetGroupName is the shared cache subnet group.
	SubnetGroupName pulumi.StringOutput
	// Endpoints maps each group name to its primary endpoint "host:6379". Clients must
	// connect with TLS (rediss://) and the group's auth token.
	Endpoints pulumi.StringMapOutput
}

// Group holds the outputs of one replication group.
type Group struct {
	// Role is the group's role (RoleQueue or RoleCache).
	Role string
	// PrimaryEndpoint is the host name of the primary (writes).
	PrimaryEndpoint pulumi.StringOutput
	// ReaderEndpoint is the host name that balances over the replicas (reads).
	ReaderEndpoint pulumi.StringOutput
	// Port is the Redis port (6379).
	Port pulumi.IntOutput
	// Arn is the replication group ARN.
	Arn pulumi.StringOutput
	// ReplicationGroupId is the physical id (also the prefix of the member cluster ids
	// that CloudWatch metrics are reported under).
	ReplicationGroupId pulumi.StringOutput
	// MemberClusters are the cache cluster ids of the group's nodes, for alarms.
	MemberClusters pulumi.StringArrayOutput
}

// NewRedis validates args and registers the Redis tier.
func NewRedis(ctx *pulumi.Context, name string, args *RedisArgs, opts ...pulumi.ResourceOption) (*Redis, error) {
	if args == nil {
		return nil, errors.New("cache: RedisArgs is required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}

	c := &Redis{Groups: map[string]*Group{}}
	if err := ctx.RegisterComponentResource(Token, name, c, opts...); err != nil {
		return nil, err
	}

	net, err := newNetwork(ctx, name, c, a)
	if err != nil {
		return nil, err
	}
	c.SecurityGroupId = net.securityGroup.ID().ToStringOutput()
	c.SubnetGroupName = net.subnetGroup.Name

	endpoints := pulumi.StringMap{}
	groupOutputs := pulumi.Map{}
	for _, g := range a.Groups {
		out, err := newGroup(ctx, name, c, a, g, net)
		if err != nil {
			return nil, err
		}
		c.Groups[g.Name] = out
		endpoints[g.Name] = pulumi.Sprintf("%s:%d", out.PrimaryEndpoint, out.Port)
		groupOutputs[g.Name] = pulumi.Map{
			"role":               pulumi.String(out.Role),
			"primaryEndpoint":    out.PrimaryEndpoint,
			"readerEndpoint":     out.ReaderEndpoint,
			"port":               out.Port,
			"arn":                out.Arn,
			"replicationGroupId": out.ReplicationGroupId,
		}
	}
	c.Endpoints = endpoints.ToStringMapOutput()

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"securityGroupId": c.SecurityGroupId,
		"subnetGroupName": c.SubnetGroupName,
		"endpoints":       c.Endpoints,
		"groups":          groupOutputs,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
