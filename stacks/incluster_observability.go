package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/components/observability"
	"github.com/generic-corp/platform/components/services"
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
	// Namespace, then its SecretStore, then everything that reads secrets through it.
	// The namespace keeps the URN it had as the component's child: no replacement.
	// It is privileged (node-exporter, Alloy) and, like the chart namespaces, has no
	// default-deny policy (policies/config: netpol-default-deny permitNamespaces).
	ns, err := services.NewNamespace(ctx, "observability-namespace", &services.NamespaceArgs{
		Name: nsMonitoring, PodSecurity: services.PodSecurityPrivileged, PermitByDefault: true,
		Aliases: []pulumi.Alias{{URN: pulumi.URN(fmt.Sprintf("urn:pulumi:%s::%s::%s$kubernetes:core/v1:Namespace::observability-namespace",
			ctx.Stack(), ctx.Project(), observability.Type))}},
		KubernetesProvider: l.k8s, KubernetesDependsOn: l.deps, Tags: l.tags,
	}, l.under())
	if err != nil {
		return err
	}
	store, err := l.store(ctx, nsMonitoring, append(append([]pulumi.Resource{}, l.deps...), ns))
	if err != nil {
		return fmt.Errorf("monitoring secret store: %w", err)
	}
	if l.out.Observability, err = observability.NewObservability(ctx, "observability", &observability.ObservabilityArgs{
		NamePrefix: cfg.NamePrefix(), KubernetesProvider: l.k8s,
		KubernetesDependsOn: append(append([]pulumi.Resource{}, l.deps...), ns, store),
		Namespace:           nsMonitoring, SkipNamespace: true,
		SkipCharts:         !charts,
		RedisExporterImage: l.mirrored(observability.DefaultRedisExporterImage),
		PrometheusReplicas: replicas, AlertmanagerReplicas: replicas, StorageKmsKeyArn: l.in.DataKmsKeyArn,
		PagerDutySecretName: l.secretName(pagerDutySecret), SlackSecretName: l.secretName(slackSecret),
		Temporal:       observability.ScrapeTarget{Namespace: t.MetricsNamespace, Selector: t.MetricsSelector, Port: t.MetricsPort},
		RedisExporters: exporters,
		Protect:        cfg.Strict(), LokiTeardown: cfg.DR.RepeatableDrill, Tags: l.tags,
	}, l.under()); err != nil {
		return err
	}
	return nil
}
