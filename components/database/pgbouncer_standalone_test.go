package database

import (
	"strings"
	"testing"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

const fixtureRdsAddress = "platform-test-postgres.c0ffee.us-east-1.rds.amazonaws.com"

// standalone builds PgBouncer alone with the Kubernetes provider only, as the in-cluster
// layer does; mutate adjusts the args.
func standalone(rdsAddress string, mutate func(a *PgBouncerStandaloneArgs)) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("fake")})
		if err != nil {
			return err
		}
		a := &PgBouncerStandaloneArgs{
			RdsAddress:         pulumi.String(rdsAddress),
			DbSecretName:       "platform-test/db-app",
			KubernetesProvider: k8s,
			Tags:               tags.New("test", "platform", "platform-team", "cc-1", nil),
		}
		if mutate != nil {
			mutate(a)
		}
		_, err = NewPgBouncer(ctx, "db-pgbouncer", a)
		return err
	}
}

// kubernetesObjects maps "<type> <namespace>/<name>" to the object's inputs.
func kubernetesObjects(p *plan.Plan) map[string]any {
	out := map[string]any{}
	for _, r := range p.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			out[r.Type+" "+testkit.StrOr(r.Input("metadata.namespace"))+"/"+testkit.StrOr(r.Input("metadata.name"))] = testkit.Plain(property.New(r.Inputs))
		}
	}
	return out
}

func TestPgBouncerStandalone(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p, err := plan.Capture(standalone(fixtureRdsAddress, nil), plan.Options{Mode: mode})
			require.NoError(t, err)
			testkit.RequireNoCloud(t, p)

			comp := p.Named(PgBouncerType, "db-pgbouncer")
			require.NotNil(t, comp)
			require.Equal(t, "", comp.Parent, "a top-level component when built alone")
			require.Equal(t, "pgbouncer.data.svc.cluster.local", testkit.Str(t, comp.Output("host")))
			require.Equal(t, 5432, testkit.Int(t, comp.Output("port")))
			require.Equal(t, PgBouncerHost("data"), testkit.Str(t, comp.Output("host")))

			prov := p.ByType("pulumi:providers:kubernetes")[0]
			var objects []string
			for _, r := range p.Resources {
				if strings.HasPrefix(r.Type, "kubernetes:") {
					objects = append(objects, r.Type)
					require.Equal(t, comp.URN, r.Parent)
					require.True(t, strings.HasPrefix(r.Provider, prov.URN+"::"), "%s provider %q", r.URN, r.Provider)
				}
			}
			require.ElementsMatch(t, []string{tNamespace, tExternal, tConfigMap, tDeployment, tPDB, tService}, objects)

			cm := testkit.One(t, p, tConfigMap)
			require.Equal(t, "pgbouncer", testkit.Str(t, cm.Input("metadata.name")))
			ini := testkit.Str(t, key(t, cm.Input("data"), "pgbouncer.ini"))
			require.Equal(t, pgbouncerIni(PgBouncerArgs{}.withDefaults()), ini)
			require.Contains(t, ini, "default_pool_size = 20")
			require.Equal(t, "[databases]\napp = host="+fixtureRdsAddress+" port=5432 dbname=app\n",
				testkit.Str(t, key(t, cm.Input("data"), "databases.ini")), "a known address is known in preview too")
			es := testkit.One(t, p, tExternal)
			require.Equal(t, "platform-test/db-app", testkit.Str(t, es.Input("spec.data[0].remoteRef.key")))
			require.Equal(t, "aws-secrets-manager", testkit.Str(t, es.Input("spec.secretStoreRef.name")))
			d := testkit.One(t, p, tDeployment)
			require.Equal(t, 2, testkit.Int(t, d.Input("spec.replicas")))
			require.Equal(t, DefaultPgBouncerImage, testkit.Str(t, d.Input("spec.template.spec.containers[0].image")))
		})
	}
}

