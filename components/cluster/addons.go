package cluster

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// beforeNodes are the add-ons that run as DaemonSets and that nodes need to turn Ready
// (pod networking, service routing, pod credentials). Every other add-on (coredns, the
// EBS CSI controller) is a Deployment that needs nodes to schedule on, so it waits for
// the node groups.
var beforeNodes = map[string]bool{"vpc-cni": true, "kube-proxy": true, "eks-pod-identity-agent": true}

func earlyAddons(addon string) bool { return beforeNodes[addon] }
func lateAddons(addon string) bool  { return !beforeNodes[addon] }

// vpcCNIConfiguration turns on the VPC CNI's network-policy node agent. Without it
// NetworkPolicy objects are accepted by the API server and silently not enforced, and
// every workload relies on its namespace's default-deny policy. The add-on's
// configuration schema types the flag as a string ("true"), not a JSON boolean.
var vpcCNIConfiguration = mustJSON(map[string]any{"enableNetworkPolicy": "true"})

// addonSettings are what an add-on needs besides its pinned version.
type addonSettings struct {
	// configurationValues is the add-on's configuration JSON, validated by EKS against
	// the schema `aws eks describe-addon-configuration` prints. Empty: add-on defaults.
	configurationValues string
	// serviceAccountRoleArn is the IRSA role EKS annotates the add-on's service account
	// with. Nil: the add-on uses the node role.
	serviceAccountRoleArn pulumi.StringPtrInput
	// deps must exist before the add-on is installed (its role's policies).
	deps []pulumi.Resource
}

// addonSettingsFor returns the settings of every add-on that needs some: the VPC CNI's
// network-policy configuration and the EBS CSI driver's IRSA role. Both add-ons are in
// DefaultAddons, which Addons can override but not remove.
func addonSettingsFor(ebsCSI addonSettings) map[string]addonSettings {
	return map[string]addonSettings{
		"vpc-cni":   {configurationValues: vpcCNIConfiguration},
		ebsCSIAddon: ebsCSI,
	}
}

// newAddons registers the pinned EKS add-ons that match, in name order, each after deps
// and its own settings' deps. Conflicts resolve to OVERWRITE: the add-on's configuration
// is what we pinned, never whatever someone kubectl-edited into the cluster.
func newAddons(ctx *pulumi.Context, name string, a *ClusterArgs, cluster *eks.Cluster, settings map[string]addonSettings, which func(string) bool, deps []pulumi.Resource, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for _, addon := range slices.Sorted(maps.Keys(a.Addons)) {
		if !which(addon) {
			continue
		}
		s := settings[addon]
		args := &eks.AddonArgs{
			ClusterName:              cluster.Name,
			AddonName:                pulumi.String(addon),
			AddonVersion:             pulumi.String(a.Addons[addon]),
			ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
			ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
			Tags:                     a.Tags.AWS(Name(a.NamePrefix) + "-" + addon),
		}
		if s.configurationValues != "" {
			args.ConfigurationValues = pulumi.String(s.configurationValues)
		}
		if s.serviceAccountRoleArn != nil {
			args.ServiceAccountRoleArn = s.serviceAccountRoleArn
		}
		r, err := eks.NewAddon(ctx, name+"-"+addon, args, parent, pulumi.DependsOn(slices.Concat(deps, s.deps)))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
