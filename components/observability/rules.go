package observability

import (
	"fmt"
	"slices"
)

// Severities, the label Alertmanager routes on.
const (
	SeverityCritical = "critical" // pages (PagerDuty) and posts to Slack
	SeverityWarning  = "warning"  // Slack
	SeverityInfo     = "info"     // recorded only (Alertmanager and Grafana show it)
)

// Alert is one application alert of the seed plan, as a Prometheus alerting rule.
type Alert struct {
	// Name is the alertname.
	Name string
	// Group is the rule group.
	Group string
	// Severity is SeverityCritical, SeverityWarning or SeverityInfo.
	Severity string
	// Seed is the seed plan's rule this alert implements, verbatim.
	Seed string
	// Expr is the PromQL expression; For how long it must hold.
	Expr, For string
	// Summary and Description are the annotations (Prometheus templates allowed).
	Summary, Description string
	// Runbook is the anchor in the runbook document (docs/runbooks.md#<Runbook>).
	Runbook string
}

// API error rate: the share of requests answered 5xx over five minutes.
const apiErrorRatio = `sum(rate(http_request_duration_seconds_count{status_code=~"5.."}[5m])) / sum(rate(http_request_duration_seconds_count[5m]))`

// nodeFS leaves out pseudo and overlay file systems, which are never "full" the way a
// node's disks are.
const nodeFS = `fstype!~"tmpfs|overlay|squashfs|nsfs",mountpoint!=""`

