package stacks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/components/observability"
	"github.com/generic-corp/platform/components/registry"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/components/services"
	"github.com/generic-corp/platform/components/temporal"
)

const apiPort = 3000

// Apps is the in-cluster layer of our own services and the platform services they use.
type Apps struct {
	Migration      *services.Migration
	Api            *services.Workload
	Worker         *services.Workload
	TemporalWorker *services.Workload
	Temporal       *temporal.Temporal
	Observability  *observability.Observability
}

// buildApps deploys Temporal, the migration Job, the API, the BullMQ workers, the
// Temporal workers and the monitoring stack. A release is one imageTag: its migration
// Job runs first, and the API and workers roll out only after it succeeded.
func (p *Platform) buildApps(ctx *pulumi.Context, accountID string) error {
	cfg := p.Config
	a := &Apps{}
	p.Apps = a
	var err error

	webCert, err := dns.ValidatedCertificate(ctx, "temporal-ui-certificate", &dns.CertificateArgs{
		DomainName: "temporal." + cfg.Edge.Domain, ZoneId: p.Edge.Dns.ZoneId, Tags: p.Tags,
	}, pulumi.Parent(p.Edge.Dns))
	if err != nil {
		return err
	}
	if a.Temporal, err = temporal.NewTemporal(ctx, "temporal", &temporal.TemporalArgs{
		NamePrefix: cfg.NamePrefix(), KubernetesProvider: p.Cluster.Provider,
		KubernetesDependsOn: p.storeReady(nsTemporal), Namespace: nsTemporal, SkipNamespace: true,
		DbHost: p.Database.Address, AdminSecretName: p.Secrets.SecretNames[secrets.DbSecret],
		SecretsKmsKeyArn: p.Secrets.SecretsKeyArn, RecoveryWindowInDays: cfg.SecretRecoveryWindowDays,
		NumHistoryShards: cfg.Apps.TemporalHistoryShards, Replicas: cfg.TemporalReplicas(),
		WebHost: "temporal." + cfg.Edge.Domain, WebCertificateArn: webCert, WebIngressGroup: cfg.NamePrefix() + "-internal",
		Protect: cfg.Strict(), Tags: p.Tags,
	}); err != nil {
		return err
	}

	if err := p.buildWorkloads(ctx, a); err != nil {
		return err
	}
	if _, err := dns.CnameRecord(ctx, "api-record", p.Edge.Dns.ZoneId, cfg.Edge.ApiDomain(),
		a.Api.LoadBalancerHostname, p.Edge.Dns); err != nil {
		return err
	}
	return p.buildObservability(ctx, a)
}

// image is the ECR reference of one of our images at the release tag.
func (p *Platform) image(repo string) (pulumi.StringOutput, error) {
	return registry.ImageRefOutput(p.Edge.Registry.RepositoryUrls.MapIndex(pulumi.String(repo)), p.Config.Edge.ImageTag)
}

// secret is a Secrets Manager source for a workload, by logical name.
func (p *Platform) secret(logical string, vars map[string]string) services.SecretSource {
	return services.SecretSource{
		Name: p.Secrets.SecretNames[logical], Arn: p.Secrets.SecretArns.MapIndex(pulumi.String(logical)), Properties: vars,
	}
}

func (p *Platform) redisURL(role, tokenVar string) pulumi.StringOutput {
	return p.Cache.Groups[role].PrimaryEndpoint.ApplyT(func(host string) string {
		return fmt.Sprintf("rediss://:{{ .%s | urlquery }}@%s:%d", tokenVar, host, cache.Port)
	}).(pulumi.StringOutput)
}

