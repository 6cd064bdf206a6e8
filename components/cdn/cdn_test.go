package cdn_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/cdn"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
)

const (
	typeBucket       = "aws:s3/bucketV2:BucketV2"
	typePAB          = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeOwnership    = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typeSSE          = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeVersioning   = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeLifecycle    = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeLogging      = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typePolicy       = "aws:s3/bucketPolicy:BucketPolicy"
	typeOAC          = "aws:cloudfront/originAccessControl:OriginAccessControl"
	typeHeaders      = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
	typeCachePolicy  = "aws:cloudfront/cachePolicy:CachePolicy"
	typeDistribution = "aws:cloudfront/distribution:Distribution"
	typeCert         = "aws:acm/certificate:Certificate"
	typeValidation   = "aws:acm/certificateValidation:CertificateValidation"
	typeRecord       = "aws:route53/record:Record"
	typeWebACL       = "aws:wafv2/webAcl:WebAcl"
	typeWafLogging   = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
	typeLogGroup     = "aws:cloudwatch/logGroup:LogGroup"
	typeAwsProvider  = "pulumi:providers:aws"

	dataKey = "arn:aws:kms:us-east-1:123456789012:key/data"
	logsKey = "arn:aws:kms:us-east-1:123456789012:key/logs"
	zoneID  = "Z0123456789ABCDEFGHIJ"
)

var stackTags = tags.New("prod", "platform", "platform-team", "cc-123", nil)

// siteCase is one site of the stack: the app or the landing page.
type siteCase struct {
	name    string
	domains []string
	mutate  func(*cdn.SiteArgs)
}

// stack builds what the stack builds around a site: the us-east-1 provider, the log
// bucket, the CloudFront web ACL, then the site itself wired to all three.
func stack(sc siteCase) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		edge, err := aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		logs, err := cdn.NewLogBucket(ctx, "edge-logs", &cdn.LogBucketArgs{
			NamePrefix: "platform-prod", AccountId: pulumi.String(plan.AccountID), Protect: true, Tags: stackTags,
		})
		if err != nil {
			return err
		}
		waf, err := cdn.NewEdgeWaf(ctx, "edge-waf", &cdn.EdgeWafArgs{
			NamePrefix: "platform-prod", Provider: edge, LogsKmsKeyArn: pulumi.String(logsKey), Tags: stackTags,
		})
		if err != nil {
			return err
		}
		args := &cdn.SiteArgs{
			NamePrefix:          "platform-prod",
			Domains:             sc.domains,
			ZoneId:              pulumi.String(zoneID),
			EdgeProvider:        edge,
			KmsKeyArn:           pulumi.String(dataKey),
			LogBucket:           logs.BucketName,
			LogBucketDomainName: logs.BucketDomainName,
			WebAclArn:           waf.WebAclArn,
			ApiDomain:           "api.generic-corp.io",
			Protect:             true,
			Tags:                stackTags,
		}
		if sc.mutate != nil {
			sc.mutate(args)
		}
		site, err := cdn.NewSite(ctx, sc.name, args)
		if err != nil {
			return err
		}
		ctx.Export("bucketName", site.BucketName)
		ctx.Export("distributionId", site.DistributionId)
		ctx.Export("distributionArn", site.DistributionArn)
		ctx.Export("domainName", site.DomainName)
		ctx.Export("urls", site.Urls)
		ctx.Export("webAclArn", waf.WebAclArn)
		return nil
	}
}

func capture(t *testing.T, mode plan.Mode, program pulumi.RunFunc) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(program, plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
}

