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

// pool captures PgBouncer alone in front of fixtureRdsAddress.
func pool(t *testing.T, mode plan.Mode, mutate func(a *PgBouncerStandaloneArgs)) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(standalone(fixtureRdsAddress, mutate), plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
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

// TestPostgresLeavesThePoolToNewPgBouncer is the AWS layer's side: no Kubernetes
// object, and the pooled endpoint and URL of the pool NewPgBouncer runs.
func TestPostgresLeavesThePoolToNewPgBouncer(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, func(a *PostgresArgs) {
				a.Namespace = "db"
				a.PgBouncer.ClientTLSSecretName = "pgbouncer-tls"
			})
			for _, r := range p.Resources {
				require.False(t, strings.HasPrefix(r.Type, "kubernetes:"), "%s registered by the AWS layer", r.URN)
				require.NotEqual(t, PgBouncerType, r.Type)
			}
			require.Len(t, p.ByType(tInstance), 1)

			comp := p.ByType(Type)[0]
			require.Equal(t, PgBouncerHost("db"), testkit.Str(t, comp.Output("pooledHost")))
			require.Equal(t, 5432, testkit.Int(t, comp.Output("pooledPort")))
			pooled := p.Outputs.Get("databaseUrlPooled")
			require.True(t, pooled.Secret())
			require.Equal(t, "postgresql://app:"+testPassword+"@pgbouncer.db.svc.cluster.local:5432/app?sslmode=require", pooled.AsString())
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

}
