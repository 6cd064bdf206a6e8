package preflight

import (
	"slices"

	"github.com/generic-corp/platform/internal/tokens"
)

// boundInput is an input the provider can update in place, but that ties the resource to
// what it is computed from: once that is rebuilt elsewhere (in another VPC, or as another
// cluster), AWS or the provider cannot follow, and the resource has to be replaced too.
// The replace-on-change table (internal/replacement) cannot say this: the same update is
// fine while the source stays where it is (new subnets in the same VPC, say).
type boundInput struct {
	Properties []string
	// To is what the input is bound to: toVPC (the replaced source now lives in another
	// VPC) or a type token (a replaced resource of that type).
	To string
	// When, if set, says whether the binding holds for this resource.
	When func(r *Resource, head *Report) bool
	// Why says what AWS refuses; Source where that is documented.
	Why, Source string
}

// toVPC binds an input to the VPC of its source.
const toVPC = "vpc"

// boundInputs holds, per type token, the bound inputs of the types the platform
// declares (or may: the load balancer is created by the AWS Load Balancer Controller
// today). Property names are the pinned pulumi-aws SDK's (v6.83.4).
var boundInputs = map[string][]boundInput{
	tokens.EKSCluster: {{Properties: []string{"vpcConfig"}, To: toVPC,
		Why:    "you can't change the VPC of an EKS cluster (only its subnets and security groups within that VPC)",
		Source: "https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html"}},
	tokens.RDSSubnetGroup: {{Properties: []string{"subnetIds"}, To: toVPC,
		Why:    "a DB subnet group's subnets must all be in its one VPC: subnets of another VPC are refused",
		Source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html"}},
	tokens.ElastiCacheSubnetGroup: {{Properties: []string{"subnetIds"}, To: toVPC,
		Why:    "a cache subnet group belongs to one VPC: subnets of another VPC are refused",
		Source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SubnetGroups.html"}},
	tokens.RDSInstance: {{Properties: []string{"dbSubnetGroupName", "vpcSecurityGroupIds"}, To: toVPC,
		When:   multiAZOrReplicated,
		Why:    "RDS moves an instance to another VPC only when it is single-AZ and has no read replicas",
		Source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.VPC2VPC.html"}},
	tokens.ElastiCacheReplicationGroup: {{Properties: []string{"securityGroupIds"}, To: toVPC,
		Why:    "a replication group stays in the VPC of its subnet group: security groups of another VPC are refused",
		Source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VPCs.html"}},
	tokens.LBLoadBalancer: {{Properties: []string{"subnets", "subnetMappings", "securityGroups"}, To: toVPC,
		Why:    "a load balancer's VPC is fixed when it is created: SetSubnets and SetSecurityGroups take only its VPC's",
		Source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSubnets.html"}},
	tokens.EC2VPCEndpoint: {{Properties: []string{"subnetIds", "securityGroupIds", "routeTableIds"}, To: toVPC,
		Why:    "an endpoint's subnets, security groups and route tables must be those of its VPC",
		Source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html"}},
	// The kubeconfig names the cluster the provider talks to: another cluster means
	// another provider, and every object it manages is created again in that cluster.
	tokens.ProviderK8s: {{Properties: []string{"kubeconfig"}, To: tokens.EKSCluster,
		Why:    "the Kubernetes provider plans a replacement when the kubeconfig's active cluster changes",
		Source: "pulumi-kubernetes provider DiffConfig (provider/pkg/provider/provider.go)"}},
}

// boundTo returns the binding of input prop of r, if there is one.
func boundTo(r *Resource, head *Report, prop string) (boundInput, bool) {
	for _, b := range boundInputs[r.Type] {
		for _, p := range b.Properties {
			if p == prop && (b.When == nil || b.When(r, head)) {
				return b, true
			}
		}
	}
	return boundInput{}, false
}

// multiAZOrReplicated: the instance is Multi-AZ, or another instance replicates it.
func multiAZOrReplicated(r *Resource, head *Report) bool {
	if multi, _ := r.Inputs["multiAz"].(bool); multi {
		return true
	}
	for i := range head.Resources {
		o := &head.Resources[i]
		if o.Type == r.Type && o.URN != r.URN && slices.Contains(o.PropertyDependencies["replicateSourceDb"], r.URN) {
			return true
		}
	}
	return false
}
