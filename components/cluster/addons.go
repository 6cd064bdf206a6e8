package cluster

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// beforeNodes are the add-ons that run as DaemonSets and that nodes need to turn Ready
// (pod networking, service routing, pod credentials). Every other add-on (coredns first)
// is a Deployment that needs nodes to schedule on, so it waits for the node groups.
var beforeNodes = map[string]bool{"vpc-cni": true, "kube-proxy": true, "eks-pod-identity-agent": true}

func earlyAddons(addon string) bool { return beforeNodes[addon] }
func lateAddons(addon string) bool  { return !beforeNodes[addon] }

// newAddons registers the pinned EKS add-ons that match, in name order, each after deps.
// Conflicts resolve to OVERWRITE: the add-on's configuration is what we pinned, never
// whatever someone kubectl-edited into the cluster.
func newAddons(ctx *pulumi.Context, name string, a *ClusterArgs, cluster *eks.Cluster, which func(string) bool, deps []pulumi.Resource, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for _, addon := range slices.Sorted(maps.Keys(a.Addons)) {
		if !which(addon) {
			continue
		}
		r, err := eks.NewAddon(ctx, name+"-"+addon, &eks.AddonArgs{
			ClusterName:              cluster.Name,
			AddonName:                pulumi.String(addon),
			AddonVersion:             pulumi.String(a.Addons[addon]),
			ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
			ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
			Tags:                     a.Tags.AWS(Name(a.NamePrefix) + "-" + addon),
		}, parent, pulumi.DependsOn(deps))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
