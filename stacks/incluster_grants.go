package stacks

import (
	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/components/services"
)

// Namespaces of the in-cluster layer.
const (
	nsData       = "data"       // PgBouncer
	nsApps       = "platform"   // API, workers, Temporal workers, migrations
	nsTemporal   = "temporal"   // Temporal server
	nsMonitoring = "monitoring" // Prometheus, Alertmanager, Grafana, Loki (the observability component owns it)
)

// Operator-filled secrets besides the application's: Alertmanager's receivers.
const (
	pagerDutySecret = "pagerduty-routing-key"
	slackSecret     = "slack-alerts-webhook"
	// Secrets created by components of the in-cluster layer's AWS side.
	temporalDbSecret = "temporal-db"
	grafanaSecret    = "grafana-admin"
)

// externalSecretNames is every operator-filled placeholder the stack creates.
func externalSecretNames() []string {
	return append(append([]string{}, secrets.DefaultExternalSecrets...), pagerDutySecret, slackSecret)
}

// grant is one Kubernetes ServiceAccount that reads Secrets Manager through its own
// IRSA role: the AWS layer creates the role, the in-cluster layer the ServiceAccount.
type grant struct {
	namespace, serviceAccount string
	secrets                   []string // logical secret names
}

// key identifies the grant in ClusterInputs.RoleArns.
func (g grant) key() string { return g.namespace + "/" + g.serviceAccount }

var (
	redisQueueSecret = secrets.RedisSecretPrefix + cache.RoleQueue
	redisCacheSecret = secrets.RedisSecretPrefix + cache.RoleCache
)

// grants lists every reader of Secrets Manager, each with exactly the secrets it needs.
func grants() []grant {
	reader := services.DefaultReaderServiceAccount
	return []grant{
		{nsData, reader, []string{secrets.DbSecret}},
		{nsTemporal, reader, []string{secrets.DbSecret, temporalDbSecret}},
		{nsMonitoring, reader, []string{pagerDutySecret, slackSecret, redisQueueSecret, redisCacheSecret, grafanaSecret}},
		{nsApps, services.MigrationServiceAccount("migrate"), []string{secrets.DbSecret}},
		{nsApps, services.WorkloadServiceAccount("api"), []string{secrets.DbSecret, redisQueueSecret, redisCacheSecret,
			secrets.JwtSecret, "anthropic-api-key", "sentry-dsn", "stripe-secret-key", "stripe-webhook-secret"}},
		{nsApps, services.WorkloadServiceAccount("worker"), []string{secrets.DbSecret, redisQueueSecret, redisCacheSecret,
			"anthropic-api-key", "sentry-dsn"}},
		{nsApps, services.WorkloadServiceAccount("temporal-worker"), []string{secrets.DbSecret, "anthropic-api-key", "sentry-dsn"}},
	}
}

func grantFor(namespace, serviceAccount string) grant {
	for _, g := range grants() {
		if g.namespace == namespace && g.serviceAccount == serviceAccount {
			return g
		}
	}
	panic("stacks: no grant for " + namespace + "/" + serviceAccount + "; please report")
}
