package observability

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Prometheus job label of each scrape target; the alert expressions rely on them
// (up{job="worker"}).
const (
	jobApi            = "api"
	jobWorker         = "worker"
	jobTemporalWorker = "temporal-worker"
	jobPgBouncer      = "pgbouncer"
	jobTemporal       = "temporal"
	jobRedis          = "redis-exporter"
)

// monitor is one ServiceMonitor or PodMonitor to create.
type monitor struct {
	kind   string // "ServiceMonitor" or "PodMonitor"
	job    string
	target ScrapeTarget
	// extraRelabelings run after the job relabeling (e.g. the Temporal service name).
	extraRelabelings []any
}

func (a ObservabilityArgs) monitors() []monitor {
	ms := []monitor{
		{kind: "ServiceMonitor", job: jobApi, target: a.Api},
		{kind: "PodMonitor", job: jobWorker, target: a.Worker},
		{kind: "PodMonitor", job: jobTemporalWorker, target: a.TemporalWorker},
		{kind: "PodMonitor", job: jobPgBouncer, target: a.PgBouncer},
		{kind: "PodMonitor", job: jobTemporal, target: a.Temporal, extraRelabelings: []any{map[string]any{
			// Keep which Temporal service (frontend, history, ...) a series comes from.
			"action": "replace", "sourceLabels": []any{"__meta_kubernetes_pod_label_app_kubernetes_io_component"},
			"targetLabel": "temporal_service",
		}}},
	}
	if len(a.RedisExporters) > 0 {
		ms = append(ms, monitor{kind: "PodMonitor", job: jobRedis, target: ScrapeTarget{
			Namespace: a.Namespace, Selector: map[string]string{"app.kubernetes.io/name": redisExporterApp},
			Port: redisExporterPort, Path: DefaultMetricsPath, Interval: DefaultScrapeInterval,
		}, extraRelabelings: []any{map[string]any{
			"action": "replace", "sourceLabels": []any{"__meta_kubernetes_pod_label_platform_generic_corp_io_redis_group"},
			"targetLabel": "redis_group",
		}}})
	}
	return ms
}

// spec is the monitor's spec: the target's namespace and labels, one endpoint on the
// named port, and the job label set explicitly so alert expressions do not depend on the
// operator's naming.
func (m monitor) spec() map[string]any {
	labels := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(m.target.Selector)) {
		labels[k] = m.target.Selector[k]
	}
	relabel := append([]any{map[string]any{"action": "replace", "targetLabel": "job", "replacement": m.job}}, m.extraRelabelings...)
	endpoint := map[string]any{
		"port":        m.target.Port,
		"path":        m.target.Path,
		"interval":    m.target.Interval,
		"relabelings": relabel,
	}
	endpointsKey := "podMetricsEndpoints"
	if m.kind == "ServiceMonitor" {
		endpointsKey = "endpoints"
	}
	return map[string]any{
		"namespaceSelector": map[string]any{"matchNames": []any{m.target.Namespace}},
		"selector":          map[string]any{"matchLabels": labels},
		endpointsKey:        []any{endpoint},
	}
}

func newMonitor(ctx *pulumi.Context, name string, m monitor, meta *metav1.ObjectMetaArgs, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("monitoring.coreos.com/v1"),
		Kind:        pulumi.String(m.kind),
		Metadata:    meta,
		OtherFields: map[string]any{"spec": m.spec()},
	}, opts...)
}
