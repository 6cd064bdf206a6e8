package services

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/registry"
)

const (
	releaseTag = "v1.4.2"
	appNS      = "app"
	pooledHost = "pgbouncer.data.svc.cluster.local"
)

// upstream are the outputs of other components a release is wired from. They are real
// (fake-provider) resources, so in preview every ARN, URL and endpoint is unknown, as it
// is for a new stack.
type upstream struct {
	k8s                   *kubernetes.Provider
	oidcArn               pulumi.StringOutput
	dbArn, jwtArn, rdArn  pulumi.StringOutput
	apiImg, workerImg     pulumi.StringOutput
	migrateImg            pulumi.StringOutput
	redisAddress, rdsHost pulumi.StringOutput
}

func newUpstream(ctx *pulumi.Context, k8s *kubernetes.Provider) (*upstream, error) {
	u := &upstream{k8s: k8s}
	oidc, err := iam.NewOpenIdConnectProvider(ctx, "oidc", &iam.OpenIdConnectProviderArgs{
		Url: pulumi.String("https://" + oidcIssuer), ClientIdLists: pulumi.ToStringArray([]string{"sts.amazonaws.com"}),
	})
	if err != nil {
		return nil, err
	}
	u.oidcArn = oidc.Arn
	secret := func(name string) (pulumi.StringOutput, error) {
		s, err := secretsmanager.NewSecret(ctx, name, &secretsmanager.SecretArgs{Name: pulumi.String("platform-prod/" + name), KmsKeyId: pulumi.String(secretsKey)})
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		return s.Arn, nil
	}
	if u.dbArn, err = secret("db-app"); err != nil {
		return nil, err
	}
	if u.jwtArn, err = secret("jwt-signing-key"); err != nil {
		return nil, err
	}
	if u.rdArn, err = secret("redis-queue"); err != nil {
		return nil, err
	}
	image := func(repo string) (pulumi.StringOutput, error) {
		r, err := ecr.NewRepository(ctx, repo, &ecr.RepositoryArgs{Name: pulumi.String("platform-prod/" + repo)})
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		return registry.ImageRefOutput(r.RepositoryUrl, releaseTag)
	}
	if u.apiImg, err = image("api"); err != nil {
		return nil, err
	}
	if u.workerImg, err = image("worker"); err != nil {
		return nil, err
	}
	if u.migrateImg, err = image("migrations"); err != nil {
		return nil, err
	}
	rg, err := elasticache.NewReplicationGroup(ctx, "queue", &elasticache.ReplicationGroupArgs{
		ReplicationGroupId: pulumi.String("platform-prod-queue"), Description: pulumi.String("BullMQ"),
	})
	if err != nil {
		return nil, err
	}
	u.redisAddress = pulumi.Sprintf("%s:6379", rg.PrimaryEndpointAddress)
	db, err := rds.NewInstance(ctx, "postgres", &rds.InstanceArgs{Identifier: pulumi.String("platform-prod-postgres"), InstanceClass: pulumi.String("db.m7g.large")})
	if err != nil {
		return nil, err
	}
	u.rdsHost = db.Address
	return u, nil
}

func (u *upstream) dbSource() SecretSource {
	return SecretSource{Name: "platform-prod/db-app", Arn: u.dbArn, Properties: map[string]string{"dbUser": "username", "dbPassword": "password"}}
}

func (u *upstream) identity() (pulumi.StringInput, string, pulumi.StringInput, pulumi.StringInput) {
	return pulumi.String(secretsKey), "us-east-1", u.oidcArn, pulumi.String(oidcIssuer)
}

func (u *upstream) migrationArgs(deps ...pulumi.Resource) *MigrationArgs {
	kms, region, oidcArn, issuer := u.identity()
	return &MigrationArgs{
		NamePrefix: "platform-prod", Namespace: appNS, Image: u.migrateImg, ImageTag: releaseTag,
		Secrets:   []SecretSource{u.dbSource()},
		SecretEnv: map[string]pulumi.StringInput{DatabaseURLEnv: PostgresURL("dbUser", "dbPassword", u.rdsHost, 5432, "app", "require")},
		KmsKeyArn: kms, Region: region, OidcProviderArn: oidcArn, OidcIssuer: issuer,
		Network:            NetworkArgs{VpcCidr: pulumi.String(vpcCidr)},
		KubernetesProvider: u.k8s, KubernetesDependsOn: deps, Tags: testTags,
	}
}

