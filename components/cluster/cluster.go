package cluster

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the component's type token.
const Type = "platform:cluster:Cluster"

// Cluster is an EKS cluster with its nodes, add-ons and Kubernetes provider.
type Cluster struct {
	pulumi.ResourceState

	// ClusterName is the EKS cluster's name.
	ClusterName pulumi.StringOutput
	// ClusterArn is the EKS cluster's ARN.
	ClusterArn pulumi.StringOutput
	// Endpoint is the API server URL (https://...).
	Endpoint pulumi.StringOutput
	// Kubeconfig is a kubeconfig (JSON) that authenticates with `aws eks get-token`.
	// Secret: it names the cluster's endpoint and CA.
	Kubeconfig pulumi.StringOutput
	// OidcProviderArn is the IAM OIDC provider's ARN, the federated principal of IRSA roles.
	OidcProviderArn pulumi.StringOutput
	// OidcIssuer is the cluster's OIDC issuer without "https://", the prefix of the
	// `:sub` and `:aud` condition keys in IRSA trust policies.
	OidcIssuer pulumi.StringOutput
	// NodeSecurityGroupId is the security group every node (and so every pod) carries:
	// the one data-tier security groups admit.
	NodeSecurityGroupId pulumi.StringOutput
	// ClusterSecurityGroupId is the EKS-created cluster security group on the
	// control-plane ENIs.
	ClusterSecurityGroupId pulumi.StringOutput
	// NodeRoleArn is the IAM role of the nodes.
	NodeRoleArn pulumi.StringOutput
	// EbsCsiRoleArn is the IRSA role of the EBS CSI driver's controller
	// (kube-system/ebs-csi-controller-sa), which may use the data KMS key.
	EbsCsiRoleArn pulumi.StringOutput
	// Provider is the Kubernetes provider for this cluster; pass it to every Kubernetes
	// resource with pulumi.Provider(c.Provider).
	Provider *kubernetes.Provider
}

