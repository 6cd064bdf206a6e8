package observability

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

// captureInCluster runs NewObservability as the in-cluster layer does: the Kubernetes
// provider alone, no charts, and a stand-in for
// whatever installs the operator's CRDs.
func captureInCluster(t *testing.T, mode plan.Mode) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("fake")})
		if err != nil {
			return err
		}
		crds, err := corev1.NewConfigMap(ctx, "operator-crds-stand-in", &corev1.ConfigMapArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("stand-in"), Namespace: pulumi.String("default")},
		}, pulumi.Provider(k8s))
		if err != nil {
			return err
		}
		a := baseArgs()
		a.KubernetesProvider, a.KubernetesDependsOn = k8s, []pulumi.Resource{crds}
		a.SkipCharts = true
		a.RedisExporters = []RedisExporterArgs{{Name: "queue", Address: pulumi.String("queue.internal:6379"), AuthSecretName: "platform-test/redis-queue"}}
		_, err = NewObservability(ctx, "obs", &a)
		return err
	}, plan.Options{Mode: mode, Config: map[string]string{"aws:region": "us-east-1"}})
	require.NoError(t, err)
	return p
}

func TestInClusterObservability(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := captureInCluster(t, mode)
			testkit.RequireNoCloud(t, p)
			require.Empty(t, p.ByType(tChart), "third-party charts are left out")
			require.Empty(t, p.ByType(GrafanaAdminSecretType))

			standIn := p.Named("kubernetes:core/v1:ConfigMap", "operator-crds-stand-in")
			require.NotNil(t, standIn)
			testkit.One(t, p, tNamespace)
			require.Equal(t, "monitoring-gp3", testkit.Str(t, testkit.One(t, p, tStorageClass).Input("metadata.name")))

			rule := testkit.One(t, p, tRule)
			require.Equal(t, rulesName, testkit.Str(t, rule.Input("metadata.name")))
			require.NotEmpty(t, rule.Input("spec.groups").AsArray().AsSlice())
			require.Contains(t, rule.Dependencies, standIn.URN, "the CRDs come from KubernetesDependsOn")
			monitors := append(p.ByType(tServiceMonitor), p.ByType(tPodMonitor)...)
			require.Len(t, p.ByType(tServiceMonitor), 1)
			require.Len(t, p.ByType(tPodMonitor), 5, "worker, temporal-worker, pgbouncer, temporal, redis")
			for _, m := range monitors {
				require.Contains(t, m.Dependencies, standIn.URN, m.URN)
			}

			es := testkit.ExternalSecretsByTarget(t, p)
			require.Len(t, es, 3)
			require.Equal(t, GrafanaAdminSecretName("platform-test"), testkit.Str(t, es["grafana-admin"].Input("spec.data[0].remoteRef.key")))
			require.Equal(t, "platform-test/pagerduty-routing-key", testkit.Str(t, es["alertmanager-receivers"].Input("spec.data[0].remoteRef.key")))
			require.Equal(t, "platform-test/redis-queue", testkit.Str(t, es["redis-exporter-queue"].Input("spec.data[0].remoteRef.key")))
			require.Equal(t, "redis-exporter-queue", testkit.Str(t, testkit.One(t, p, tDeployment).Input("metadata.name")))
			testkit.One(t, p, tPDB)

			comp := testkit.One(t, p, Type)
			require.Equal(t, "", testkit.Str(t, comp.Output("lokiBucket")))
			require.Equal(t, "http://kps-prometheus.monitoring.svc.cluster.local:9090", testkit.Str(t, comp.Output("prometheusUrl")))
			require.Equal(t, "http://loki.monitoring.svc.cluster.local:3100", testkit.Str(t, comp.Output("lokiUrl")))
		})
	}
}

