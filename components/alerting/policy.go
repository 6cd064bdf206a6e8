package alerting

import (
	"fmt"

	"github.com/generic-corp/platform/internal/policydoc"
)

// Publishers are the AWS service principals allowed to publish to the topics (and to
// use their key): CloudWatch alarms, EventBridge rules, AWS Backup vault notifications,
// AWS Budgets, and RDS event subscriptions (the database event subscription of this
// component needs it).
var Publishers = []string{
	"cloudwatch.amazonaws.com",
	"events.amazonaws.com",
	"backup.amazonaws.com",
	"budgets.amazonaws.com",
	"events.rds.amazonaws.com",
}

// keyPolicy is the alerting key's policy. SNS encrypts each message with the topic's
// key on behalf of the publisher, so every publishing service needs
// kms:GenerateDataKey* and kms:Decrypt on it (the AWS managed aws/sns key cannot be
// used: CloudWatch and the others are not allowed on it). Principals of this account
// may use the key only through SNS in this region, as with aws/sns, so an operator
// (or ElastiCache's service-linked role) allowed to publish still can.
func keyPolicy(account, region string) (string, error) {
	return policydoc.Render("alerting", policydoc.Document{
		Version: policydoc.Version,
		Id:      "platform-alerting-key",
		Statement: []policydoc.Statement{
			policydoc.Root(account),
			{
				Sid:       "AllowAlertPublishersToEncrypt",
				Effect:    "Allow",
				Principal: map[string]any{"Service": Publishers},
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
				Resource:  "*",
			},
			{
				Sid:       "AllowAccountPrincipalsViaSns",
				Effect:    "Allow",
				Principal: map[string]any{"AWS": "*"},
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
				Resource:  "*",
				Condition: map[string]any{"StringEquals": map[string]any{
					"kms:CallerAccount": account,
					"kms:ViaService":    fmt.Sprintf("sns.%s.amazonaws.com", region),
				}},
			},
		},
	})
}

// topicPolicy lets only the Publishers publish, and only for resources of this account
// (aws:SourceAccount stops another account's alarm or budget from using our topic: the
// confused deputy). The account keeps managing the topic; nothing may publish over
// plain HTTP.
func topicPolicy(topicArn, account string) (string, error) {
	return policydoc.Render("alerting", policydoc.Document{
		Version: policydoc.Version,
		Id:      "platform-alerting-topic",
		Statement: []policydoc.Statement{
			{
				Sid:       "AllowAccountToManageTopic",
				Effect:    "Allow",
				Principal: map[string]any{"AWS": policydoc.RootArn(account)},
				Action: []string{"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
					"sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic"},
				Resource: topicArn,
			},
			{
				Sid:       "AllowAwsServicesOfThisAccountToPublish",
				Effect:    "Allow",
				Principal: map[string]any{"Service": Publishers},
				Action:    []string{"sns:Publish"},
				Resource:  topicArn,
				Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}},
			},
			{
				Sid:       "DenyInsecureTransport",
				Effect:    "Deny",
				Principal: "*",
				Action:    []string{"sns:Publish"},
				Resource:  topicArn,
				Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			},
		},
	})
}