// one returns the only resource of typ under the component with the given URN.
func one(t *testing.T, p *plan.Plan, parent, typ string) *plan.Resource {
	t.Helper()
	var out []*plan.Resource
	for _, r := range p.Children(parent) {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	require.Len(t, out, 1, "want exactly one %s under %s", typ, parent)
	return out[0]
}

func strs(v property.Value) []string {
	var out []string
	for _, e := range v.AsArray().AsSlice() {
		out = append(out, e.AsString())
	}
	return out
}

type policyDoc struct {
	Statement []struct {
		Sid       string
		Effect    string
		Principal any
		Action    any
		Resource  any
		Condition map[string]map[string]string
	}
}

var app = siteCase{name: "app", domains: []string{"app.generic-corp.io"}}

func TestSiteBucketIsPrivateEncryptedVersionedAndLogged(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Update, plan.Preview} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, stack(app))
			site := p.Named(cdn.SiteToken, "app")
			require.NotNil(t, site)

			b := one(t, p, site.URN, typeBucket)
			require.Equal(t, "platform-prod-app-site", b.Input("bucket").AsString())
			require.False(t, b.Input("forceDestroy").AsBool())
			require.True(t, b.Protect)
			require.Equal(t, "platform-prod-app-site", b.Input("tags.Name").AsString())
			for _, k := range tags.Required {
				require.Equal(t, stackTags[k], b.Input("tags."+k).AsString())
			}
			joined := func(r *plan.Resource) {
				t.Helper()
				require.Equal(t, "platform-prod-app-site", r.Input("bucket").AsString(), "%s must refer to the site bucket", r.Name)
			}

			pab := one(t, p, site.URN, typePAB)
			joined(pab)
			for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				require.True(t, pab.Input(flag).AsBool(), flag)
			}
			own := one(t, p, site.URN, typeOwnership)
			joined(own)
			require.Equal(t, "BucketOwnerEnforced", own.Input("rule.objectOwnership").AsString())

			sse := one(t, p, site.URN, typeSSE)
			joined(sse)
			require.Equal(t, "aws:kms", sse.Input("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm").AsString())
			require.Equal(t, dataKey, sse.Input("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId").AsString())
			require.True(t, sse.Input("rules[0].bucketKeyEnabled").AsBool())

			ver := one(t, p, site.URN, typeVersioning)
			joined(ver)
			require.Equal(t, "Enabled", ver.Input("versioningConfiguration.status").AsString())

			lc := one(t, p, site.URN, typeLifecycle)
			joined(lc)
			require.Len(t, lc.Input("rules").AsArray().AsSlice(), 1)
			require.Equal(t, "Enabled", lc.Input("rules[0].status").AsString())
			require.True(t, lc.Input("rules[0].filter").IsMap(), "an empty filter selects every object")
			require.Equal(t, 30.0, lc.Input("rules[0].noncurrentVersionExpiration.noncurrentDays").AsNumber())
			require.Equal(t, 7.0, lc.Input("rules[0].abortIncompleteMultipartUpload.daysAfterInitiation").AsNumber())
			require.True(t, lc.Input("rules[0].expiration").IsNull(), "site objects never expire while current")

			lg := one(t, p, site.URN, typeLogging)
			joined(lg)
			require.Equal(t, "s3/platform-prod-app-site/", lg.Input("targetPrefix").AsString())
			logBucket := p.Named(typeBucket, "edge-logs")
			require.Equal(t, logBucket.Input("bucket").AsString(), lg.Input("targetBucket").AsString())
			logsComp := p.Named(cdn.LogBucketToken, "edge-logs")
			require.Contains(t, lg.PropertyDependencies["targetBucket"], one(t, p, logsComp.URN, typePolicy).URN,
				"logging starts after the log bucket admits logging.s3.amazonaws.com")

			pol := one(t, p, site.URN, typePolicy)
			joined(pol)
			require.Contains(t, pol.Dependencies, pab.URN, "the policy waits for the public access block")
			dist := one(t, p, site.URN, typeDistribution)
			if mode == plan.Preview {
				require.True(t, pol.Input("policy").IsComputed(), "the policy names the distribution ARN, unknown in preview")
				require.Contains(t, pol.PropertyDependencies["policy"], dist.URN)
				return
			}
			var doc policyDoc
			require.NoError(t, json.Unmarshal([]byte(pol.Input("policy").AsString()), &doc))
			require.Len(t, doc.Statement, 2)
			bucketArn := b.Output("arn").AsString()
			var allows, denies int
			for _, st := range doc.Statement {
				switch st.Effect {
				case "Allow":
					allows++
					require.Equal(t, map[string]any{"Service": "cloudfront.amazonaws.com"}, st.Principal)
					require.Equal(t, "s3:GetObject", st.Action)
					require.Equal(t, bucketArn+"/*", st.Resource)
					require.Equal(t, map[string]map[string]string{"StringEquals": {"AWS:SourceArn": dist.Output("arn").AsString()}}, st.Condition)
				case "Deny":
					denies++
					require.Equal(t, "*", st.Principal)
					require.Equal(t, "s3:*", st.Action)
					require.ElementsMatch(t, []any{bucketArn, bucketArn + "/*"}, st.Resource)
					require.Equal(t, "false", st.Condition["Bool"]["aws:SecureTransport"])
				}
			}
			require.Equal(t, 1, allows, "only the distribution is allowed in")
			require.Equal(t, 1, denies)
		})
	}
}

