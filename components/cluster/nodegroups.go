package cluster

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// nodeRootDevice is the root volume of the AL2023 EKS AMIs.
const nodeRootDevice = "/dev/xvda"

// nodes is the node role and the managed node groups.
type nodes struct {
	role        *iam.Role
	attachments []pulumi.Resource
	groups      []pulumi.Resource
}

func (n *nodes) resources() []pulumi.Resource { return n.groups }

// nodePolicies are the AWS-managed policies of the node role:
//   - AmazonEKSWorkerNodePolicy: join the cluster, pod-identity agent.
//   - AmazonEC2ContainerRegistryPullOnly: pull images from ECR. The newer, narrower
//     successor of AmazonEC2ContainerRegistryReadOnly (no describe/list of repositories).
//   - AmazonEKS_CNI_Policy: the VPC CNI attaches ENIs and IPs. On the node role every pod
//     could use these rights through IMDS (hop limit 2); giving them to the aws-node
//     service account through IRSA would be tighter and is the next hardening step.
var nodePolicies = []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy"}

// newNodeGroups registers the node role and, per NodeGroupArgs, a hardened launch
// template and a managed node group in the private subnets. Node groups wait for the
// node security-group rules and the networking add-ons (before) so nodes can join and
// turn Ready.
func newNodeGroups(ctx *pulumi.Context, name, clusterName string, a *ClusterArgs, cluster *eks.Cluster, sec *security, before []pulumi.Resource, parent pulumi.ResourceOption) (*nodes, error) {
	rn := roleName(a.NamePrefix, "eks-node")
	role, err := iam.NewRole(ctx, name+"-node", &iam.RoleArgs{
		Name:             pulumi.String(rn),
		Description:      pulumi.String("EKS nodes of " + clusterName),
		AssumeRolePolicy: pulumi.String(servicePrincipalTrust("ec2.amazonaws.com", "sts:AssumeRole")),
		Tags:             a.Tags.AWS(rn),
	}, parent)
	if err != nil {
		return nil, err
	}
	n := &nodes{role: role}
	policies := nodePolicies
	if a.EnableSSM {
		policies = slices.Concat(nodePolicies, []string{"AmazonSSMManagedInstanceCore"})
	}
	for _, p := range policies {
		att, err := iam.NewRolePolicyAttachment(ctx, name+"-node-"+p, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(awsManagedPolicy(p)),
		}, parent)
		if err != nil {
			return nil, err
		}
		n.attachments = append(n.attachments, att)
	}

	var deps []pulumi.Resource
	deps = append(deps, n.attachments...)
	deps = append(deps, sec.rules...)
	deps = append(deps, before...)
	for _, g := range a.NodeGroups {
		lt, err := newLaunchTemplate(ctx, name, a, g, sec, parent)
		if err != nil {
			return nil, err
		}
		ng, err := eks.NewNodeGroup(ctx, name+"-"+g.Name, &eks.NodeGroupArgs{
			ClusterName: cluster.Name,
			// A prefix, not a fixed name, so a change that replaces the group (instance
			// types, AMI type) creates the new group before deleting the old one.
			NodeGroupNamePrefix: pulumi.String(naming.Name(36, a.NamePrefix, g.Name) + "-"),
			NodeRoleArn:         role.Arn,
			SubnetIds:           a.PrivateSubnetIds,
			// The nodes follow the control plane's minor: without a version a managed node
			// group keeps the AMI it was created with, and every control-plane upgrade
			// widens the kubelet skew until EKS refuses the next one. The group waits for
			// the cluster (ClusterName), so EKS rolls the nodes after the control plane.
			Version:       pulumi.String(a.KubernetesVersion),
			AmiType:       pulumi.String(g.AmiType),
			CapacityType:  pulumi.String(g.CapacityType),
			InstanceTypes: pulumi.ToStringArray(g.InstanceTypes),
			Labels:        pulumi.ToStringMap(g.Labels),
			ScalingConfig: &eks.NodeGroupScalingConfigArgs{
				MinSize:     pulumi.Int(g.Min),
				MaxSize:     pulumi.Int(g.Max),
				DesiredSize: pulumi.Int(g.Desired),
			},
			// Disk size and security groups come from the launch template; EKS rejects
			// diskSize and remoteAccess together with one. There is deliberately no
			// remoteAccess (SSH): shell access, if enabled, is Session Manager.
			LaunchTemplate: &eks.NodeGroupLaunchTemplateArgs{
				Id:      lt.ID(),
				Version: lt.LatestVersion.ApplyT(strconv.Itoa).(pulumi.StringOutput),
			},
			UpdateConfig: &eks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(1)},
			Tags:         a.Tags.AWS(fmt.Sprintf("%s-%s", clusterName, g.Name)),
		}, parent, pulumi.DependsOn(deps),
			// Desired is the initial size; an autoscaler owns it afterwards.
			pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}))
		if err != nil {
			return nil, err
		}
		n.groups = append(n.groups, ng)
	}
	return n, nil
}

// newLaunchTemplate is what every node of a group boots with: IMDSv2 only with a hop
// limit of 2 (pods on the host network and the VPC CNI still reach IMDS; the second hop
// is what containers in their own network namespace need for the node role), an
// encrypted gp3 root volume with our KMS key, and only the node security group.
func newLaunchTemplate(ctx *pulumi.Context, name string, a *ClusterArgs, g NodeGroupArgs, sec *security, parent pulumi.ResourceOption) (*ec2.LaunchTemplate, error) {
	ltName := naming.Name(128, a.NamePrefix, "eks", g.Name)
	instanceTags := a.Tags.With(map[string]string{"node-group": g.Name}).AWS(ltName)
	specs := ec2.LaunchTemplateTagSpecificationArray{}
	for _, rt := range []string{"instance", "volume", "network-interface"} {
		specs = append(specs, &ec2.LaunchTemplateTagSpecificationArgs{
			ResourceType: pulumi.String(rt),
			Tags:         instanceTags,
		})
	}
	return ec2.NewLaunchTemplate(ctx, name+"-"+g.Name, &ec2.LaunchTemplateArgs{
		Name:                 pulumi.String(ltName),
		Description:          pulumi.String("EKS managed node group " + g.Name),
		UpdateDefaultVersion: pulumi.Bool(true),
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(2),
			InstanceMetadataTags:    pulumi.String("disabled"),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{
			&ec2.LaunchTemplateBlockDeviceMappingArgs{
				DeviceName: pulumi.String(nodeRootDevice),
				Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
					VolumeType:          pulumi.String("gp3"),
					VolumeSize:          pulumi.Int(g.DiskSizeGiB),
					Encrypted:           pulumi.String("true"),
					KmsKeyId:            a.DataKmsKeyArn,
					DeleteOnTermination: pulumi.String("true"),
				},
			},
		},
		VpcSecurityGroupIds: pulumi.StringArray{sec.nodeSG.ID()},
		TagSpecifications:   specs,
		Tags:                a.Tags.AWS(ltName),
	}, parent)
}
