package cluster

import (
	"fmt"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// webhookPorts are the ports the control plane calls on pods: 443 and 10250 (kubelet,
// and webhooks of cert-manager / external-secrets style add-ons), 4443 (metrics-server),
// 6443, 8443 and 9443 (admission webhooks of KEDA, the AWS Load Balancer Controller and
// similar). This is the set the terraform-aws-eks module recommends.
var webhookPorts = []int{443, 4443, 6443, 8443, 9443, 10250}

// security is the node security group and the rules around it.
type security struct {
	nodeSG      *ec2.SecurityGroup
	clusterSGID pulumi.StringOutput
	rules       []pulumi.Resource // nodes must not launch before these exist
}

// newSecurity registers the node security group. Nodes carry only this group (the
// launch template names it, so EKS does not add the cluster security group), which
// makes it the single identity the data tier admits, and these rules the whole story:
//
//	ingress  cluster SG -> nodes   tcp webhookPorts  (control plane to kubelet and webhooks)
//	ingress  nodes -> nodes        all               (pod-to-pod and CoreDNS across nodes;
//	                                                  limited to members of this group)
//	egress   nodes -> VPC CIDR     all               (API server ENIs, data tier, endpoints)
//	egress   nodes -> 0.0.0.0/0    tcp 443           (ECR, AWS APIs, external HTTPS APIs via NAT)
//	ingress  nodes -> cluster SG   tcp 443           (added to the EKS-created cluster SG)
//
// DNS to the VPC resolver, IMDS, the pod-identity agent and NTP are link-local or
// resolver traffic that security groups do not filter. The AWS Load Balancer Controller
// adds its own ingress rules here; it finds the group by the kubernetes.io/cluster tag.
func newSecurity(ctx *pulumi.Context, name, clusterName string, a *ClusterArgs, cluster *eks.Cluster, parent pulumi.ResourceOption) (*security, error) {
	sgName := naming.Name(naming.MaxSecurityGroupName, a.NamePrefix, "eks-nodes")
	nodeSG, err := ec2.NewSecurityGroup(ctx, name+"-nodes", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(sgName),
		Description: pulumi.String("EKS nodes of " + clusterName),
		VpcId:       a.VpcId,
		Tags: a.Tags.With(map[string]string{
			"kubernetes.io/cluster/" + clusterName: "owned",
		}).AWS(sgName),
	}, parent)
	if err != nil {
		return nil, err
	}
	clusterSGID := cluster.VpcConfig.ClusterSecurityGroupId().Elem()

	s := &security{nodeSG: nodeSG, clusterSGID: clusterSGID}
	ingress := func(logical, desc string, args vpc.SecurityGroupIngressRuleArgs) error {
		args.Description = pulumi.String(desc)
		args.Tags = a.Tags.AWS(sgName + "-" + logical)
		r, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-"+logical, &args, parent)
		s.rules = append(s.rules, r)
		return err
	}
	egress := func(logical, desc string, args vpc.SecurityGroupEgressRuleArgs) error {
		args.Description = pulumi.String(desc)
		args.Tags = a.Tags.AWS(sgName + "-" + logical)
		r, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-"+logical, &args, parent)
		s.rules = append(s.rules, r)
		return err
	}

	for _, port := range webhookPorts {
		if err := ingress(fmt.Sprintf("nodes-from-control-plane-%d", port), fmt.Sprintf("Control plane to kubelet/webhooks on %d", port), vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           nodeSG.ID(),
			ReferencedSecurityGroupId: clusterSGID,
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(port),
			ToPort:                    pulumi.Int(port),
		}); err != nil {
			return nil, err
		}
	}
	if err := ingress("nodes-from-nodes", "Node to node: pod networking and CoreDNS", vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           nodeSG.ID(),
		ReferencedSecurityGroupId: nodeSG.ID(),
		IpProtocol:                pulumi.String("-1"),
	}); err != nil {
		return nil, err
	}
	if err := ingress("control-plane-from-nodes", "Nodes to the Kubernetes API", vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           clusterSGID,
		ReferencedSecurityGroupId: nodeSG.ID(),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(443),
		ToPort:                    pulumi.Int(443),
	}); err != nil {
		return nil, err
	}
	if err := egress("nodes-to-vpc", "Nodes to the VPC: API server, databases, caches, endpoints", vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: nodeSG.ID(),
		CidrIpv4:        a.VpcCidr,
		IpProtocol:      pulumi.String("-1"),
	}); err != nil {
		return nil, err
	}
	if err := egress("nodes-to-https", "Nodes to HTTPS anywhere: ECR, AWS APIs, external APIs (through NAT)", vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: nodeSG.ID(),
		CidrIpv4:        pulumi.String("0.0.0.0/0"),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
	}); err != nil {
		return nil, err
	}
	return s, nil
}
