package cdn

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// abortMultipartDays aborts incomplete multipart uploads (a failed deploy or log
// upload leaves invisible, billed parts behind) after this many days.
const abortMultipartDays = 7

// Object ownership settings.
const (
	// ownerEnforced disables ACLs: access is decided by policies alone.
	ownerEnforced = "BucketOwnerEnforced"
	// ownerPreferred keeps ACLs working (CloudFront standard logging needs them) while
	// objects written with bucket-owner-full-control belong to the bucket owner.
	ownerPreferred = "BucketOwnerPreferred"
)

// hardened are the settings resources others must wait for.
type hardened struct {
	publicAccess *s3.BucketPublicAccessBlock
	ownership    *s3.BucketOwnershipControls
}

// hardening registers the settings every bucket of this package shares: the public
// access block (all four flags), object ownership and versioning.
func hardening(ctx *pulumi.Context, name string, bucket pulumi.StringInput, ownership string, opts ...pulumi.ResourceOption,
) (hardened, error) {
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return hardened{}, err
	}
	own, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String(ownership)},
	}, opts...)
	if err != nil {
		return hardened{}, err
	}
	if _, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
		Bucket: bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{
			Status: pulumi.String("Enabled"),
		},
	}, opts...); err != nil {
		return hardened{}, err
	}
	return hardened{publicAccess: pab, ownership: own}, nil
}

// encryption sets the bucket's default encryption: SSE-KMS with kmsKeyArn and a bucket
// key (one KMS call per bucket key period instead of per object), or SSE-S3 when
// kmsKeyArn is nil (only for the log bucket, see the package doc).
func encryption(ctx *pulumi.Context, name string, bucket, kmsKeyArn pulumi.StringInput, opts ...pulumi.ResourceOption) error {
	def := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("AES256"),
	}
	rule := &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{ApplyServerSideEncryptionByDefault: def}
	if kmsKeyArn != nil {
		def.SseAlgorithm = pulumi.String("aws:kms")
		def.KmsMasterKeyId = kmsKeyArn
		rule.BucketKeyEnabled = pulumi.Bool(true)
	}
	_, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket,
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{rule},
	}, opts...)
	return err
}

// lifecycle expires noncurrent versions after noncurrentDays, current objects after
// expireDays when it is positive, and incomplete multipart uploads after a week.
func lifecycle(ctx *pulumi.Context, name string, bucket pulumi.StringInput, expireDays, noncurrentDays int, opts ...pulumi.ResourceOption) error {
	rule := &s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String("expire-noncurrent-and-abort-uploads"),
		Status: pulumi.String("Enabled"),
		// An empty filter applies the rule to every object (a rule without one is
		// deprecated).
		Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
		NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
			NoncurrentDays: pulumi.Int(noncurrentDays),
		},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(abortMultipartDays),
		},
	}
	if expireDays > 0 {
		rule.Id = pulumi.String("expire-objects-versions-and-uploads")
		rule.Expiration = &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(expireDays)}
	}
	_, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket,
		Rules:  s3.BucketLifecycleConfigurationV2RuleArray{rule},
	}, opts...)
	return err
}
