package services

import (
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

// Role ARNs the AWS layer would pass in (fixtures: nothing here creates them).
const (
	apiRoleArn     = "arn:aws:iam::123456789012:role/platform-prod-app-api"
	workerRoleArn  = "arn:aws:iam::123456789012:role/platform-prod-app-worker"
	migrateRoleArn = "arn:aws:iam::123456789012:role/platform-prod-app-migrate"
	readerRoleArn  = "arn:aws:iam::123456789012:role/platform-prod-data-reader"
)

// buildInClusterRelease wires the release from fixture values only: images, endpoints,
// secret names and role ARNs are what the AWS layer's outputs would be.
func buildInClusterRelease(ctx *pulumi.Context, k8s *kubernetes.Provider) (*release, error) {
	db := SecretSource{Name: "platform-prod/db-app", Properties: map[string]string{"dbUser": "username", "dbPassword": "password"}}
	r := &release{}
	var err error
	if r.ns, err = NewNamespace(ctx, "app", &NamespaceArgs{Name: appNS, ALBReadinessGates: true, KubernetesProvider: k8s, Tags: testTags}); err != nil {
		return nil, err
	}
	deps := []pulumi.Resource{r.ns}
	if r.migration, err = NewMigrationJob(ctx, "migrate", &MigrationArgs{
		NamePrefix: "platform-prod", Namespace: appNS, Image: pulumi.String(imageRepo + "migrations:" + releaseTag), ImageTag: releaseTag,
		Secrets:   []SecretSource{db},
		SecretEnv: map[string]pulumi.StringInput{DatabaseURLEnv: PostgresURL("dbUser", "dbPassword", pulumi.String("postgres.internal"), 5432, "app", "require")},
		RoleArn:   pulumi.String(migrateRoleArn), Region: "us-east-1",
		Network:            NetworkArgs{VpcCidr: pulumi.String(vpcCidr)},
		KubernetesProvider: k8s, KubernetesDependsOn: deps, Tags: testTags,
	}); err != nil {
		return nil, err
	}
	rollout := []pulumi.Resource{r.migration.Job}
	if r.api, err = NewWorkload(ctx, "api", &WorkloadArgs{
		Name: "api", NamePrefix: "platform-prod", Namespace: appNS, Image: pulumi.String(imageRepo + "api:" + releaseTag), Port: 3000,
		HPA: &HPAArgs{},
		Secrets: []SecretSource{db,
			{Name: "platform-prod/jwt-signing-key", Properties: map[string]string{"jwt": "signingKey"}}},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL":    PostgresURL("dbUser", "dbPassword", pulumi.String(pooledHost), 5432, "app", "disable", "pgbouncer=true"),
			"JWT_SIGNING_KEY": Value("jwt"),
		},
		RoleArn: pulumi.String(apiRoleArn), Region: "us-east-1",
		Network:            NetworkArgs{VpcCidr: pulumi.String(vpcCidr), EgressVpcPorts: []int{5432, 6379, 7233}},
		KubernetesProvider: k8s, KubernetesDependsOn: deps, RolloutDependsOn: rollout, Tags: testTags,
	}); err != nil {
		return nil, err
	}
	if r.worker, err = NewWorkload(ctx, "worker", &WorkloadArgs{
		Name: "worker", NamePrefix: "platform-prod", Namespace: appNS, Image: pulumi.String(imageRepo + "worker:" + releaseTag),
		KedaRedis: &KedaRedisArgs{Address: pulumi.String("queue.internal:6379"), Queues: []string{"agent-tasks"}, PasswordEnv: "REDIS_PASSWORD"},
		Secrets: []SecretSource{db,
			{Name: "platform-prod/redis-queue", Properties: map[string]string{"redisToken": "authToken"}}},
		SecretEnv: map[string]pulumi.StringInput{
			"DATABASE_URL":   PostgresURL("dbUser", "dbPassword", pulumi.String(pooledHost), 5432, "app", "disable"),
			"REDIS_PASSWORD": Value("redisToken"),
		},
		RoleArn: pulumi.String(workerRoleArn), Region: "us-east-1",
		Network:            NetworkArgs{VpcCidr: pulumi.String(vpcCidr), EgressVpcPorts: []int{5432, 6379}},
		KubernetesProvider: k8s, KubernetesDependsOn: deps, RolloutDependsOn: rollout, Tags: testTags,
	}); err != nil {
		return nil, err
	}
	return r, nil
}

