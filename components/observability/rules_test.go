package observability

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

// The seed plan's "Alerting Rules" section, verbatim.
var seedRules = map[string][]string{
	SeverityCritical: {"API error rate > 5%", "Database connection failures", "Redis unavailable", "Worker processes crashed", "Disk usage > 90%"},
	SeverityWarning:  {"API error rate > 1%", "P95 latency > 1s", "Queue depth > 1000", "Memory usage > 80%", "Failed background jobs"},
	SeverityInfo:     {"Tenant quota warnings", "Slow queries (>500ms)", "Rate limit hits"},
}

// capturedRules reads the PrometheusRule as the cluster would get it: alertname -> rule.
func capturedRules(t *testing.T, p *plan.Plan) map[string]map[string]any {
	t.Helper()
	rule := testkit.One(t, p, tRule)
	require.Equal(t, "monitoring.coreos.com/v1", testkit.Str(t, rule.Input("apiVersion")))
	require.Equal(t, "platform-alerts", testkit.Str(t, rule.Input("metadata.name")))
	out := map[string]map[string]any{}
	for _, g := range asMap(t, rule.Input("spec"))["groups"].([]any) {
		group := g.(map[string]any)
		require.NotEmpty(t, group["name"])
		for _, r := range group["rules"].([]any) {
			m := r.(map[string]any)
			name := m["alert"].(string)
			require.NotContains(t, out, name, "duplicate alert")
			out[name] = m
		}
	}
	return out
}

func TestEverySeedAlertIsCovered(t *testing.T) {
	p := capture(t, plan.Update, nil)
	rules := capturedRules(t, p)
	bySeed := map[string]Alert{}
	for _, al := range DefaultAlerts() {
		bySeed[al.Seed] = al
	}
	n := 0
	for severity, seeds := range seedRules {
		for _, seed := range seeds {
			n++
			t.Run(seed, func(t *testing.T) {
				al, ok := bySeed[seed]
				require.True(t, ok, "no alert implements the seed rule %q", seed)
				r, ok := rules[al.Name]
				require.True(t, ok, "alert %s is not in the PrometheusRule", al.Name)
				labels := r["labels"].(map[string]any)
				require.Equal(t, severity, labels["severity"])
				ann := r["annotations"].(map[string]any)
				require.NotEmpty(t, ann["summary"])
				require.NotEmpty(t, ann["description"])
				require.Equal(t, DefaultRunbookBaseURL+"#"+al.Runbook, ann["runbook_url"])
				require.Regexp(t, `^[a-z0-9]+(-[a-z0-9]+)*$`, al.Runbook)
			})
		}
	}
	require.Equal(t, n, len(rules), "one alert per seed rule, no extras")
	require.ElementsMatch(t, AlertNames(), mapsKeys(rules))
}

func mapsKeys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestAlertExpressionsAndThresholds(t *testing.T) {
	rules := capturedRules(t, capture(t, plan.Update, func(a *ObservabilityArgs) {
		a.Worker.Namespace, a.WorkerDeployment = "apps", "bullmq-worker"
	}))
	ratio := `sum(rate(http_request_duration_seconds_count{status_code=~"5.."}[5m])) / sum(rate(http_request_duration_seconds_count[5m]))`
	for _, tc := range []struct{ alert, expr, forDur string }{
		{"ApiErrorRateCritical", ratio + " > 0.05", "5m"},
		{"ApiErrorRateWarning", ratio + " > 0.01", "10m"},
		{"ApiLatencyP95High", `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1`, "10m"},
		{"QueueDepthHigh", `sum(bullmq_queue_waiting) by (queue) > 1000`, "10m"},
		{"BackgroundJobsFailing", `sum by (queue) (increase(bullmq_jobs_failed_total[10m])) > 0`, "1m"},
		{"WorkerProcessesDown", `kube_deployment_status_replicas_available{namespace="apps",deployment="bullmq-worker"} < 1 or absent(up{job="worker"} == 1)`, "5m"},
		{"RedisUnavailable", `max by (redis_group) (redis_up) == 0`, "2m"},
		{"DatabaseConnectionFailures", `max by (namespace, pod) (pgbouncer_up) == 0 or max by (namespace, pod, database) (pgbouncer_pools_client_maxwait_seconds{database!="pgbouncer"}) > 5 or sum by (namespace, job) (increase(db_connection_errors_total[5m])) > 0`, "2m"},
		{"DiskUsageCritical", `(1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs|nsfs",mountpoint!=""} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs|nsfs",mountpoint!=""}) > 0.9 or (kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes) > 0.9`, "5m"},
		{"MemoryUsageHigh", `max by (namespace, pod, container) (container_memory_working_set_bytes{container!="",container!="POD"}) / max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"}) > 0.8`, "10m"},
		{"TenantQuotaWarning", `max by (tenant_id, quota) (tenant_quota_usage_ratio) > 0.8`, "5m"},
		{"SlowQueries", `sum by (job) (rate(db_query_duration_seconds_count[5m])) - sum by (job) (rate(db_query_duration_seconds_bucket{le="0.5"}[5m])) > 0`, "5m"},
		{"RateLimitHits", `sum by (tenant_id) (increase(rate_limit_hits_total[5m])) > 0`, "0m"},
	} {
		t.Run(tc.alert, func(t *testing.T) {
			r, ok := rules[tc.alert]
			require.True(t, ok)
			require.Equal(t, tc.expr, r["expr"])
			require.Equal(t, tc.forDur, r["for"])
			requireWellFormed(t, tc.expr)
		})
	}
}

// requireWellFormed catches the typos a PromQL parser would: unbalanced brackets and
// quotes, durations without a unit, and comparisons without a number.
func requireWellFormed(t *testing.T, expr string) {
	t.Helper()
	var stack []rune
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
	inQuote := false
	for _, c := range expr {
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '(' || c == '[' || c == '{':
			stack = append(stack, c)
		case pairs[c] != 0:
			require.NotEmpty(t, stack, "unbalanced %q in %s", c, expr)
			require.Equal(t, pairs[c], stack[len(stack)-1], "mismatched %q in %s", c, expr)
			stack = stack[:len(stack)-1]
		}
	}
	require.False(t, inQuote, "unterminated string in %s", expr)
	require.Empty(t, stack, "unclosed bracket in %s", expr)
	for _, rng := range regexp.MustCompile(`\[([^\]]*)\]`).FindAllStringSubmatch(expr, -1) {
		require.Regexp(t, `^[0-9]+[smhd]$`, rng[1], "range selector in %s", expr)
	}
	require.Regexp(t, `(>|<|==) [0-9.]+( |\)|$)`, expr, "a threshold comparison")
}

func TestAlertNames(t *testing.T) {
	names := AlertNames()
	require.Len(t, names, 13)
	require.Equal(t, len(names), len(slices.Compact(slices.Sorted(slices.Values(names)))), "unique")
	for _, n := range names {
		require.Regexp(t, `^[A-Z][A-Za-z0-9]+$`, n)
	}
	t.Run("catalogue order matches DefaultAlerts", func(t *testing.T) {
		for i, al := range DefaultAlerts() {
			require.Equal(t, names[i], al.Name)
			require.True(t, strings.HasPrefix(al.Group, "platform-"))
		}
	})
}
