package alerting

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const albNamespace = "AWS/ApplicationELB"

// errorRateExpr is the API's 5xx rate in percent: responses the targets failed plus the
// ones the load balancer produced itself (502/503/504 when targets are exhausted, the
// symptom of seed incident 1), over all requests. Below minRequests a minute the rate
// counts as 0: at night one failed request out of three is not an outage.
func errorRateExpr(minRequests int) string {
	return fmt.Sprintf("IF(requests >= %d, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)", minRequests)
}

// apiAlarms are the seed's API rules on the ALB: error rate > 5 % critical, > 1 %
// warning, p95 latency > 1 s warning.
func apiAlarms(a AlertingArgs) []alarmSpec {
	api := a.Api
	if api == nil || api.LoadBalancerArnSuffix == nil {
		return nil
	}
	t := a.Thresholds
	lb := pulumi.StringMap{"LoadBalancer": api.LoadBalancerArnSuffix}
	rate := func() []query {
		return []query{
			{id: "target5xx", label: "target 5xx", metric: &metric{albNamespace, "HTTPCode_Target_5XX_Count", lb, "Sum"}},
			{id: "elb5xx", label: "load balancer 5xx", metric: &metric{albNamespace, "HTTPCode_ELB_5XX_Count", lb, "Sum"}},
			{id: "requests", label: "requests", metric: &metric{albNamespace, "RequestCount", lb, "Sum"}},
			{id: "alarm", label: "5xx rate (%)", expr: errorRateExpr(api.MinRequestsPerMinute)},
		}
	}
	latencyDims := pulumi.StringMap{"LoadBalancer": api.LoadBalancerArnSuffix}
	if api.TargetGroupArnSuffix != nil {
		latencyDims["TargetGroup"] = api.TargetGroupArnSuffix
	}
	const noTraffic = " No requests means no data, which is not an error (missing: notBreaching); " +
		"the health-check alarm covers an API that is down."
	return []alarmSpec{
		{
			name: "api-5xx-rate-critical", severity: Critical,
			description: fmt.Sprintf("Seed critical: API error rate > %g%% (5xx from targets and the ALB, 3 of 5 minutes). "+
				"Runbook: Database Connection Exhaustion (502s), High API Latency.", t.ApiErrorRateCriticalPercent) + noTraffic,
			queries: rate(), period: 60,
			threshold: t.ApiErrorRateCriticalPercent, comparison: above,
			evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: missingIsOK,
		},
		{
			name: "api-5xx-rate-warning", severity: Warning,
			description: fmt.Sprintf("Seed warning: API error rate > %g%% (5 of 10 minutes).", t.ApiErrorRateWarningPercent) + noTraffic,
			queries:     rate(), period: 60,
			threshold: t.ApiErrorRateWarningPercent, comparison: above,
			evaluationPeriods: 10, datapointsToAlarm: 5, treatMissingData: missingIsOK,
		},
		{
			name: "api-latency-p95-warning", severity: Warning,
			description: fmt.Sprintf("Seed warning: P95 latency > %gs (TargetResponseTime p95, 5 minutes in a row). "+
				"Runbook: High API Latency.", t.ApiLatencyP95WarningSeconds) + noTraffic,
			metric:    &metric{albNamespace, "TargetResponseTime", latencyDims, "p95"},
			period:    60,
			threshold: t.ApiLatencyP95WarningSeconds, comparison: above,
			evaluationPeriods: 5, datapointsToAlarm: 5, treatMissingData: missingIsOK,
		},
	}
}
