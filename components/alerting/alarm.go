package alerting

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Comparison operators and missing-data treatments, named so specs read as sentences.
const (
	above = "GreaterThanThreshold"
	below = "LessThanThreshold"

	// missingIsOK: no data means nothing happened (no requests, no jobs, no evictions).
	missingIsOK = "notBreaching"
	// missingIsBad: no data means the thing that should report is gone.
	missingIsBad = "breaching"
	// missingKeepsState: a gap says nothing either way; keep the last state.
	missingKeepsState = "missing"
)

// metric is one CloudWatch metric with the statistic an alarm reads.
type metric struct {
	namespace, name string
	dims            pulumi.StringMap
	// stat is a statistic (Average, Sum, Maximum, Minimum) or a percentile ("p95").
	stat string
}

// query is one line of a metric-math alarm: a metric (id m1...) or an expression.
type query struct {
	id     string
	label  string
	metric *metric
	expr   string
}

// alarmSpec is one alarm as data: what it watches, the threshold and who hears it.
type alarmSpec struct {
	// name is the short name (alarm names are "<NamePrefix>-<name>"), e.g. "api-5xx-rate-critical".
	name     string
	severity string
	// description says which seed rule or runbook incident the alarm serves, and why
	// missing data is treated the way it is.
	description string
	// Exactly one of metric and queries is set; with queries, the one whose id is
	// "alarm" is the value compared with the threshold.
	metric  *metric
	queries []query
	// period is the metric period in seconds.
	period            int
	threshold         float64
	comparison        string
	evaluationPeriods int
	datapointsToAlarm int
	treatMissingData  string
	provider          pulumi.ResourceOption // nil: the stack region's provider
	topicOverride     *sns.Topic            // nil: the topic of severity in the stack region
}

func percentile(stat string) bool { return strings.HasPrefix(stat, "p") }

// newAlarm registers one alarm. Its alarm and OK actions both go to the severity's topic,
// so whoever was told about a problem is also told it is over; INSUFFICIENT_DATA has no
// action because treatMissingData decides, on purpose, what a gap means.
func (c *Alerting) newAlarm(ctx *pulumi.Context, name string, s alarmSpec, a AlertingArgs) error {
	if (s.metric == nil) == (len(s.queries) == 0) || s.treatMissingData == "" || s.description == "" {
		return fmt.Errorf("alerting: alarm %q is malformed (please report)", s.name)
	}
	topic := s.topicOverride
	if topic == nil {
		topic = c.topics[s.severity]
	}
	physical := a.NamePrefix + "-" + s.name
	args := &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.String(physical),
		AlarmDescription:   pulumi.String(fmt.Sprintf("[%s] %s", s.severity, s.description)),
		ComparisonOperator: pulumi.String(s.comparison),
		Threshold:          pulumi.Float64(s.threshold),
		EvaluationPeriods:  pulumi.Int(s.evaluationPeriods),
		DatapointsToAlarm:  pulumi.Int(s.datapointsToAlarm),
		TreatMissingData:   pulumi.String(s.treatMissingData),
		ActionsEnabled:     pulumi.Bool(true),
		AlarmActions:       pulumi.Array{topic.Arn},
		OkActions:          pulumi.Array{topic.Arn},
		// The severity tag lets the console and scripts list alarms by severity.
		Tags: a.Tags.With(map[string]string{"severity": s.severity}).AWS(physical),
	}
	if m := s.metric; m != nil {
		args.Namespace = pulumi.String(m.namespace)
		args.MetricName = pulumi.String(m.name)
		args.Dimensions = m.dims
		args.Period = pulumi.Int(s.period)
		if percentile(m.stat) {
			args.ExtendedStatistic = pulumi.String(m.stat)
		} else {
			args.Statistic = pulumi.String(m.stat)
		}
	}
	var queries cloudwatch.MetricAlarmMetricQueryArray
	for _, q := range s.queries {
		mq := &cloudwatch.MetricAlarmMetricQueryArgs{
			Id:         pulumi.String(q.id),
			Label:      pulumi.String(q.label),
			ReturnData: pulumi.Bool(q.id == "alarm"),
		}
		if q.metric != nil {
			mq.Metric = &cloudwatch.MetricAlarmMetricQueryMetricArgs{
				Namespace:  pulumi.String(q.metric.namespace),
				MetricName: pulumi.String(q.metric.name),
				Dimensions: q.metric.dims,
				Period:     pulumi.Int(s.period),
				Stat:       pulumi.String(q.metric.stat),
			}
		} else {
			mq.Expression = pulumi.String(q.expr)
		}
		queries = append(queries, mq)
	}
	if len(queries) > 0 {
		args.MetricQueries = queries
	}
	opts := []pulumi.ResourceOption{pulumi.Parent(c)}
	if s.provider != nil {
		opts = append(opts, s.provider)
	}
	alarm, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+s.name, args, opts...)
	if err != nil {
		return err
	}
	if _, dup := c.Alarms[s.name]; dup {
		return fmt.Errorf("alerting: two alarms named %q (please report)", s.name)
	}
	c.Alarms[s.name] = alarm
	c.AlarmNames = append(c.AlarmNames, physical)
	c.AlarmSeverities[physical] = s.severity
	return nil
}
