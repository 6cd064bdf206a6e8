package stacks

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/cdn"
	"github.com/generic-corp/platform/components/database"
	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/components/observability"
	"github.com/generic-corp/platform/components/registry"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/components/temporal"
	"github.com/generic-corp/platform/internal/naming"
)

// Edge is what the edge layer hands to the workloads: where images come from, the
// API's certificate and the regional web ACL its load balancer uses.
type Edge struct {
	Registry     *registry.Registry
	Dns          *dns.Dns
	ApiCertArn   pulumi.StringOutput
	ApiWafArn    pulumi.StringOutput
	App, Landing *cdn.Site
	// EdgeProvider is the us-east-1 provider; nil in a dr stack that survives the loss
	// of us-east-1 (DRConfig.PreProvisionedEdge), which creates nothing there.
	EdgeProvider *aws.Provider
	LogBucket    *cdn.LogBucket
	// CloudFrontWebAclArn protects both distributions: this stack's CLOUDFRONT web ACL,
	// or prod's when the edge is pre-provisioned.
	CloudFrontWebAclArn pulumi.StringOutput
	// SiteCertificateArn is prod's pre-provisioned certificate of the dr domain; nil
	// when each site creates its own.
	SiteCertificateArn pulumi.StringInput
	// StandbyCertificateArn is the certificate prod keeps for the dr domain (drDomain).
	StandbyCertificateArn pulumi.StringOutput
	// TemporalWebCertArn is the certificate of the internal Temporal Web UI.
	TemporalWebCertArn pulumi.StringOutput
	// Images are our images at the release tag, by repository.
	Images map[string]pulumi.StringOutput
	// DockerHubMirror is the pull through cache of Docker Hub in this stack's registry,
	// "<account>.dkr.ecr.<region>.amazonaws.com/<prefix>" (registry.MirrorRef).
	DockerHubMirror string
	// MirroredImages maps each Docker Hub image the platform runs (PgBouncer and the
	// exporters, at their pinned tags) to the same image through DockerHubMirror.
	MirroredImages map[string]string
}

// primaryStack is the stack a dr stack rebuilds: its images are prod's, replicated.
const primaryStack = "prod"

// dockerHubPrefix is the ECR repository prefix of the Docker Hub pull-through cache.
func dockerHubPrefix(cfg *Config) string { return naming.Name(30, cfg.NamePrefix(), "docker-hub") }

// dockerHubImages are the third-party images the platform pulls from Docker Hub.
var dockerHubImages = []string{database.DefaultPgBouncerImage, database.DefaultExporterImage, observability.DefaultRedisExporterImage,
	temporal.DefaultServerImage, temporal.DefaultAdminToolsImage, temporal.DefaultWebImage, temporal.DefaultPsqlImage}

// buildEdge creates the registry, DNS (delegated from the parent zone), certificates,
// WAFs and the two CloudFront sites (React app at app., landing page at the apex and www.).
func (p *Platform) buildEdge(ctx *pulumi.Context, accountID string) error {
	cfg := p.Config
	prefix := cfg.NamePrefix()
	protect := cfg.Strict()
	e := &Edge{}
	p.Edge = e
	var err error

	if err := p.buildRegistry(ctx, accountID); err != nil {
		return err
	}
	if e.Dns, err = dns.NewDns(ctx, "dns", &dns.DnsArgs{
		ZoneName: cfg.Edge.Domain, CreateZone: cfg.Edge.ZoneID == "", ExistingZoneId: cfg.Edge.ZoneID,
		ParentZoneId: cfg.Edge.ParentZoneID, Protect: protect, Tags: p.Tags,
	}); err != nil {
		return err
	}
	if err := p.buildCloudFrontProtection(ctx, accountID); err != nil {
		return err
	}
	if e.ApiCertArn, err = dns.ValidatedCertificate(ctx, "api-certificate", &dns.CertificateArgs{
		DomainName: cfg.Edge.ApiDomain(), ZoneId: e.Dns.ZoneId, Tags: p.Tags,
	}, pulumi.Parent(e.Dns)); err != nil {
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
		ForceDestroy: cfg.DR.RepeatableDrill, Protect: protect, Tags: p.Tags,
	}); err != nil {
		return err
	}
	site := func(name string, domains, cutover []string) (*cdn.Site, error) {
		return cdn.NewSite(ctx, name, &cdn.SiteArgs{
			ExtraAliases: cutover,
			NamePrefix:   prefix, Domains: domains, ZoneId: e.Dns.ZoneId, EdgeProvider: e.EdgeProvider,
			KmsKeyArn: p.Secrets.DataKeyArn, LogBucket: e.LogBucket.BucketName,
			LogBucketDomainName: e.LogBucket.BucketDomainName, WebAclArn: e.CloudFrontWebAclArn,
			CertificateArn: e.SiteCertificateArn, ForceDestroy: cfg.DR.RepeatableDrill,
			ApiDomain: cfg.Edge.ApiDomain(), Protect: protect, Tags: p.Tags,
		})
	}
	var appCutover, landingCutover []string
	if d := cfg.DR.CutoverDomain; d != "" {
		primary := EdgeConfig{Domain: d}
		appCutover, landingCutover = []string{primary.AppDomain()}, primary.LandingDomains()
	}
	if e.App, err = site("app", []string{cfg.Edge.AppDomain()}, appCutover); err != nil {
		return err
	}
	if e.Landing, err = site("landing", cfg.Edge.LandingDomains(), landingCutover); err != nil {
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

// buildRegistry creates the ECR side of the images. prod replicates its repositories to
// the DR region, so a dr rebuild runs the very releases prod pushed (the dr stack owns no
// repositories: an empty registry of its own is what a rebuild must not wait on). Every
// stack serves Docker Hub through a pull through cache with its own prefix (rules are
// per registry, and stacks may share an account and region), authenticated with the
// operator-filled Docker Hub secret: Docker Hub's anonymous limits are per source
// address, and all pulls leave through the NAT gateways.
func (p *Platform) buildRegistry(ctx *pulumi.Context, accountID string) error {
	cfg, e := p.Config, p.Edge
	args := &registry.RegistryArgs{
		NamePrefix: cfg.NamePrefix(), KmsKeyArn: p.Secrets.DataKeyArn, Protect: cfg.Strict(), Tags: p.Tags,
		AccountId: accountID, Region: cfg.Region, PullerRoleArn: p.Cluster.NodeRoleArn,
		PullThroughCaches: []registry.PullThroughCacheArgs{{
			Upstream: secrets.RegistryDockerHub, RepositoryPrefix: dockerHubPrefix(cfg),
			CredentialArn: p.Secrets.RegistryCredentialArns[secrets.RegistryDockerHub],
		}},
	}
	switch cfg.Environment {
	case "prod":
		args.Replication = &registry.ReplicationArgs{Region: cfg.DRRegion, Provider: p.DRProvider}
	case "dr":
		args.ReplicaOf = cfg.ServiceName + "-" + primaryStack
	}
	var err error
	if e.Registry, err = registry.NewRegistry(ctx, "registry", args); err != nil {
		return err
	}
	e.DockerHubMirror = e.Registry.Mirrors[secrets.RegistryDockerHub]
	e.MirroredImages = map[string]string{}
	for _, img := range dockerHubImages {
		if e.MirroredImages[img], err = registry.MirrorRef(e.DockerHubMirror, img); err != nil {
			return err
		}
	}
	return nil
}
