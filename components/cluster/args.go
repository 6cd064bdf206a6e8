package cluster

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/lifecycle"
	"github.com/generic-corp/platform/internal/naming"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ClusterArgs configure one EKS cluster.
type ClusterArgs struct {
	// NamePrefix starts every physical name, e.g. "platform-prod". Required; the rule of
	// argcheck.NamePrefix. The cluster
	// is named Name(NamePrefix); pass that same name to the network for subnet tags.
	NamePrefix string
	// VpcId is the VPC the cluster runs in. Required.
	VpcId pulumi.StringInput
	// VpcCidr is the VPC's CIDR block: the node security group allows egress to it (data
	// tier, endpoints, the private API endpoint). Required.
	VpcCidr pulumi.StringInput
	// PrivateSubnetIds are the subnets for the control-plane ENIs and the nodes. Required
	// (EKS wants subnets in at least two AZs).
	PrivateSubnetIds pulumi.StringArrayInput
	// KubernetesVersion is the pinned control-plane version, "1.<minor>", e.g. "1.33".
	// Required. Bumping it also means bumping Addons (kube-proxy is checked).
	KubernetesVersion string
	// PublicAccessCidrs, when non-empty, turns on the public API endpoint for exactly
	// these IPv4 CIDRs (e.g. the office or CI egress). Default empty: private endpoint
	// only. 0.0.0.0/0 (or any /0) is rejected.
	PublicAccessCidrs []string
	// SecretsKmsKeyArn is the customer-managed KMS key for envelope encryption of
	// Kubernetes Secrets in etcd. Required.
	SecretsKmsKeyArn pulumi.StringInput
	// LogsKmsKeyArn is the customer-managed KMS key for the control-plane log group; its
	// key policy must allow the logs.<region>.amazonaws.com service principal. Required.
	LogsKmsKeyArn pulumi.StringInput
	// DataKmsKeyArn is the customer-managed KMS key for node root volumes and for the
	// persistent volumes the EBS CSI driver provisions (its IRSA role may use this key
	// and no other); its key policy must allow the AWSServiceRoleForAutoScaling
	// service-linked role to use it, or instances fail to launch, and must delegate to
	// IAM (account root), or the driver's role policy has no effect. Required.
	DataKmsKeyArn pulumi.StringInput
	// LogRetentionDays is the control-plane log retention in days; a value CloudWatch
	// accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, ...).
	// Default 90.
	LogRetentionDays int
	// NodeGroups are the managed node groups. Default: one group "general" with the
	// NodeGroupArgs defaults and Min 2, Desired 2, Max 4.
	NodeGroups []NodeGroupArgs
	// Addons maps EKS add-on name to pinned version and is merged over DefaultAddons, so
	// setting one entry overrides only that add-on (a default add-on cannot be removed);
	// names not in DefaultAddons are added (installed after the node groups). Versions
	// have the form "v1.2.3-eksbuild.N". Whatever the version, vpc-cni is configured to
	// enforce NetworkPolicy (so it must be v1.14.0 or later) and aws-ebs-csi-driver gets
	// its own IRSA role that may use DataKmsKeyArn.
	Addons map[string]string
	// AdminRoleArns are IAM role (or user) ARNs given cluster-admin through EKS access
	// entries; an assumed-role session ARN must be turned into its role ARN first.
	// Required, at least one: the creator gets no implicit admin, so the role that runs
	// Pulumi must be listed or the Kubernetes provider cannot reach the cluster.
	AdminRoleArns []string
	// EnableSSM attaches AmazonSSMManagedInstanceCore to the node role so nodes can be
	// reached with Session Manager (the only shell access; there is no SSH). Default false.
	EnableSSM bool
	// Tags is the stack-level tag set for every taggable resource.
	Tags tags.Set
	// Protect adds pulumi.Protect to the cluster (etcd holds every Kubernetes object).
	// Default false; true in prod.
	Protect bool
}

// NodeGroupArgs configure one managed node group.
type NodeGroupArgs struct {
	// Name is the group's short name, unique within the cluster, lower-case letters,
	// digits and '-', at most 20 characters, e.g. "general". Required.
	Name string
	// InstanceTypes are the EC2 instance types. Default ["m7g.large"] (Graviton). They
	// must match AmiType's architecture (Graviton types for *_ARM_64_* AMIs).
	InstanceTypes []string
	// AmiType is the EKS AMI type: "AL2023_ARM_64_STANDARD" (default) or
	// "AL2023_x86_64_STANDARD". (Bottlerocket would need its data-volume mapping.)
	AmiType string
	// Min, Max and Desired size the group, in nodes. Min >= 0, Max >= 1, Max <= 450,
	// Min <= Desired <= Max. Desired is only the initial size: later changes made by an
	// autoscaler are not reverted.
	Min, Max, Desired int
	// DiskSizeGiB is the root volume size in GiB, 20 to 16384. Default 50.
	DiskSizeGiB int
	// Labels are Kubernetes node labels. Default none.
	Labels map[string]string
	// CapacityType is "ON_DEMAND" (default) or "SPOT".
	CapacityType string
}

