package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/components/observability"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/components/services"
)

// buildObservability installs Prometheus, Alertmanager, Grafana, Loki and the seed's
// alert rules, scraping our workloads, PgBouncer, Temporal and Redis (through exporters).
// Alertmanager's PagerDuty and Slack credentials come from operator-filled secrets.
func (p *Platform) buildObservability(ctx *pulumi.Context, a *Apps) error {
	cfg := p.Config
	replicas := 1
	if cfg.Strict() {
		replicas = 2
	}
	var exporters []observability.RedisExporterArgs
	for _, role := range []string{cache.RoleQueue, cache.RoleCache} {
		exporters = append(exporters, observability.RedisExporterArgs{
			Name:           role,
			Address:        pulumi.Sprintf("%s:%d", p.Cache.Groups[role].PrimaryEndpoint, cache.Port),
			AuthSecretName: p.Secrets.SecretNames[secrets.RedisSecretPrefix+role],
		})
	}
	var err error
	if a.Observability, err = observability.NewObservability(ctx, "observability", &observability.ObservabilityArgs{
		NamePrefix: cfg.NamePrefix(), KubernetesProvider: p.Cluster.Provider, KubernetesDependsOn: p.Addons.Ready,
		PrometheusReplicas: replicas, AlertmanagerReplicas: replicas,
		StorageKmsKeyArn:    p.Secrets.DataKeyArn,
		PagerDutySecretName: p.Secrets.SecretNames[pagerDutySecret], SlackSecretName: p.Secrets.SecretNames[slackSecret],
		SecretsKmsKeyArn: p.Secrets.SecretsKeyArn, RecoveryWindowInDays: cfg.SecretRecoveryWindowDays,
		Temporal: observability.ScrapeTarget{
			Namespace: a.Temporal.MetricsNamespace, Selector: a.Temporal.MetricsSelector, Port: a.Temporal.MetricsPort,
		},
		RedisExporters: exporters,
		Protect:        cfg.Strict(), Tags: p.Tags,
	}); err != nil {
		return err
	}
	// The monitoring namespace is the observability component's (it must allow node
	// exporters); its SecretStore comes after it.
	arns := []pulumi.StringInput{a.Observability.GrafanaAdminSecretArn}
	for _, logical := range []string{pagerDutySecret, slackSecret, secrets.RedisSecretPrefix + cache.RoleQueue, secrets.RedisSecretPrefix + cache.RoleCache} {
		arns = append(arns, p.Secrets.SecretArns.MapIndex(pulumi.String(logical)))
	}
	_, err = services.NewSecretStore(ctx, "monitoring-secrets", &services.SecretStoreArgs{
		NamePrefix: cfg.NamePrefix(), Namespace: "monitoring", App: "monitoring", SecretArns: arns,
		KmsKeyArn: p.Secrets.SecretsKeyArn, Region: cfg.Region,
		OidcProviderArn: p.Cluster.OidcProviderArn, OidcIssuer: p.Cluster.OidcIssuer,
		KubernetesProvider: p.Cluster.Provider, KubernetesDependsOn: []pulumi.Resource{a.Observability}, Tags: p.Tags,
	})
	if err != nil {
		return fmt.Errorf("monitoring secret store: %w", err)
	}
	return nil
}
