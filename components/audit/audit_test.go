package audit_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/audit"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const (
	tKey        = "aws:kms/key:Key"
	tBucket     = "aws:s3/bucketV2:BucketV2"
	tPAB        = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	tOwnership  = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	tSSE        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	tVersioning = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	tLifecycle  = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	tLogging    = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	tPolicy     = "aws:s3/bucketPolicy:BucketPolicy"
	tTrail      = "aws:cloudtrail/trail:Trail"

	trailArn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/platform-prod-trail"

	criticalTopic = "arn:aws:sns:us-east-1:123456789012:platform-prod-critical"
	warningTopic  = "arn:aws:sns:us-east-1:123456789012:platform-prod-warning"
)

func prodArgs() *audit.AuditArgs {
	return &audit.AuditArgs{
		NamePrefix:       "platform-prod",
		AccountId:        pulumi.String(plan.AccountID),
		Region:           "us-east-1",
		AccessLogBucket:  pulumi.String("platform-prod-logs"),
		CriticalTopicArn: pulumi.String(criticalTopic),
		WarningTopicArn:  pulumi.String(warningTopic),
		Protect:          true,
		Tags:             tags.New("prod", "platform", "platform-team", "cc-1", nil),
	}
}

func capture(t *testing.T, mode plan.Mode, args *audit.AuditArgs) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		a, err := audit.NewAudit(ctx, "audit", args)
		if err != nil {
			return err
		}
		ctx.Export("trailArn", a.TrailArn)
		ctx.Export("bucketName", a.BucketName)
		return nil
	}, plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
}

type stmt struct {
	Sid       string
	Effect    string
	Principal any
	Action    []string
	Resource  any
	Condition map[string]map[string]any
}

type doc struct{ Statement []stmt }

func parse(t *testing.T, v property.Value) doc {
	t.Helper()
	var d doc
	require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, v)), &d))
	return d
}

func bySid(t *testing.T, d doc, sid string) int {
	t.Helper()
	i := slices.IndexFunc(d.Statement, func(s stmt) bool { return s.Sid == sid })
	require.GreaterOrEqual(t, i, 0, "no statement %s", sid)
	return i
}

