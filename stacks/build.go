package stacks

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/addons"
	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/components/cluster"
	"github.com/generic-corp/platform/components/database"
	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/components/network"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/internal/tags"
)

// Platform holds the components of one stack, for wiring and for stack outputs.
type Platform struct {
	Config    *Config
	Tags      tags.Set
	Secrets   *secrets.Secrets
	Network   *network.Network
	Cluster   *cluster.Cluster
	Database  *database.Postgres
	Cache     *cache.Redis
	Edge      *Edge
	Ops       *Ops
	Addons    *addons.Addons
	Identity  *Identity
	InCluster *InCluster
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
	prefix := cfg.NamePrefix()
	protect := cfg.Strict()

	if p.Secrets, err = secrets.NewSecrets(ctx, "secrets", &secrets.SecretsArgs{
		NamePrefix:           prefix,
		AccountId:            pulumi.String(caller.AccountId),
		Region:               cfg.Region,
		RedisGroups:          []string{cache.RoleQueue, cache.RoleCache},
		ExternalSecrets:      externalSecretNames(),
		RecoveryWindowInDays: cfg.SecretRecoveryWindowDays,
		Protect:              protect,
		Tags:                 p.Tags,
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
		AdminRoleArns: adminPrincipals(cfg.Cluster.AdminRoleArns, caller.Arn),
		Tags:          p.Tags,
		Protect:       protect,
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
	if err := p.buildIdentity(ctx); err != nil {
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

// adminPrincipals adds the identity running Pulumi to the configured cluster admins:
// with access entries the creator gets no implicit admin, and without it the Kubernetes
// provider of the same run could not reach the cluster. An assumed-role session ARN is
// turned into its role ARN, which is what an access entry takes.
func adminPrincipals(configured []string, callerArn string) []string {
	out := append([]string(nil), configured...)
	principal := callerArn
	if rest, ok := strings.CutPrefix(callerArn, "arn:aws:sts::"); ok {
		if acct, after, ok := strings.Cut(rest, ":assumed-role/"); ok {
			role, _, _ := strings.Cut(after, "/")
			principal = "arn:aws:iam::" + acct + ":role/" + role
		}
	}
	if principal != "" && !contains(out, principal) {
		out = append(out, principal)
	}
	return out
}
