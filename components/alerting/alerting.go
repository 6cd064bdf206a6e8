package alerting

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the component's type token.
const Type = "platform:alerting:Alerting"

// Alerting is the platform's alert routing, CloudWatch alarms and budget.
type Alerting struct {
	pulumi.ResourceState

	// TopicArns maps a severity (Critical, Warning, Info) to its topic's ARN: for other
	// components' notifications (backup vault events, ElastiCache events).
	TopicArns pulumi.StringMapOutput
	// CriticalTopicArn, WarningTopicArn and InfoTopicArn are the same ARNs one by one.
	CriticalTopicArn, WarningTopicArn, InfoTopicArn pulumi.StringOutput
	// KmsKeyArn is the alerting key (stack region).
	KmsKeyArn pulumi.StringOutput
	// Alarms maps an alarm's short name (e.g. "api-5xx-rate-critical") to the alarm.
	Alarms map[string]*cloudwatch.MetricAlarm
	// AlarmNames are the alarms' physical names, "<NamePrefix>-<short name>", in
	// creation order (plain, for the runbook coverage test).
	AlarmNames []string
	// AlarmSeverities maps each physical alarm name to its severity (plain).
	AlarmSeverities map[string]string
	// HealthCheckId is the Route 53 health check of the API ("" without one).
	HealthCheckId pulumi.StringOutput
	// HealthCheckTopicArn is the topic the health-check alarm notifies: the critical
	// topic, or its us-east-1 twin when the stack runs elsewhere ("" without a check).
	HealthCheckTopicArn pulumi.StringOutput
	// BudgetName is the AWS Budgets budget's name.
	BudgetName pulumi.StringOutput

	topics map[string]*sns.Topic
}

// NewAlerting validates args and creates the key, topics, subscriptions, alarms, RDS
// event subscriptions, the API health check and the budget.
func NewAlerting(ctx *pulumi.Context, name string, args *AlertingArgs, opts ...pulumi.ResourceOption) (*Alerting, error) {
	if args == nil {
		return nil, errors.New("alerting: args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}

	c := &Alerting{Alarms: map[string]*cloudwatch.MetricAlarm{}, AlarmSeverities: map[string]string{}}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}

	set, err := c.newTopicSet(ctx, name, a.Region, "", Severities, a)
	if err != nil {
		return nil, err
	}
	c.topics = set.topics

	var specs []alarmSpec
	specs = append(specs, apiAlarms(a)...)
	specs = append(specs, databaseAlarms(a)...)
	specs = append(specs, redisAlarms(a)...)
	specs = append(specs, platformAlarms(a)...)
	for _, s := range specs {
		if err := c.newAlarm(ctx, name, s, a); err != nil {
			return nil, err
		}
	}
	c.HealthCheckTopicArn = pulumi.String("").ToStringOutput()
	if err := c.healthCheck(ctx, name, a); err != nil {
		return nil, err
	}
	if err := c.rdsEvents(ctx, name, a); err != nil {
		return nil, err
	}
	if err := c.newBudget(ctx, name, a); err != nil {
		return nil, err
	}

	arns := pulumi.StringMap{}
	for sev, t := range c.topics {
		arns[sev] = t.Arn
	}
	c.TopicArns = arns.ToStringMapOutput()
	c.CriticalTopicArn, c.WarningTopicArn, c.InfoTopicArn = c.topics[Critical].Arn, c.topics[Warning].Arn, c.topics[Info].Arn
	c.KmsKeyArn = set.key.Arn

	names := pulumi.StringArray{}
	for _, n := range c.AlarmNames {
		names = append(names, pulumi.String(n))
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"topicArns":           c.TopicArns,
		"kmsKeyArn":           c.KmsKeyArn,
		"alarmNames":          names,
		"healthCheckId":       c.HealthCheckId,
		"healthCheckTopicArn": c.HealthCheckTopicArn,
		"budgetName":          c.BudgetName,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
