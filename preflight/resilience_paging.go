package preflight

import (
	"fmt"
	"strings"
	"time"

	"github.com/generic-corp/platform/internal/tokens"
)

// paging is how long a release that fails requests takes to page someone: the fastest
// of the CloudWatch alarms on a Route 53 health check of the API and the critical
// Prometheus alerts on 5xx responses that Alertmanager routes to a receiver. Without
// either, nothing pages and a bad release has no bounded recovery.
func (m *resilienceModel) paging() (Figure, string) {
	best, basis := unboundedFig(), "no alarm with actions watches a Route 53 health check, and no critical Prometheus alert on 5xx responses is routed"
	consider := func(f Figure, why string) {
		if best.worse(f) {
			best, basis = f, why
		}
	}
	for i := range m.r.Resources {
		alarm := &m.r.Resources[i]
		in := alarm.Inputs
		if alarm.Type != tokens.CloudWatchMetricAlarm || in["namespace"] != "AWS/Route53" || in["metricName"] != "HealthCheckStatus" || len(asList(in["alarmActions"])) == 0 {
			continue
		}
		for _, hc := range m.r.Resources {
			if hc.Type != tokens.Route53HealthCheck || !dependsOn(alarm, hc.URN) {
				continue
			}
			check := number(hc.Inputs["requestInterval"], 30) * number(hc.Inputs["failureThreshold"], 3) / 60
			evals := number(in["evaluationPeriods"], 1) * number(in["period"], 60) / 60
			consider(minutesFig(check+evals), fmt.Sprintf("health check %s fails after %s, its alarm %v fires %s later",
				strings.TrimPrefix(hc.Name, "alerting-"), minutes(round1(check)), in["name"], minutes(round1(evals))))
		}
	}
	if wait, ok := m.criticalRouteWait(); ok {
		eval := m.c.minutes("prometheus-evaluation-interval")
		for _, rule := range m.r.Resources {
			if rule.Type != tokens.K8sPrometheusRule {
				continue
			}
			for _, g := range asList(at(rule.Inputs, "spec.groups")) {
				for _, a := range asList(asMap(g)["rules"]) {
					am := asMap(a)
					expr, _ := am["expr"].(string)
					if at(am, "labels.severity") != "critical" || !strings.Contains(expr, `status_code=~"5`) {
						continue
					}
					hold := durationMinutes(am["for"])
					consider(minutesFig(hold+eval+wait), fmt.Sprintf("Prometheus alert %v holds for %s, is evaluated every %s and notified after group_wait %s",
						am["alert"], minutes(hold), minutes(eval), minutes(wait)))
				}
			}
		}
	}
	return best, basis
}

// criticalRouteWait finds the Alertmanager route of the kube-prometheus-stack chart
// that sends severity="critical" to a receiver, and the group_wait that applies.
func (m *resilienceModel) criticalRouteWait() (float64, bool) {
	for _, res := range m.r.Resources {
		route := asMap(at(res.Inputs, "values.alertmanager.config.route"))
		if res.Type != tokens.K8sHelmChart || route == nil {
			continue
		}
		wait := m.c.minutes("alertmanager-group-wait")
		if w, ok := route["group_wait"].(string); ok {
			wait = durationMinutes(w)
		}
		for _, sub := range asList(route["routes"]) {
			sm := asMap(sub)
			for _, match := range asList(sm["matchers"]) {
				if s, _ := match.(string); strings.ReplaceAll(s, " ", "") == `severity="critical"` && sm["receiver"] != "null" {
					return wait, true
				}
			}
		}
	}
	return 0, false
}

// durationMinutes reads a Prometheus duration such as "5m" or "30s" (0 when unset).
func durationMinutes(v any) float64 {
	s, _ := v.(string)
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0
	}
	return d.Minutes()
}
