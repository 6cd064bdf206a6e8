package observability

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

func TestObservabilityBothModes(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Update, plan.Preview} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, nil)

			t.Run("charts are pinned", func(t *testing.T) {
				require.Len(t, p.ByType(tChart), 3)
				for _, c := range []struct{ chart, version, repo, release string }{
					{"kube-prometheus-stack", "88.5.3", "https://prometheus-community.github.io/helm-charts", "kube-prometheus-stack"},
					{"loki", "18.11.0", "https://grafana-community.github.io/helm-charts", "loki"},
					{"alloy", "1.11.1", "https://grafana.github.io/helm-charts", "alloy"},
				} {
					r := chartNamed(t, p, c.chart)
					require.Equal(t, c.version, testkit.Str(t, r.Input("version")), c.chart)
					require.Equal(t, c.repo, testkit.Str(t, r.Input("repositoryOpts.repo")), c.chart)
					require.Equal(t, c.release, testkit.Str(t, r.Input("name")), c.chart)
					require.Equal(t, "monitoring", testkit.Str(t, r.Input("namespace")), c.chart)
				}
			})

			t.Run("prometheus: retention, storage, selects everything", func(t *testing.T) {
				kps := chartNamed(t, p, "kube-prometheus-stack")
				spec := "values.prometheus.prometheusSpec."
				require.Equal(t, "15d", testkit.Str(t, kps.Input(spec+"retention")))
				require.Equal(t, "42GB", testkit.Str(t, kps.Input(spec+"retentionSize")))
				require.Equal(t, 1, testkit.Int(t, kps.Input(spec+"replicas")))
				claim := spec + "storageSpec.volumeClaimTemplate.spec."
				require.Equal(t, "monitoring-gp3", testkit.Str(t, kps.Input(claim+"storageClassName")))
				require.Equal(t, "50Gi", testkit.Str(t, kps.Input(claim+"resources.requests.storage")))
				for _, flag := range []string{"ruleSelectorNilUsesHelmValues", "serviceMonitorSelectorNilUsesHelmValues",
					"podMonitorSelectorNilUsesHelmValues", "probeSelectorNilUsesHelmValues", "scrapeConfigSelectorNilUsesHelmValues"} {
					require.False(t, testkit.Bool(t, kps.Input(spec+flag)), flag)
				}
				require.Equal(t, "platform-test", testkit.Str(t, testkit.Key(t, kps.Input(spec+"externalLabels"), "cluster")))
			})

			t.Run("no hook-dependent parts", func(t *testing.T) {
				kps := chartNamed(t, p, "kube-prometheus-stack")
				require.False(t, testkit.Bool(t, kps.Input("values.prometheusOperator.admissionWebhooks.enabled")))
				require.False(t, testkit.Bool(t, kps.Input("values.prometheusOperator.tls.enabled")))
				require.Equal(t, "grafana-admin", testkit.Str(t, kps.Input("values.grafana.admin.existingSecret")))
				require.True(t, kps.Input("values.grafana.adminPassword").IsNull())
			})

			t.Run("alertmanager mounts the receivers secret", func(t *testing.T) {
				kps := chartNamed(t, p, "kube-prometheus-stack")
				require.Equal(t, []any{"alertmanager-receivers"}, testkit.PlainMarked(kps.Input("values.alertmanager.alertmanagerSpec.secrets")))
				require.Equal(t, "monitoring-gp3", testkit.Str(t, kps.Input("values.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName")))
			})

			t.Run("grafana reads loki", func(t *testing.T) {
				kps := chartNamed(t, p, "kube-prometheus-stack")
				ds := kps.Input("values.grafana.additionalDataSources[0]")
				require.Equal(t, "loki", testkit.Str(t, testkit.Key(t, ds, "type")))
				require.Equal(t, "http://loki.monitoring.svc.cluster.local:3100", testkit.Str(t, testkit.Key(t, ds, "url")))
			})

			t.Run("loki: monolithic on a volume, retention", func(t *testing.T) {
				loki := chartNamed(t, p, "loki")
				v := "values."
				require.Equal(t, "Monolithic", testkit.Str(t, loki.Input(v+"deploymentMode")))
				require.Equal(t, "filesystem", testkit.Str(t, loki.Input(v+"loki.storage.type")))
				require.False(t, testkit.Bool(t, loki.Input(v+"loki.auth_enabled")))
				require.Equal(t, "744h", testkit.Str(t, loki.Input(v+"loki.limits_config.retention_period")))
				require.True(t, testkit.Bool(t, loki.Input(v+"loki.compactor.retention_enabled")))
				require.Equal(t, "filesystem", testkit.Str(t, loki.Input(v+"loki.compactor.delete_request_store")))
				schema := v + "loki.schemaConfig.configs[0]."
				require.Equal(t, "2024-04-01", testkit.Str(t, loki.Input(schema+"from")))
				require.Equal(t, "tsdb", testkit.Str(t, loki.Input(schema+"store")))
				require.Equal(t, "v13", testkit.Str(t, loki.Input(schema+"schema")))
				require.Equal(t, "filesystem", testkit.Str(t, loki.Input(schema+"object_store")))
				require.Equal(t, 1, testkit.Int(t, loki.Input(v+"singleBinary.replicas")))
				require.Equal(t, "monitoring-gp3", testkit.Str(t, loki.Input(v+"singleBinary.persistence.storageClass")))
				require.Equal(t, "50Gi", testkit.Str(t, loki.Input(v+"singleBinary.persistence.size")))
				for _, target := range []string{"write", "read", "backend"} {
					require.Equal(t, 0, testkit.Int(t, loki.Input(v+target+".replicas")), target)
				}
				for _, off := range []string{"chunksCache", "resultsCache", "gateway", "lokiCanary", "test"} {
					require.False(t, testkit.Bool(t, loki.Input(v+off+".enabled")), off)
				}
			})

			t.Run("alloy ships pod logs to loki", func(t *testing.T) {
				alloy := chartNamed(t, p, "alloy")
				cfg := testkit.Str(t, alloy.Input("values.alloy.configMap.content"))
				require.Contains(t, cfg, `url = "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push"`)
				require.Contains(t, cfg, `replacement   = "/var/log/pods/*$1/*.log"`)
				require.Contains(t, cfg, `external_labels = { cluster = "platform-test" }`)
				require.True(t, testkit.Bool(t, alloy.Input("values.alloy.mounts.varlog")))
				require.False(t, testkit.Bool(t, alloy.Input("values.alloy.enableReporting")))
				require.Equal(t, "daemonset", testkit.Str(t, alloy.Input("values.controller.type")))
			})

			t.Run("rules and monitors wait for the operator's CRDs", func(t *testing.T) {
				kps := chartNamed(t, p, "kube-prometheus-stack")
				crs := append(append(p.ByType(tRule), p.ByType(tServiceMonitor)...), p.ByType(tPodMonitor)...)
				require.Len(t, crs, 6, "rule, api ServiceMonitor, 4 PodMonitors")
				for _, r := range crs {
					require.Contains(t, r.Dependencies, kps.URN, r.URN)
					require.Equal(t, "monitoring", testkit.Str(t, r.Input("metadata.namespace")), r.URN)
				}
			})

			t.Run("namespace allows node-exporter, warns baseline", func(t *testing.T) {
				labels := testkit.One(t, p, tNamespace).Input("metadata.labels")
				require.Equal(t, "privileged", testkit.Str(t, testkit.Key(t, labels, "pod-security.kubernetes.io/enforce")))
				require.Equal(t, "baseline", testkit.Str(t, testkit.Key(t, labels, "pod-security.kubernetes.io/warn")))
			})

			t.Run("every Kubernetes object uses the explicit provider", func(t *testing.T) {
				provider := testkit.One(t, p, tProvider)
				for _, r := range p.Resources {
					if strings.HasPrefix(r.Type, "kubernetes:") {
						require.True(t, strings.HasPrefix(r.Provider, provider.URN+"::"), "%s provider %q", r.URN, r.Provider)
					}
				}
			})
		})
	}
}

