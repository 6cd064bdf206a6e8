package audit

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// cisPeriodSeconds: the alarms sum 5-minute periods (the period of the CIS remediation
// steps); one matching event in a period fires them.
const cisPeriodSeconds = 300

// newCISAlarms creates, for every control, the metric filter on the trail's log group and
// an alarm that fires on the first match. Both ALARM and OK go to the control's severity
// topic, as every alerting alarm does, so a page also resolves. No data means no matching
// event (notBreaching): the filters publish only on a match.
func (c *Audit) newCISAlarms(ctx *pulumi.Context, name string, group *cloudwatch.LogGroup, a AuditArgs) error {
	topics := map[string]pulumi.StringInput{Critical: a.CriticalTopicArn, Warning: a.WarningTopicArn}
	for _, ctl := range Controls {
		if _, err := cloudwatch.NewLogMetricFilter(ctx, name+"-"+ctl.Name, &cloudwatch.LogMetricFilterArgs{
			Name:         pulumi.String(a.NamePrefix + "-" + ctl.Name),
			LogGroupName: group.Name,
			Pattern:      pulumi.String(ctl.Pattern),
			MetricTransformation: &cloudwatch.LogMetricFilterMetricTransformationArgs{
				Name:      pulumi.String(ctl.Metric),
				Namespace: pulumi.String(MetricNamespace),
				Value:     pulumi.String("1"),
			},
		}, pulumi.Parent(c)); err != nil {
			return err
		}
		physical := a.NamePrefix + "-" + ctl.AlarmName()
		topic := pulumi.Array{topics[ctl.Severity]}
		if _, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+ctl.AlarmName(), &cloudwatch.MetricAlarmArgs{
			Name: pulumi.String(physical),
			AlarmDescription: pulumi.String(fmt.Sprintf("[%s] CIS AWS Foundations (Security Hub %s): %s, seen in trail %s "+
				"(see docs/runbooks.md, CIS security alarms). No data means no such event (notBreaching).",
				ctl.Severity, ctl.ID, ctl.Title, trailName(a))),
			Namespace:          pulumi.String(MetricNamespace),
			MetricName:         pulumi.String(ctl.Metric),
			Statistic:          pulumi.String("Sum"),
			Period:             pulumi.Int(cisPeriodSeconds),
			ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
			Threshold:          pulumi.Float64(1),
			EvaluationPeriods:  pulumi.Int(1),
			DatapointsToAlarm:  pulumi.Int(1),
			TreatMissingData:   pulumi.String("notBreaching"),
			ActionsEnabled:     pulumi.Bool(true),
			AlarmActions:       topic,
			OkActions:          topic,
			Tags:               a.Tags.With(map[string]string{"severity": ctl.Severity}).AWS(physical),
		}, pulumi.Parent(c)); err != nil {
			return err
		}
		c.AlarmNames = append(c.AlarmNames, physical)
	}
	return nil
}
