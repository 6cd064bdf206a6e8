package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// routing is what the rest of the component needs from the route tables.
type routing struct {
	private    []*ec2.RouteTable // one per AZ
	data       *ec2.RouteTable   // shared by all data subnets: they have no per-AZ route
	natIDs     pulumi.StringArrayOutput
	privateIDs pulumi.StringArrayOutput
}

// newRouting registers the internet gateway, NAT gateways with their EIPs, one public
// route table, one private route table per AZ and one data route table.
//
// Routes are separate aws:ec2/route:Route resources rather than inline routes so the S3
// gateway endpoint (which adds its own prefix-list routes) never fights the table.
func newRouting(ctx *pulumi.Context, name string, a *NetworkArgs, vpc *ec2.Vpc, subnets map[string][]*ec2.Subnet, parent pulumi.ResourceOption) (*routing, error) {
	igw, err := ec2.NewInternetGateway(ctx, name, &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  a.Tags.AWS(a.NamePrefix + "-igw"),
	}, parent)
	if err != nil {
		return nil, err
	}

	public, err := ec2.NewRouteTable(ctx, name+"-public", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  a.Tags.With(map[string]string{"tier": "public"}).AWS(a.NamePrefix + "-public"),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-default", &ec2.RouteArgs{
		RouteTableId:         public.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		GatewayId:            igw.ID(),
	}, parent); err != nil {
		return nil, err
	}
	if err := associate(ctx, name, "public", a.AvailabilityZones, subnets["public"], func(int) *ec2.RouteTable { return public }, parent); err != nil {
		return nil, err
	}

	// NAT gateways sit in the public subnets of the first NatGatewayCount AZs. They need
	// the internet gateway attached before they can pass traffic, hence DependsOn.
	nats := make([]*ec2.NatGateway, a.NatGatewayCount)
	natIDs := make(pulumi.StringArray, a.NatGatewayCount)
	for i := range a.NatGatewayCount {
		az := a.AvailabilityZones[i]
		eip, err := ec2.NewEip(ctx, fmt.Sprintf("%s-nat-%s", name, az), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   a.Tags.AWS(fmt.Sprintf("%s-nat-%s", a.NamePrefix, az)),
		}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return nil, err
		}
		nat, err := ec2.NewNatGateway(ctx, fmt.Sprintf("%s-%s", name, az), &ec2.NatGatewayArgs{
			AllocationId:     eip.AllocationId,
			SubnetId:         subnets["public"][i].ID(),
			ConnectivityType: pulumi.String("public"),
			Tags:             a.Tags.AWS(fmt.Sprintf("%s-nat-%s", a.NamePrefix, az)),
		}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return nil, err
		}
		nats[i], natIDs[i] = nat, nat.ID()
	}

	// One private route table per AZ, each defaulting to the NAT in its own AZ (or the
	// only NAT), so an AZ outage takes down only that AZ's egress.
	private := make([]*ec2.RouteTable, len(a.AvailabilityZones))
	privateIDs := make(pulumi.StringArray, len(a.AvailabilityZones))
	for i, az := range a.AvailabilityZones {
		rt, err := ec2.NewRouteTable(ctx, fmt.Sprintf("%s-private-%s", name, az), &ec2.RouteTableArgs{
			VpcId: vpc.ID(),
			Tags:  a.Tags.With(map[string]string{"tier": "private"}).AWS(fmt.Sprintf("%s-private-%s", a.NamePrefix, az)),
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-private-%s-default", name, az), &ec2.RouteArgs{
			RouteTableId:         rt.ID(),
			DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
			NatGatewayId:         nats[min(i, len(nats)-1)].ID(),
		}, parent); err != nil {
			return nil, err
		}
		private[i], privateIDs[i] = rt, rt.ID()
	}
	if err := associate(ctx, name, "private", a.AvailabilityZones, subnets["private"], func(i int) *ec2.RouteTable { return private[i] }, parent); err != nil {
		return nil, err
	}

	// The data tier gets a table with only the implicit local route (plus the S3 gateway
	// endpoint's prefix-list route): databases and caches never need the internet, and a
	// missing route is a stronger guarantee than a security-group rule.
	data, err := ec2.NewRouteTable(ctx, name+"-data", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  a.Tags.With(map[string]string{"tier": "data"}).AWS(a.NamePrefix + "-data"),
	}, parent)
	if err != nil {
		return nil, err
	}
	if err := associate(ctx, name, "data", a.AvailabilityZones, subnets["data"], func(int) *ec2.RouteTable { return data }, parent); err != nil {
		return nil, err
	}

	return &routing{
		private:    private,
		data:       data,
		natIDs:     natIDs.ToStringArrayOutput(),
		privateIDs: privateIDs.ToStringArrayOutput(),
	}, nil
}

// associate binds each subnet of one tier to its route table.
func associate(ctx *pulumi.Context, name, tierName string, azs []string, subnets []*ec2.Subnet, table func(i int) *ec2.RouteTable, parent pulumi.ResourceOption) error {
	for i, s := range subnets {
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-%s-%s", name, tierName, azs[i]), &ec2.RouteTableAssociationArgs{
			SubnetId:     s.ID(),
			RouteTableId: table(i).ID(),
		}, parent); err != nil {
			return err
		}
	}
	return nil
}
