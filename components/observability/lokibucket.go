package observability

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/cluster"
	"github.com/generic-corp/platform/internal/naming"
)

const (
	lokiNoncurrentDays = 7 // versioning keeps overwritten index files this long
	abortMultipartDays = 7
	// lokiSafetyDays past retention, S3 itself expires anything the compactor missed.
	lokiSafetyDays = 30
)

func lokiBucketName(a ObservabilityArgs) string {
	if a.LokiS3.BucketName != "" {
		return a.LokiS3.BucketName
	}
	return naming.Name(naming.MaxS3Bucket, a.NamePrefix, "loki")
}

func mustJSON(doc any) string {
	b, err := json.Marshal(doc)
	if err != nil {
		panic("observability: bug, please report: marshalling a policy document: " + err.Error())
	}
	return string(b)
}

// newLokiBucket creates Loki's bucket with the controls the policy pack checks (public
// access block, BucketOwnerEnforced, SSE-KMS with a bucket key, versioning, lifecycle,
// TLS-only policy, access logging when a log bucket is given) and the IRSA role that only
// Loki's service account may assume. The bucket's ARN is built from its name, so the
// policies are known in a preview.
func newLokiBucket(ctx *pulumi.Context, name string, a ObservabilityArgs, parent pulumi.Resource) (*lokiStorage, error) {
	bucketName := lokiBucketName(a)
	bucketArn := "arn:aws:s3:::" + bucketName
	opts := []pulumi.ResourceOption{pulumi.Parent(parent)}
	bucketOpts := append([]pulumi.ResourceOption{}, opts...)
	if a.Protect {
		bucketOpts = append(bucketOpts, pulumi.Protect(true), pulumi.RetainOnDelete(!a.LokiTeardown))
	}
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(bucketName),
		ForceDestroy: pulumi.Bool(a.LokiTeardown),
		Tags:         a.Tags.AWS(bucketName),
	}, bucketOpts...)
	if err != nil {
		return nil, err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.Bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.Bucket,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, opts...); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: a.LokiS3.KmsKeyArn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, opts...); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  bucket.Bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, opts...); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:         pulumi.String("expire-after-retention"),
			Status:     pulumi.String("Enabled"),
			Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(a.LokiRetentionDays + lokiSafetyDays)},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(lokiNoncurrentDays),
			},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(abortMultipartDays),
			},
		}},
	}, opts...); err != nil {
		return nil, err
	}
	if a.LokiS3.AccessLogBucket != nil {
		if _, err := s3.NewBucketLoggingV2(ctx, name+"-logging", &s3.BucketLoggingV2Args{
			Bucket:       bucket.Bucket,
			TargetBucket: a.LokiS3.AccessLogBucket,
			TargetPrefix: pulumi.String("s3/" + bucketName + "/"),
		}, opts...); err != nil {
			return nil, err
		}
	}
	if _, err := s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: pulumi.String(mustJSON(map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
				"Resource":  []string{bucketArn, bucketArn + "/*"},
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			}},
		})),
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{pab}))...); err != nil {
		return nil, err
	}

	roleName := naming.Name(naming.MaxIAMRole, a.NamePrefix, "loki")
	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("Loki (IRSA " + a.Namespace + "/" + lokiServiceAccount + "): read and write its log bucket"),
		AssumeRolePolicy: cluster.IRSATrustPolicy(a.LokiS3.OidcProviderArn, a.LokiS3.OidcIssuer, a.Namespace, lokiServiceAccount),
		Tags:             a.Tags.AWS(roleName),
	}, opts...)
	if err != nil {
		return nil, err
	}
	access := a.LokiS3.KmsKeyArn.ToStringOutput().ApplyT(func(key string) string {
		return mustJSON(map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{
				map[string]any{"Sid": "ListBucket", "Effect": "Allow", "Action": []string{"s3:ListBucket"}, "Resource": []string{bucketArn}},
				map[string]any{"Sid": "Objects", "Effect": "Allow",
					"Action":   []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
					"Resource": []string{bucketArn + "/*"}},
				map[string]any{"Sid": "BucketKey", "Effect": "Allow",
					"Action":   []string{"kms:Decrypt", "kms:GenerateDataKey"},
					"Resource": []string{key}},
			},
		})
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-access", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: access,
	}, opts...); err != nil {
		return nil, err
	}
	return &lokiStorage{bucket: bucket.Bucket, roleArn: role.Arn}, nil
}
