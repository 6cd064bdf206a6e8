package cluster

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// clusterAdminPolicy is the EKS access policy equivalent to the cluster-admin ClusterRole.
const clusterAdminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

// newAccessEntries gives each admin role cluster-admin through an access entry (the
// cluster uses API authentication mode: there is no aws-auth ConfigMap to drift). It
// returns the policy associations: access exists only once they do.
func newAccessEntries(ctx *pulumi.Context, name string, a *ClusterArgs, cluster *eks.Cluster, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for _, arn := range a.AdminRoleArns {
		// Keyed by account and role name, not list position, so removing one admin does
		// not replace (and briefly revoke) the entries of the others.
		logical := fmt.Sprintf("%s-admin-%s", name, adminKey(arn))
		entry, err := eks.NewAccessEntry(ctx, logical, &eks.AccessEntryArgs{
			ClusterName:  cluster.Name,
			PrincipalArn: pulumi.String(arn),
			Type:         pulumi.String("STANDARD"),
			Tags:         a.Tags.AWS(""),
		}, parent)
		if err != nil {
			return nil, err
		}
		assoc, err := eks.NewAccessPolicyAssociation(ctx, logical, &eks.AccessPolicyAssociationArgs{
			ClusterName:  cluster.Name,
			PrincipalArn: entry.PrincipalArn,
			PolicyArn:    pulumi.String(clusterAdminPolicy),
			AccessScope:  &eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")},
		}, parent)
		if err != nil {
			return nil, err
		}
		out = append(out, assoc)
	}
	return out, nil
}

// adminKey turns "arn:aws:iam::123456789012:role/path/name" into "123456789012-name"
// and a user ARN into "123456789012-user-name" (a user and a role may share a name).
func adminKey(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	account, resource := parts[4], parts[5]
	name := resource[strings.LastIndex(resource, "/")+1:]
	if strings.HasPrefix(resource, "user/") {
		return account + "-user-" + name
	}
	return account + "-" + name
}
