package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/addons"
	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/components/cluster"
	"github.com/generic-corp/platform/components/database"
	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/components/network"
	"github.com/generic-corp/platform/components/runner"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/internal/tags"
)

// Platform holds the components of one stack, for wiring and for stack outputs.
type Platform struct {
	Config   *Config
	Tags     tags.Set
	Secrets  *secrets.Secrets
	Network  *network.Network
	Cluster  *cluster.Cluster
	Runner   *runner.Runner
	Database *database.Postgres
	Cache    *cache.Redis
	Edge     *Edge
	Ops      *Ops
	Addons   *addons.Addons
	Identity *Identity
	// DRProvider is the AWS provider of platform:drRegion.
	DRProvider *aws.Provider
	InCluster  *InCluster
}

// Build creates every component of the platform from a validated Config. The order
// below is the data flow (keys -> network -> cluster -> data stores), not a
// serialisation: the engine creates whatever does not depend on each other in parallel.
func Build(ctx *pulumi.Context, cfg *Config) (*Platform, error) {
	p := &Platform{Config: cfg, Tags: tags.New(cfg.Environment, cfg.ServiceName, cfg.Owner, cfg.CostCenter, nil)}
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, err
	}
	principal, err := callerPrincipal(ctx, caller.Arn)
	if err != nil {
		return nil, err
	}
	prefix := cfg.NamePrefix()
	protect := cfg.Strict()
	// The DR region's provider: backup copies, image and secret replicas.
	if p.DRProvider, err = aws.NewProvider(ctx, "dr-region", &aws.ProviderArgs{Region: pulumi.String(cfg.DRRegion)}); err != nil {
		return nil, err
	}
	replicate, operatorSource := operatorSecretReplicas(cfg, p.DRProvider)

	if p.Secrets, err = secrets.NewSecrets(ctx, "secrets", &secrets.SecretsArgs{
		NamePrefix:           prefix,
		AccountId:            pulumi.String(caller.AccountId),
		Region:               cfg.Region,
		RedisGroups:          []string{cache.RoleQueue, cache.RoleCache},
		ExternalSecrets:      externalSecretNames(),
		RegistryCredentials:  []string{secrets.RegistryDockerHub},
		RecoveryWindowInDays: cfg.SecretRecoveryWindowDays, ForceDelete: cfg.DR.RepeatableDrill,
		Replicate: replicate, OperatorSecretsFrom: operatorSource,
		Protect: protect,
		Tags:    p.Tags,
	}); err != nil {
		return nil, err
	}

	clusterName := cluster.Name(prefix)
	if p.Network, err = network.NewNetwork(ctx, "network", &network.NetworkArgs{
		NamePrefix:           prefix,
		VpcCidr:              cfg.Network.VpcCidr,
		AvailabilityZones:    cfg.Network.AvailabilityZones,
		NatGatewayCount:      cfg.Network.NatGateways,
		ClusterName:          clusterName,
		FlowLogRetentionDays: cfg.LogRetentionDays,
		LogsKmsKeyArn:        p.Secrets.LogsKeyArn,
		InterfaceEndpoints:   cfg.Network.InterfaceEndpoints,
		Tags:                 p.Tags,
	}); err != nil {
		return nil, err
	}

	if p.Cluster, err = cluster.NewCluster(ctx, "cluster", &cluster.ClusterArgs{
		NamePrefix:        prefix,
		VpcId:             p.Network.VpcId,
		VpcCidr:           p.Network.VpcCidr,
		PrivateSubnetIds:  p.Network.PrivateSubnetIds,
		KubernetesVersion: cfg.Cluster.KubernetesVersion,
		PublicAccessCidrs: cfg.Cluster.PublicAccessCidrs,
		SecretsKmsKeyArn:  p.Secrets.SecretsKeyArn,
		LogsKmsKeyArn:     p.Secrets.LogsKeyArn,
		DataKmsKeyArn:     p.Secrets.DataKeyArn,
		LogRetentionDays:  cfg.LogRetentionDays,
		NodeGroups: []cluster.NodeGroupArgs{{
			Name:          "general",
			InstanceTypes: cfg.Cluster.NodeInstanceTypes,
			Min:           cfg.Cluster.NodeMin,
			Desired:       cfg.Cluster.NodeDesired,
			Max:           cfg.Cluster.NodeMax,
			DiskSizeGiB:   cfg.Cluster.NodeDiskGiB,
		}},
		AdminRoleArns: adminPrincipals(cfg.Cluster.AdminRoleArns, principal),
		Tags:          p.Tags,
		Protect:       protect,
	}); err != nil {
		return nil, err
	}

	// The in-VPC runner every deployment that touches the private EKS API runs on.
	if p.Runner, err = runner.NewRunner(ctx, "deployer", &runner.RunnerArgs{
		NamePrefix: prefix, AccountId: caller.AccountId, Region: cfg.Region, Repository: cfg.Cluster.GithubRepository,
		VpcId: p.Network.VpcId, SubnetIds: p.Network.PrivateSubnetIds, ClusterSecurityGroupId: p.Cluster.ClusterSecurityGroupId,
		LogsKmsKeyArn: p.Secrets.LogsKeyArn, LogRetentionDays: cfg.LogRetentionDays, Tags: p.Tags,
	}); err != nil {
		return nil, err
	}

	if err := p.buildAddons(ctx); err != nil {
		return nil, err
	}
	if err := p.buildDataStores(ctx); err != nil {
		return nil, err
	}
	if err := p.buildEdge(ctx, caller.AccountId); err != nil {
		return nil, err
	}
	if err := p.buildOps(ctx, caller.AccountId); err != nil {
		return nil, err
	}
	if err := p.buildIdentity(ctx, caller.AccountId); err != nil {
		return nil, err
	}
	if p.InCluster, err = deployInCluster(ctx, cfg, p.clusterInputs(), p.Cluster.Provider,
		inClusterOptions{charts: true, dependsOn: append(append([]pulumi.Resource{}, p.Addons.Ready...), p.Identity.Ready...)}); err != nil {
		return nil, err
	}
	// The API's public name points at the load balancer its Ingress makes.
	if _, err := dns.CnameRecord(ctx, "api-record", p.Edge.Dns.ZoneId, cfg.Edge.ApiDomain(),
		p.InCluster.Api.LoadBalancerHostname, p.Edge.Dns); err != nil {
		return nil, err
	}
	return p, nil
}

// callerPrincipal is the IAM principal behind the identity running Pulumi: for an
// assumed-role session the role's ARN with its path, which an access entry must name.
// The session ARN does not show the path, and IAM Identity Center (SSO) roles live under
// role/aws-reserved/sso.amazonaws.com/[<region>/]; rebuilding "role/<name>" from the
// session ARN names no existing role, and that operator gets no cluster access.
// getSessionContext reads the role (iam:GetRole on it) and passes other ARNs through.
func callerPrincipal(ctx *pulumi.Context, callerArn string) (string, error) {
	sc, err := iam.GetSessionContext(ctx, &iam.GetSessionContextArgs{Arn: callerArn})
	if err != nil {
		return "", fmt.Errorf("finding the IAM role behind %s (the deployer needs iam:GetRole on it): %w", callerArn, err)
	}
	return sc.IssuerArn, nil
}

// adminPrincipals adds the identity running Pulumi to the configured cluster admins:
// with access entries the creator gets no implicit admin, and without it the Kubernetes
// provider of the same run could not reach the cluster.
func adminPrincipals(configured []string, principal string) []string {
	out := append([]string(nil), configured...)
	if principal != "" && !contains(out, principal) {
		out = append(out, principal)
	}
	return out
}
