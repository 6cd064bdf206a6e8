package stacks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/components/database"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/components/services"
	"github.com/generic-corp/platform/components/temporal"
)

const apiPort = 3000

// source is a Secrets Manager source of a workload: the secret and the template
// variables its JSON properties become ("" = the whole secret string).
func (l *layer) source(logical string, vars map[string]string) services.SecretSource {
	return services.SecretSource{Name: l.secretName(logical), Properties: vars}
}

func (l *layer) redisURL(role, tokenVar string) pulumi.StringOutput {
	return l.in.RedisHosts[role].ToStringOutput().ApplyT(func(host string) string {
		return fmt.Sprintf("rediss://:{{ .%s | urlquery }}@%s:%d", tokenVar, host, cache.Port)
	}).(pulumi.StringOutput)
}

func (l *layer) workloadRole(name string) (pulumi.StringInput, error) {
	return l.in.role(grantFor(nsApps, services.WorkloadServiceAccount(name)))
}

// workloads deploys a release: the migration Job of its imageTag first, then the API
// and the BullMQ workers (their rollouts wait for the Job), and the Temporal workers.
func (l *layer) workloads(ctx *pulumi.Context) error {
	cfg, in := l.cfg, l.in
	prefix := cfg.NamePrefix()
	deps := l.after(nsApps)
	dbSource := l.source(secrets.DbSecret, map[string]string{"dbUser": secrets.PropUsername, "dbPassword": secrets.PropPassword})
	directURL := services.PostgresURL("dbUser", "dbPassword", in.DbAddress, 5432, in.DbName, "require")
	pooledURL := services.PostgresURL("dbUser", "dbPassword", pulumi.String(database.PgBouncerHost(nsData)), 5432, in.DbName, "disable", "pgbouncer=true")
	queueSource := l.source(redisQueueSecret, map[string]string{"queueToken": secrets.PropAuthToken})
	cacheSource := l.source(redisCacheSecret, map[string]string{"cacheToken": secrets.PropAuthToken})
	// Operator-filled secrets are {"value": ...} documents (secrets.PropValue), like the
	// placeholder version the first deploy writes.
	operator := func(name, v string) services.SecretSource {
		return l.source(name, map[string]string{v: secrets.PropValue})
	}
	temporalAddress := fmt.Sprintf("temporal-frontend.%s.svc.cluster.local:7233", nsTemporal)
	env := func(extra map[string]string) map[string]string {
		out := map[string]string{
			"NODE_ENV": "production", "TEMPORAL_ADDRESS": temporalAddress, "TEMPORAL_TASK_QUEUE": cfg.Apps.TemporalTaskQueue,
			"BULLMQ_PREFIX": cfg.Apps.BullMQPrefix, "BULLMQ_QUEUES": strings.Join(cfg.Apps.WorkerQueues, ","),
			"PLATFORM_ENVIRONMENT": cfg.Environment,
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	// RDS and ElastiCache are outside the cluster (the VPC CIDR); PgBouncer and the
	// Temporal frontend are pods, chosen by selectors so no other pod is admitted.
	// Each workload gets the VPC ports of the stores its configuration names: the API
	// RDS (migrations-style direct URL) and Redis, the workers Redis, the Temporal
	// workers none.
	network := func(vpcPorts ...int) services.NetworkArgs {
		return services.NetworkArgs{VpcCidr: in.VpcCidr, EgressVpcPorts: vpcPorts, EgressInternetPorts: []int{443},
			EgressPeers: []services.PolicyRule{
				{Peers: []services.PolicyPeer{{Namespace: nsData, Pods: database.PgBouncerPodLabels()}}, TCP: []int{database.PgBouncerPort}},
				{Peers: []services.PolicyPeer{{Namespace: nsTemporal, Pods: temporal.ServerPodLabels(temporal.DefaultReleaseName, "frontend")}},
					TCP: []int{temporal.FrontendPort}},
			}}
	}

	migrateRole, err := l.in.role(grantFor(nsApps, services.MigrationServiceAccount("migrate")))
	if err != nil {
		return err
	}
	if l.out.Migration, err = services.NewMigrationJob(ctx, "migrate", &services.MigrationArgs{
		Name: "migrate", NamePrefix: prefix, Namespace: nsApps, Image: in.Images["migrations"], ImageTag: cfg.Edge.ImageTag,
		Command: cfg.Apps.MigrationCommand, Secrets: []services.SecretSource{dbSource},
		SecretEnv: map[string]pulumi.StringInput{"DATABASE_URL": directURL},
		RoleArn:   migrateRole, Region: cfg.Region,
		Network:            services.NetworkArgs{VpcCidr: in.VpcCidr, EgressVpcPorts: []int{5432}, EgressInternetPorts: []int{443}},
		KubernetesProvider: l.k8s, KubernetesDependsOn: deps, Tags: l.tags,
	}, l.under()); err != nil {
		return err
	}
	afterMigration := []pulumi.Resource{l.out.Migration.Job}

	apiRole, err := l.workloadRole("api")
	if err != nil {
		return err
	}
	if l.out.Api, err = services.NewWorkload(ctx, "api", &services.WorkloadArgs{
		Name: "api", NamePrefix: prefix, Namespace: nsApps, Image: in.Images["api"], Port: apiPort,
		HPA: &services.HPAArgs{Min: 2, Max: cfg.Apps.ApiMaxReplicas},
		Env: env(map[string]string{"PORT": fmt.Sprint(apiPort), "CORS_ORIGINS": strings.Join(cfg.Edge.CorsOrigins(), ",")}),
		Secrets: []services.SecretSource{dbSource, queueSource, cacheSource,
			l.source(secrets.JwtSecret, map[string]string{"jwtKey": secrets.PropSigningKey}),
			operator("anthropic-api-key", "anthropicKey"), operator("sentry-dsn", "sentryDsn"),
			operator("stripe-secret-key", "stripeKey"), operator("stripe-webhook-secret", "stripeWebhook")},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL": directURL, "DATABASE_URL_POOLED": pooledURL,
			"REDIS_QUEUE_URL": l.redisURL(cache.RoleQueue, "queueToken"), "REDIS_CACHE_URL": l.redisURL(cache.RoleCache, "cacheToken"),
			"JWT_SECRET": services.Value("jwtKey"), "ANTHROPIC_API_KEY": services.Value("anthropicKey"),
			"SENTRY_DSN": services.Value("sentryDsn"), "STRIPE_SECRET_KEY": services.Value("stripeKey"),
			"STRIPE_WEBHOOK_SECRET": services.Value("stripeWebhook"),
		},
		RoleArn: apiRole, Region: cfg.Region, Network: network(5432, cache.Port),
		Ingress: &services.IngressArgs{
			Host: cfg.Edge.ApiDomain(), CertificateArn: in.ApiCertificateArn, WafAclArn: in.ApiWafArn,
			GroupName: prefix, LoadBalancerName: prefix + "-api", DeletionProtection: cfg.Strict(),
		},
		KubernetesProvider: l.k8s, KubernetesDependsOn: deps, RolloutDependsOn: afterMigration, Tags: l.tags,
	}, l.under()); err != nil {
		return err
	}

	workerRole, err := l.workloadRole("worker")
	if err != nil {
		return err
	}
	if l.out.Worker, err = services.NewWorkload(ctx, "worker", &services.WorkloadArgs{
		Name: "worker", NamePrefix: prefix, Namespace: nsApps, Image: in.Images["worker"],
		KedaRedis: &services.KedaRedisArgs{
			Address: pulumi.Sprintf("%s:%d", in.RedisHosts[cache.RoleQueue], cache.Port),
			Prefix:  cfg.Apps.BullMQPrefix, Queues: cfg.Apps.WorkerQueues, PasswordEnv: "REDIS_QUEUE_PASSWORD",
			Min: minWorkers(cfg), Max: cfg.Apps.WorkerMaxReplicas,
		},
		Env: env(nil),
		Secrets: []services.SecretSource{dbSource, queueSource, cacheSource,
			operator("anthropic-api-key", "anthropicKey"), operator("sentry-dsn", "sentryDsn")},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL_POOLED": pooledURL, "REDIS_QUEUE_URL": l.redisURL(cache.RoleQueue, "queueToken"),
			"REDIS_QUEUE_PASSWORD": services.Value("queueToken"), "REDIS_CACHE_URL": l.redisURL(cache.RoleCache, "cacheToken"),
			"ANTHROPIC_API_KEY": services.Value("anthropicKey"), "SENTRY_DSN": services.Value("sentryDsn"),
		},
		RoleArn: workerRole, Region: cfg.Region, Network: network(cache.Port),
		KubernetesProvider: l.k8s, KubernetesDependsOn: deps, RolloutDependsOn: afterMigration, Tags: l.tags,
	}, l.under()); err != nil {
		return err
	}

	twRole, err := l.workloadRole("temporal-worker")
	if err != nil {
		return err
	}
	l.out.TemporalWorker, err = services.NewWorkload(ctx, "temporal-worker", &services.WorkloadArgs{
		Name: "temporal-worker", NamePrefix: prefix, Namespace: nsApps, Image: in.Images["temporal-worker"],
		KedaTemporal: &services.KedaTemporalArgs{Endpoint: temporalAddress, TaskQueue: cfg.Apps.TemporalTaskQueue, Min: minWorkers(cfg), Max: cfg.Apps.WorkerMaxReplicas},
		Env:          env(nil),
		Secrets:      []services.SecretSource{dbSource, operator("anthropic-api-key", "anthropicKey"), operator("sentry-dsn", "sentryDsn")},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL_POOLED": pooledURL, "ANTHROPIC_API_KEY": services.Value("anthropicKey"), "SENTRY_DSN": services.Value("sentryDsn"),
		},
		RoleArn: twRole, Region: cfg.Region, Network: network(),
		KubernetesProvider: l.k8s, KubernetesDependsOn: append(deps, l.out.Temporal), Tags: l.tags,
	}, l.under())
	return err
}

// minWorkers is the fewest worker pods KEDA keeps: two in prod and dr, spread over
// zones, so one node's loss never stops the queue (docs/resilience.md, node loss); one in
// staging.
func minWorkers(cfg *Config) int {
	if cfg.Strict() {
		return 2
	}
	return 1
}
