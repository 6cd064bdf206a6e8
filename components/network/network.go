package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the component's type token.
const Type = "platform:network:Network"

// Network is the platform VPC and everything routed inside it.
type Network struct {
	pulumi.ResourceState

	// VpcId is the VPC's id.
	VpcId pulumi.StringOutput
	// VpcCidr is the VPC's IPv4 CIDR block.
	VpcCidr pulumi.StringOutput
	// PublicSubnetIds, PrivateSubnetIds and DataSubnetIds are the subnet ids of each
	// tier, one per availability zone in the order of NetworkArgs.AvailabilityZones.
	PublicSubnetIds  pulumi.StringArrayOutput
	PrivateSubnetIds pulumi.StringArrayOutput
	DataSubnetIds    pulumi.StringArrayOutput
	// NatGatewayIds are the NAT gateways' ids (1, or one per AZ).
	NatGatewayIds pulumi.StringArrayOutput
	// PrivateRouteTableIds (one per AZ) and DataRouteTableId, for anything that must add
	// routes (peering, transit gateway) later.
	PrivateRouteTableIds pulumi.StringArrayOutput
	DataRouteTableId     pulumi.StringOutput
	// EndpointSecurityGroupId is the security group of the interface endpoints.
	EndpointSecurityGroupId pulumi.StringOutput
}

// tier is one row of subnets (one per AZ) with what makes the tier different.
type tier struct {
	name  string
	cidrs []string
	tags  map[string]string
}

// NewNetwork registers the VPC, its subnets, gateways, routes, flow logs and endpoints.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	if args == nil {
		return nil, fmt.Errorf("network %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}
	layout, err := carve(a.VpcCidr, len(a.AvailabilityZones))
	if err != nil {
		return nil, fmt.Errorf("network %q: bug, please report: validated CIDR did not carve: %w", name, err)
	}

	c := &Network{}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	vpcName := a.NamePrefix + "-vpc"
	vpc, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(a.VpcCidr),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true), // required for interface endpoints' private DNS
		Tags:               a.Tags.AWS(vpcName),
	}, parent)
	if err != nil {
		return nil, err
	}

	// AWS creates a default security group that allows all traffic between its members
	// and all egress. Adopting it with no rules strips them, so nothing that lands in it
	// by accident (no security group given) can talk to anything.
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(),
		Tags:  a.Tags.AWS(a.NamePrefix + "-default-deny"),
	}, parent); err != nil {
		return nil, err
	}

	clusterTag := map[string]string{}
	if a.ClusterName != "" {
		clusterTag["kubernetes.io/cluster/"+a.ClusterName] = "shared"
	}
	tiers := []tier{
		{name: "public", cidrs: layout.Public, tags: merge(clusterTag, map[string]string{"kubernetes.io/role/elb": "1", "tier": "public"})},
		{name: "private", cidrs: layout.Private, tags: merge(clusterTag, map[string]string{"kubernetes.io/role/internal-elb": "1", "tier": "private"})},
		{name: "data", cidrs: layout.Data, tags: map[string]string{"tier": "data"}},
	}
	subnets := map[string][]*ec2.Subnet{}
	for _, t := range tiers {
		for i, az := range a.AvailabilityZones {
			physical := fmt.Sprintf("%s-%s-%s", a.NamePrefix, t.name, az)
			s, err := ec2.NewSubnet(ctx, fmt.Sprintf("%s-%s-%s", name, t.name, az), &ec2.SubnetArgs{
				VpcId:            vpc.ID(),
				AvailabilityZone: pulumi.String(az),
				CidrBlock:        pulumi.String(t.cidrs[i]),
				// No tier hands out public IPs: public subnets hold only load balancers and
				// NAT gateways, which get their addresses explicitly.
				MapPublicIpOnLaunch: pulumi.Bool(false),
				Tags:                a.Tags.With(t.tags).AWS(physical),
			}, parent)
			if err != nil {
				return nil, err
			}
			subnets[t.name] = append(subnets[t.name], s)
		}
	}

	rt, err := newRouting(ctx, name, &a, vpc, subnets, parent)
	if err != nil {
		return nil, err
	}
	if err := newFlowLogs(ctx, name, &a, vpc, parent); err != nil {
		return nil, err
	}
	endpointSG, err := newEndpoints(ctx, name, &a, vpc, subnets["private"], rt, parent)
	if err != nil {
		return nil, err
	}

	c.VpcId = vpc.ID().ToStringOutput()
	c.VpcCidr = vpc.CidrBlock
	c.PublicSubnetIds = subnetIDs(subnets["public"])
	c.PrivateSubnetIds = subnetIDs(subnets["private"])
	c.DataSubnetIds = subnetIDs(subnets["data"])
	c.NatGatewayIds = rt.natIDs
	c.PrivateRouteTableIds = rt.privateIDs
	c.DataRouteTableId = rt.data.ID().ToStringOutput()
	c.EndpointSecurityGroupId = endpointSG

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"vpcId":                   c.VpcId,
		"vpcCidr":                 c.VpcCidr,
		"publicSubnetIds":         c.PublicSubnetIds,
		"privateSubnetIds":        c.PrivateSubnetIds,
		"dataSubnetIds":           c.DataSubnetIds,
		"natGatewayIds":           c.NatGatewayIds,
		"privateRouteTableIds":    c.PrivateRouteTableIds,
		"dataRouteTableId":        c.DataRouteTableId,
		"endpointSecurityGroupId": c.EndpointSecurityGroupId,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

func subnetIDs(subnets []*ec2.Subnet) pulumi.StringArrayOutput {
	ids := make(pulumi.StringArray, len(subnets))
	for i, s := range subnets {
		ids[i] = s.ID()
	}
	return ids.ToStringArrayOutput()
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