// TestPgBouncerStandaloneMatchesEmbedded renders the pool both ways, with the address the
// embedded path got from RDS, and requires identical Kubernetes objects.
func TestPgBouncerStandaloneMatchesEmbedded(t *testing.T) {
	cases := []struct {
		name       string
		postgres   func(a *PostgresArgs)
		standalone func(a *PgBouncerStandaloneArgs)
	}{
		{name: "defaults"},
		{
			name: "tuned pool, TLS, own namespace",
			postgres: func(a *PostgresArgs) {
				a.DbName, a.Namespace, a.SkipNamespace = "agents", "db", true
				a.PgBouncer = PgBouncerArgs{Replicas: 3, DefaultPoolSize: 15, ReservePoolSizeZero: true,
					ClientTLSSecretName: "pgbouncer-tls", RdsCaBundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
					SecretStoreKind: "ClusterSecretStore"}
			},
			standalone: func(a *PgBouncerStandaloneArgs) {
				a.DbName, a.Namespace, a.SkipNamespace = "agents", "db", true
				a.PgBouncer = PgBouncerArgs{Replicas: 3, DefaultPoolSize: 15, ReservePoolSizeZero: true,
					ClientTLSSecretName: "pgbouncer-tls", RdsCaBundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
					SecretStoreKind: "ClusterSecretStore"}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			embedded := capture(t, plan.Update, tc.postgres)
			address := testkit.Str(t, primary(t, embedded).Output("address"))
			alone, err := plan.Capture(standalone(address, tc.standalone), plan.Options{Mode: plan.Update})
			require.NoError(t, err)

			want, got := kubernetesObjects(embedded), kubernetesObjects(alone)
			require.NotEmpty(t, want)
			require.Equal(t, want, got)
			// Same logical names too: only the parent differs.
			for _, typ := range []string{tConfigMap, tDeployment, tPDB, tService} {
				require.Equal(t, testkit.One(t, embedded, typ).Name, testkit.One(t, alone, typ).Name, typ)
			}
		})
	}
}

// TestPostgresExternalPgBouncer is the AWS layer's side: no Kubernetes object, the same
// pooled endpoint and URL as with the embedded pool.
func TestPostgresExternalPgBouncer(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			tlsPool := func(a *PostgresArgs) {
				a.Namespace = "db"
				a.PgBouncer.ClientTLSSecretName = "pgbouncer-tls"
			}
			embedded := capture(t, mode, tlsPool)
			external := capture(t, mode, func(a *PostgresArgs) {
				tlsPool(a)
				a.ExternalPgBouncer = true
				a.KubernetesProvider = nil
				a.DbSecretName = ""
			})
			for _, r := range external.Resources {
				require.False(t, strings.HasPrefix(r.Type, "kubernetes:"), "%s registered by the AWS layer", r.URN)
				require.NotEqual(t, PgBouncerType, r.Type)
			}
			require.Len(t, external.ByType(tInstance), 1)

			ext, emb := external.ByType(Type)[0], embedded.ByType(Type)[0]
			require.Equal(t, "pgbouncer.db.svc.cluster.local", testkit.Str(t, ext.Output("pooledHost")))
			require.Equal(t, 5432, testkit.Int(t, ext.Output("pooledPort")))
			for _, k := range []string{"pooledHost", "pooledPort", "budgetUsed", "budgetLimit"} {
				require.Equal(t, testkit.Plain(emb.Output(k)), testkit.Plain(ext.Output(k)), k)
			}
			pooled := external.Outputs.Get("databaseUrlPooled")
			require.True(t, pooled.Secret())
			require.Equal(t, "postgresql://app:"+testPassword+"@pgbouncer.db.svc.cluster.local:5432/app?sslmode=require", pooled.AsString())
			require.Equal(t, testkit.Plain(embedded.Outputs.Get("databaseUrlPooled")), testkit.Plain(pooled))
		})
	}
}

func TestPgBouncerStandaloneValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *PgBouncerStandaloneArgs)
		want   []string
	}{
		{"missing inputs", func(a *PgBouncerStandaloneArgs) {
			a.RdsAddress, a.DbSecretName, a.KubernetesProvider = nil, "", nil
		}, []string{"RdsAddress is required", "DbSecretName is required", "KubernetesProvider is required"}},
		{"bad pool", func(a *PgBouncerStandaloneArgs) {
			a.PgBouncer.Replicas = 1
			a.PgBouncer.Image = "edoburu/pgbouncer:latest"
		}, []string{`PgBouncer.Replicas "1"`, "PgBouncer.Image"}},
		{"bad names and tags", func(a *PgBouncerStandaloneArgs) {
			a.DbName, a.Namespace, a.Tags = "App-DB", "Data_NS", nil
		}, []string{`DbName "App-DB"`, `Namespace "Data_NS"`, "Tags lacks the required tag"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Capture(standalone(fixtureRdsAddress, tc.mutate), plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
		})
	}
	t.Run("nil args", func(t *testing.T) {
		_, err := plan.Capture(func(ctx *pulumi.Context) error {
			_, err := NewPgBouncer(ctx, "p", nil)
			return err
		}, plan.Options{})
		require.ErrorContains(t, err, "args are required")
	})
	t.Run("postgres with an external pool needs no provider or secret name", func(t *testing.T) {
		_, err := plan.Capture(program(func(a *PostgresArgs) {
			a.ExternalPgBouncer, a.KubernetesProvider, a.DbSecretName = true, nil, ""
		}), plan.Options{Mode: plan.Preview})
		require.NoError(t, err)
		_, err = plan.Capture(program(func(a *PostgresArgs) { a.KubernetesProvider, a.DbSecretName = nil, "" }), plan.Options{Mode: plan.Preview})
		require.ErrorContains(t, err, "KubernetesProvider is required")
		require.ErrorContains(t, err, "DbSecretName is required")
	})
}
