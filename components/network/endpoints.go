package network

import (
	"fmt"
	"strings"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newEndpoints registers the S3 gateway endpoint (always: it is free and keeps image
// layers and backups off the NAT bill) and the requested interface endpoints with their
// own security group. It returns that security group's id.
func newEndpoints(ctx *pulumi.Context, name string, a *NetworkArgs, v *ec2.Vpc, private []*ec2.Subnet, rt *routing, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	region := a.region()

	tables := pulumi.StringArray{rt.data.ID()}
	for _, t := range rt.private {
		tables = append(tables, t.ID())
	}
	if _, err := ec2.NewVpcEndpoint(ctx, name+"-s3", &ec2.VpcEndpointArgs{
		VpcId:           v.ID(),
		ServiceName:     pulumi.String(fmt.Sprintf("com.amazonaws.%s.s3", region)),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   tables,
		Tags:            a.Tags.AWS(a.NamePrefix + "-s3"),
	}, parent); err != nil {
		return pulumi.StringOutput{}, err
	}

	sgName := naming.Name(naming.MaxSecurityGroupName, a.NamePrefix, "vpc-endpoints")
	sg, err := ec2.NewSecurityGroup(ctx, name+"-endpoints", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(sgName),
		Description: pulumi.String("Interface VPC endpoints: HTTPS from inside the VPC only"),
		VpcId:       v.ID(),
		Tags:        a.Tags.AWS(sgName),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// Endpoints only answer; they never open connections, so the group has no egress
	// rule. Ingress is the VPC CIDR (not a security group) because every workload in the
	// VPC, whatever its group, must be able to reach STS, ECR and Secrets Manager.
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-endpoints-https", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg.ID(),
		Description:     pulumi.String("HTTPS to AWS service endpoints from the VPC"),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
		CidrIpv4:        v.CidrBlock,
		Tags:            a.Tags.AWS(sgName + "-https"),
	}, parent); err != nil {
		return pulumi.StringOutput{}, err
	}

	subnetIDs := make(pulumi.StringArray, len(private))
	for i, s := range private {
		subnetIDs[i] = s.ID()
	}
	for _, svc := range a.InterfaceEndpoints {
		logical := strings.ReplaceAll(svc, ".", "-")
		if _, err := ec2.NewVpcEndpoint(ctx, name+"-"+logical, &ec2.VpcEndpointArgs{
			VpcId:             v.ID(),
			ServiceName:       pulumi.String(fmt.Sprintf("com.amazonaws.%s.%s", region, svc)),
			VpcEndpointType:   pulumi.String("Interface"),
			PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds:         subnetIDs,
			SecurityGroupIds:  pulumi.StringArray{sg.ID()},
			Tags:              a.Tags.AWS(a.NamePrefix + "-" + logical),
		}, parent); err != nil {
			return pulumi.StringOutput{}, err
		}
	}
	return sg.ID().ToStringOutput(), nil
}