func TestAudit(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, prodArgs())
			trail := testkit.One(t, p, tTrail)
			key := testkit.One(t, p, tKey)
			bucket := testkit.One(t, p, tBucket)

			t.Run("multi-region trail with validation and KMS", func(t *testing.T) {
				require.Equal(t, "platform-prod-trail", testkit.Str(t, trail.Input("name")))
				require.True(t, trail.Input("isMultiRegionTrail").AsBool())
				require.True(t, trail.Input("includeGlobalServiceEvents").AsBool())
				require.True(t, trail.Input("enableLogFileValidation").AsBool())
				require.True(t, trail.Input("enableLogging").AsBool())
				require.True(t, trail.Protect)
				require.Contains(t, trail.PropertyDependencies["kmsKeyId"], key.URN)
				require.Contains(t, trail.Dependencies, testkit.One(t, p, tPolicy).URN, "the trail waits for the bucket policy")
				if mode == plan.Update {
					require.Equal(t, testkit.Str(t, key.Output("arn")), testkit.Str(t, trail.Input("kmsKeyId")))
					require.Equal(t, "platform-prod-audit-trail", testkit.Str(t, trail.Input("s3BucketName")))
				}
			})

			t.Run("key admits CloudTrail for this trail only", func(t *testing.T) {
				require.True(t, key.Input("enableKeyRotation").AsBool())
				require.True(t, key.Protect)
				require.True(t, key.RetainOnDelete)
				d := parse(t, key.Input("policy"))
				enc := d.Statement[bySid(t, d, "AllowCloudTrailToEncryptLogs")]
				require.Equal(t, map[string]any{"Service": "cloudtrail.amazonaws.com"}, enc.Principal)
				require.Equal(t, []string{"kms:GenerateDataKey*"}, enc.Action)
				require.Equal(t, trailArn, enc.Condition["StringEquals"]["aws:SourceArn"])
				require.Equal(t, "arn:aws:cloudtrail:*:123456789012:trail/*", enc.Condition["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"])
				dec := d.Statement[bySid(t, d, "AllowAccountPrincipalsToDecryptLogs")]
				require.Equal(t, plan.AccountID, dec.Condition["StringEquals"]["kms:CallerAccount"])
				for _, s := range d.Statement {
					if p, ok := s.Principal.(map[string]any); ok && p["AWS"] == "*" {
						require.NotEmpty(t, s.Condition, "%s: a * principal needs a condition", s.Sid)
					}
				}
			})

			t.Run("bucket is locked down", func(t *testing.T) {
				require.Equal(t, "platform-prod-audit-trail", testkit.Str(t, bucket.Input("bucket")))
				require.False(t, bucket.Input("forceDestroy").AsBool())
				require.True(t, bucket.Protect)
				require.True(t, bucket.RetainOnDelete)
				pab := testkit.One(t, p, tPAB)
				for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					require.True(t, pab.Input(f).AsBool(), f)
				}
				require.Equal(t, "BucketOwnerEnforced", testkit.Str(t, testkit.One(t, p, tOwnership).Input("rule.objectOwnership")))
				sse := testkit.One(t, p, tSSE)
				require.Equal(t, "aws:kms", testkit.Str(t, sse.Input("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm")))
				require.Contains(t, sse.PropertyDependencies["rules"], key.URN, "SSE uses the trail key")
				require.True(t, sse.Input("rules[0].bucketKeyEnabled").AsBool())
				require.Equal(t, "Enabled", testkit.Str(t, testkit.One(t, p, tVersioning).Input("versioningConfiguration.status")))
				lc := testkit.One(t, p, tLifecycle)
				require.Equal(t, 365.0, lc.Input("rules[0].expiration.days").AsNumber())
				require.Equal(t, 30.0, lc.Input("rules[0].noncurrentVersionExpiration.noncurrentDays").AsNumber())
				logging := testkit.One(t, p, tLogging)
				require.Equal(t, "platform-prod-logs", testkit.Str(t, logging.Input("targetBucket")))
				require.Equal(t, "s3/platform-prod-audit-trail/", testkit.Str(t, logging.Input("targetPrefix")))
			})

			t.Run("bucket policy: this trail writes, TLS only", func(t *testing.T) {
				d := parse(t, testkit.One(t, p, tPolicy).Input("policy"))
				acl := d.Statement[bySid(t, d, "AWSCloudTrailAclCheck")]
				require.Equal(t, []string{"s3:GetBucketAcl"}, acl.Action)
				require.Equal(t, "arn:aws:s3:::platform-prod-audit-trail", acl.Resource)
				require.Equal(t, trailArn, acl.Condition["StringEquals"]["aws:SourceArn"])
				write := d.Statement[bySid(t, d, "AWSCloudTrailWrite")]
				require.Equal(t, []string{"s3:PutObject"}, write.Action)
				require.Equal(t, "arn:aws:s3:::platform-prod-audit-trail/AWSLogs/123456789012/*", write.Resource)
				require.Equal(t, "bucket-owner-full-control", write.Condition["StringEquals"]["s3:x-amz-acl"])
				require.Equal(t, trailArn, write.Condition["StringEquals"]["aws:SourceArn"])
				deny := d.Statement[bySid(t, d, "DenyInsecureTransport")]
				require.Equal(t, "Deny", deny.Effect)
				require.Equal(t, "false", deny.Condition["Bool"]["aws:SecureTransport"])
			})
		})
	}
}

func TestStagingDefaults(t *testing.T) {
	a := prodArgs()
	a.NamePrefix, a.Protect, a.AccessLogBucket = "platform-staging", false, nil
	a.Tags = tags.New("staging", "platform", "platform-team", "cc-1", nil)
	a.RetentionDays = 90
	p := capture(t, plan.Update, a)
	require.Empty(t, p.ByType(tLogging))
	require.False(t, testkit.One(t, p, tBucket).Protect)
	require.False(t, testkit.One(t, p, tKey).Protect)
	require.Equal(t, 90.0, testkit.One(t, p, tLifecycle).Input("rules[0].expiration.days").AsNumber())
}

func TestValidation(t *testing.T) {
	cases := []struct {
		name string
		edit func(a *audit.AuditArgs)
		want []string
	}{
		{"names", func(a *audit.AuditArgs) { a.NamePrefix = "Prod"; a.BucketName = "Bad_Bucket"; a.Region = "east" },
			[]string{`NamePrefix "Prod"`, `BucketName "Bad_Bucket"`, `Region "east"`}},
		{"retention", func(a *audit.AuditArgs) { a.RetentionDays = 30; a.NoncurrentDays = -1 },
			[]string{`RetentionDays "30"`, `NoncurrentDays "-1"`}},
		{"retention CloudWatch cannot keep", func(a *audit.AuditArgs) { a.RetentionDays = 100 },
			[]string{`RetentionDays "100"`, "[90 120 150"}},
		{"alarm topics", func(a *audit.AuditArgs) { a.WarningTopicArn = nil },
			[]string{"CriticalTopicArn and WarningTopicArn are required"}},
		{"account and tags", func(a *audit.AuditArgs) { a.AccountId = nil; a.Tags = nil },
			[]string{"AccountId is required", `required tag "environment"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := prodArgs()
			tc.edit(a)
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := audit.NewAudit(ctx, "audit", a)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			require.Empty(t, p.Resources, "nothing is registered when args are invalid")
		})
	}
}
