package cost_test

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/cost"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

// trailProgram: a trail delivering to its log group (ARN built from the group's name, as
// the audit component does), a CIS-style filter and alarm on it, a filter with
// dimensions, and an unrelated group.
func trailProgram(ctx *pulumi.Context) error {
	group, err := cloudwatch.NewLogGroup(ctx, "trail-logs", &cloudwatch.LogGroupArgs{
		Name: pulumi.String("/aws/cloudtrail/platform-trail"), RetentionInDays: pulumi.Int(365)})
	if err != nil {
		return err
	}
	arn := group.Name.ApplyT(func(n string) string {
		return "arn:aws:logs:us-east-1:" + plan.AccountID + ":log-group:" + n + ":*"
	}).(pulumi.StringOutput)
	if _, err := cloudtrail.NewTrail(ctx, "trail", &cloudtrail.TrailArgs{S3BucketName: pulumi.String("b"),
		CloudWatchLogsGroupArn: arn, CloudWatchLogsRoleArn: pulumi.String("arn:aws:iam::1:role/r")}); err != nil {
		return err
	}
	if _, err := cloudwatch.NewLogGroup(ctx, "app", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(30)}); err != nil {
		return err
	}
	transform := func(dims pulumi.StringMapInput) *cloudwatch.LogMetricFilterMetricTransformationArgs {
		return &cloudwatch.LogMetricFilterMetricTransformationArgs{Name: pulumi.String("RootAccountUsage"),
			Namespace: pulumi.String("CISBenchmark"), Value: pulumi.String("1"), Dimensions: dims}
	}
	for name, dims := range map[string]pulumi.StringMapInput{"root": nil, "by-user": pulumi.StringMap{"user": pulumi.String("$.userIdentity.arn")}} {
		if _, err := cloudwatch.NewLogMetricFilter(ctx, name, &cloudwatch.LogMetricFilterArgs{LogGroupName: group.Name,
			Pattern: pulumi.String(`{$.userIdentity.type="Root"}`), MetricTransformation: transform(dims)}); err != nil {
			return err
		}
	}
	_, err = cloudwatch.NewMetricAlarm(ctx, "root", &cloudwatch.MetricAlarmArgs{Namespace: pulumi.String("CISBenchmark"),
		MetricName: pulumi.String("RootAccountUsage"), Statistic: pulumi.String("Sum"), Period: pulumi.Int(300),
		ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"), Threshold: pulumi.Float64(1), EvaluationPeriods: pulumi.Int(1)})
	return err
}

func TestTrailLogGroupAndCISFilters(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			e := estimate(t, capture(t, mode, trailProgram), cost.DefaultAssumptions("prod")) // trail 5 GB, others 5 GB
			cases := []struct {
				typ, name string
				usd       float64
			}{
				// 5 GB ingested, 365 days = 12.17 months of it stored.
				{tokens.CloudWatchLogGroup, "trail-logs", 5*0.5 + 5*365.0/30*0.03},
				{tokens.CloudWatchLogGroup, "app", 5*0.5 + 5*1*0.03},
				{tokens.CloudWatchLogMetricFilter, "root", 0.3},
				{tokens.CloudWatchMetricAlarm, "root", 0.1},
			}
			for _, tc := range cases {
				it := item(t, e, tc.typ, tc.name)
				require.True(t, it.Known, it.Reason)
				require.InDelta(t, tc.usd, it.MonthlyUSD, cents, "%s: %s", tc.name, it.Formula)
			}
			require.Contains(t, item(t, e, tokens.CloudWatchLogGroup, "trail-logs").Formula, "trailLogGB")
			dims := item(t, e, tokens.CloudWatchLogMetricFilter, "by-user")
			require.False(t, dims.Known, "a metric per dimension value is not modeled")
			require.Contains(t, dims.Reason, "dimensions")
		})
	}
}

// The trail's own figure, not the per-group default, drives its ingestion.
func TestTrailLogGBAssumption(t *testing.T) {
	a, err := cost.DefaultAssumptions("staging").Override([]byte(`{"trailLogGB": 40}`))
	require.NoError(t, err)
	e := estimate(t, capture(t, plan.Update, trailProgram), a)
	it := item(t, e, tokens.CloudWatchLogGroup, "trail-logs")
	require.InDelta(t, 40*0.5+40*365.0/30*0.03, it.MonthlyUSD, cents, it.Formula)
	require.Equal(t, 2.0, cost.DefaultAssumptions("staging").TrailLogGB)
	require.Equal(t, 5.0, cost.DefaultAssumptions("prod").TrailLogGB)
}