func TestDistribution(t *testing.T) {
	landing := siteCase{name: "landing", domains: []string{"generic-corp.io", "www.generic-corp.io"},
		mutate: func(a *cdn.SiteArgs) { a.ApiDomain = ""; a.PriceClass = "PriceClass_All" }}
	cases := []struct {
		mode       plan.Mode
		site       siteCase
		priceClass string
		connect    string
	}{
		{plan.Update, app, "PriceClass_100", "connect-src 'self' https://api.generic-corp.io wss://api.generic-corp.io;"},
		{plan.Preview, app, "PriceClass_100", "connect-src 'self' https://api.generic-corp.io wss://api.generic-corp.io;"},
		{plan.Preview, landing, "PriceClass_All", "connect-src 'self';"},
	}
	for _, tc := range cases {
		t.Run(tc.site.name+"/"+tc.mode.String(), func(t *testing.T) {
			p := capture(t, tc.mode, stack(tc.site))
			site := p.Named(cdn.SiteToken, tc.site.name)
			require.NotNil(t, site)
			d := one(t, p, site.URN, typeDistribution)
			oac := one(t, p, site.URN, typeOAC)
			headers := one(t, p, site.URN, typeHeaders)
			assets := one(t, p, site.URN, typeCachePolicy)
			bucket := one(t, p, site.URN, typeBucket)
			update := tc.mode == plan.Update

			require.Equal(t, "s3", oac.Input("originAccessControlOriginType").AsString())
			require.Equal(t, "sigv4", oac.Input("signingProtocol").AsString())
			require.Equal(t, "always", oac.Input("signingBehavior").AsString())

			require.True(t, d.Input("enabled").AsBool())
			require.True(t, d.Input("isIpv6Enabled").AsBool())
			require.Equal(t, "http2and3", d.Input("httpVersion").AsString())
			require.Equal(t, "index.html", d.Input("defaultRootObject").AsString())
			require.Equal(t, tc.site.domains, strs(d.Input("aliases")))
			require.Equal(t, tc.priceClass, d.Input("priceClass").AsString())
			require.Equal(t, "none", d.Input("restrictions.geoRestriction.restrictionType").AsString())
			require.Equal(t, "platform-prod-"+tc.site.name, d.Input("tags.Name").AsString())

			// Origin: the private bucket through OAC.
			require.Len(t, d.Input("origins").AsArray().AsSlice(), 1)
			require.Contains(t, d.PropertyDependencies["origins"], oac.URN)
			require.Contains(t, d.PropertyDependencies["origins"], bucket.URN)
			if update {
				require.Equal(t, oac.ID, d.Input("origins[0].originAccessControlId").AsString())
				require.Equal(t, bucket.Output("bucketRegionalDomainName").AsString(), d.Input("origins[0].domainName").AsString())
			} else {
				require.True(t, d.Input("origins[0].originAccessControlId").IsComputed())
			}
			require.True(t, d.Input("origins[0].s3OriginConfig.originAccessIdentity").IsNull(), "no legacy OAI")

			// Every behavior: HTTPS only, compressed, security headers.
			behaviors := []string{"defaultCacheBehavior"}
			for i := range d.Input("orderedCacheBehaviors").AsArray().AsSlice() {
				behaviors = append(behaviors, "orderedCacheBehaviors["+string(rune('0'+i))+"]")
			}
			require.Len(t, behaviors, 2)
			for _, b := range behaviors {
				require.Equal(t, "redirect-to-https", d.Input(b+".viewerProtocolPolicy").AsString(), b)
				require.True(t, d.Input(b+".compress").AsBool(), b)
				require.Equal(t, []string{"GET", "HEAD", "OPTIONS"}, strs(d.Input(b+".allowedMethods")))
				require.Equal(t, "site-bucket", d.Input(b+".targetOriginId").AsString())
				if update {
					require.Equal(t, headers.ID, d.Input(b+".responseHeadersPolicyId").AsString(), b)
				} else {
					require.True(t, d.Input(b+".responseHeadersPolicyId").IsComputed(), b)
				}
			}
			require.Contains(t, d.PropertyDependencies["defaultCacheBehavior"], headers.URN)
			require.Contains(t, d.PropertyDependencies["orderedCacheBehaviors"], headers.URN)
			require.Equal(t, cdn.CachingOptimizedPolicyId, d.Input("defaultCacheBehavior.cachePolicyId").AsString())
			require.Equal(t, "/assets/*", d.Input("orderedCacheBehaviors[0].pathPattern").AsString())
			require.Contains(t, d.PropertyDependencies["orderedCacheBehaviors"], assets.URN)
			require.Equal(t, 31536000.0, assets.Input("defaultTtl").AsNumber())
			require.Equal(t, "none", assets.Input("parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.cookieBehavior").AsString())

			// HSTS and friends on the response headers policy.
			sh := "securityHeadersConfig."
			require.Equal(t, 63072000.0, headers.Input(sh+"strictTransportSecurity.accessControlMaxAgeSec").AsNumber())
			for _, f := range []string{"includeSubdomains", "preload", "override"} {
				require.True(t, headers.Input(sh+"strictTransportSecurity."+f).AsBool(), f)
			}
			require.True(t, headers.Input(sh+"contentTypeOptions.override").AsBool())
			require.Equal(t, "DENY", headers.Input(sh+"frameOptions.frameOption").AsString())
			require.Equal(t, "strict-origin-when-cross-origin", headers.Input(sh+"referrerPolicy.referrerPolicy").AsString())
			require.True(t, headers.Input(sh+"xssProtection.protection").AsBool())
			require.True(t, headers.Input(sh+"xssProtection.modeBlock").AsBool())
			csp := headers.Input(sh + "contentSecurityPolicy.contentSecurityPolicy").AsString()
			require.Contains(t, csp, tc.connect)
			require.Contains(t, csp, "frame-ancestors 'none'")
			require.True(t, headers.Input(sh+"contentSecurityPolicy.override").AsBool())

			// SPA routing.
			errs := d.Input("customErrorResponses").AsArray().AsSlice()
			require.Len(t, errs, 2)
			var codes []float64
			for _, e := range errs {
				m := e.AsMap()
				codes = append(codes, m.Get("errorCode").AsNumber())
				require.Equal(t, 200.0, m.Get("responseCode").AsNumber())
				require.Equal(t, "/index.html", m.Get("responsePagePath").AsString())
			}
			require.ElementsMatch(t, []float64{403, 404}, codes)

			// Viewer TLS with the validated us-east-1 certificate.
			require.Equal(t, "sni-only", d.Input("viewerCertificate.sslSupportMethod").AsString())
			require.Equal(t, "TLSv1.2_2021", d.Input("viewerCertificate.minimumProtocolVersion").AsString())
			require.True(t, d.Input("viewerCertificate.cloudfrontDefaultCertificate").IsNull())
			validation := one(t, p, site.URN, typeValidation)
			require.Contains(t, d.PropertyDependencies["viewerCertificate"], validation.URN)

			// Standard logging into the log bucket, WAF attached.
			logBucket := p.Named(typeBucket, "edge-logs")
			require.Equal(t, "cloudfront/"+tc.site.name+"/", d.Input("loggingConfig.prefix").AsString())
			require.Contains(t, d.PropertyDependencies["loggingConfig"], logBucket.URN)
			logsComp := p.Named(cdn.LogBucketToken, "edge-logs")
			require.Contains(t, d.PropertyDependencies["loggingConfig"], one(t, p, logsComp.URN, typeOwnership).URN,
				"CloudFront needs the log bucket's ACLs enabled before it is configured to log there")
			acl := p.Named(typeWebACL, "edge-waf")
			require.Contains(t, d.PropertyDependencies["webAclId"], acl.URN)
			if update {
				require.Equal(t, logBucket.Output("bucketDomainName").AsString(), d.Input("loggingConfig.bucket").AsString())
				require.Equal(t, acl.Output("arn").AsString(), d.Input("webAclId").AsString())
				cert := one(t, p, site.URN, typeCert)
				require.Equal(t, cert.Output("arn").AsString(), d.Input("viewerCertificate.acmCertificateArn").AsString())
				require.Equal(t, d.ID, p.Outputs.Get("distributionId").AsString())
				require.Equal(t, d.Output("arn").AsString(), p.Outputs.Get("distributionArn").AsString())
				require.Equal(t, d.Output("domainName").AsString(), p.Outputs.Get("domainName").AsString())
			} else {
				require.True(t, d.Input("webAclId").IsComputed())
			}
			var urls []string
			for _, dom := range tc.site.domains {
				urls = append(urls, "https://"+dom)
			}
			require.Equal(t, urls, strs(p.Outputs.Get("urls")))
		})
	}
}