// TestObservabilityOptionsAlone checks each option on its own against the full component.
func TestObservabilityOptionsAlone(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String()+"/the charts wait for the grafana ExternalSecret", func(t *testing.T) {
			p := capture(t, mode, nil)
			testkit.RequireNoCloud(t, p)
			require.Len(t, p.ByType(tChart), 3)
			es := testkit.ExternalSecretsByTarget(t, p)["grafana-admin"]
			require.Equal(t, "platform-test/grafana-admin", testkit.Str(t, es.Input("spec.data[1].remoteRef.key")))
			require.Contains(t, chartNamed(t, p, KubePrometheusStackChart).Dependencies, es.URN)
			require.Contains(t, testkit.One(t, p, tRule).Dependencies, chartNamed(t, p, KubePrometheusStackChart).URN)
		})
		t.Run(mode.String()+"/skip charts keeps everything else", func(t *testing.T) {
			full := capture(t, mode, nil)
			p := capture(t, mode, func(a *ObservabilityArgs) { a.SkipCharts = true })
			require.Empty(t, p.ByType(tChart))
			require.NotNil(t, testkit.ExternalSecretsByTarget(t, p)["grafana-admin"])
			for _, r := range append(p.ByType(tRule), p.ByType(tServiceMonitor)...) {
				for _, d := range r.Dependencies {
					require.NotContains(t, d, "helm.sh", r.URN)
				}
			}
			var want, got []string
			for _, r := range full.Resources {
				if r.Type != tChart {
					want = append(want, r.URN)
				}
			}
			for _, r := range p.Resources {
				got = append(got, r.URN)
			}
			require.Equal(t, want, got, "everything but the charts is the same")
			for _, k := range []string{"prometheusUrl", "alertmanagerUrl", "grafanaUrl", "lokiUrl"} {
				require.Equal(t, testkit.Str(t, testkit.One(t, full, Type).Output(k)), testkit.Str(t, testkit.One(t, p, Type).Output(k)), k)
			}
		})
	}
}

// TestGrafanaAdminSecretStandalone checks the AWS-layer half: the password and the
// secret the ExternalSecret "grafana-admin" reads, under their own component.
func TestGrafanaAdminSecretStandalone(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		for _, protect := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/protect=%t", mode, protect), func(t *testing.T) {
				p, err := plan.Capture(func(ctx *pulumi.Context) error {
					s, err := NewGrafanaAdminSecret(ctx, "obs", &GrafanaAdminSecretArgs{
						NamePrefix: "platform-test", SecretsKmsKeyArn: pulumi.String(secretsKey), Protect: protect, Tags: baseArgs().Tags,
					})
					if err != nil {
						return err
					}
					ctx.Export("arn", s.Arn)
					ctx.Export("name", pulumi.String(s.Name))
					return nil
				}, plan.Options{Mode: mode, Config: map[string]string{"aws:region": "us-east-1"}})
				require.NoError(t, err)

				comp := testkit.One(t, p, GrafanaAdminSecretType)
				for typ, name := range map[string]string{tSecret: "obs-grafana-admin", "aws:secretsmanager/secretVersion:SecretVersion": "obs-grafana-admin",
					"random:index/randomPassword:RandomPassword": "obs-grafana-password"} {
					r := testkit.One(t, p, typ)
					require.Equal(t, comp.URN, r.Parent, typ)
					require.Equal(t, protect, r.Protect, typ)
					require.Equal(t, name, r.Name, typ)
				}
				pw := testkit.One(t, p, "random:index/randomPassword:RandomPassword")
				require.Equal(t, 32, testkit.Int(t, pw.Input("length")))
				require.False(t, pw.Input("special").AsBool())
				sec := testkit.One(t, p, tSecret)
				require.Equal(t, "platform-test/grafana-admin", testkit.Str(t, sec.Input("name")))
				require.Equal(t, secretsKey, testkit.Str(t, sec.Input("kmsKeyId")))
				require.Equal(t, 30, testkit.Int(t, sec.Input("recoveryWindowInDays")))
				require.Equal(t, "platform-test/grafana-admin", testkit.Str(t, p.Outputs.Get("name")))
				if mode == plan.Update {
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
		args *GrafanaAdminSecretArgs
		want []string
	}{
		{"nil args", nil, []string{"args are required"}},
		{"everything wrong", &GrafanaAdminSecretArgs{NamePrefix: "9lives", RecoveryWindowInDays: 45},
			[]string{`NamePrefix "9lives"`, "SecretsKmsKeyArn is required", `RecoveryWindowInDays "45"`, "Tags lacks"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := NewGrafanaAdminSecret(ctx, "g", tc.args)
				return err
			}, plan.Options{})
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
		})
	}
}
