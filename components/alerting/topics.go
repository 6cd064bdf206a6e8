package alerting

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const usEast1 = "us-east-1"

// keyDeletionWindowDays is the longest window KMS allows.
const keyDeletionWindowDays = 30

// topicSet is the key and topics of one region.
type topicSet struct {
	key    *kms.Key
	topics map[string]*sns.Topic
}

// newTopicSet creates, in one region, the alerting key and a topic per severity with
// its policy and subscriptions. suffix ("" for the stack region) distinguishes the
// logical and physical names of a second set; opts carries that region's provider.
func (c *Alerting) newTopicSet(ctx *pulumi.Context, name, region, suffix string, severities []string, a AlertingArgs,
	opts ...pulumi.ResourceOption) (topicSet, error) {
	base := append([]pulumi.ResourceOption{pulumi.Parent(c)}, opts...)
	logical := func(s string) string {
		if suffix == "" {
			return name + "-" + s
		}
		return name + "-" + s + "-" + suffix
	}
	physical := func(s string) string {
		if suffix == "" {
			return a.NamePrefix + "-" + s
		}
		return a.NamePrefix + "-" + s + "-" + suffix
	}

	keyPolicyDoc := a.AccountId.ToStringOutput().ApplyT(func(account string) (string, error) {
		return keyPolicy(account, region)
	}).(pulumi.StringOutput)
	keyOpts := base
	if a.Protect {
		keyOpts = append(append([]pulumi.ResourceOption{}, base...), pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	key, err := kms.NewKey(ctx, logical("key"), &kms.KeyArgs{
		Description:          pulumi.String(a.NamePrefix + ": SNS alerting topics (publishers: CloudWatch, EventBridge, Backup, Budgets, RDS events)"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(keyDeletionWindowDays),
		KeyUsage:             pulumi.String("ENCRYPT_DECRYPT"),
		Policy:               keyPolicyDoc,
		Tags:                 a.Tags.AWS(physical("alerting")),
	}, keyOpts...)
	if err != nil {
		return topicSet{}, err
	}
	if _, err := kms.NewAlias(ctx, logical("key"), &kms.AliasArgs{
		Name:        pulumi.String("alias/" + physical("alerting")),
		TargetKeyId: key.KeyId,
	}, base...); err != nil {
		return topicSet{}, err
	}

	set := topicSet{key: key, topics: map[string]*sns.Topic{}}
	for _, sev := range severities {
		topicName := physical(sev)
		topic, err := sns.NewTopic(ctx, logical(sev), &sns.TopicArgs{
			Name:           pulumi.String(topicName),
			DisplayName:    pulumi.String(fmt.Sprintf("%s %s", a.NamePrefix, sev)),
			KmsMasterKeyId: key.Arn,
			Tags:           a.Tags.AWS(topicName),
		}, base...)
		if err != nil {
			return topicSet{}, err
		}
		// The ARN is built from the name (known up front) so the policy, and the policy
		// checks on it, are known in a preview.
		policy := a.AccountId.ToStringOutput().ApplyT(func(account string) (string, error) {
			return topicPolicy(fmt.Sprintf("arn:aws:sns:%s:%s:%s", region, account, topicName), account)
		}).(pulumi.StringOutput)
		if _, err := sns.NewTopicPolicy(ctx, logical(sev)+"-policy", &sns.TopicPolicyArgs{
			Arn:    topic.Arn,
			Policy: policy,
		}, base...); err != nil {
			return topicSet{}, err
		}
		if err := c.subscribe(ctx, logical(sev), sev, topic, a, base); err != nil {
			return topicSet{}, err
		}
		set.topics[sev] = topic
	}
	return set, nil
}

// subscribe adds the configured endpoints of one severity to its topic.
func (c *Alerting) subscribe(ctx *pulumi.Context, logical, severity string, topic *sns.Topic, a AlertingArgs, opts []pulumi.ResourceOption) error {
	type sub struct {
		name, protocol string
		endpoint       pulumi.StringInput
		autoConfirms   bool
	}
	var subs []sub
	switch severity {
	case Critical:
		if a.PagerDutyEndpoint != nil {
			// PagerDuty confirms the subscription itself.
			subs = append(subs, sub{"pagerduty", "https", a.PagerDutyEndpoint, true})
		}
	case Warning:
		if a.WarningWebhookEndpoint != nil {
			subs = append(subs, sub{"webhook", "https", a.WarningWebhookEndpoint, false})
		}
	}
	if severity == Critical || severity == Warning {
		// Named by address, so reordering the list replaces nothing.
		for _, e := range a.EmailAddresses {
			subs = append(subs, sub{"email-" + e, "email", pulumi.String(e), false})
		}
	}
	for _, s := range subs {
		if _, err := sns.NewTopicSubscription(ctx, logical+"-"+s.name, &sns.TopicSubscriptionArgs{
			Topic:                topic.Arn,
			Protocol:             pulumi.String(s.protocol),
			Endpoint:             s.endpoint,
			EndpointAutoConfirms: pulumi.Bool(s.autoConfirms),
		}, opts...); err != nil {
			return err
		}
	}
	return nil
}