func TestAlertmanagerRouting(t *testing.T) {
	p := capture(t, plan.Update, nil)
	cfg := asMap(t, chartNamed(t, p, "kube-prometheus-stack").Input("values.alertmanager.config"))

	route := cfg["route"].(map[string]any)
	require.Equal(t, "null", route["receiver"], "unmatched alerts notify nobody")
	type hop struct {
		matcher, receiver string
		cont              bool
	}
	var got []hop
	for _, r := range route["routes"].([]any) {
		m := r.(map[string]any)
		cont, _ := m["continue"].(bool)
		got = append(got, hop{m["matchers"].([]any)[0].(string), m["receiver"].(string), cont})
	}
	require.Equal(t, []hop{
		{`alertname = "Watchdog"`, "null", false},
		{`alertname = "InfoInhibitor"`, "null", false},
		{`severity = "critical"`, "pagerduty", true},
		{`severity = "critical"`, "slack", false},
		{`severity = "warning"`, "slack", false},
		{`severity = "info"`, "null", false},
	}, got)

	receivers := map[string]map[string]any{}
	for _, r := range cfg["receivers"].([]any) {
		m := r.(map[string]any)
		receivers[m["name"].(string)] = m
	}
	require.Len(t, receivers, 3)
	pd := receivers["pagerduty"]["pagerduty_configs"].([]any)[0].(map[string]any)
	require.Equal(t, "/etc/alertmanager/secrets/alertmanager-receivers/pagerduty-routing-key", pd["routing_key_file"])
	require.Nil(t, pd["routing_key"], "never the key itself")
	require.Equal(t, true, pd["send_resolved"])
	slack := receivers["slack"]["slack_configs"].([]any)[0].(map[string]any)
	require.Equal(t, "/etc/alertmanager/secrets/alertmanager-receivers/slack-webhook-url", slack["api_url_file"])
	require.Nil(t, slack["api_url"])
	require.Equal(t, "#platform-alerts", slack["channel"])
	require.Contains(t, slack["text"], "{{ .Annotations.runbook_url }}")
	require.Len(t, receivers["null"], 1, "the null receiver has no integrations")

	inhibit := cfg["inhibit_rules"].([]any)
	first := inhibit[0].(map[string]any)
	require.Equal(t, []any{`severity = "critical"`}, first["source_matchers"])
	require.Equal(t, []any{`severity =~ "warning|info"`}, first["target_matchers"])

	t.Run("receiver credentials come from Secrets Manager", func(t *testing.T) {
		var es map[string]any
		for _, r := range p.ByType(tExternal) {
			if testkit.Str(t, r.Input("metadata.name")) == "alertmanager-receivers" {
				es = asMap(t, r.Input("spec"))
			}
		}
		require.NotNil(t, es)
		require.Equal(t, "alertmanager-receivers", es["target"].(map[string]any)["name"])
		require.Equal(t, map[string]any{"name": "aws-secrets-manager", "kind": "SecretStore"}, es["secretStoreRef"])
		refs := map[string]any{}
		for _, d := range es["data"].([]any) {
			m := d.(map[string]any)
			refs[m["secretKey"].(string)] = m["remoteRef"]
		}
		require.Equal(t, map[string]any{
			"pagerduty-routing-key": map[string]any{"key": "platform-test/pagerduty-routing-key", "property": "value"},
			"slack-webhook-url":     map[string]any{"key": "platform-test/slack-alerts-webhook", "property": "value"},
		}, refs)
	})
}

