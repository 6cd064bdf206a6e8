package stacks

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/cdn"
	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/components/registry"
	"github.com/generic-corp/platform/components/secrets"
)

// Edge is what the edge layer hands to the workloads: where images come from, the
// API's certificate and the regional web ACL its load balancer uses.
type Edge struct {
	Registry      *registry.Registry
	Dns           *dns.Dns
	ApiCertArn    pulumi.StringOutput
	ApiWafArn     pulumi.StringOutput
	App, Landing  *cdn.Site
	EdgeProvider  *aws.Provider
	LogBucket     *cdn.LogBucket
	CloudFrontWaf *cdn.EdgeWaf
	// TemporalWebCertArn is the certificate of the internal Temporal Web UI.
	TemporalWebCertArn pulumi.StringOutput
	// Images are our images at the release tag, by repository.
	Images map[string]pulumi.StringOutput
}

// buildEdge creates the registry, DNS, certificates, WAFs and the two CloudFront sites
// (React app at app., landing page at the apex and www.).
func (p *Platform) buildEdge(ctx *pulumi.Context, accountID string) error {
	cfg := p.Config
	prefix := cfg.NamePrefix()
	protect := cfg.Strict()
	e := &Edge{}
	p.Edge = e
	var err error

	if e.Registry, err = registry.NewRegistry(ctx, "registry", &registry.RegistryArgs{
		NamePrefix: prefix, KmsKeyArn: p.Secrets.DataKeyArn, Protect: protect, Tags: p.Tags,
	}); err != nil {
		return err
	}
	if e.Dns, err = dns.NewDns(ctx, "dns", &dns.DnsArgs{
		ZoneName: cfg.Edge.Domain, CreateZone: cfg.Edge.ZoneID == "", ExistingZoneId: cfg.Edge.ZoneID,
		Protect: protect, Tags: p.Tags,
	}); err != nil {
		return err
	}
	// CloudFront certificates and web ACLs exist only in us-east-1.
	if e.EdgeProvider, err = aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")}); err != nil {
		return err
	}
	if e.ApiCertArn, err = dns.ValidatedCertificate(ctx, "api-certificate", &dns.CertificateArgs{
		DomainName: cfg.Edge.ApiDomain(), ZoneId: e.Dns.ZoneId, Tags: p.Tags,
	}, pulumi.Parent(e.Dns)); err != nil {
		return err
	}
	// The CloudFront web ACL logs to a us-east-1 log group, which needs a key of that region.
	edgeLogsKey := p.Secrets.LogsKeyArn
	if cfg.Region != "us-east-1" {
		k, err := secrets.NewEdgeLogsKey(ctx, "edge-logs-key", &secrets.EdgeLogsKeyArgs{
			NamePrefix: prefix, AccountId: pulumi.String(accountID), Region: "us-east-1", Protect: protect, Tags: p.Tags,
		}, pulumi.Provider(e.EdgeProvider))
		if err != nil {
			return err
		}
		edgeLogsKey = k.KeyArn
	}
	if e.CloudFrontWaf, err = cdn.NewEdgeWaf(ctx, "edge-waf", &cdn.EdgeWafArgs{
		NamePrefix: prefix, Scope: "CLOUDFRONT", Provider: e.EdgeProvider,
		RateLimitPer5Min: cfg.Edge.WafRateLimit, LogsKmsKeyArn: edgeLogsKey,
		LogRetentionDays: cfg.LogRetentionDays, Tags: p.Tags,
	}); err != nil {
		return err
	}
	apiWaf, err := cdn.NewEdgeWaf(ctx, "api-waf", &cdn.EdgeWafArgs{
		NamePrefix: prefix, Scope: "REGIONAL",
		RateLimitPer5Min: cfg.Edge.WafRateLimit, LogsKmsKeyArn: p.Secrets.LogsKeyArn,
		LogRetentionDays: cfg.LogRetentionDays, Tags: p.Tags,
	})
	if err != nil {
		return err
	}
	e.ApiWafArn = apiWaf.WebAclArn
	if e.LogBucket, err = cdn.NewLogBucket(ctx, "edge-logs", &cdn.LogBucketArgs{
		NamePrefix: prefix, AccountId: pulumi.String(accountID), LogRetentionDays: cfg.LogRetentionDays,
		Protect: protect, Tags: p.Tags,
	}); err != nil {
		return err
	}
	site := func(name string, domains []string) (*cdn.Site, error) {
		return cdn.NewSite(ctx, name, &cdn.SiteArgs{
			NamePrefix: prefix, Domains: domains, ZoneId: e.Dns.ZoneId, EdgeProvider: e.EdgeProvider,
			KmsKeyArn: p.Secrets.DataKeyArn, LogBucket: e.LogBucket.BucketName,
			LogBucketDomainName: e.LogBucket.BucketDomainName, WebAclArn: e.CloudFrontWaf.WebAclArn,
			ApiDomain: cfg.Edge.ApiDomain(), Protect: protect, Tags: p.Tags,
		})
	}
	if e.App, err = site("app", []string{cfg.Edge.AppDomain()}); err != nil {
		return err
	}
	if e.Landing, err = site("landing", cfg.Edge.LandingDomains()); err != nil {
		return err
	}
	if e.TemporalWebCertArn, err = dns.ValidatedCertificate(ctx, "temporal-ui-certificate", &dns.CertificateArgs{
		DomainName: "temporal." + cfg.Edge.Domain, ZoneId: e.Dns.ZoneId, Tags: p.Tags,
	}, pulumi.Parent(e.Dns)); err != nil {
		return err
	}
	e.Images = map[string]pulumi.StringOutput{}
	for _, repo := range []string{"api", "worker", "temporal-worker", "migrations"} {
		ref, err := registry.ImageRefOutput(e.Registry.RepositoryUrls.MapIndex(pulumi.String(repo)), cfg.Edge.ImageTag)
		if err != nil {
			return err
		}
		e.Images[repo] = ref
	}
	return nil
}
