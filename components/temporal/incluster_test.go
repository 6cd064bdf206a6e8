package temporal

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const fixtureDbHost = "platform-test-postgres.c0ffee.us-east-1.rds.amazonaws.com"

// captureK8sOnly runs NewTemporal with the Kubernetes provider alone and a fixture RDS
// address, as the in-cluster layer does.
func captureK8sOnly(t *testing.T, mode plan.Mode, mutate func(*TemporalArgs)) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("fake")})
		if err != nil {
			return err
		}
		a := baseArgs()
		a.KubernetesProvider = k8s
		a.DbHost = pulumi.String(fixtureDbHost)
		if mutate != nil {
			mutate(&a)
		}
		_, err = NewTemporal(ctx, "temporal", &a)
		return err
	}, plan.Options{Mode: mode, Config: map[string]string{"aws:region": "us-east-1"}})
	require.NoError(t, err)
	return p
}

func TestInClusterTemporal(t *testing.T) {
	inCluster := func(a *TemporalArgs) { a.SkipChart = true }
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := captureK8sOnly(t, mode, inCluster)
			testkit.RequireNoCloud(t, p)
			require.Empty(t, p.ByType(tChart), "third-party charts are left out")
			require.Empty(t, p.ByType(DbSecretType))

			prov := testkit.One(t, p, tProvider)
			for _, r := range p.Resources {
				if strings.HasPrefix(r.Type, "kubernetes:") {
					require.True(t, strings.HasPrefix(r.Provider, prov.URN+"::"), "%s provider %q", r.URN, r.Provider)
				}
			}
			require.Equal(t, "temporal", testkit.Str(t, testkit.One(t, p, tNamespace).Input("metadata.name")))

			es := testkit.ExternalSecretsByTarget(t, p)
			require.Len(t, es, 2)
			require.Equal(t, DbSecretName("platform-test"), testkit.Str(t, es["temporal-db"].Input("spec.data[0].remoteRef.key")))
			require.Equal(t, "platform-test/db-app", testkit.Str(t, es["temporal-db-admin"].Input("spec.data[0].remoteRef.key")))

			job := testkit.One(t, p, tJob)
			require.Contains(t, job.Dependencies, es["temporal-db"].URN)
			require.Contains(t, job.Dependencies, es["temporal-db-admin"].URN)
			require.Equal(t, "temporal", testkit.Str(t, job.Input("metadata.namespace")))
			var env []string
			for _, c := range job.Input("spec.template.spec.initContainers").AsArray().AsSlice() {
				for _, e := range c.AsMap().Get("env").AsArray().AsSlice() {
					if v := e.AsMap().Get("value"); v.IsString() && strings.Contains(v.AsString(), fixtureDbHost) {
						env = append(env, e.AsMap().Get("name").AsString())
					}
				}
			}
			require.NotEmpty(t, env, "the schema Job reaches the given RDS address")

			comp := testkit.One(t, p, Type)
			require.Equal(t, "temporal-frontend.temporal.svc.cluster.local:7233", testkit.Str(t, comp.Output("frontendAddress")))
			require.Equal(t, "http://temporal.internal.example.com", testkit.Str(t, comp.Output("webUrl")), "no WebCertificateArn")
			require.Equal(t, "platform-test/temporal-db", testkit.Str(t, comp.Output("dbSecretName")))
			require.Equal(t, "metrics", testkit.Str(t, comp.Output("metricsPort")))
			require.Equal(t, 121, testkit.Int(t, comp.Output("poolConnections")))
		})
	}
}

