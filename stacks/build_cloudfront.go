package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/cdn"
	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/components/secrets"
)

// buildCloudFrontProtection provides what CloudFront takes from us-east-1 only: the web
// ACL (and its log group's key) and, in prod, the certificate a dr rebuild will need.
// A dr stack that survives the loss of us-east-1 creates nothing there: it uses prod's
// web ACL and the certificate prod keeps ready for it.
func (p *Platform) buildCloudFrontProtection(ctx *pulumi.Context, accountID string) error {
	cfg, e := p.Config, p.Edge
	if cfg.DR.PreProvisionedEdge() {
		e.CloudFrontWebAclArn = pulumi.String(cfg.DR.CloudFrontWebAclArn).ToStringOutput()
		e.SiteCertificateArn = pulumi.String(cfg.DR.EdgeCertificateArn)
		return nil
	}
	prefix, protect := cfg.NamePrefix(), cfg.Strict()
	var err error
	if e.EdgeProvider, err = aws.NewProvider(ctx, EdgeRegion, &aws.ProviderArgs{Region: pulumi.String(EdgeRegion)}); err != nil {
		return err
	}
	// The CloudFront web ACL logs to a us-east-1 log group, which needs a key of that region.
	edgeLogsKey := p.Secrets.LogsKeyArn
	if cfg.Region != EdgeRegion {
		k, err := secrets.NewEdgeLogsKey(ctx, "edge-logs-key", &secrets.EdgeLogsKeyArgs{
			NamePrefix: prefix, AccountId: pulumi.String(accountID), Region: EdgeRegion, Protect: protect, Tags: p.Tags,
		}, pulumi.Provider(e.EdgeProvider))
		if err != nil {
			return err
		}
		edgeLogsKey = k.KeyArn
	}
	waf, err := cdn.NewEdgeWaf(ctx, "edge-waf", &cdn.EdgeWafArgs{
		NamePrefix: prefix, Scope: "CLOUDFRONT", Provider: e.EdgeProvider,
		RateLimitPer5Min: cfg.Edge.WafRateLimit, LogsKmsKeyArn: edgeLogsKey,
		LogRetentionDays: cfg.LogRetentionDays, Tags: p.Tags,
	})
	if err != nil {
		return err
	}
	e.CloudFrontWebAclArn = waf.WebAclArn
	if cfg.DR.StandbyDomain == "" {
		return nil
	}
	// One certificate for prod's sites and the dr stack's: both prod distributions use
	// it, so it is in use and ACM renews it (ACM renews only certificates associated with
	// a service); a rebuild's distributions use it too, and a cut-over can move prod's
	// names onto them (CloudFront takes an alias only with a certificate covering it). The
	// dr stack writes its records into this zone (it adopts it as dnsZoneId), so the
	// validation records stay where renewals look for them.
	names := append(cfg.Edge.LandingDomains(), cfg.Edge.AppDomain(), cfg.DR.StandbyDomain, "*."+cfg.DR.StandbyDomain)
	e.StandbyCertificateArn, err = dns.ValidatedCertificate(ctx, "edge-certificate", &dns.CertificateArgs{
		DomainName: names[0], SubjectAlternativeNames: names[1:], ZoneId: e.Dns.ZoneId, Tags: p.Tags,
		RecordAliases: siteRecordAliases(ctx, cfg),
	}, pulumi.Parent(e.Dns), pulumi.Provider(e.EdgeProvider))
	e.SiteCertificateArn = e.StandbyCertificateArn
	return err
}

// siteRecordAliases are the validation records the sites' own certificates registered
// before prod took one certificate for them (cdn.Site "<site>-cert"): the same Route 53
// records, so the shared certificate adopts them instead of deleting them.
func siteRecordAliases(ctx *pulumi.Context, cfg *Config) map[string][]pulumi.Alias {
	out := map[string][]pulumi.Alias{}
	sites := map[string][]string{"app": {cfg.Edge.AppDomain()}, "landing": cfg.Edge.LandingDomains()}
	for site, domains := range sites {
		for _, d := range domains {
			out[d] = []pulumi.Alias{{URN: pulumi.URN(fmt.Sprintf("urn:pulumi:%s::%s::%s$aws:route53/record:Record::%s-cert-validation-%s",
				ctx.Stack(), ctx.Project(), cdn.SiteToken, site, d))}}
		}
	}
	return out
}