func (p *Platform) buildWorkloads(ctx *pulumi.Context, a *Apps) error {
	cfg := p.Config
	prefix := cfg.NamePrefix()
	ns, err := services.NewNamespace(ctx, "apps-namespace", &services.NamespaceArgs{
		Name: nsApps, ALBReadinessGates: true, KubernetesProvider: p.Cluster.Provider,
		KubernetesDependsOn: p.Addons.Ready, Tags: p.Tags,
	})
	if err != nil {
		return err
	}
	deps := append(append([]pulumi.Resource{}, p.Addons.Ready...), ns)
	dbSource := p.secret(secrets.DbSecret, map[string]string{"dbUser": secrets.PropUsername, "dbPassword": secrets.PropPassword})
	directURL := services.PostgresURL("dbUser", "dbPassword", p.Database.Address, 5432, p.Database.DbName, "require")
	pooledURL := services.PostgresURL("dbUser", "dbPassword", p.Database.PooledHost, 5432, p.Database.DbName, "disable", "pgbouncer=true")
	queueSource := p.secret(secrets.RedisSecretPrefix+cache.RoleQueue, map[string]string{"queueToken": secrets.PropAuthToken})
	cacheSource := p.secret(secrets.RedisSecretPrefix+cache.RoleCache, map[string]string{"cacheToken": secrets.PropAuthToken})
	operator := func(name, v string) services.SecretSource { return p.secret(name, map[string]string{v: ""}) }
	temporalAddress := fmt.Sprintf("temporal-frontend.%s.svc.cluster.local:7233", nsTemporal)
	common := map[string]string{
		"NODE_ENV": "production", "TEMPORAL_ADDRESS": temporalAddress, "TEMPORAL_TASK_QUEUE": cfg.Apps.TemporalTaskQueue,
		"BULLMQ_PREFIX": cfg.Apps.BullMQPrefix, "BULLMQ_QUEUES": strings.Join(cfg.Apps.WorkerQueues, ","),
		"PLATFORM_ENVIRONMENT": cfg.Environment,
	}
	env := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range common {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	identity := func() (string, pulumi.StringInput, pulumi.StringInput, pulumi.StringInput) {
		return cfg.Region, p.Cluster.OidcProviderArn, p.Cluster.OidcIssuer, p.Secrets.SecretsKeyArn
	}
	region, oidcArn, oidcIssuer, kmsKey := identity()
	network := services.NetworkArgs{VpcCidr: p.Network.VpcCidr, EgressVpcPorts: []int{5432, cache.Port, 7233}, EgressInternetPorts: []int{443}}

	migrationsImage, err := p.image("migrations")
	if err != nil {
		return err
	}
	if a.Migration, err = services.NewMigrationJob(ctx, "migrate", &services.MigrationArgs{
		Name: "migrate", NamePrefix: prefix, Namespace: nsApps, Image: migrationsImage, ImageTag: cfg.Edge.ImageTag,
		Command: cfg.Apps.MigrationCommand, Secrets: []services.SecretSource{dbSource},
		SecretEnv: map[string]pulumi.StringInput{"DATABASE_URL": directURL},
		KmsKeyArn: kmsKey, Region: region, OidcProviderArn: oidcArn, OidcIssuer: oidcIssuer,
		Network:            services.NetworkArgs{VpcCidr: p.Network.VpcCidr, EgressVpcPorts: []int{5432}, EgressInternetPorts: []int{443}},
		KubernetesProvider: p.Cluster.Provider, KubernetesDependsOn: deps, Tags: p.Tags,
	}); err != nil {
		return err
	}
	afterMigration := []pulumi.Resource{a.Migration.Job}

	apiImage, err := p.image("api")
	if err != nil {
		return err
	}
	if a.Api, err = services.NewWorkload(ctx, "api", &services.WorkloadArgs{
		Name: "api", NamePrefix: prefix, Namespace: nsApps, Image: apiImage, Port: apiPort,
		HPA: &services.HPAArgs{Min: 2, Max: cfg.Apps.ApiMaxReplicas},
		Env: env(map[string]string{"PORT": fmt.Sprint(apiPort), "CORS_ORIGINS": strings.Join(cfg.Edge.CorsOrigins(), ",")}),
		Secrets: []services.SecretSource{dbSource, queueSource, cacheSource,
			p.secret(secrets.JwtSecret, map[string]string{"jwtKey": secrets.PropSigningKey}),
			operator("anthropic-api-key", "anthropicKey"), operator("sentry-dsn", "sentryDsn"),
			operator("stripe-secret-key", "stripeKey"), operator("stripe-webhook-secret", "stripeWebhook")},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL": directURL, "DATABASE_URL_POOLED": pooledURL,
			"REDIS_QUEUE_URL": p.redisURL(cache.RoleQueue, "queueToken"), "REDIS_CACHE_URL": p.redisURL(cache.RoleCache, "cacheToken"),
			"JWT_SECRET": services.Value("jwtKey"), "ANTHROPIC_API_KEY": services.Value("anthropicKey"),
			"SENTRY_DSN": services.Value("sentryDsn"), "STRIPE_SECRET_KEY": services.Value("stripeKey"),
			"STRIPE_WEBHOOK_SECRET": services.Value("stripeWebhook"),
		},
		KmsKeyArn: kmsKey, Region: region, OidcProviderArn: oidcArn, OidcIssuer: oidcIssuer, Network: network,
		Ingress: &services.IngressArgs{
			Host: cfg.Edge.ApiDomain(), CertificateArn: p.Edge.ApiCertArn, WafAclArn: p.Edge.ApiWafArn,
			GroupName: prefix, LoadBalancerName: prefix + "-api", DeletionProtection: cfg.Strict(),
		},
		KubernetesProvider: p.Cluster.Provider, KubernetesDependsOn: deps, RolloutDependsOn: afterMigration, Tags: p.Tags,
	}); err != nil {
		return err
	}

	workerImage, err := p.image("worker")
	if err != nil {
		return err
	}
	if a.Worker, err = services.NewWorkload(ctx, "worker", &services.WorkloadArgs{
		Name: "worker", NamePrefix: prefix, Namespace: nsApps, Image: workerImage,
		KedaRedis: &services.KedaRedisArgs{
			Address: pulumi.Sprintf("%s:%d", p.Cache.Groups[cache.RoleQueue].PrimaryEndpoint, cache.Port),
			Prefix:  cfg.Apps.BullMQPrefix, Queues: cfg.Apps.WorkerQueues, PasswordEnv: "REDIS_QUEUE_PASSWORD",
			Max: cfg.Apps.WorkerMaxReplicas,
		},
		Env:     env(nil),
		Secrets: []services.SecretSource{dbSource, queueSource, cacheSource, operator("anthropic-api-key", "anthropicKey"), operator("sentry-dsn", "sentryDsn")},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL_POOLED": pooledURL, "REDIS_QUEUE_URL": p.redisURL(cache.RoleQueue, "queueToken"),
			"REDIS_QUEUE_PASSWORD": services.Value("queueToken"), "REDIS_CACHE_URL": p.redisURL(cache.RoleCache, "cacheToken"),
			"ANTHROPIC_API_KEY": services.Value("anthropicKey"), "SENTRY_DSN": services.Value("sentryDsn"),
		},
		KmsKeyArn: kmsKey, Region: region, OidcProviderArn: oidcArn, OidcIssuer: oidcIssuer, Network: network,
		KubernetesProvider: p.Cluster.Provider, KubernetesDependsOn: deps,
		RolloutDependsOn: afterMigration, Tags: p.Tags,
	}); err != nil {
		return err
	}

	temporalWorkerImage, err := p.image("temporal-worker")
	if err != nil {
		return err
	}
	a.TemporalWorker, err = services.NewWorkload(ctx, "temporal-worker", &services.WorkloadArgs{
		Name: "temporal-worker", NamePrefix: prefix, Namespace: nsApps, Image: temporalWorkerImage,
		KedaTemporal: &services.KedaTemporalArgs{Endpoint: temporalAddress, TaskQueue: cfg.Apps.TemporalTaskQueue, Max: cfg.Apps.WorkerMaxReplicas},
		Env:          env(nil),
		Secrets:      []services.SecretSource{dbSource, operator("anthropic-api-key", "anthropicKey"), operator("sentry-dsn", "sentryDsn")},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL_POOLED": pooledURL, "ANTHROPIC_API_KEY": services.Value("anthropicKey"), "SENTRY_DSN": services.Value("sentryDsn"),
		},
		KmsKeyArn: kmsKey, Region: region, OidcProviderArn: oidcArn, OidcIssuer: oidcIssuer, Network: network,
		KubernetesProvider: p.Cluster.Provider, KubernetesDependsOn: append(append([]pulumi.Resource{}, deps...), a.Temporal),
		Tags: p.Tags,
	})
	return err
}
