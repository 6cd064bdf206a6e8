package cache

import (
	"fmt"
	"maps"
	"slices"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// network is what every replication group shares: where it lives and who may reach it.
type network struct {
	subnetGroup   *elasticache.SubnetGroup
	securityGroup *ec2.SecurityGroup
}

func newNetwork(ctx *pulumi.Context, name string, parent pulumi.Resource, a RedisArgs) (*network, error) {
	subnetName := naming.Name(255, a.NamePrefix, "redis")
	subnets, err := elasticache.NewSubnetGroup(ctx, name+"-subnets", &elasticache.SubnetGroupArgs{
		Name:        pulumi.String(subnetName),
		Description: pulumi.String("Private data-tier subnets for the Redis replication groups of " + a.NamePrefix),
		SubnetIds:   a.DataSubnetIds,
		Tags:        a.Tags.AWS(subnetName),
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, err
	}

	// NamePrefix rather than a fixed name: a replacement security group can then be
	// created and attached before the old one is deleted (a group in use cannot be).
	// No egress rules: Redis never opens connections, and the provider removes the
	// default allow-all egress rule of a group created without any.
	sgName := naming.Name(64, a.NamePrefix, "redis") // name_prefix is at most 100 characters
	sg, err := ec2.NewSecurityGroup(ctx, name+"-sg", &ec2.SecurityGroupArgs{
		NamePrefix:          pulumi.String(sgName + "-"),
		Description:         pulumi.String(fmt.Sprintf("Redis (TLS, port %d) for %s: ingress only from named source security groups", Port, a.NamePrefix)),
		VpcId:               a.VpcId,
		RevokeRulesOnDelete: pulumi.Bool(true),
		Tags:                a.Tags.AWS(sgName),
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, err
	}

	// One rule resource per source, so adding a source never rewrites the others, and
	// each rule says in its description who it is for.
	for _, source := range slices.Sorted(maps.Keys(a.AllowedSecurityGroupIds)) {
		ruleName := naming.Name(0, sgName, "from", source)
		_, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-from-"+source, &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           sg.ID(),
			ReferencedSecurityGroupId: a.AllowedSecurityGroupIds[source],
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(Port),
			ToPort:                    pulumi.Int(Port),
			Description:               pulumi.String(fmt.Sprintf("Redis TLS %d from %s", Port, source)),
			Tags:                      a.Tags.AWS(ruleName),
		}, pulumi.Parent(parent))
		if err != nil {
			return nil, err
		}
	}
	return &network{subnetGroup: subnets, securityGroup: sg}, nil
}