// TestInClusterRelease deploys the migration Job and two workloads with role ARNs from
// the AWS layer: no AWS resource is registered and every object the full program makes
// in the cluster is still there, its ServiceAccount annotated with the given role.
func TestInClusterRelease(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
				_, err := buildInClusterRelease(ctx, k8s)
				return err
			})
			testkit.RequireNoCloud(t, p)
			requireExplicitProvider(t, p)
			require.Empty(t, p.ByType(StoreRoleType))

			for _, want := range []struct{ sa, role string }{{"api", apiRoleArn}, {"worker", workerRoleArn}, {"migrate", migrateRoleArn}} {
				sa := testkit.Decode[corev1.ServiceAccount](t, one(t, p, tSA, want.sa))
				require.Equal(t, want.role, sa.Annotations["eks.amazonaws.com/role-arn"], want.sa)
				require.False(t, *sa.AutomountServiceAccountToken)
				store := one(t, p, tStore, want.sa+"-secrets-manager")
				require.Equal(t, want.sa, testkit.StrOr(store.Input("spec.provider.aws.auth.jwt.serviceAccountRef.name")))
				require.Equal(t, "us-east-1", testkit.StrOr(store.Input("spec.provider.aws.region")))
				es := one(t, p, tExternal, want.sa+"-env")
				require.Equal(t, want.sa+"-secrets-manager", testkit.StrOr(es.Input("spec.secretStoreRef.name")))
				require.Equal(t, "platform-prod/db-app", testkit.StrOr(es.Input("spec.data[0].remoteRef.key")))
			}
			require.Len(t, p.ByType(tDeployment), 2)
			api := testkit.Decode[appsv1.Deployment](t, one(t, p, tDeployment, "api"))
			require.Equal(t, WorkloadServiceAccount("api"), api.Spec.Template.Spec.ServiceAccountName)
			require.Equal(t, "api-env", api.Spec.Template.Spec.Containers[0].EnvFrom[0].SecretRef.Name)
			job := testkit.Decode[batchv1.Job](t, one(t, p, tJob, JobName("migrate", releaseTag)))
			require.Equal(t, MigrationServiceAccount(""), job.Spec.Template.Spec.ServiceAccountName)
			for _, typ := range []string{tService, tPDB, tHPA, tScaled, tTriggerAuth, tNamespace} {
				require.NotEmpty(t, p.ByType(typ), typ)
			}
			require.Len(t, p.ByType(tNetPol), 4, "default deny, api, worker, migrate")

			for _, w := range []struct{ name, role string }{{"api", apiRoleArn}, {"worker", workerRoleArn}} {
				c := p.Named(WorkloadType, w.name)
				require.NotNil(t, c)
				require.Equal(t, w.role, testkit.StrOr(c.Output("roleArn")), "the workload reports the role it runs with")
			}
		})
	}
}