func TestMonitors(t *testing.T) {
	p := capture(t, plan.Update, func(a *ObservabilityArgs) {
		a.Api = ScrapeTarget{Namespace: "apps", Port: "web"}
	})
	byName := map[string]map[string]any{}
	kinds := map[string]string{}
	for _, r := range append(p.ByType(tServiceMonitor), p.ByType(tPodMonitor)...) {
		n := testkit.Str(t, r.Input("metadata.name"))
		byName[n] = asMap(t, r.Input("spec"))
		kinds[n] = testkit.Str(t, r.Input("kind"))
	}
	require.Equal(t, map[string]string{"api": "ServiceMonitor", "worker": "PodMonitor", "temporal-worker": "PodMonitor", "pgbouncer": "PodMonitor", "temporal": "PodMonitor"}, kinds)

	for _, tc := range []struct {
		name, namespace, port string
		selector              map[string]any
	}{
		{"api", "apps", "web", map[string]any{"app.kubernetes.io/name": "api"}},
		{"worker", "platform", "metrics", map[string]any{"app.kubernetes.io/name": "worker"}},
		{"pgbouncer", "data", "metrics", map[string]any{"app.kubernetes.io/name": "pgbouncer"}},
		{"temporal", "temporal", "metrics", map[string]any{"app.kubernetes.io/name": "temporal", "app.kubernetes.io/instance": "temporal"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := byName[tc.name]
			require.Equal(t, []any{tc.namespace}, spec["namespaceSelector"].(map[string]any)["matchNames"])
			require.Equal(t, tc.selector, spec["selector"].(map[string]any)["matchLabels"])
			endpoints := "podMetricsEndpoints"
			if tc.name == "api" {
				endpoints = "endpoints"
			}
			ep := spec[endpoints].([]any)[0].(map[string]any)
			require.Equal(t, tc.port, ep["port"])
			require.Equal(t, "/metrics", ep["path"])
			require.Equal(t, "30s", ep["interval"])
			job := ep["relabelings"].([]any)[0].(map[string]any)
			require.Equal(t, map[string]any{"action": "replace", "targetLabel": "job", "replacement": tc.name}, job)
		})
	}
}

