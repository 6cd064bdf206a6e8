package cdn

import (
	"encoding/json"
	"fmt"
)

// statement is one IAM policy statement; the policies are rendered in Go (no
// GetPolicyDocument invoke) so that they are identical online and offline.
type statement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Principal any                          `json:"Principal"`
	Action    any                          `json:"Action"`
	Resource  any                          `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

// denyInsecureTransport refuses every request to the bucket and its objects that does
// not use TLS, whoever makes it.
func denyInsecureTransport(bucketArn string) statement {
	return statement{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: "*",
		Action:    "s3:*",
		Resource:  []string{bucketArn, bucketArn + "/*"},
		Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
	}
}

func render(stmts ...statement) (string, error) {
	b, err := json.Marshal(policyDoc{Version: "2012-10-17", Statement: stmts})
	if err != nil {
		return "", fmt.Errorf("cdn: rendering a bucket policy (please report): %w", err)
	}
	return string(b), nil
}

// siteBucketPolicy lets exactly one CloudFront distribution read objects (Origin Access
// Control signs its requests as the CloudFront service principal; the SourceArn
// condition pins it to our distribution, not any distribution in any account) and
// denies plain HTTP. Without s3:ListBucket a missing key answers 403, which the
// distribution maps to the SPA entry point like a 404.
func siteBucketPolicy(bucketArn, distributionArn string) (string, error) {
	return render(
		statement{
			Sid:       "AllowCloudFrontReadViaOAC",
			Effect:    "Allow",
			Principal: map[string]string{"Service": "cloudfront.amazonaws.com"},
			Action:    "s3:GetObject",
			Resource:  bucketArn + "/*",
			Condition: map[string]map[string]string{"StringEquals": {"AWS:SourceArn": distributionArn}},
		},
		denyInsecureTransport(bucketArn),
	)
}

// logBucketPolicy denies plain HTTP and lets the S3 logging service deliver server
// access logs, only under the s3/ prefix and only for source buckets of our own account.
func logBucketPolicy(bucketArn, accountID string) (string, error) {
	return render(
		denyInsecureTransport(bucketArn),
		statement{
			Sid:       "AllowS3ServerAccessLogDelivery",
			Effect:    "Allow",
			Principal: map[string]string{"Service": "logging.s3.amazonaws.com"},
			Action:    "s3:PutObject",
			Resource:  bucketArn + "/" + s3LogsPrefix + "*",
			Condition: map[string]map[string]string{"StringEquals": {"aws:SourceAccount": accountID}},
		},
	)
}
