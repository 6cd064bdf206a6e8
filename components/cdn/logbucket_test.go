package cdn_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/cdn"
	"github.com/generic-corp/platform/plan"
)

func TestLogBucket(t *testing.T) {
	cases := []struct {
		name                 string
		mode                 plan.Mode
		args                 cdn.LogBucketArgs
		wantBucket           string
		wantExpire, wantNonc float64
	}{
		{"defaults update", plan.Update,
			cdn.LogBucketArgs{NamePrefix: "platform-prod", AccountId: pulumi.String(plan.AccountID), Protect: true, Tags: stackTags},
			"platform-prod-edge-logs", 90, 7},
		{"custom preview", plan.Preview,
			cdn.LogBucketArgs{NamePrefix: "platform-staging", AccountId: pulumi.String(plan.AccountID), LogRetentionDays: 30,
				NoncurrentDays: 3, BucketName: "generic-corp-staging-edge-logs", Tags: stackTags},
			"generic-corp-staging-edge-logs", 30, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, tc.mode, func(ctx *pulumi.Context) error {
				lb, err := cdn.NewLogBucket(ctx, "edge-logs", &tc.args)
				if err != nil {
					return err
				}
				ctx.Export("bucketName", lb.BucketName)
				ctx.Export("bucketDomainName", lb.BucketDomainName)
				return nil
			})
			comp := p.Named(cdn.LogBucketToken, "edge-logs")
			require.NotNil(t, comp)
			b := one(t, p, comp.URN, typeBucket)
			require.Equal(t, tc.wantBucket, b.Input("bucket").AsString())
			require.False(t, b.Input("forceDestroy").AsBool())
			require.Equal(t, tc.args.Protect, b.Protect)
			require.Equal(t, tc.wantBucket, b.Input("tags.Name").AsString())
			require.Equal(t, tc.wantBucket, p.Outputs.Get("bucketName").AsString())

			pab := one(t, p, comp.URN, typePAB)
			for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				require.True(t, pab.Input(flag).AsBool(), flag)
			}
			require.Equal(t, "BucketOwnerPreferred", one(t, p, comp.URN, typeOwnership).Input("rule.objectOwnership").AsString(),
				"CloudFront standard logging needs ACLs")
			sse := one(t, p, comp.URN, typeSSE)
			require.Equal(t, "AES256", sse.Input("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm").AsString(),
				"S3 server access logs cannot be delivered to an SSE-KMS bucket")
			require.True(t, sse.Input("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId").IsNull())
			require.Equal(t, "Enabled", one(t, p, comp.URN, typeVersioning).Input("versioningConfiguration.status").AsString())

			lc := one(t, p, comp.URN, typeLifecycle)
			require.Equal(t, tc.wantExpire, lc.Input("rules[0].expiration.days").AsNumber())
			require.Equal(t, tc.wantNonc, lc.Input("rules[0].noncurrentVersionExpiration.noncurrentDays").AsNumber())
			require.Equal(t, 7.0, lc.Input("rules[0].abortIncompleteMultipartUpload.daysAfterInitiation").AsNumber())

			for _, r := range p.Children(comp.URN) {
				require.NotEqual(t, typeLogging, r.Type, "the log bucket is not logged into itself")
			}

			pol := one(t, p, comp.URN, typePolicy)
			require.Contains(t, pol.Dependencies, pab.URN)
			require.True(t, pol.Input("policy").IsString(), "the policy is known even in preview")
			var doc policyDoc
			require.NoError(t, json.Unmarshal([]byte(pol.Input("policy").AsString()), &doc))
			arn := "arn:aws:s3:::" + tc.wantBucket
			require.Len(t, doc.Statement, 2)
			deny, allow := doc.Statement[0], doc.Statement[1]
			require.Equal(t, "Deny", deny.Effect)
			require.Equal(t, "*", deny.Principal)
			require.ElementsMatch(t, []any{arn, arn + "/*"}, deny.Resource)
			require.Equal(t, "false", deny.Condition["Bool"]["aws:SecureTransport"])
			require.Equal(t, "Allow", allow.Effect)
			require.Equal(t, map[string]any{"Service": "logging.s3.amazonaws.com"}, allow.Principal)
			require.Equal(t, "s3:PutObject", allow.Action)
			require.Equal(t, arn+"/s3/*", allow.Resource)
			require.Equal(t, plan.AccountID, allow.Condition["StringEquals"]["aws:SourceAccount"])
			if tc.mode == plan.Update {
				require.Equal(t, b.Output("arn").AsString(), arn, "the policy's ARN is the bucket's")
				require.Equal(t, tc.wantBucket+".s3.amazonaws.com", p.Outputs.Get("bucketDomainName").AsString())
			}
		})
	}
}