func (u *upstream) apiArgs(deps []pulumi.Resource, rollout []pulumi.Resource) *WorkloadArgs {
	kms, region, oidcArn, issuer := u.identity()
	return &WorkloadArgs{
		Name: "api", NamePrefix: "platform-prod", Namespace: appNS, Image: u.apiImg, Port: 3000,
		HPA: &HPAArgs{},
		Env: map[string]string{"NODE_ENV": "production", "CORS_ORIGINS": "https://app.generic-corp.io,https://generic-corp.io"},
		Secrets: []SecretSource{u.dbSource(),
			{Name: "platform-prod/jwt-signing-key", Arn: u.jwtArn, Properties: map[string]string{"jwt": "signingKey"}}},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL":    PostgresURL("dbUser", "dbPassword", pulumi.String(pooledHost), 5432, "app", "disable", "pgbouncer=true"),
			"JWT_SIGNING_KEY": Value("jwt"),
		},
		KmsKeyArn: kms, Region: region, OidcProviderArn: oidcArn, OidcIssuer: issuer,
		Network: NetworkArgs{VpcCidr: pulumi.String(vpcCidr), EgressVpcPorts: []int{5432, 6379, 7233},
			IngressFromNamespaces: []string{"internal-tools"}},
		Ingress: &IngressArgs{Host: "api.generic-corp.io", CertificateArn: pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/abc"),
			WafAclArn: pulumi.String("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/1")},
		KubernetesProvider: u.k8s, KubernetesDependsOn: deps, RolloutDependsOn: rollout, Tags: testTags,
	}
}

func (u *upstream) workerArgs(deps []pulumi.Resource, rollout []pulumi.Resource) *WorkloadArgs {
	kms, region, oidcArn, issuer := u.identity()
	return &WorkloadArgs{
		Name: "worker", NamePrefix: "platform-prod", Namespace: appNS, Image: u.workerImg,
		KedaRedis: &KedaRedisArgs{Address: u.redisAddress, Queues: []string{"agent-tasks", "notifications"}, PasswordEnv: "REDIS_PASSWORD", Min: 2, Max: 20},
		Secrets: []SecretSource{u.dbSource(),
			{Name: "platform-prod/redis-queue", Arn: u.rdArn, Properties: map[string]string{"redisToken": "authToken"}}},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL":   PostgresURL("dbUser", "dbPassword", pulumi.String(pooledHost), 5432, "app", "disable"),
			"REDIS_PASSWORD": Value("redisToken"),
		},
		KmsKeyArn: kms, Region: region, OidcProviderArn: oidcArn, OidcIssuer: issuer,
		Network:            NetworkArgs{VpcCidr: pulumi.String(vpcCidr), EgressVpcPorts: []int{5432, 6379, 7233}},
		KubernetesProvider: u.k8s, KubernetesDependsOn: deps, RolloutDependsOn: rollout, Tags: testTags,
	}
}

func (u *upstream) temporalArgs(deps []pulumi.Resource) *WorkloadArgs {
	return &WorkloadArgs{
		Name: "temporal-worker", Component: "temporal-worker", NamePrefix: "platform-prod", Namespace: appNS, Image: u.workerImg,
		Args: []string{"dist/temporal-worker.js"},
		KedaTemporal: &KedaTemporalArgs{Endpoint: "temporal-frontend.temporal.svc.cluster.local:7233", Namespace: "agents",
			TaskQueue: "agent-workflows", Min: 2, Max: 8},
		Network:            NetworkArgs{VpcCidr: pulumi.String(vpcCidr), EgressVpcPorts: []int{7233}},
		KubernetesProvider: u.k8s, KubernetesDependsOn: deps, Tags: testTags,
	}
}

// release is the wiring the stack does: namespace, migration, then the workloads.
type release struct {
	ns                    *Namespace
	migration             *Migration
	api, worker, temporal *Workload
}

func buildRelease(ctx *pulumi.Context, k8s *kubernetes.Provider) (*release, error) {
	u, err := newUpstream(ctx, k8s)
	if err != nil {
		return nil, err
	}
	r := &release{}
	if r.ns, err = NewNamespace(ctx, "app", &NamespaceArgs{Name: appNS, ALBReadinessGates: true, KubernetesProvider: k8s, Tags: testTags}); err != nil {
		return nil, err
	}
	deps := []pulumi.Resource{r.ns}
	if r.migration, err = NewMigrationJob(ctx, "migrate", u.migrationArgs(deps...)); err != nil {
		return nil, err
	}
	rollout := []pulumi.Resource{r.migration.Job}
	if r.api, err = NewWorkload(ctx, "api", u.apiArgs(deps, rollout)); err != nil {
		return nil, err
	}
	if r.worker, err = NewWorkload(ctx, "worker", u.workerArgs(deps, rollout)); err != nil {
		return nil, err
	}
	if r.temporal, err = NewWorkload(ctx, "temporal-worker", u.temporalArgs(deps)); err != nil {
		return nil, err
	}
	return r, nil
}
