package cluster

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/lifecycle"

	"github.com/generic-corp/platform/plan"
)

func TestDefaults(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.Addons = map[string]string{"coredns": "v1.12.1-eksbuild.2"}
	a := args.withDefaults()
	require.Equal(t, 90, a.LogRetentionDays)
	require.Equal(t, []NodeGroupArgs{{
		Name: "general", InstanceTypes: []string{"m7g.large"}, AmiType: "AL2023_ARM_64_STANDARD",
		Min: 2, Desired: 2, Max: 4, DiskSizeGiB: 50, CapacityType: "ON_DEMAND",
	}}, a.NodeGroups)
	require.Len(t, a.Addons, len(DefaultAddons))
	require.Equal(t, "v1.66.0-eksbuild.1", a.Addons["aws-ebs-csi-driver"], "the EBS CSI driver is a default add-on")
	require.Equal(t, "v1.12.1-eksbuild.2", a.Addons["coredns"])
	require.Nil(t, args.NodeGroups, "withDefaults must not modify the caller's args")
	require.Len(t, args.Addons, 1)
	require.NoError(t, a.validate())
	require.Equal(t, "platform-prod", Name("platform-prod"))
}

func TestDefaultAddonsMatchTheirKubernetesVersion(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.KubernetesVersion = DefaultAddonsKubernetesVersion
	require.NoError(t, args.withDefaults().validate())
}

