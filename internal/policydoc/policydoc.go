package policydoc

import (
	"encoding/json"
	"fmt"
)

// Version is the IAM policy language version every document uses.
const Version = "2012-10-17"

// Statement is one policy statement. Principal and Resource take a string, a []string
// or a map, as the policy language allows; they are rendered as given.
type Statement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal"`
	Action    []string       `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// Document is a whole policy.
type Document struct {
	Version   string      `json:"Version"`
	Id        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Root delegates a key to IAM: the account root administers it, so IAM policies decide
// who may use it and nobody can lock the key out (KMS refuses a policy without such a
// statement unless its lockout check is bypassed).
func Root(account string) Statement {
	return Statement{
		Sid:       "EnableAccountRootAdministration",
		Effect:    "Allow",
		Principal: map[string]any{"AWS": RootArn(account)},
		Action:    []string{"kms:*"},
		Resource:  "*",
	}
}

// LogsKeyUse lets CloudWatch Logs of a region use a KMS key for the log groups whose ARN
// matches logGroupArn under the condition operator (ArnEquals for one group, ArnLike for
// a pattern): the encryption context CloudWatch Logs sends names the log group.
func LogsKeyUse(sid, region, operator, logGroupArn string) Statement {
	return Statement{
		Sid:       sid,
		Effect:    "Allow",
		Principal: map[string]any{"Service": fmt.Sprintf("logs.%s.amazonaws.com", region)},
		Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
		Resource:  "*",
		Condition: map[string]any{operator: map[string]any{"kms:EncryptionContext:aws:logs:arn": logGroupArn}},
	}
}

// RootArn is the ARN of the account's root principal.
func RootArn(account string) string { return fmt.Sprintf("arn:aws:iam::%s:root", account) }

// Render returns the document as JSON; what names the policy in the error.
func Render(what string, doc Document) (string, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("%s: rendering a policy (please report): %w", what, err)
	}
	return string(b), nil
}