// TestStoreRole checks that the role on its own is the role a SecretStore makes: same
// name, trust and policy, so the AWS layer can own it without changing it.
func TestStoreRole(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
				identity := func() (pulumi.StringInput, pulumi.StringInput, pulumi.StringInput) {
					return pulumi.String(secretsKey), pulumi.String(oidcArn), pulumi.String(oidcIssuer)
				}
				kms, oidc, issuer := identity()
				role, err := NewStoreRole(ctx, "reader-role", &StoreRoleArgs{
					NamePrefix: "platform-prod", Namespace: "data",
					SecretArns: []pulumi.StringInput{pulumi.String(dbArn)}, KmsKeyArn: kms, Region: "us-east-1",
					OidcProviderArn: oidc, OidcIssuer: issuer, Tags: testTags,
				})
				if err != nil {
					return err
				}
				ctx.Export("roleArn", role.RoleArn)
				_, err = NewSecretStore(ctx, "reader", &SecretStoreArgs{
					NamePrefix: "platform-prod", Namespace: "data",
					SecretArns: []pulumi.StringInput{pulumi.String(dbArn)}, KmsKeyArn: kms, Region: "us-east-1",
					OidcProviderArn: oidc, OidcIssuer: issuer, KubernetesProvider: k8s, Tags: testTags,
				})
				return err
			})
			comp := p.Named(StoreRoleType, "reader-role")
			require.NotNil(t, comp)
			store := p.Named(SecretStoreType, "reader")
			require.NotNil(t, store)

			alone, embedded := p.Named(tRole, "reader-role"), p.Named(tRole, "reader")
			require.NotNil(t, alone)
			require.NotNil(t, embedded)
			require.Equal(t, comp.URN, alone.Parent)
			require.Equal(t, store.URN, embedded.Parent, "a store without RoleArn keeps its role as a direct child (URNs unchanged)")
			require.Equal(t, "platform-prod-data-external-secrets-reader", testkit.StrOr(alone.Input("name")), "ServiceAccountName defaults to the shared reader")
			for _, path := range []string{"name", "description", "assumeRolePolicy", "tags"} {
				require.Equal(t, testkit.Plain(embedded.Input(path)), testkit.Plain(alone.Input(path)), path)
			}
			trust := statements(t, testkit.JSONDoc(t, alone.Input("assumeRolePolicy")))
			require.Equal(t, "system:serviceaccount:data:external-secrets-reader",
				trust[0]["Condition"].(map[string]any)["StringEquals"].(map[string]any)[oidcIssuer+":sub"])

			alonePolicy, embeddedPolicy := p.Named(tRolePolicy, "reader-role"), p.Named(tRolePolicy, "reader")
			require.Equal(t, comp.URN, alonePolicy.Parent)
			require.Equal(t, "read-own-secrets", testkit.StrOr(alonePolicy.Input("name")))
			require.Equal(t, testkit.JSONDoc(t, embeddedPolicy.Input("policy")), testkit.JSONDoc(t, alonePolicy.Input("policy")))
			st := statements(t, testkit.JSONDoc(t, alonePolicy.Input("policy")))
			require.Equal(t, []any{dbArn}, st[0]["Resource"])
			require.Equal(t, secretsKey, st[1]["Resource"])

			if mode == plan.Update {
				require.Equal(t, testkit.StrOr(alone.Output("arn")), testkit.StrOr(p.Outputs.Get("roleArn")))
				require.Equal(t, testkit.StrOr(alone.Output("arn")), testkit.StrOr(comp.Output("roleArn")))
				sa := one(t, p, tSA, "external-secrets-reader")
				require.Equal(t, testkit.StrOr(embedded.Output("arn")), testkit.StrOr(sa.Input("metadata.annotations").AsMap().Get("eks.amazonaws.com/role-arn")))
			}
		})
	}
}