// alerts is the catalogue for the given (defaulted) args; only the worker selectors
// depend on them.
func alerts(a ObservabilityArgs) []Alert {
	return []Alert{
		{
			Name: "ApiErrorRateCritical", Group: "platform-api", Severity: SeverityCritical, Seed: "API error rate > 5%",
			Expr: apiErrorRatio + " > 0.05", For: "5m",
			Summary:     "API error rate above 5%",
			Description: "{{ $value | humanizePercentage }} of API requests returned 5xx over the last 5 minutes.",
			Runbook:     "api-error-rate",
		},
		{
			Name: "ApiErrorRateWarning", Group: "platform-api", Severity: SeverityWarning, Seed: "API error rate > 1%",
			Expr: apiErrorRatio + " > 0.01", For: "10m",
			Summary:     "API error rate above 1%",
			Description: "{{ $value | humanizePercentage }} of API requests returned 5xx over the last 5 minutes.",
			Runbook:     "api-error-rate",
		},
		{
			Name: "ApiLatencyP95High", Group: "platform-api", Severity: SeverityWarning, Seed: "P95 latency > 1s",
			Expr: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1`, For: "10m",
			Summary:     "API p95 latency above 1s",
			Description: "The 95th percentile of API request duration is {{ $value | humanizeDuration }}.",
			Runbook:     "high-api-latency",
		},
		{
			Name: "QueueDepthHigh", Group: "platform-queues", Severity: SeverityWarning, Seed: "Queue depth > 1000",
			Expr: `sum(bullmq_queue_waiting) by (queue) > 1000`, For: "10m",
			Summary:     "BullMQ queue {{ $labels.queue }} has more than 1000 waiting jobs",
			Description: "{{ $value }} jobs are waiting in queue {{ $labels.queue }}; workers are not keeping up.",
			Runbook:     "queue-depth",
		},
		{
			Name: "BackgroundJobsFailing", Group: "platform-queues", Severity: SeverityWarning, Seed: "Failed background jobs",
			Expr: `sum by (queue) (increase(bullmq_jobs_failed_total[10m])) > 0`, For: "1m",
			Summary:     "Background jobs are failing in queue {{ $labels.queue }}",
			Description: "{{ $value }} jobs failed in queue {{ $labels.queue }} in the last 10 minutes.",
			Runbook:     "agent-task-timeouts",
		},
		{
			Name: "WorkerProcessesDown", Group: "platform-queues", Severity: SeverityCritical, Seed: "Worker processes crashed",
			Expr: fmt.Sprintf(`kube_deployment_status_replicas_available{namespace=%q,deployment=%q} < 1 or absent(up{job="worker"} == 1)`,
				a.Worker.Namespace, a.WorkerDeployment),
			For:         "5m",
			Summary:     "No worker process is running",
			Description: "The worker Deployment has no available replica, or no worker pod answers its metrics scrape.",
			Runbook:     "worker-processes-crashed",
		},
		{
			Name: "RedisUnavailable", Group: "platform-data", Severity: SeverityCritical, Seed: "Redis unavailable",
			Expr: `max by (redis_group) (redis_up) == 0`, For: "2m",
			Summary:     "Redis group {{ $labels.redis_group }} is unavailable",
			Description: "No redis_exporter can reach Redis group {{ $labels.redis_group }}: queues and caches are failing.",
			Runbook:     "redis-unavailable",
		},
		{
			Name: "DatabaseConnectionFailures", Group: "platform-data", Severity: SeverityCritical, Seed: "Database connection failures",
			Expr: `max by (namespace, pod) (pgbouncer_up) == 0` +
				` or max by (namespace, pod, database) (pgbouncer_pools_client_maxwait_seconds{database!="pgbouncer"}) > 5` +
				` or sum by (namespace, job) (increase(db_connection_errors_total[5m])) > 0`,
			For:         "2m",
			Summary:     "Clients cannot get database connections",
			Description: "PgBouncer is down, clients wait more than 5s for a server connection, or the application reports connection errors.",
			Runbook:     "database-connection-exhaustion",
		},
		{
			Name: "DiskUsageCritical", Group: "platform-capacity", Severity: SeverityCritical, Seed: "Disk usage > 90%",
			Expr: `(1 - node_filesystem_avail_bytes{` + nodeFS + `} / node_filesystem_size_bytes{` + nodeFS + `}) > 0.9` +
				` or (kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes) > 0.9`,
			For:         "5m",
			Summary:     "Disk usage above 90%",
			Description: "{{ $labels.instance }}{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full.",
			Runbook:     "disk-usage",
		},
		{
			Name: "MemoryUsageHigh", Group: "platform-capacity", Severity: SeverityWarning, Seed: "Memory usage > 80%",
			Expr: `max by (namespace, pod, container) (container_memory_working_set_bytes{container!="",container!="POD"})` +
				` / max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"}) > 0.8`,
			For:         "10m",
			Summary:     "Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} uses over 80% of its memory limit",
			Description: "Working set is {{ $value | humanizePercentage }} of the limit; the container will be OOM-killed at 100%.",
			Runbook:     "memory-usage",
		},
		{
			Name: "TenantQuotaWarning", Group: "platform-info", Severity: SeverityInfo, Seed: "Tenant quota warnings",
			Expr: `max by (tenant_id, quota) (tenant_quota_usage_ratio) > 0.8`, For: "5m",
			Summary:     "Tenant {{ $labels.tenant_id }} used over 80% of its {{ $labels.quota }} quota",
			Description: "Usage is {{ $value | humanizePercentage }} of the plan's limit.",
			Runbook:     "tenant-quota",
		},
		{
			Name: "SlowQueries", Group: "platform-info", Severity: SeverityInfo, Seed: "Slow queries (>500ms)",
			Expr:        `sum by (job) (rate(db_query_duration_seconds_count[5m])) - sum by (job) (rate(db_query_duration_seconds_bucket{le="0.5"}[5m])) > 0`,
			For:         "5m",
			Summary:     "{{ $labels.job }} runs queries slower than 500ms",
			Description: "{{ $value | humanize }} queries per second took longer than 500ms.",
			Runbook:     "slow-queries",
		},
		{
			Name: "RateLimitHits", Group: "platform-info", Severity: SeverityInfo, Seed: "Rate limit hits",
			Expr: `sum by (tenant_id) (increase(rate_limit_hits_total[5m])) > 0`, For: "0m",
			Summary:     "Tenant {{ $labels.tenant_id }} hit its rate limit",
			Description: "{{ $value }} requests were refused with 429 in the last 5 minutes.",
			Runbook:     "rate-limit-hits",
		},
	}
}

// DefaultAlerts is the alert catalogue with the default scrape targets.
func DefaultAlerts() []Alert { return alerts(ObservabilityArgs{}.withDefaults()) }

// AlertNames lists every alertname this component defines, in catalogue order. It is
// plain data, known without any deployment.
func AlertNames() []string {
	var out []string
	for _, al := range DefaultAlerts() {
		out = append(out, al.Name)
	}
	return out
}

// ruleGroups renders the catalogue as PrometheusRule spec.groups, in first-seen order.
func ruleGroups(a ObservabilityArgs) []any {
	var order []string
	byGroup := map[string][]any{}
	for _, al := range alerts(a) {
		if !slices.Contains(order, al.Group) {
			order = append(order, al.Group)
		}
		byGroup[al.Group] = append(byGroup[al.Group], map[string]any{
			"alert": al.Name,
			"expr":  al.Expr,
			"for":   al.For,
			"labels": map[string]any{
				"severity": al.Severity,
				"team":     "platform",
			},
			"annotations": map[string]any{
				"summary":     al.Summary,
				"description": al.Description,
				"runbook_url": a.RunbookBaseURL + "#" + al.Runbook,
			},
		})
	}
	groups := make([]any, 0, len(order))
	for _, g := range order {
		groups = append(groups, map[string]any{"name": g, "rules": byGroup[g]})
	}
	return groups
}
