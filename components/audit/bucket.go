package audit

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// abortMultipartDays aborts incomplete multipart uploads (invisible, billed parts).
const abortMultipartDays = 7

// newBucket creates the log bucket with every hardening setting and its policy. It
// returns the bucket and the policy, which the trail must wait for.
func (c *Audit) newBucket(ctx *pulumi.Context, name string, keyArn pulumi.StringInput, a AuditArgs) (*s3.BucketV2, *s3.BucketPolicy, error) {
	parent := pulumi.Parent(c)
	bucket, err := s3.NewBucketV2(ctx, name+"-bucket", &s3.BucketV2Args{
		Bucket:       pulumi.String(a.BucketName),
		ForceDestroy: pulumi.Bool(a.Teardown),
		Tags:         a.Tags.AWS(a.BucketName),
	}, parent, pulumi.Protect(a.Protect), pulumi.RetainOnDelete(a.Protect && !a.Teardown))
	if err != nil {
		return nil, nil, err
	}
	id := bucket.Bucket

	pab, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:                id,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: id,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent); err != nil {
		return nil, nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: keyArn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, parent); err != nil {
		return nil, nil, err
	}
	if _, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  id,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent); err != nil {
		return nil, nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("expire-trail-logs"),
			Status: pulumi.String("Enabled"),
			// An empty filter applies the rule to every object.
			Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(a.RetentionDays)},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(a.NoncurrentDays),
			},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(abortMultipartDays),
			},
		}},
	}, parent); err != nil {
		return nil, nil, err
	}
	if a.AccessLogBucket != nil {
		if _, err := s3.NewBucketLoggingV2(ctx, name+"-access-logging", &s3.BucketLoggingV2Args{
			Bucket:       id,
			TargetBucket: a.AccessLogBucket,
			TargetPrefix: pulumi.String("s3/" + a.BucketName + "/"),
		}, parent); err != nil {
			return nil, nil, err
		}
	}

	// The ARNs are built from names known up front so the policy is known in a preview.
	bucketArn := "arn:aws:s3:::" + a.BucketName
	region, tName := a.Region, trailName(a)
	policy := a.AccountId.ToStringOutput().ApplyT(func(account string) (string, error) {
		return bucketPolicy(bucketArn, account, trailArn(region, account, tName))
	}).(pulumi.StringOutput)
	bp, err := s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: id,
		Policy: policy,
	}, parent, pulumi.DependsOn([]pulumi.Resource{pab}))
	if err != nil {
		return nil, nil, err
	}
	return bucket, bp, nil
}