// TestSecretStoreWithRoleArn: the store alone, for a shared namespace reader.
func TestSecretStoreWithRoleArn(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
				s, err := NewSecretStore(ctx, "data-secrets", &SecretStoreArgs{
					NamePrefix: "platform-prod", Namespace: "data", RoleArn: pulumi.String(readerRoleArn), Region: "us-east-1",
					KubernetesProvider: k8s, Tags: testTags,
				})
				if err != nil {
					return err
				}
				ctx.Export("roleArn", s.RoleArn)
				return nil
			})
			testkit.RequireNoCloud(t, p)
			requireExplicitProvider(t, p)
			sa := testkit.Decode[corev1.ServiceAccount](t, one(t, p, tSA, DefaultReaderServiceAccount))
			require.Equal(t, "data", sa.Namespace)
			require.Equal(t, readerRoleArn, sa.Annotations["eks.amazonaws.com/role-arn"])
			store := one(t, p, tStore, DefaultSecretStoreName)
			require.Equal(t, "SecretsManager", testkit.StrOr(store.Input("spec.provider.aws.service")))
			require.Equal(t, DefaultReaderServiceAccount, testkit.StrOr(store.Input("spec.provider.aws.auth.jwt.serviceAccountRef.name")))
			require.Contains(t, store.Dependencies, p.ByType(tSA)[0].URN)
			require.Equal(t, readerRoleArn, testkit.StrOr(p.Outputs.Get("roleArn")))
			require.Equal(t, readerRoleArn, testkit.StrOr(p.Named(SecretStoreType, "data-secrets").Output("roleArn")))
		})
	}
}

func TestRoleArnValidation(t *testing.T) {
	cases := []struct {
		name  string
		build func(ctx *pulumi.Context, k8s *kubernetes.Provider) error
		want  []string
		none  []string
	}{
		{
			name: "store with a role needs no grant, key or OIDC provider, but a region",
			build: func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
				_, err := NewSecretStore(ctx, "s", &SecretStoreArgs{NamePrefix: "platform-prod", Namespace: "data",
					RoleArn: pulumi.String(readerRoleArn), Region: "mars", KubernetesProvider: k8s, Tags: testTags})
				return err
			},
			want: []string{`Region "mars"`},
			none: []string{"SecretArns", "KmsKeyArn", "OidcProviderArn"},
		},
		{
			name: "workload role without secrets",
			build: func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
				_, err := NewWorkload(ctx, "w", &WorkloadArgs{Name: "w", NamePrefix: "platform-prod", Namespace: appNS,
					Image: pulumi.String(imageRepo + "w:1.0.0"), RoleArn: pulumi.String(apiRoleArn), KubernetesProvider: k8s, Tags: testTags})
				return err
			},
			want: []string{"RoleArn is set but Secrets is empty"},
		},
		{
			name: "workload role still needs the region and the templates",
			build: func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
				_, err := NewWorkload(ctx, "w", &WorkloadArgs{Name: "w", NamePrefix: "platform-prod", Namespace: appNS,
					Image:   pulumi.String(imageRepo + "w:1.0.0"),
					Secrets: []SecretSource{{Name: "platform-prod/db-app", Properties: map[string]string{"p": "password"}}},
					RoleArn: pulumi.String(apiRoleArn), KubernetesProvider: k8s, Tags: testTags})
				return err
			},
			want: []string{"SecretEnv is empty", `Region ""`},
			none: []string{".Arn is required", "KmsKeyArn", "OidcProviderArn"},
		},
		{
			name: "store role needs everything a policy is made of",
			build: func(ctx *pulumi.Context, _ *kubernetes.Provider) error {
				_, err := NewStoreRole(ctx, "r", &StoreRoleArgs{NamePrefix: "platform-prod", Namespace: "default", Tags: testTags})
				return err
			},
			want: []string{"SecretArns is empty", "KmsKeyArn is required", "OidcProviderArn and OidcIssuer are required",
				`Namespace "default" is reserved`, `Region ""`},
		},
		{
			name: "store role args are required",
			build: func(ctx *pulumi.Context, _ *kubernetes.Provider) error {
				_, err := NewStoreRole(ctx, "r", nil)
				return err
			},
			want: []string{"args are required"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tryCapture(plan.Preview, tc.build)
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			for _, n := range tc.none {
				require.NotContains(t, err.Error(), n)
			}
		})
	}
}