func TestValidateAcceptsANewerVersionWithMatchingAddons(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.KubernetesVersion = "1.37"
	args.Addons = map[string]string{"kube-proxy": "v1.37.0-eksbuild.1"}
	require.NoError(t, args.withDefaults().validate())
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*ClusterArgs)
		want   string
	}{
		{"public endpoint open to the internet", func(a *ClusterArgs) { a.PublicAccessCidrs = []string{"203.0.113.0/24", "0.0.0.0/0"} },
			`PublicAccessCidrs entry "0.0.0.0/0" opens the API endpoint to the whole internet`},
		{"IPv6 public CIDR", func(a *ClusterArgs) { a.PublicAccessCidrs = []string{"::/0"} }, `PublicAccessCidrs entry "::/0" is not an IPv4 CIDR`},
		{"public CIDR with host bits", func(a *ClusterArgs) { a.PublicAccessCidrs = []string{"203.0.113.7/24"} }, `did you mean "203.0.113.0/24"`},
		{"unpinned patch version", func(a *ClusterArgs) { a.KubernetesVersion = "1.34.2" }, `KubernetesVersion "1.34.2" must look like "1.33"`},
		{"missing version", func(a *ClusterArgs) { a.KubernetesVersion = "" }, `KubernetesVersion ""`},
		{"ancient version", func(a *ClusterArgs) {
			a.KubernetesVersion = "1.27"
			a.Addons = map[string]string{"kube-proxy": "v1.27.16-eksbuild.41"}
		}, "older than 1.29"},
		{"version bumped without kube-proxy", func(a *ClusterArgs) { a.KubernetesVersion = "1.37" }, `Addons["kube-proxy"] = "v1.36.0-eksbuild.14" does not match KubernetesVersion "1.37"`},
		{"unpinned add-on", func(a *ClusterArgs) { a.Addons = map[string]string{"coredns": "latest"} }, `Addons["coredns"] = "latest" is not a pinned add-on version`},
		{"VPC CNI without network-policy support", func(a *ClusterArgs) { a.Addons = map[string]string{"vpc-cni": "v1.13.4-eksbuild.1"} },
			`Addons["vpc-cni"] = "v1.13.4-eksbuild.1" is older than v1.14.0, the first VPC CNI that enforces NetworkPolicy`},
		{"no admins", func(a *ClusterArgs) { a.AdminRoleArns = nil }, "AdminRoleArns is empty"},
		{"admin is a session, not a role", func(a *ClusterArgs) {
			a.AdminRoleArns = []string{"arn:aws:sts::123456789012:assumed-role/platform-deployer/ci"}
		}, "is not an IAM role (or user) ARN"},
		{"duplicate admin", func(a *ClusterArgs) { a.AdminRoleArns = []string{adminRole, adminRole} }, "AdminRoleArns lists"},
		{"retention CloudWatch refuses", func(a *ClusterArgs) { a.LogRetentionDays = 10 }, "LogRetentionDays is 10"},
		{"no secrets key", func(a *ClusterArgs) { a.SecretsKmsKeyArn = nil }, "SecretsKmsKeyArn is required"},
		{"no logs key", func(a *ClusterArgs) { a.LogsKmsKeyArn = nil }, "LogsKmsKeyArn is required"},
		{"no data key", func(a *ClusterArgs) { a.DataKmsKeyArn = nil }, "DataKmsKeyArn is required"},
		{"no subnets", func(a *ClusterArgs) { a.PrivateSubnetIds = nil }, "PrivateSubnetIds is required"},
		{"no VPC", func(a *ClusterArgs) { a.VpcId = nil }, "VpcId is required"},
		{"bad prefix", func(a *ClusterArgs) { a.NamePrefix = "" }, `NamePrefix ""`},
		{"x86 type on arm64 AMI", func(a *ClusterArgs) {
			a.NodeGroups = []NodeGroupArgs{{Name: "g", InstanceTypes: []string{"m7i.large"}, Min: 1, Desired: 1, Max: 2}}
		},
			`"m7i.large" is x86_64 but AmiType AL2023_ARM_64_STANDARD is arm64`},
		{"Graviton type on x86 AMI", func(a *ClusterArgs) {
			a.NodeGroups = []NodeGroupArgs{{Name: "g", AmiType: "AL2023_x86_64_STANDARD", InstanceTypes: []string{"c7gn.large"}, Min: 1, Desired: 1, Max: 2}}
		}, `"c7gn.large" is arm64 (Graviton)`},
		{"AL2 AMI", func(a *ClusterArgs) {
			a.NodeGroups = []NodeGroupArgs{{Name: "g", AmiType: "AL2_x86_64", Min: 1, Desired: 1, Max: 2}}
		}, `AmiType "AL2_x86_64" is not supported`},
		{"desired above max", func(a *ClusterArgs) { a.NodeGroups = []NodeGroupArgs{{Name: "g", Min: 1, Desired: 5, Max: 3}} }, "Min=1 Desired=5 Max=3 are invalid"},
		{"min above max", func(a *ClusterArgs) { a.NodeGroups = []NodeGroupArgs{{Name: "g", Min: 4, Desired: 4, Max: 3}} }, "Min=4 Desired=4 Max=3"},
		{"zero max", func(a *ClusterArgs) { a.NodeGroups = []NodeGroupArgs{{Name: "g"}} }, "Min=0 Desired=0 Max=0"},
		{"duplicate group", func(a *ClusterArgs) {
			a.NodeGroups = []NodeGroupArgs{{Name: "g", Min: 1, Desired: 1, Max: 1}, {Name: "g", Min: 1, Desired: 1, Max: 1}}
		}, `NodeGroups[1] ("g"): Name is used by another node group`},
		{"bad group name", func(a *ClusterArgs) { a.NodeGroups = []NodeGroupArgs{{Name: "General_1", Min: 1, Desired: 1, Max: 1}} }, "Name must be 1-20 lower-case"},
		{"tiny disk", func(a *ClusterArgs) {
			a.NodeGroups = []NodeGroupArgs{{Name: "g", DiskSizeGiB: 8, Min: 1, Desired: 1, Max: 1}}
		}, "DiskSizeGiB is 8"},
		{"capacity type", func(a *ClusterArgs) {
			a.NodeGroups = []NodeGroupArgs{{Name: "g", CapacityType: "CAPACITY_BLOCK", Min: 1, Desired: 1, Max: 1}}
		}, `CapacityType "CAPACITY_BLOCK"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			tt.mutate(args)
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := NewCluster(ctx, "eks", args)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.ErrorContains(t, err, tt.want)
			require.Empty(t, p.Resources, "nothing may be registered when args are invalid")
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.PublicAccessCidrs = []string{"0.0.0.0/0"}
	args.AdminRoleArns = nil
	err := args.withDefaults().validate()
	require.ErrorContains(t, err, "PublicAccessCidrs")
	require.ErrorContains(t, err, "AdminRoleArns")
}

// TestDefaultAddonsAreInTheLifecycleTable ties the pins to their one dated source: each
// default build is listed in internal/lifecycle/lifecycle.json for the Kubernetes minor
// it is pinned for, and that minor is listed too.
func TestDefaultAddonsAreInTheLifecycleTable(t *testing.T) {
	t.Parallel()
	tbl := lifecycle.MustLoad()
	_, ok := tbl.Find(lifecycle.EKS, "", DefaultAddonsKubernetesVersion)
	require.True(t, ok, "Kubernetes %s is not in the lifecycle table", DefaultAddonsKubernetesVersion)
	for name, version := range DefaultAddons {
		e, ok := tbl.Find(lifecycle.EKSAddon, name, version)
		require.True(t, ok, "%s %s is not in the lifecycle table", name, version)
		require.True(t, e.Supports(DefaultAddonsKubernetesVersion), "%s %s does not list Kubernetes %s", name, version, DefaultAddonsKubernetesVersion)
	}
}

// TestAnUpgradeStepsThroughEveryMinor: EKS upgrades one minor at a time, so a cluster
// still on 1.34 (or one EKS moved to 1.35 on its own) reaches the pinned 1.36 through
// 1.35; the component can deploy each step with builds the lifecycle table lists.
func TestAnUpgradeStepsThroughEveryMinor(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"1.34", "1.35", "1.36"}, SupportedKubernetesVersions())
	step := AddonsFor("1.35")
	require.Equal(t, "v1.35.3-eksbuild.13", step["kube-proxy"])
	require.Equal(t, DefaultAddons["coredns"], step["coredns"], "one CoreDNS build serves 1.35 and 1.36")
	args := testArgs()
	args.KubernetesVersion = "1.35"
	require.NoError(t, args.withDefaults().validate())
	require.Equal(t, DefaultAddons, AddonsFor(DefaultAddonsKubernetesVersion))
}
