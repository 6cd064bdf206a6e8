package database

import (
	"fmt"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// postgresPort is the port of RDS and of the PgBouncer Service.
const postgresPort = 5432

type network struct {
	subnetGroup   *rds.SubnetGroup
	securityGroup *ec2.SecurityGroup
}

// newNetwork places the instance in the data subnets behind a security group that
// admits 5432 from the allowed security groups only.
//
// The group has no egress rule at all (the provider removes AWS's default allow-all):
// PostgreSQL answers on established connections, which security groups track, and RDS
// needs no outbound path of its own. Each source is a separate
// aws:vpc/securityGroupIngressRule (the current resource; it has its own id, tags and
// description, unlike inline rules), never a CIDR.
func (c *Postgres) newNetwork(ctx *pulumi.Context, name string, a PostgresArgs) (network, error) {
	physical := naming.Name(naming.MaxRDSIdentifier, a.NamePrefix, "postgres")
	sng, err := rds.NewSubnetGroup(ctx, name, &rds.SubnetGroupArgs{
		Name:        pulumi.String(physical),
		Description: pulumi.String("Data-tier subnets of " + a.NamePrefix + " PostgreSQL"),
		SubnetIds:   a.DataSubnetIds,
		Tags:        a.Tags.AWS(physical),
	}, pulumi.Parent(c))
	if err != nil {
		return network{}, err
	}

	sgName := naming.Name(naming.MaxSecurityGroupName, a.NamePrefix, "postgres")
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		Name:                pulumi.String(sgName),
		Description:         pulumi.String(fmt.Sprintf("%s PostgreSQL: TCP %d from allowed security groups only, no egress", a.NamePrefix, postgresPort)),
		VpcId:               a.VpcId,
		RevokeRulesOnDelete: pulumi.Bool(true),
		Tags:                a.Tags.AWS(sgName),
	}, pulumi.Parent(c))
	if err != nil {
		return network{}, err
	}

	for i, source := range a.AllowedSecurityGroupIds {
		ruleName := fmt.Sprintf("%s-from-%d", sgName, i)
		_, err := vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-ingress-%d", name, i), &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           sg.ID(),
			Description:               pulumi.String(fmt.Sprintf("PostgreSQL %d from allowed security group #%d", postgresPort, i)),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(postgresPort),
			ToPort:                    pulumi.Int(postgresPort),
			ReferencedSecurityGroupId: source.ToStringOutput(),
			Tags:                      a.Tags.AWS(ruleName),
		}, pulumi.Parent(c))
		if err != nil {
			return network{}, err
		}
	}
	return network{subnetGroup: sng, securityGroup: sg}, nil
}
