package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/components/observability"
)

// observability installs Prometheus, Alertmanager, Grafana and Loki (charts), the seed's
// alert rules, and monitors for our workloads, PgBouncer, Temporal and Redis (through
// exporters). Alertmanager's PagerDuty and Slack credentials are operator-filled secrets.
func (l *layer) observability(ctx *pulumi.Context, charts bool) error {
	cfg := l.cfg
	replicas := 1
	if cfg.Strict() {
		replicas = 2
	}
	var exporters []observability.RedisExporterArgs
	for _, role := range []string{cache.RoleQueue, cache.RoleCache} {
		exporters = append(exporters, observability.RedisExporterArgs{
			Name:           role,
			Address:        pulumi.Sprintf("%s:%d", l.in.RedisHosts[role], cache.Port),
			AuthSecretName: l.secretName(map[string]string{cache.RoleQueue: redisQueueSecret, cache.RoleCache: redisCacheSecret}[role]),
		})
	}
	t := l.out.Temporal
	var err error
	if l.out.Observability, err = observability.NewObservability(ctx, "observability", &observability.ObservabilityArgs{
		NamePrefix: cfg.NamePrefix(), KubernetesProvider: l.k8s, KubernetesDependsOn: l.deps,
		SkipCharts: !charts, ExternalGrafanaSecret: true,
		PrometheusReplicas: replicas, AlertmanagerReplicas: replicas, StorageKmsKeyArn: l.in.DataKmsKeyArn,
		PagerDutySecretName: l.secretName(pagerDutySecret), SlackSecretName: l.secretName(slackSecret),
		Temporal:       observability.ScrapeTarget{Namespace: t.MetricsNamespace, Selector: t.MetricsSelector, Port: t.MetricsPort},
		RedisExporters: exporters,
		Protect:        cfg.Strict(), Tags: l.tags,
	}); err != nil {
		return err
	}
	// The monitoring namespace is the observability component's (node exporters need a
	// privileged namespace); its SecretStore comes after it.
	if _, err := l.store(ctx, nsMonitoring, append(append([]pulumi.Resource{}, l.deps...), l.out.Observability)); err != nil {
		return fmt.Errorf("monitoring secret store: %w", err)
	}
	return nil
}