// TestTemporalOptionsAlone checks each option on its own against the full component.
func TestTemporalOptionsAlone(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String()+"/the chart reads the password secret", func(t *testing.T) {
			p := captureK8sOnly(t, mode, nil)
			testkit.RequireNoCloud(t, p)
			chart := testkit.One(t, p, tChart)
			require.Equal(t, "temporal-db", testkit.Str(t, chart.Input("values.server.config.persistence.datastores.default.sql.existingSecret")))
			require.Contains(t, chart.Dependencies, testkit.One(t, p, tJob).URN)
			require.Equal(t, DbSecretName("platform-test"), testkit.Str(t, testkit.ExternalSecretsByTarget(t, p)["temporal-db"].Input("spec.data[1].remoteRef.key")))
		})
		t.Run(mode.String()+"/skip chart keeps everything else", func(t *testing.T) {
			full := capture(t, mode, nil)
			p := capture(t, mode, func(a *TemporalArgs) { a.SkipChart = true })
			require.Empty(t, p.ByType(tChart))
			require.Empty(t, p.ByType(tSecret), "the AWS layer makes the password secret (NewDbSecret)")
			// Everything but the chart is the same.
			var want, got []string
			for _, r := range full.Resources {
				if r.Type != tChart {
					want = append(want, r.URN)
				}
			}
			for _, r := range p.Resources {
				got = append(got, r.URN)
			}
			require.Equal(t, want, got)
			require.Equal(t, testkit.Str(t, testkit.One(t, full, Type).Output("frontendAddress")), testkit.Str(t, testkit.One(t, p, Type).Output("frontendAddress")))
		})
	}
}

// TestDbSecretStandalone checks the AWS-layer half: the password and the secret the
// ExternalSecret "temporal-db" reads, under their own component.
func TestDbSecretStandalone(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		for _, protect := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/protect=%t", mode, protect), func(t *testing.T) {
				p, err := plan.Capture(func(ctx *pulumi.Context) error {
					s, err := NewDbSecret(ctx, "temporal", &DbSecretArgs{
						NamePrefix: "platform-test", SecretsKmsKeyArn: pulumi.String(secretsKey), Protect: protect,
						Tags: baseArgs().Tags,
					})
					if err != nil {
						return err
					}
					ctx.Export("arn", s.Arn)
					ctx.Export("name", pulumi.String(s.Name))
					return nil
				}, plan.Options{Mode: mode, Config: map[string]string{"aws:region": "us-east-1"}})
				require.NoError(t, err)

				comp := testkit.One(t, p, DbSecretType)
				for typ, name := range map[string]string{tSecret: "temporal-db", tVersion: "temporal-db", tPassword: "temporal-db-password"} {
					r := testkit.One(t, p, typ)
					require.Equal(t, comp.URN, r.Parent, typ)
					require.Equal(t, protect, r.Protect, typ)
					require.Equal(t, name, r.Name, typ)
				}
				pw := testkit.One(t, p, tPassword)
				require.False(t, testkit.Bool(t, pw.Input("special")))
				require.Equal(t, 40, testkit.Int(t, pw.Input("length")))
				sec := testkit.One(t, p, tSecret)
				require.Equal(t, "platform-test/temporal-db", testkit.Str(t, sec.Input("name")))
				require.Equal(t, "platform-test/temporal-db", testkit.Str(t, testkit.Key(t, sec.Input("tags"), "Name")))
				require.Equal(t, secretsKey, testkit.Str(t, sec.Input("kmsKeyId")))
				require.Equal(t, 30, testkit.Int(t, sec.Input("recoveryWindowInDays")))
				require.Equal(t, "platform-test/temporal-db", testkit.Str(t, p.Outputs.Get("name")))
				ver := testkit.One(t, p, tVersion)
				require.True(t, ver.Input("secretString").Secret() || ver.Input("secretString").IsComputed())
				if mode == plan.Update {
					require.Contains(t, ver.Input("secretString").WithSecret(false).AsString(), `"username":"temporal"`)
					require.Equal(t, testkit.Str(t, sec.Output("arn")), testkit.Str(t, p.Outputs.Get("arn")))
					require.Equal(t, testkit.Str(t, sec.Output("arn")), testkit.Str(t, comp.Output("arn")))
				}
			})
		}
	}
}

func TestInClusterValidation(t *testing.T) {
	cases := []struct {
		name string
		args *DbSecretArgs
		want []string
	}{
		{"nil args", nil, []string{"args are required"}},
		{"everything wrong", &DbSecretArgs{NamePrefix: "Platform", DbUser: "postgres", RecoveryWindowInDays: 3},
			[]string{`NamePrefix "Platform"`, `DbUser "postgres"`, "SecretsKmsKeyArn is required", `RecoveryWindowInDays "3"`, "Tags lacks"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := NewDbSecret(ctx, "s", tc.args)
				return err
			}, plan.Options{})
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
		})
	}
}