// logTypes are all five control-plane log types: audit and authenticator above all are
// what an incident review needs.
var logTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// NewCluster registers the EKS cluster and everything it needs to run workloads.
func NewCluster(ctx *pulumi.Context, name string, args *ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("cluster %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("cluster %q: %w", name, err)
	}

	c := &Cluster{}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	clusterName := Name(a.NamePrefix)

	cluster, err := newControlPlane(ctx, name, clusterName, &a, parent)
	if err != nil {
		return nil, err
	}
	admins, err := newAccessEntries(ctx, name, &a, cluster, parent)
	if err != nil {
		return nil, err
	}
	oidc, issuer, err := newOIDCProvider(ctx, name, &a, cluster, parent)
	if err != nil {
		return nil, err
	}
	sec, err := newSecurity(ctx, name, clusterName, &a, cluster, parent)
	if err != nil {
		return nil, err
	}
	ebsCSIRole, ebsCSI, err := newEBSCSIRole(ctx, name, &a, oidc, issuer, parent)
	if err != nil {
		return nil, err
	}
	settings := addonSettingsFor(ebsCSI)
	// Networking add-ons are DaemonSets that must be in place before nodes can turn
	// Ready; everything else (coredns, the EBS CSI controller) needs nodes to schedule on.
	early, err := newAddons(ctx, name, &a, cluster, settings, earlyAddons, nil, parent)
	if err != nil {
		return nil, err
	}
	nodes, err := newNodeGroups(ctx, name, clusterName, &a, cluster, sec, early, parent)
	if err != nil {
		return nil, err
	}
	late, err := newAddons(ctx, name, &a, cluster, settings, lateAddons, nodes.groups, parent)
	if err != nil {
		return nil, err
	}

	kubeconfig := buildKubeconfig(cluster, admins)
	// The provider waits for admin access, nodes and every add-on, so nothing deployed
	// through it races a cluster that cannot yet authenticate, schedule or resolve DNS.
	var ready []pulumi.Resource
	ready = append(ready, admins...)
	ready = append(ready, nodes.resources()...)
	ready = append(ready, early...)
	ready = append(ready, late...)
	provider, err := kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{
		Kubeconfig: kubeconfig,
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return nil, err
	}

	c.ClusterName = cluster.Name
	c.ClusterArn = cluster.Arn
	c.Endpoint = cluster.Endpoint
	c.Kubeconfig = kubeconfig
	c.OidcProviderArn = oidc.Arn
	c.OidcIssuer = issuer
	c.NodeSecurityGroupId = sec.nodeSG.ID().ToStringOutput()
	c.ClusterSecurityGroupId = sec.clusterSGID
	c.NodeRoleArn = nodes.role.Arn
	c.EbsCsiRoleArn = ebsCSIRole.Arn
	c.Provider = provider

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":            c.ClusterName,
		"clusterArn":             c.ClusterArn,
		"endpoint":               c.Endpoint,
		"kubeconfig":             c.Kubeconfig,
		"oidcProviderArn":        c.OidcProviderArn,
		"oidcIssuer":             c.OidcIssuer,
		"nodeSecurityGroupId":    c.NodeSecurityGroupId,
		"clusterSecurityGroupId": c.ClusterSecurityGroupId,
		"nodeRoleArn":            c.NodeRoleArn,
		"ebsCsiRoleArn":          c.EbsCsiRoleArn,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// newControlPlane registers the cluster role, the control-plane log group and the cluster.
func newControlPlane(ctx *pulumi.Context, name, clusterName string, a *ClusterArgs, parent pulumi.ResourceOption) (*eks.Cluster, error) {
	roleName := roleName(a.NamePrefix, "eks-cluster")
	role, err := iam.NewRole(ctx, name+"-cluster", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("EKS control plane of " + clusterName),
		AssumeRolePolicy: pulumi.String(servicePrincipalTrust("eks.amazonaws.com", "sts:AssumeRole", "sts:TagSession")),
		Tags:             a.Tags.AWS(roleName),
	}, parent)
	if err != nil {
		return nil, err
	}
	attachment, err := iam.NewRolePolicyAttachment(ctx, name+"-cluster-policy", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(awsManagedPolicy("AmazonEKSClusterPolicy")),
	}, parent)
	if err != nil {
		return nil, err
	}

	// EKS would create this group itself on first log line, unencrypted and kept
	// forever; creating it first (with the exact name EKS writes to) makes it ours.
	groupName := fmt.Sprintf("/aws/eks/%s/cluster", clusterName)
	logs, err := cloudwatch.NewLogGroup(ctx, name+"-control-plane", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(groupName),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		KmsKeyId:        a.LogsKmsKeyArn,
		Tags:            a.Tags.AWS(groupName),
	}, parent)
	if err != nil {
		return nil, err
	}

	vpcConfig := &eks.ClusterVpcConfigArgs{
		SubnetIds:             a.PrivateSubnetIds,
		EndpointPrivateAccess: pulumi.Bool(true),
		EndpointPublicAccess:  pulumi.Bool(len(a.PublicAccessCidrs) > 0),
	}
	if len(a.PublicAccessCidrs) > 0 {
		vpcConfig.PublicAccessCidrs = pulumi.ToStringArray(a.PublicAccessCidrs)
	}

	clusterOpts := []pulumi.ResourceOption{parent, pulumi.DependsOn([]pulumi.Resource{logs, attachment})}
	if a.Protect {
		clusterOpts = append(clusterOpts, pulumi.Protect(true))
	}
	return eks.NewCluster(ctx, name, &eks.ClusterArgs{
		Name:      pulumi.String(clusterName),
		Version:   pulumi.String(a.KubernetesVersion),
		RoleArn:   role.Arn,
		VpcConfig: vpcConfig,
		EncryptionConfig: &eks.ClusterEncryptionConfigArgs{
			Resources: pulumi.StringArray{pulumi.String("secrets")},
			Provider:  &eks.ClusterEncryptionConfigProviderArgs{KeyArn: a.SecretsKmsKeyArn},
		},
		EnabledClusterLogTypes: pulumi.ToStringArray(logTypes),
		AccessConfig: &eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String("API"),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(false),
		},
		// We install vpc-cni, kube-proxy and coredns as managed add-ons with pinned
		// versions; the unmanaged copies EKS would bootstrap would conflict with them.
		BootstrapSelfManagedAddons: pulumi.Bool(false),
		// Standard support only: extended support costs six times as much per hour. When
		// standard support ends EKS upgrades the control plane instead; the
		// eks-version-floor policy is there so we upgrade deliberately before that.
		UpgradePolicy: &eks.ClusterUpgradePolicyArgs{SupportType: pulumi.String("STANDARD")},
		Tags:          a.Tags.AWS(clusterName),
	}, clusterOpts...)
}
