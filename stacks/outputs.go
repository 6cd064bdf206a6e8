package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/secrets"
)

// export publishes what operators and other stacks need. Anything that embeds a
// credential (kubeconfig, database URLs) is a secret output.
func (p *Platform) export(ctx *pulumi.Context) {
	ctx.Export("environment", pulumi.String(p.Config.Environment))
	ctx.Export("region", pulumi.String(p.Config.Region))
	ctx.Export("monthlyBudgetUsd", pulumi.Int(p.Config.BudgetUSD))
	ctx.Export("vpcId", p.Network.VpcId)
	ctx.Export("privateSubnetIds", p.Network.PrivateSubnetIds)
	ctx.Export("dataSubnetIds", p.Network.DataSubnetIds)
	ctx.Export("clusterName", p.Cluster.ClusterName)
	ctx.Export("clusterEndpoint", p.Cluster.Endpoint)
	ctx.Export("kubeconfig", pulumi.ToSecret(p.Cluster.Kubeconfig))
	ctx.Export("oidcProviderArn", p.Cluster.OidcProviderArn)
	ctx.Export("dbEndpoint", p.Database.Endpoint)
	ctx.Export("dbPooledHost", p.Database.PooledHost)
	ctx.Export("DATABASE_URL", pulumi.ToSecret(p.Database.DatabaseURL))
	ctx.Export("DATABASE_URL_POOLED", pulumi.ToSecret(p.Database.DatabaseURLPooled))
	ctx.Export("redisEndpoints", p.Cache.Endpoints)
	ctx.Export("secretArns", p.Secrets.SecretArns)
	ctx.Export("dbSecretName", pulumi.String(p.Secrets.SecretNames[secrets.DbSecret]))
	ctx.Export("repositoryUrls", p.Edge.Registry.RepositoryUrls)
	ctx.Export("nameServers", p.Edge.Dns.NameServers)
	// prod's zone id is what the child stacks set as platform:parentDnsZoneId.
	ctx.Export("dnsZoneId", p.Edge.Dns.ZoneId)
	ctx.Export("dockerHubMirror", pulumi.String(p.Edge.DockerHubMirror))
	mirrored := pulumi.StringMap{}
	for upstream, ref := range p.Edge.MirroredImages {
		mirrored[upstream] = pulumi.String(ref)
	}
	ctx.Export("mirroredImages", mirrored)
	// Secrets an operator fills after the first `up`; each holds a placeholder until then
	// (docs/first-deploy.md has the command that lists the ones still unfilled).
	ctx.Export("operatorSecretNames", pulumi.ToStringArray(p.Secrets.OperatorSecretNames))
	ctx.Export("appUrl", pulumi.String("https://"+p.Config.Edge.AppDomain()))
	ctx.Export("apiUrl", pulumi.String("https://"+p.Config.Edge.ApiDomain()))
	ctx.Export("siteBuckets", pulumi.StringMap{"app": p.Edge.App.BucketName, "landing": p.Edge.Landing.BucketName})
	ctx.Export("distributionIds", pulumi.StringMap{"app": p.Edge.App.DistributionId, "landing": p.Edge.Landing.DistributionId})
	// What a dr stack takes from prod when it survives the loss of us-east-1
	// (platform:cloudFrontWebAclArn, platform:edgeCertificateArn).
	ctx.Export("cloudFrontWebAclArn", p.Edge.CloudFrontWebAclArn)
	if p.Config.DR.StandbyDomain != "" {
		ctx.Export("drEdgeCertificateArn", p.Edge.StandbyCertificateArn)
	}
	ctx.Export("alertTopicArns", p.Ops.Alerting.TopicArns)
	ctx.Export("backupVaults", pulumi.StringMap{"primary": p.Ops.Backup.VaultArn, "dr": p.Ops.Backup.DRVaultArn})
	ctx.Export("auditTrailArn", p.Ops.Audit.TrailArn)
	ctx.Export("kmsKeyArns", pulumi.StringMap{
		"data": p.Secrets.DataKeyArn, "secrets": p.Secrets.SecretsKeyArn, "logs": p.Secrets.LogsKeyArn,
	})
}
