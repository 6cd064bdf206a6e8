package audit

import (
	"fmt"

	"github.com/generic-corp/platform/internal/policydoc"
)

const cloudtrailService = "cloudtrail.amazonaws.com"

// trailArn is known before the trail exists, so the policies (and the checks on them)
// are known in a preview.
func trailArn(region, account, name string) string {
	return fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", region, account, name)
}

// logGroupArn is the trail log group's ARN as the key policy and the role name it (no
// ":*" suffix), known before the group exists.
func logGroupArn(region, account, group string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, account, group)
}

// keyPolicy holds the statements the CloudTrail documentation gives for a trail key, and
// one that lets CloudWatch Logs encrypt the trail's log group (and only that group: the
// encryption context names its ARN) with the same key.
func keyPolicy(account, region, trail, group string) (string, error) {
	context := map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": fmt.Sprintf("arn:aws:cloudtrail:*:%s:trail/*", account)}
	return policydoc.Render("audit", policydoc.Document{
		Version: policydoc.Version,
		Id:      "platform-audit-trail-key",
		Statement: []policydoc.Statement{
			policydoc.Root(account),
			{
				Sid:       "AllowCloudTrailToEncryptLogs",
				Effect:    "Allow",
				Principal: map[string]any{"Service": cloudtrailService},
				Action:    []string{"kms:GenerateDataKey*"},
				Resource:  "*",
				Condition: map[string]any{
					"StringEquals": map[string]any{"aws:SourceArn": trail},
					"StringLike":   context,
				},
			},
			{
				Sid:       "AllowCloudTrailToDescribeKey",
				Effect:    "Allow",
				Principal: map[string]any{"Service": cloudtrailService},
				Action:    []string{"kms:DescribeKey"},
				Resource:  "*",
				Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceArn": trail}},
			},
			{
				Sid:       "AllowAccountPrincipalsToDecryptLogs",
				Effect:    "Allow",
				Principal: map[string]any{"AWS": "*"},
				Action:    []string{"kms:Decrypt", "kms:ReEncryptFrom"},
				Resource:  "*",
				Condition: map[string]any{
					"StringEquals": map[string]any{"kms:CallerAccount": account},
					"StringLike":   context,
				},
			},
			policydoc.LogsKeyUse("AllowCloudWatchLogsForTheTrailLogGroup", region, "ArnEquals", logGroupArn(region, account, group)),
		},
	})
}

// bucketPolicy lets this trail, and nothing else, check the bucket ACL and write log
// files under AWSLogs/<account>/, and denies any request without TLS.
func bucketPolicy(bucketArn, account, trail string) (string, error) {
	return policydoc.Render("audit", policydoc.Document{
		Version: policydoc.Version,
		Statement: []policydoc.Statement{
			{
				Sid:       "AWSCloudTrailAclCheck",
				Effect:    "Allow",
				Principal: map[string]any{"Service": cloudtrailService},
				Action:    []string{"s3:GetBucketAcl"},
				Resource:  bucketArn,
				Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceArn": trail}},
			},
			{
				Sid:       "AWSCloudTrailWrite",
				Effect:    "Allow",
				Principal: map[string]any{"Service": cloudtrailService},
				Action:    []string{"s3:PutObject"},
				Resource:  fmt.Sprintf("%s/AWSLogs/%s/*", bucketArn, account),
				Condition: map[string]any{"StringEquals": map[string]any{
					"s3:x-amz-acl":  "bucket-owner-full-control",
					"aws:SourceArn": trail,
				}},
			},
			{
				Sid:       "DenyInsecureTransport",
				Effect:    "Deny",
				Principal: "*",
				Action:    []string{"s3:*"},
				Resource:  []string{bucketArn, bucketArn + "/*"},
				Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			},
		},
	})
}
