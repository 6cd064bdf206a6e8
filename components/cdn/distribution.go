package cdn

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"slices"

	"github.com/generic-corp/platform/internal/naming"
)

// CachingOptimizedPolicyId is the AWS managed cache policy "Managed-CachingOptimized"
// (no cookies, headers or query strings in the key; gzip and brotli; TTL 1s..1y,
// default 1 day). Its id is the same in every account.
const CachingOptimizedPolicyId = "658327ea-f89d-4fab-a63d-7e88639e58f6"

const (
	// originID names the single S3 origin inside the distribution.
	originID = "site-bucket"
	// assetsPath is the path pattern of the long-cached build assets.
	assetsPath = "/assets/*"
	// spaEntryPoint is what unknown paths render: the client-side router takes over.
	spaEntryPoint = "/index.html"
	// errorCachingSeconds keeps SPA fallbacks briefly, so a newly deployed object is
	// not masked by a cached 404 for long.
	errorCachingSeconds = 10
	// minimumTLS is the oldest viewer TLS policy accepted (TLS 1.2, modern ciphers).
	minimumTLS = "TLSv1.2_2021"
	// maxOACName is CloudFront's limit on origin access control names.
	maxOACName = 64
	// cloudFrontLogsPrefix + "<site>/" is where the distribution's standard logs go.
	cloudFrontLogsPrefix = "cloudfront/"
	// s3LogsPrefix + "<bucket>/" is where a bucket's server access logs go.
	s3LogsPrefix = "s3/"
)

// distributionInputs are the resources and values the distribution is built from.
type distributionInputs struct {
	bucket         *s3.BucketV2
	headers        *cloudfront.ResponseHeadersPolicy
	assetsCache    *cloudfront.CachePolicy
	certificateArn pulumi.StringOutput
	oac            *cloudfront.OriginAccessControl
}

// originAccessControl lets CloudFront sign every origin request (SigV4) so that the
// bucket can stay private and trust only the service principal.
func originAccessControl(ctx *pulumi.Context, name, physical string, opts ...pulumi.ResourceOption) (*cloudfront.OriginAccessControl, error) {
	return cloudfront.NewOriginAccessControl(ctx, name+"-oac", &cloudfront.OriginAccessControlArgs{
		Name:                          pulumi.String(naming.Name(maxOACName, physical, "oac")),
		Description:                   pulumi.String("CloudFront access to the private bucket of " + physical),
		OriginAccessControlOriginType: pulumi.String("s3"),
		SigningBehavior:               pulumi.String("always"),
		SigningProtocol:               pulumi.String("sigv4"),
	}, opts...)
}

// newDistribution registers the site's distribution: one private S3 origin behind OAC,
// HTTPS-only behaviors with the security headers, SPA error routing, the validated
// certificate, standard logging and the optional web ACL.
func newDistribution(ctx *pulumi.Context, name, physical string, a SiteArgs, in distributionInputs, opts ...pulumi.ResourceOption,
) (*cloudfront.Distribution, error) {
	methods := pulumi.ToStringArray([]string{"GET", "HEAD", "OPTIONS"})
	cached := pulumi.ToStringArray([]string{"GET", "HEAD"})

	args := &cloudfront.DistributionArgs{
		Enabled:           pulumi.Bool(true),
		Comment:           pulumi.String(physical),
		Aliases:           pulumi.ToStringArray(append(slices.Clone(a.Domains), a.ExtraAliases...)),
		IsIpv6Enabled:     pulumi.Bool(true),
		HttpVersion:       pulumi.String("http2and3"),
		DefaultRootObject: pulumi.String("index.html"),
		PriceClass:        pulumi.String(a.PriceClass),
		Origins: cloudfront.DistributionOriginArray{&cloudfront.DistributionOriginArgs{
			OriginId:              pulumi.String(originID),
			DomainName:            in.bucket.BucketRegionalDomainName,
			OriginAccessControlId: in.oac.ID(),
		}},
		DefaultCacheBehavior: &cloudfront.DistributionDefaultCacheBehaviorArgs{
			TargetOriginId:          pulumi.String(originID),
			ViewerProtocolPolicy:    pulumi.String("redirect-to-https"),
			AllowedMethods:          methods,
			CachedMethods:           cached,
			Compress:                pulumi.Bool(true),
			CachePolicyId:           pulumi.String(CachingOptimizedPolicyId),
			ResponseHeadersPolicyId: in.headers.ID(),
		},
		OrderedCacheBehaviors: cloudfront.DistributionOrderedCacheBehaviorArray{&cloudfront.DistributionOrderedCacheBehaviorArgs{
			PathPattern:             pulumi.String(assetsPath),
			TargetOriginId:          pulumi.String(originID),
			ViewerProtocolPolicy:    pulumi.String("redirect-to-https"),
			AllowedMethods:          methods,
			CachedMethods:           cached,
			Compress:                pulumi.Bool(true),
			CachePolicyId:           in.assetsCache.ID(),
			ResponseHeadersPolicyId: in.headers.ID(),
		}},
		// S3 answers 403 for a missing key (the policy grants no ListBucket) and 404
		// otherwise; both are client-side routes of the SPA.
		CustomErrorResponses: cloudfront.DistributionCustomErrorResponseArray{
			spaFallback(403), spaFallback(404),
		},
		Restrictions: &cloudfront.DistributionRestrictionsArgs{
			GeoRestriction: &cloudfront.DistributionRestrictionsGeoRestrictionArgs{
				RestrictionType: pulumi.String("none"),
			},
		},
		ViewerCertificate: &cloudfront.DistributionViewerCertificateArgs{
			AcmCertificateArn:      in.certificateArn,
			SslSupportMethod:       pulumi.String("sni-only"),
			MinimumProtocolVersion: pulumi.String(minimumTLS),
		},
		LoggingConfig: &cloudfront.DistributionLoggingConfigArgs{
			Bucket:         a.LogBucketDomainName,
			Prefix:         pulumi.String(cloudFrontLogsPrefix + name + "/"),
			IncludeCookies: pulumi.Bool(false),
		},
		Tags: a.Tags.AWS(physical),
	}
	if a.WebAclArn != nil {
		args.WebAclId = a.WebAclArn
	}
	return cloudfront.NewDistribution(ctx, name+"-distribution", args, opts...)
}

func spaFallback(code int) *cloudfront.DistributionCustomErrorResponseArgs {
	return &cloudfront.DistributionCustomErrorResponseArgs{
		ErrorCode:          pulumi.Int(code),
		ResponseCode:       pulumi.Int(200),
		ResponsePagePath:   pulumi.String(spaEntryPoint),
		ErrorCachingMinTtl: pulumi.Int(errorCachingSeconds),
	}
}
