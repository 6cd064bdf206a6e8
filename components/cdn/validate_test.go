package cdn_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/cdn"
	"github.com/generic-corp/platform/plan"
)

// validSite returns complete site args; edge is filled in by the program.
func validSite() cdn.SiteArgs {
	return cdn.SiteArgs{
		NamePrefix: "platform-staging", Domains: []string{"app.generic-corp.io"}, ZoneId: pulumi.String(zoneID),
		KmsKeyArn: pulumi.String(dataKey), LogBucket: pulumi.String("platform-staging-edge-logs"), Tags: stackTags,
	}
}

func TestSiteValidation(t *testing.T) {
	cases := []struct {
		name     string
		siteName string
		mutate   func(*cdn.SiteArgs)
		noEdge   bool
		want     []string
	}{
		{"nothing", "app", func(a *cdn.SiteArgs) { *a = cdn.SiteArgs{} }, true, []string{
			`NamePrefix ""`, "Domains is empty", "ZoneId", "EdgeProvider (an aws.Provider for us-east-1) or CertificateArn is required",
			"KmsKeyArn", "LogBucket (name of the access-log bucket) is required"}},
		{"bad site name", "App_1", nil, false, []string{`site "App_1": the component name is not allowed`}},
		{"bad domains", "app", func(a *cdn.SiteArgs) {
			a.Domains = []string{"*.generic-corp.io", "app.generic-corp.io", "app.generic-corp.io", "App.io"}
		}, false, []string{`Domains[0] "*.generic-corp.io"`, `Domains[2] "app.generic-corp.io" is listed twice`, `Domains[3] "App.io"`}},
		{"enums", "app", func(a *cdn.SiteArgs) { a.PriceClass = "PriceClass_50"; a.KeyAlgorithm = "EC_secp384r1" }, false,
			[]string{`PriceClass "PriceClass_50" is not allowed (one of PriceClass_100, PriceClass_200, PriceClass_All)`,
				`KeyAlgorithm "EC_secp384r1" is not allowed (CloudFront accepts RSA_2048, EC_prime256v1)`}},
		{"ranges and formats", "app", func(a *cdn.SiteArgs) {
			a.NoncurrentDays = -1
			a.ApiDomain = "https://api.generic-corp.io"
			a.ContentSecurityPolicy = strings.Repeat("a", 1784)
			a.BucketName = "Bad_Bucket"
		}, false, []string{"NoncurrentDays -1 is not allowed (1..3650 days)", `ApiDomain "https://api.generic-corp.io"`,
			"ContentSecurityPolicy is 1784 characters long (CloudFront allows at most 1783)", `BucketName "Bad_Bucket"`}},
		{"multi-line CSP", "app", func(a *cdn.SiteArgs) { a.ContentSecurityPolicy = "default-src 'self';\nscript-src 'self'" }, false,
			[]string{"ContentSecurityPolicy must be one line"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				args := validSite()
				if tc.mutate != nil {
					tc.mutate(&args)
				}
				if !tc.noEdge {
					edge, err := aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
					if err != nil {
						return err
					}
					args.EdgeProvider = edge
				}
				_, err := cdn.NewSite(ctx, tc.siteName, &args)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.Nil(t, p.Named(cdn.SiteToken, tc.siteName), "nothing is registered on a user error")
			require.Empty(t, p.ByType(typeBucket))
		})
	}
}