// Defaults, named so the docs above and the code cannot drift apart.
const (
	DefaultLogRetentionDays = 90
	DefaultInstanceType     = "m7g.large"
	DefaultAmiType          = "AL2023_ARM_64_STANDARD"
	DefaultDiskSizeGiB      = 50
	DefaultCapacityType     = "ON_DEMAND"
	// DefaultAddonsKubernetesVersion is the Kubernetes minor DefaultAddons are pinned for.
	DefaultAddonsKubernetesVersion = "1.36"
)

// DefaultAddons are the EKS add-on builds pinned for DefaultAddonsKubernetesVersion, each
// listed with its source and the Kubernetes minors it supports in
// internal/lifecycle/lifecycle.json (a test ties the two; version-lifecycle judges the
// plan). They must be bumped together with KubernetesVersion: kube-proxy's minor has to
// equal the control plane's (validate enforces that), and coredns / vpc-cni /
// aws-ebs-csi-driver have per-version compatibility lists
// (`aws eks describe-addon-versions --kubernetes-version 1.XX --addon-name NAME`).
//
//   - vpc-cni: pod networking, with the network-policy agent turned on.
//   - kube-proxy: Service routing.
//   - coredns: cluster DNS.
//   - eks-pod-identity-agent: EKS Pod Identity credentials.
//   - aws-ebs-csi-driver: provisions the EBS volumes behind PersistentVolumeClaims
//     (Prometheus, Alertmanager, Loki); Kubernetes has had no in-tree EBS provisioner
//     since 1.23, so without it every PVC of StorageClass provisioner ebs.csi.aws.com
//     stays Pending.
var DefaultAddons = map[string]string{
	"vpc-cni":                "v1.23.1-eksbuild.1",
	"kube-proxy":             "v1.36.0-eksbuild.14",
	"coredns":                "v1.14.3-eksbuild.3",
	"eks-pod-identity-agent": "v1.4.0-eksbuild.2",
	"aws-ebs-csi-driver":     "v1.66.0-eksbuild.1",
}

// AddonsFor returns the default add-on builds for a Kubernetes minor: DefaultAddons for
// DefaultAddonsKubernetesVersion, else, per add-on, the newest build the lifecycle table
// lists for that minor (so an upgrade can step through the minor before the pinned one,
// EKS upgrading one minor at a time). An add-on without a listed build keeps its
// DefaultAddons pin, which validate and version-lifecycle then refuse by name.
func AddonsFor(kubernetesVersion string) map[string]string {
	out := maps.Clone(DefaultAddons)
	if kubernetesVersion == DefaultAddonsKubernetesVersion {
		return out
	}
	t, err := lifecycle.Load()
	if err != nil {
		return out
	}
	for name := range out {
		for _, e := range t.Versions(lifecycle.EKSAddon, name) {
			if e.Supports(kubernetesVersion) {
				out[name] = e.Version // table order is oldest first: the last match wins
			}
		}
	}
	return out
}

// SupportedKubernetesVersions are the minors the component can deploy: those of the
// lifecycle table that have a listed build of every default add-on (kube-proxy's minor
// must match). Whether a minor is still in support on the day is version-lifecycle's
// verdict, so an old minor is refused with its dates rather than as unknown.
func SupportedKubernetesVersions() []string {
	var out []string
	t, err := lifecycle.Load()
	if err != nil {
		return []string{DefaultAddonsKubernetesVersion}
	}
	for _, e := range t.Versions(lifecycle.EKS, "") {
		complete := true
		for name, build := range AddonsFor(e.Version) {
			if b, ok := t.Find(lifecycle.EKSAddon, name, build); !ok || !b.Supports(e.Version) {
				complete = false
			}
		}
		if complete {
			out = append(out, e.Version)
		}
	}
	return out
}

// minVPCCNIMinor is the first VPC CNI minor (v1.14) whose node agent enforces
// NetworkPolicy; older versions have no enableNetworkPolicy setting.
const minVPCCNIMinor = 14

// defaultNodeGroup is used when NodeGroups is empty.
var defaultNodeGroup = NodeGroupArgs{Name: "general", Min: 2, Desired: 2, Max: 4}

