package alerting_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/alerting"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

func TestAlertingPreview(t *testing.T) {
	res := capture(t, plan.Preview, prodArgs())
	p := res.plan
	crit := p.Named(tTopic, "alerting-critical")
	a := alarm(t, p, "db-connections-critical")
	require.True(t, a.Input("alarmActions").IsComputed() || a.Input("alarmActions[0]").IsComputed(), "topic ARNs are unknown in a preview")
	require.Contains(t, a.PropertyDependencies["alarmActions"], crit.URN)
	require.Contains(t, a.PropertyDependencies["okActions"], crit.URN)
	require.Equal(t, 389.5, testkit.Num(t, a.Input("threshold")))
	// The policies are built from names, so they are checkable in a preview.
	for _, pol := range p.ByType(tTopicPolicy) {
		require.True(t, pol.Input("policy").IsString())
	}
	require.Len(t, res.names, 19)
}

func TestHealthAlarmLivesInUsEast1ElseWhere(t *testing.T) {
	args := prodArgs()
	args.Region = "us-west-2"
	args.NamePrefix = "platform-dr"
	res := capture(t, plan.Update, args)
	p := res.plan
	east := p.Named(tProvider, "us-east-1")
	require.NotNil(t, east)
	a := alarm(t, p, "api-unhealthy-critical")
	require.True(t, strings.HasPrefix(a.Provider, east.URN+"::"), "the health-check alarm must use the us-east-1 provider")
	twin := p.Named(tTopic, "alerting-critical-us-east-1")
	require.NotNil(t, twin)
	require.True(t, strings.HasPrefix(twin.Provider, east.URN+"::"))
	require.Equal(t, "platform-dr-critical-us-east-1", testkit.Str(t, twin.Input("name")))
	require.Equal(t, []string{testkit.Str(t, twin.Output("arn"))}, testkit.Strs(t, a.Input("alarmActions")))
	twinKey := p.Named(tKey, "alerting-key-us-east-1")
	require.True(t, strings.HasPrefix(twinKey.Provider, east.URN+"::"))
	require.Equal(t, testkit.Str(t, twinKey.Output("arn")), testkit.Str(t, twin.Input("kmsMasterKeyId")))
	require.NotNil(t, p.Named(tSub, "alerting-critical-us-east-1-pagerduty"), "the twin pages like the critical topic")
	// Every other alarm stays in the stack region.
	require.Empty(t, alarm(t, p, "db-cpu-warning").Provider)
}

func TestMinimalStaging(t *testing.T) {
	args := &alerting.AlertingArgs{
		NamePrefix:       "platform-staging",
		AccountId:        pulumi.String(plan.AccountID),
		Region:           "us-east-1",
		Api:              &alerting.ApiAlarms{HealthCheckFqdn: "api.staging.generic-corp.io"},
		MonthlyBudgetUSD: 350,
		Tags:             tags.New("staging", "platform", "platform-team", "cc-1", nil),
	}
	res := capture(t, plan.Update, args)
	p := res.plan
	require.Equal(t, []string{"platform-staging-api-unhealthy-critical"}, res.names, "no ALB suffix: only the health check alarm")
	require.Empty(t, p.ByType(tSub), "no endpoints, no subscriptions")
	require.Empty(t, p.ByType(tEvents))
	require.False(t, p.Named(tKey, "alerting-key").Protect)
	require.Equal(t, []string{"user:environment$staging"}, testkit.Strs(t, p.ByType(tBudget)[0].Input("costFilters[0].values")))
}

func TestThresholdOverrides(t *testing.T) {
	args := prodArgs()
	args.Thresholds = alerting.Thresholds{ApiErrorRateWarningPercent: 2, DbConnectionsCriticalPercent: 90}
	p := capture(t, plan.Update, args).plan
	require.Equal(t, 2.0, testkit.Num(t, alarm(t, p, "api-5xx-rate-warning").Input("threshold")))
	require.Equal(t, 5.0, testkit.Num(t, alarm(t, p, "api-5xx-rate-critical").Input("threshold")), "unset fields keep the default")
	require.Equal(t, 369.0, testkit.Num(t, alarm(t, p, "db-connections-critical").Input("threshold")))
}
