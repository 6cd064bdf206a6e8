package cdn

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/naming"
)

const (
	// hstsMaxAgeSeconds is two years, the value the HSTS preload list requires at least
	// one year of.
	hstsMaxAgeSeconds = 63072000
	// assetsMaxTTLSeconds caches content-hashed build assets for a year.
	assetsMaxTTLSeconds = 31536000
	// maxPolicyName is CloudFront's limit on cache and response headers policy names.
	maxPolicyName = 128
)

// securityHeaders creates the response headers policy every behavior of the site
// attaches. override makes CloudFront replace whatever the origin sent, so an object
// uploaded with odd metadata cannot weaken the headers.
func securityHeaders(ctx *pulumi.Context, name, physical, csp string, opts ...pulumi.ResourceOption) (*cloudfront.ResponseHeadersPolicy, error) {
	return cloudfront.NewResponseHeadersPolicy(ctx, name+"-security-headers", &cloudfront.ResponseHeadersPolicyArgs{
		Name:    pulumi.String(naming.Name(maxPolicyName, physical, "security-headers")),
		Comment: pulumi.String("HSTS preload, CSP, no framing, no sniffing for " + physical),
		SecurityHeadersConfig: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs{
			StrictTransportSecurity: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs{
				AccessControlMaxAgeSec: pulumi.Int(hstsMaxAgeSeconds),
				IncludeSubdomains:      pulumi.Bool(true),
				Preload:                pulumi.Bool(true),
				Override:               pulumi.Bool(true),
			},
			ContentTypeOptions: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs{
				Override: pulumi.Bool(true),
			},
			FrameOptions: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs{
				FrameOption: pulumi.String("DENY"),
				Override:    pulumi.Bool(true),
			},
			ReferrerPolicy: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs{
				ReferrerPolicy: pulumi.String("strict-origin-when-cross-origin"),
				Override:       pulumi.Bool(true),
			},
			XssProtection: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigXssProtectionArgs{
				Protection: pulumi.Bool(true),
				ModeBlock:  pulumi.Bool(true),
				Override:   pulumi.Bool(true),
			},
			ContentSecurityPolicy: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs{
				ContentSecurityPolicy: pulumi.String(csp),
				Override:              pulumi.Bool(true),
			},
		},
	}, opts...)
}

// assetsCachePolicy caches /assets/* (Vite/webpack output with content hashes in the
// file names) for a year when the origin sends no Cache-Control, and keeps it out of
// the cache key: no cookies, headers or query strings, compressed variants cached.
// MinTtl 1 still lets an explicit Cache-Control shorten it.
func assetsCachePolicy(ctx *pulumi.Context, name, physical string, opts ...pulumi.ResourceOption) (*cloudfront.CachePolicy, error) {
	return cloudfront.NewCachePolicy(ctx, name+"-assets-cache", &cloudfront.CachePolicyArgs{
		Name:       pulumi.String(naming.Name(maxPolicyName, physical, "assets")),
		Comment:    pulumi.String("Long cache for content-hashed assets of " + physical),
		MinTtl:     pulumi.Int(1),
		DefaultTtl: pulumi.Int(assetsMaxTTLSeconds),
		MaxTtl:     pulumi.Int(assetsMaxTTLSeconds),
		ParametersInCacheKeyAndForwardedToOrigin: &cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginArgs{
			CookiesConfig: &cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginCookiesConfigArgs{
				CookieBehavior: pulumi.String("none"),
			},
			HeadersConfig: &cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfigArgs{
				HeaderBehavior: pulumi.String("none"),
			},
			QueryStringsConfig: &cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginQueryStringsConfigArgs{
				QueryStringBehavior: pulumi.String("none"),
			},
			EnableAcceptEncodingGzip:   pulumi.Bool(true),
			EnableAcceptEncodingBrotli: pulumi.Bool(true),
		},
	}, opts...)
}