// Name returns the EKS cluster name for a name prefix (the prefix itself, fitted to the
// EKS limit), so the stack can hand the same name to the network for its subnet tags
// before the cluster exists.
func Name(namePrefix string) string {
	return naming.Name(naming.MaxEKSCluster, namePrefix)
}

var (
	logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
		1096, 1827, 2192, 2557, 2922, 3288, 3653}
	amiTypes        = []string{"AL2023_ARM_64_STANDARD", "AL2023_x86_64_STANDARD"}
	capacityTypes   = []string{"ON_DEMAND", "SPOT"}
	versionPattern  = regexp.MustCompile(`^1\.(\d{2})$`)
	addonName       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	addonVersion    = regexp.MustCompile(`^v(\d+)\.(\d+)\.\d+(-[a-z0-9.]+)?-eksbuild\.\d+$`)
	groupName       = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	instanceType    = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	gravitonType    = regexp.MustCompile(`^[a-z]+\d+[a-z]*g[a-z]*(-flex)?\.`)
	principalArn    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+$`)
	minKubeMinor    = 29
	maxNodesInGroup = 450
)

// withDefaults returns a copy with every documented default filled in. It is the only
// place defaults are applied; slices and maps are cloned so the caller's args are never
// modified.
func (a ClusterArgs) withDefaults() ClusterArgs {
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = DefaultLogRetentionDays
	}
	if len(a.NodeGroups) == 0 {
		a.NodeGroups = []NodeGroupArgs{defaultNodeGroup}
	}
	groups := make([]NodeGroupArgs, len(a.NodeGroups))
	for i, g := range a.NodeGroups {
		if len(g.InstanceTypes) == 0 {
			g.InstanceTypes = []string{DefaultInstanceType}
		}
		if g.AmiType == "" {
			g.AmiType = DefaultAmiType
		}
		if g.DiskSizeGiB == 0 {
			g.DiskSizeGiB = DefaultDiskSizeGiB
		}
		if g.CapacityType == "" {
			g.CapacityType = DefaultCapacityType
		}
		g.InstanceTypes = slices.Clone(g.InstanceTypes)
		g.Labels = maps.Clone(g.Labels)
		groups[i] = g
	}
	a.NodeGroups = groups
	addons := AddonsFor(a.KubernetesVersion)
	maps.Copy(addons, a.Addons)
	a.Addons = addons
	a.PublicAccessCidrs = slices.Clone(a.PublicAccessCidrs)
	a.AdminRoleArns = slices.Clone(a.AdminRoleArns)
	return a
}

// validate rejects impossible or unsafe arguments, naming the field, the bad value and
// what is allowed, before anything is registered. It runs after withDefaults.
func (a ClusterArgs) validate() error {
	p := argcheck.New("cluster")
	bad := p.Addf

	p.NamePrefix(a.NamePrefix)
	for _, f := range []struct {
		name string
		in   any
	}{
		{"VpcId", a.VpcId}, {"VpcCidr", a.VpcCidr}, {"PrivateSubnetIds", a.PrivateSubnetIds},
		{"SecretsKmsKeyArn", a.SecretsKmsKeyArn}, {"LogsKmsKeyArn", a.LogsKmsKeyArn}, {"DataKmsKeyArn", a.DataKmsKeyArn},
	} {
		if isNil(f.in) {
			bad("%s is required", f.name)
		}
	}

	minor := -1
	if m := versionPattern.FindStringSubmatch(a.KubernetesVersion); m == nil {
		bad("KubernetesVersion %q must look like \"1.33\" (major.minor, pinned)", a.KubernetesVersion)
	} else if minor, _ = strconv.Atoi(m[1]); minor < minKubeMinor {
		bad("KubernetesVersion %q is older than 1.%d, the oldest this component supports", a.KubernetesVersion, minKubeMinor)
	}

	for _, c := range a.PublicAccessCidrs {
		block, err := netip.ParsePrefix(c)
		switch {
		case err != nil || !block.Addr().Is4():
			bad("PublicAccessCidrs entry %q is not an IPv4 CIDR block like \"203.0.113.0/24\"", c)
		case block.Bits() == 0:
			bad("PublicAccessCidrs entry %q opens the API endpoint to the whole internet; list specific CIDRs or leave PublicAccessCidrs empty for a private-only endpoint", c)
		case block.Masked() != block:
			bad("PublicAccessCidrs entry %q has host bits set; did you mean %q?", c, block.Masked().String())
		}
	}

	if !slices.Contains(logRetentionDays, a.LogRetentionDays) {
		bad("LogRetentionDays is %d; allowed: %v", a.LogRetentionDays, logRetentionDays)
	}

	if len(a.AdminRoleArns) == 0 {
		bad("AdminRoleArns is empty; list at least the IAM role that runs Pulumi (the cluster creator gets no implicit admin)")
	}
	for i, arn := range a.AdminRoleArns {
		if !principalArn.MatchString(arn) {
			bad("AdminRoleArns entry %q is not an IAM role (or user) ARN like \"arn:aws:iam::123456789012:role/platform-admin\"", arn)
		} else if slices.Index(a.AdminRoleArns, arn) != i {
			bad("AdminRoleArns lists %q twice", arn)
		}
	}

	for _, n := range slices.Sorted(maps.Keys(a.Addons)) {
		v := a.Addons[n]
		m := addonVersion.FindStringSubmatch(v)
		switch {
		case !addonName.MatchString(n):
			bad("Addons key %q is not an EKS add-on name like \"vpc-cni\"", n)
		case m == nil:
			bad("Addons[%q] = %q is not a pinned add-on version like \"v1.20.1-eksbuild.3\"", n, v)
		case n == "kube-proxy" && minor >= 0 && (m[1] != "1" || m[2] != strconv.Itoa(minor)):
			bad("Addons[\"kube-proxy\"] = %q does not match KubernetesVersion %q; pin a v1.%d.x-eksbuild.N version (and check the other add-ons) when changing the Kubernetes version", v, a.KubernetesVersion, minor)
		case n == "vpc-cni" && m[1] == "1" && atoi(m[2]) < minVPCCNIMinor:
			bad("Addons[\"vpc-cni\"] = %q is older than v1.%d.0, the first VPC CNI that enforces NetworkPolicy (every workload relies on default-deny policies); pin v1.%d.0 or later", v, minVPCCNIMinor, minVPCCNIMinor)
		}
	}

	validateNodeGroups(p, a.NodeGroups)
	return p.Err()
}

func validateNodeGroups(p *argcheck.Problems, groups []NodeGroupArgs) {
	bad := p.Addf
	seen := map[string]bool{}
	for i, g := range groups {
		where := fmt.Sprintf("NodeGroups[%d] (%q)", i, g.Name)
		if !groupName.MatchString(g.Name) {
			bad("%s: Name must be 1-20 lower-case letters, digits or '-', starting with a letter", where)
		}
		if seen[g.Name] {
			bad("%s: Name is used by another node group", where)
		}
		seen[g.Name] = true
		if !slices.Contains(amiTypes, g.AmiType) {
			bad("%s: AmiType %q is not supported; allowed: %v", where, g.AmiType, amiTypes)
		}
		arm := strings.Contains(g.AmiType, "ARM_64")
		for _, t := range g.InstanceTypes {
			switch {
			case !instanceType.MatchString(t):
				bad("%s: InstanceTypes entry %q is not an EC2 instance type like \"m7g.large\"", where, t)
			case arm && !gravitonType.MatchString(t):
				bad("%s: InstanceTypes entry %q is x86_64 but AmiType %s is arm64; use a Graviton type (e.g. m7g.large) or AmiType AL2023_x86_64_STANDARD", where, t, g.AmiType)
			case !arm && gravitonType.MatchString(t):
				bad("%s: InstanceTypes entry %q is arm64 (Graviton) but AmiType %s is x86_64; use AmiType AL2023_ARM_64_STANDARD", where, t, g.AmiType)
			}
		}
		if g.Min < 0 || g.Max < 1 || g.Max > maxNodesInGroup || g.Min > g.Max || g.Desired < g.Min || g.Desired > g.Max {
			bad("%s: sizes Min=%d Desired=%d Max=%d are invalid; need 0 <= Min <= Desired <= Max, 1 <= Max <= %d", where, g.Min, g.Desired, g.Max, maxNodesInGroup)
		}
		if g.DiskSizeGiB < 20 || g.DiskSizeGiB > 16384 {
			bad("%s: DiskSizeGiB is %d; allowed 20 to 16384", where, g.DiskSizeGiB)
		}
		if !slices.Contains(capacityTypes, g.CapacityType) {
			bad("%s: CapacityType %q; allowed: %v", where, g.CapacityType, capacityTypes)
		}
	}
}

// atoi parses digits the caller's regexp already matched.
func atoi(digits string) int {
	n, _ := strconv.Atoi(digits)
	return n
}

// isNil reports whether an Input interface holds nothing (a nil interface or a typed nil).
func isNil(in any) bool {
	if in == nil {
		return true
	}
	switch v := in.(type) {
	case pulumi.StringArray:
		return v == nil
	}
	return false
}
