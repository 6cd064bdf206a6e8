package cdn

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/internal/naming"
)

// SiteToken is the type token of a Site.
const SiteToken = "platform:cdn:Site"

// Site is one static site: private bucket, CloudFront distribution, certificate and DNS.
type Site struct {
	pulumi.ResourceState

	// BucketName is the site bucket; the deploy pipeline uploads the build into it.
	BucketName pulumi.StringOutput
	// BucketArn is the site bucket's ARN (for the deploy role's policy).
	BucketArn pulumi.StringOutput
	// DistributionId is the CloudFront distribution id (for cache invalidations).
	DistributionId pulumi.StringOutput
	// DistributionArn is the distribution's ARN.
	DistributionArn pulumi.StringOutput
	// DomainName is the distribution's own name, e.g. "d111111abcdef8.cloudfront.net".
	DomainName pulumi.StringOutput
	// CertificateArn is the validated us-east-1 ACM certificate of Domains.
	CertificateArn pulumi.StringOutput
	// Urls are "https://<domain>" for every entry of Domains, in order.
	Urls pulumi.StringArrayOutput
}

// NewSite validates args and registers the site's bucket (with its public access block,
// ownership, encryption, versioning, lifecycle, logging and policy), the origin access
// control, the response headers and assets cache policies, the certificate, the
// distribution and the alias records.
func NewSite(ctx *pulumi.Context, name string, args *SiteArgs, opts ...pulumi.ResourceOption) (*Site, error) {
	if args == nil {
		return nil, errors.New("cdn: SiteArgs is required")
	}
	a := args.withDefaults(name)
	if err := a.validate(name); err != nil {
		return nil, err
	}

	c := &Site{}
	if err := ctx.RegisterComponentResource(SiteToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	physical := naming.Name(0, a.NamePrefix, name)

	bucket, err := s3.NewBucketV2(ctx, name+"-bucket", &s3.BucketV2Args{
		Bucket: pulumi.String(a.BucketName),
		// Deleting a bucket that still holds objects fails, unless the stack is a drill.
		ForceDestroy: pulumi.Bool(a.ForceDestroy),
		Tags:         a.Tags.AWS(a.BucketName),
	}, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return nil, err
	}
	hard, err := hardening(ctx, name+"-bucket", bucket.Bucket, ownerEnforced, parent)
	if err != nil {
		return nil, err
	}
	if err := encryption(ctx, name+"-bucket", bucket.Bucket, a.KmsKeyArn, parent); err != nil {
		return nil, err
	}
	if err := lifecycle(ctx, name+"-bucket", bucket.Bucket, 0, a.NoncurrentDays, parent); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLoggingV2(ctx, name+"-bucket-logging", &s3.BucketLoggingV2Args{
		Bucket:       bucket.Bucket,
		TargetBucket: a.LogBucket,
		TargetPrefix: pulumi.String(s3LogsPrefix + a.BucketName + "/"),
	}, parent); err != nil {
		return nil, err
	}

	oac, err := originAccessControl(ctx, name, physical, parent)
	if err != nil {
		return nil, err
	}
	headers, err := securityHeaders(ctx, name, physical, a.ContentSecurityPolicy, parent)
	if err != nil {
		return nil, err
	}
	assets, err := assetsCachePolicy(ctx, name, physical, parent)
	if err != nil {
		return nil, err
	}
	certArn, err := siteCertificate(ctx, name, a, parent)
	if err != nil {
		return nil, err
	}

	dist, err := newDistribution(ctx, name, physical, a, distributionInputs{
		bucket: bucket, headers: headers, assetsCache: assets, certificateArn: certArn, oac: oac,
	}, parent)
	if err != nil {
		return nil, err
	}

	policy := pulumi.All(bucket.Arn, dist.Arn).ApplyT(func(v []any) (string, error) {
		return siteBucketPolicy(v[0].(string), v[1].(string))
	}).(pulumi.StringOutput)
	// After the public access block, so the two never race on the bucket.
	if _, err := s3.NewBucketPolicy(ctx, name+"-bucket-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: policy,
	}, parent, pulumi.DependsOn([]pulumi.Resource{hard.publicAccess})); err != nil {
		return nil, err
	}

	for _, d := range a.Domains {
		if _, err := dns.AliasRecord(ctx, name+"-"+d, a.ZoneId, d, dist.DomainName, dist.HostedZoneId, c); err != nil {
			return nil, err
		}
	}

	urls := make([]string, len(a.Domains))
	for i, d := range a.Domains {
		urls[i] = "https://" + d
	}
	c.BucketName = bucket.Bucket
	c.BucketArn = bucket.Arn
	c.DistributionId = dist.ID().ToStringOutput()
	c.DistributionArn = dist.Arn
	c.DomainName = dist.DomainName
	c.CertificateArn = certArn
	c.Urls = pulumi.ToStringArray(urls).ToStringArrayOutput()

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"bucketName":      c.BucketName,
		"bucketArn":       c.BucketArn,
		"distributionId":  c.DistributionId,
		"distributionArn": c.DistributionArn,
		"domainName":      c.DomainName,
		"certificateArn":  c.CertificateArn,
		"urls":            c.Urls,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// siteCertificate is the given pre-provisioned certificate, or a new DNS-validated one
// in us-east-1.
func siteCertificate(ctx *pulumi.Context, name string, a SiteArgs, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	if a.CertificateArn != nil {
		return a.CertificateArn.ToStringOutput(), nil
	}
	return dns.ValidatedCertificate(ctx, name+"-cert", &dns.CertificateArgs{
		DomainName:              a.Domains[0],
		SubjectAlternativeNames: a.Domains[1:],
		ZoneId:                  a.ZoneId,
		KeyAlgorithm:            a.KeyAlgorithm,
		Tags:                    a.Tags,
	}, parent, pulumi.Provider(a.EdgeProvider))
}