func TestLogBucketAndWafValidation(t *testing.T) {
	cases := []struct {
		name    string
		program func(ctx *pulumi.Context) error
		want    []string
	}{
		{"log bucket", func(ctx *pulumi.Context) error {
			_, err := cdn.NewLogBucket(ctx, "logs", &cdn.LogBucketArgs{NamePrefix: "Platform", LogRetentionDays: 5000, NoncurrentDays: -2})
			return err
		}, []string{`NamePrefix "Platform"`, "AccountId is required", "LogRetentionDays 5000 is not allowed (1..3650 days)",
			"NoncurrentDays -2 is not allowed"}},
		{"log bucket nil args", func(ctx *pulumi.Context) error {
			_, err := cdn.NewLogBucket(ctx, "logs", nil)
			return err
		}, []string{"LogBucketArgs is required"}},
		{"cloudfront waf without provider", func(ctx *pulumi.Context) error {
			_, err := cdn.NewEdgeWaf(ctx, "waf", &cdn.EdgeWafArgs{NamePrefix: "platform-prod", LogsKmsKeyArn: pulumi.String(logsKey)})
			return err
		}, []string{`Provider is required for Scope "CLOUDFRONT"`}},
		{"waf values", func(ctx *pulumi.Context) error {
			_, err := cdn.NewEdgeWaf(ctx, "waf", &cdn.EdgeWafArgs{NamePrefix: "platform-prod", Scope: "GLOBAL", RateLimitPer5Min: 5,
				CountOnlyRules: []string{"SizeRestrictions_BODY", "bad rule", "SizeRestrictions_BODY"}, LogRetentionDays: 8})
			return err
		}, []string{`Scope "GLOBAL" is not allowed ("CLOUDFRONT" or "REGIONAL")`,
			"RateLimitPer5Min 5 is not allowed (10..2000000000 requests per 5 minutes per IP)",
			`CountOnlyRules[1] "bad rule"`, `CountOnlyRules[2] "SizeRestrictions_BODY" is listed twice`,
			"LogsKmsKeyArn is required", "LogRetentionDays 8 is not allowed (one of [1 3 5 7 14 30"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Capture(tc.program, plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.Empty(t, p.Resources)
		})
	}
}

// TestSiteOptions covers the staging shape (no WAF, log bucket domain derived from its
// name) and the overridable settings.
func TestSiteOptions(t *testing.T) {
	const csp = "default-src 'self'; frame-ancestors 'none'"
	p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
		edge, err := aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		args := validSite()
		args.EdgeProvider = edge
		args.ContentSecurityPolicy = csp
		args.NoncurrentDays = 7
		args.BucketName = "generic-corp-staging-app"
		args.KeyAlgorithm = "EC_prime256v1"
		_, err = cdn.NewSite(ctx, "app", &args)
		return err
	})
	site := p.Named(cdn.SiteToken, "app")
	d := one(t, p, site.URN, typeDistribution)
	require.True(t, d.Input("webAclId").IsNull(), "no web ACL unless one is given")
	require.Equal(t, "platform-staging-edge-logs.s3.amazonaws.com", d.Input("loggingConfig.bucket").AsString())
	require.Equal(t, csp, one(t, p, site.URN, typeHeaders).Input("securityHeadersConfig.contentSecurityPolicy.contentSecurityPolicy").AsString())
	require.Equal(t, "generic-corp-staging-app", one(t, p, site.URN, typeBucket).Input("bucket").AsString())
	require.False(t, one(t, p, site.URN, typeBucket).Protect)
	require.Equal(t, 7.0, one(t, p, site.URN, typeLifecycle).Input("rules[0].noncurrentVersionExpiration.noncurrentDays").AsNumber())
	require.Equal(t, "EC_prime256v1", one(t, p, site.URN, typeCert).Input("keyAlgorithm").AsString())
	require.Equal(t, "s3/generic-corp-staging-app/", one(t, p, site.URN, typeLogging).Input("targetPrefix").AsString())
}

func TestDefaultContentSecurityPolicy(t *testing.T) {
	cases := []struct{ api, want, not string }{
		{"api.generic-corp.io", "connect-src 'self' https://api.generic-corp.io wss://api.generic-corp.io;", ""},
		{"", "connect-src 'self';", "wss:"},
	}
	for _, tc := range cases {
		t.Run(tc.api, func(t *testing.T) {
			got := cdn.DefaultContentSecurityPolicy(tc.api)
			require.Contains(t, got, tc.want)
			require.Contains(t, got, "default-src 'self'")
			require.Contains(t, got, "object-src 'none'")
			require.Contains(t, got, "frame-ancestors 'none'")
			if tc.not != "" {
				require.NotContains(t, got, tc.not)
			}
			require.LessOrEqual(t, len(got), 1783)
		})
	}
}