func TestStorageClass(t *testing.T) {
	for _, protect := range []bool{false, true} {
		p := capture(t, plan.Update, func(a *ObservabilityArgs) {
			a.Protect = protect
			a.StorageKmsKeyArn = pulumi.String(dataKey)
		})
		var sc storagev1.StorageClass
		testkit.DecodeStrict(t, testkit.One(t, p, tStorageClass), &sc)
		require.Equal(t, "monitoring-gp3", sc.Name)
		require.Equal(t, "ebs.csi.aws.com", sc.Provisioner)
		require.Equal(t, map[string]string{"type": "gp3", "encrypted": "true", "csi.storage.k8s.io/fstype": "ext4", "kmsKeyId": dataKey}, sc.Parameters)
		require.Equal(t, "WaitForFirstConsumer", string(*sc.VolumeBindingMode))
		require.True(t, *sc.AllowVolumeExpansion)
		want := "Delete"
		if protect {
			want = "Retain"
		}
		require.Equal(t, want, string(*sc.ReclaimPolicy))
	}
}

// TestNoGeneratedSecretInKubernetes: Grafana's login reaches the cluster only through
// its ExternalSecret, never as a value Pulumi renders.
func TestNoGeneratedSecretInKubernetes(t *testing.T) {
	p := capture(t, plan.Update, nil)
	require.Empty(t, p.ByType(tSecret), "the AWS layer makes the Grafana login (NewGrafanaAdminSecret)")
	require.Equal(t, "platform-test/grafana-admin", GrafanaAdminSecretName("platform-test"))
	es := testkit.ExternalSecretsByTarget(t, p)["grafana-admin"]
	require.Equal(t, GrafanaAdminSecretName("platform-test"), testkit.Str(t, es.Input("spec.data[0].remoteRef.key")))
	for _, r := range p.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			raw, err := json.Marshal(testkit.PlainMarked(property.New(r.Inputs)))
			require.NoError(t, err)
			require.NotContains(t, string(raw), plan.FakeSecretPrefix, "%s carries a generated secret", r.URN)
		}
	}
}
