package temporal

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

func values(t *testing.T, p *plan.Plan) *plan.Resource {
	t.Helper()
	return testkit.One(t, p, tChart)
}

func TestTemporalBothModes(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Update, plan.Preview} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, nil)
			chart := values(t, p)

			t.Run("chart is pinned", func(t *testing.T) {
				require.Equal(t, "temporal", testkit.Str(t, chart.Input("chart")))
				require.Equal(t, "1.6.0", testkit.Str(t, chart.Input("version")))
				require.Equal(t, "https://go.temporal.io/helm-charts", testkit.Str(t, chart.Input("repositoryOpts.repo")))
				require.Equal(t, "temporal", testkit.Str(t, chart.Input("name")))
				require.Equal(t, "temporal", testkit.Str(t, chart.Input("namespace")))
			})

			t.Run("persistence on RDS through the postgres12 plugin", func(t *testing.T) {
				pers := "values.server.config.persistence."
				require.Equal(t, 512, testkit.Int(t, chart.Input(pers+"numHistoryShards")))
				require.Equal(t, "default", testkit.Str(t, chart.Input(pers+"defaultStore")))
				require.Equal(t, "visibility", testkit.Str(t, chart.Input(pers+"visibilityStore")))
				for store, db := range map[string]string{"default": "temporal", "visibility": "temporal_visibility"} {
					sql := pers + "datastores." + store + ".sql."
					require.Equal(t, "postgres12", testkit.Str(t, chart.Input(sql+"pluginName")), store)
					require.Equal(t, db, testkit.Str(t, chart.Input(sql+"databaseName")), store)
					require.Equal(t, "temporal", testkit.Str(t, chart.Input(sql+"user")), store)
					require.Equal(t, "tcp", testkit.Str(t, chart.Input(sql+"connectProtocol")), store)
					require.Equal(t, "temporal-db", testkit.Str(t, chart.Input(sql+"existingSecret")), store)
					require.Equal(t, "password", testkit.Str(t, chart.Input(sql+"secretKey")), store)
					require.False(t, testkit.Bool(t, chart.Input(sql+"createDatabase")), store)
					require.False(t, testkit.Bool(t, chart.Input(sql+"manageSchema")), store)
					require.True(t, testkit.Bool(t, chart.Input(sql+"tls.enabled")), store)
					require.False(t, testkit.Bool(t, chart.Input(sql+"tls.enableHostVerification")), store)
					require.True(t, chart.Input(sql+"password").IsNull(), "no password in values")
					addr := chart.Input(sql + "connectAddr")
					if mode == plan.Preview {
						require.True(t, addr.IsComputed(), "the RDS address is unknown in a preview")
					} else {
						rdsAddr := testkit.Str(t, testkit.One(t, p, tRDS).Output("address"))
						require.Equal(t, rdsAddr+":5432", testkit.Str(t, addr))
					}
				}
				require.Equal(t, 10, testkit.Int(t, chart.Input(pers+"datastores.default.sql.maxConns")))
				require.Equal(t, 5, testkit.Int(t, chart.Input(pers+"datastores.visibility.sql.maxConns")))
			})

			t.Run("schema hooks off, chart schema steps off", func(t *testing.T) {
				require.False(t, testkit.Bool(t, chart.Input("values.schema.useHelmHooks")))
				require.False(t, testkit.Bool(t, chart.Input("values.shims.dockerize")))
				require.False(t, testkit.Bool(t, chart.Input("values.admintools.enabled")))
			})

			t.Run("no keys chart 1.6.0 rejects", func(t *testing.T) {
				vals := chart.Input("values").AsMap()
				for _, k := range []string{"cassandra", "elasticsearch", "prometheus", "grafana", "mysql", "postgresql"} {
					_, ok := vals.GetOk(k)
					require.False(t, ok, "top-level %q fails the chart's deprecation check", k)
				}
				for _, path := range []string{"values.server.config.persistence.default", "values.server.config.persistence.visibility",
					"values.schema.setup", "values.schema.update", "values.schema.createDatabase", "values.server.internalFrontend"} {
					_, ok := plan.Lookup(chart.Inputs, path)
					require.False(t, ok, "%s is a removed key", path)
				}
			})

			t.Run("frontend internal only", func(t *testing.T) {
				require.Equal(t, "ClusterIP", testkit.Str(t, chart.Input("values.server.frontend.service.type")))
				require.False(t, testkit.Bool(t, chart.Input("values.server.frontend.ingress.enabled")))
				require.False(t, testkit.Bool(t, chart.Input("values.server.internal-frontend.enabled")))
				require.Equal(t, "ClusterIP", testkit.Str(t, chart.Input("values.web.service.type")))
			})

			t.Run("web UI behind an internal ALB", func(t *testing.T) {
				ing := "values.web.ingress."
				require.True(t, testkit.Bool(t, chart.Input(ing+"enabled")))
				require.Equal(t, "alb", testkit.Str(t, chart.Input(ing+"className")))
				ann := chart.Input(ing + "annotations")
				require.Equal(t, "internal", testkit.Str(t, testkit.Key(t, ann, "alb.ingress.kubernetes.io/scheme")))
				require.Equal(t, "ip", testkit.Str(t, testkit.Key(t, ann, "alb.ingress.kubernetes.io/target-type")))
				require.Equal(t, `[{"HTTP":80}]`, testkit.Str(t, testkit.Key(t, ann, "alb.ingress.kubernetes.io/listen-ports")))
				require.Contains(t, testkit.Str(t, testkit.Key(t, ann, "alb.ingress.kubernetes.io/tags")), "cost-center=cc-42")
				require.Equal(t, []any{"temporal.internal.example.com"}, testkit.PlainMarked(chart.Input(ing+"hosts")))
			})

			t.Run("server metrics on", func(t *testing.T) {
				prom := "values.server.config.metrics.prometheus."
				require.Equal(t, "0.0.0.0:9090", testkit.Str(t, chart.Input(prom+"listenAddress")))
				require.Equal(t, "histogram", testkit.Str(t, chart.Input(prom+"timerType")))
				require.True(t, testkit.Bool(t, chart.Input("values.server.metrics.annotations.enabled")))
				require.False(t, testkit.Bool(t, chart.Input("values.server.metrics.serviceMonitor.enabled")), "PodMonitor from observability scrapes")
			})

			t.Run("rollout surge matches the budget", func(t *testing.T) {
				s := "values.server.deploymentStrategy.rollingUpdate."
				require.Equal(t, 1, testkit.Int(t, chart.Input(s+"maxSurge")))
				require.Equal(t, 0, testkit.Int(t, chart.Input(s+"maxUnavailable")))
				require.Equal(t, 1, testkit.Int(t, chart.Input("values.server.replicaCount")))
			})

			t.Run("restricted security contexts on every chart pod", func(t *testing.T) {
				for _, path := range []string{"values.server.securityContext", "values.web.securityContext", "values.schema.securityContext"} {
					require.True(t, testkit.Bool(t, chart.Input(path+".runAsNonRoot")), path)
					require.Equal(t, "RuntimeDefault", testkit.Str(t, chart.Input(path+".seccompProfile.type")), path)
				}
				for _, svc := range []string{"frontend", "history", "matching", "worker"} {
					path := "values.server." + svc + ".containerSecurityContext."
					require.False(t, testkit.Bool(t, chart.Input(path+"allowPrivilegeEscalation")), svc)
					require.Equal(t, []any{"ALL"}, testkit.PlainMarked(chart.Input(path+"capabilities.drop")), svc)
				}
				require.Equal(t, 5000, testkit.Int(t, chart.Input("values.web.securityContext.runAsUser")), "the UI image's user")
			})

			t.Run("namespace enforces restricted", func(t *testing.T) {
				ns := testkit.One(t, p, tNamespace)
				require.Equal(t, "temporal", testkit.Str(t, ns.Input("metadata.name")))
				require.Equal(t, "restricted", testkit.Str(t, testkit.Key(t, ns.Input("metadata.labels"), "pod-security.kubernetes.io/enforce")))
			})

			t.Run("chart waits for the schema job", func(t *testing.T) {
				job := testkit.One(t, p, tJob)
				require.Contains(t, chart.Dependencies, job.URN)
				require.True(t, job.DeleteBeforeReplace)
				require.Contains(t, job.ReplaceOnChanges, "spec")
				require.True(t, strings.HasPrefix(testkit.Str(t, job.Input("metadata.name")), "temporal-schema-"), "known even in preview")
				host := job.Input("spec.template.spec.initContainers[0].env[0]")
				require.Equal(t, "PGHOST", testkit.Str(t, host.AsMap().Get("name")))
				require.Equal(t, mode == plan.Preview, host.AsMap().Get("value").IsComputed())
			})

			t.Run("every Kubernetes object uses the explicit provider", func(t *testing.T) {
				provider := testkit.One(t, p, tProvider)
				n := 0
				for _, r := range p.Resources {
					if strings.HasPrefix(r.Type, "kubernetes:") {
						n++
						require.True(t, strings.HasPrefix(r.Provider, provider.URN+"::"), "%s provider %q", r.URN, r.Provider)
					}
				}
				require.Equal(t, 5, n, "namespace, 2 external secrets, job, chart")
			})
		})
	}
}

func TestSchemaJob(t *testing.T) {
	p := capture(t, plan.Update, nil)
	var job batchv1.Job
	testkit.DecodeStrict(t, testkit.One(t, p, tJob), &job)
	spec := job.Spec.Template.Spec
	host := testkit.Str(t, testkit.One(t, p, tRDS).Output("address"))

	t.Run("job shape", func(t *testing.T) {
		require.Equal(t, "temporal", job.Namespace)
		require.Equal(t, corev1.RestartPolicyNever, spec.RestartPolicy)
		require.Nil(t, job.Spec.TTLSecondsAfterFinished, "kept, so an unchanged deploy never re-runs it")
		require.Equal(t, int32(4), *job.Spec.BackoffLimit)
		require.False(t, *spec.AutomountServiceAccountToken)
		names := []string{}
		for _, c := range spec.InitContainers {
			names = append(names, c.Name)
		}
		require.Equal(t, []string{"create-databases", "schema-default"}, names)
		require.Len(t, spec.Containers, 1)
		require.Equal(t, "schema-visibility", spec.Containers[0].Name)
	})

	envOf := func(c corev1.Container) map[string]corev1.EnvVar {
		out := map[string]corev1.EnvVar{}
		for _, e := range c.Env {
			out[e.Name] = e
		}
		return out
	}

	t.Run("bootstrap as master user, idempotent, password from secrets", func(t *testing.T) {
		c := spec.InitContainers[0]
		require.Equal(t, "postgres:16.10-alpine", c.Image)
		e := envOf(c)
		require.Equal(t, host, e["PGHOST"].Value)
		require.Equal(t, "postgres", e["PGDATABASE"].Value)
		require.Equal(t, "require", e["PGSSLMODE"].Value)
		require.Equal(t, "temporal-db-admin", e["PGUSER"].ValueFrom.SecretKeyRef.Name)
		require.Equal(t, "temporal-db-admin", e["PGPASSWORD"].ValueFrom.SecretKeyRef.Name)
		require.Equal(t, "temporal-db", e["TEMPORAL_PASSWORD"].ValueFrom.SecretKeyRef.Name)
		require.Equal(t, "121", e["TEMPORAL_CONNECTION_LIMIT"].Value)
		script := c.Command[2]
		for _, want := range []string{"ON_ERROR_STOP=1", "WHERE NOT EXISTS (SELECT FROM pg_roles", "WHERE NOT EXISTS (SELECT FROM pg_database",
			"CONNECTION LIMIT :conn_limit PASSWORD :'pw'", "GRANT :\"user\" TO CURRENT_USER", "REVOKE ALL ON DATABASE :\"vdb\" FROM PUBLIC", `\gexec`} {
			require.Contains(t, script, want)
		}
		require.True(t, strings.HasSuffix(script, "REVOKE :\"user\" FROM CURRENT_USER;\nSQL\n"), "the master user gives the membership back")
		require.NotContains(t, script, "SUPERUSER", "the RDS master user may not touch that attribute")
		require.Equal(t, 70, int(*c.SecurityContext.RunAsUser))
	})

	t.Run("schema tools: setup then update, per store", func(t *testing.T) {
		for c, dir := range map[*corev1.Container]string{&spec.InitContainers[1]: "temporal", &spec.Containers[0]: "visibility"} {
			require.Equal(t, "temporalio/admin-tools:1.31.2", c.Image)
			require.Equal(t, []string{"sh", "-c", "temporal-sql-tool setup-schema -v 0.0 && temporal-sql-tool update-schema --schema-dir /etc/temporal/schema/postgresql/v12/" + dir + "/versioned"}, c.Command)
			e := envOf(*c)
			require.Equal(t, "postgres12", e["SQL_PLUGIN"].Value)
			require.Equal(t, host, e["SQL_HOST"].Value)
			require.Equal(t, "5432", e["SQL_PORT"].Value)
			require.Equal(t, "temporal", e["SQL_USER"].Value)
			require.Equal(t, "true", e["SQL_TLS"].Value)
			require.Equal(t, "temporal-db", e["SQL_PASSWORD"].ValueFrom.SecretKeyRef.Name)
		}
		require.Equal(t, "temporal", envOf(spec.InitContainers[1])["SQL_DATABASE"].Value)
		require.Equal(t, "temporal_visibility", envOf(spec.Containers[0])["SQL_DATABASE"].Value)
	})

	t.Run("every container passes restricted", func(t *testing.T) {
		require.True(t, *spec.SecurityContext.RunAsNonRoot)
		for _, c := range append(slices.Clone(spec.InitContainers), spec.Containers...) {
			sc := c.SecurityContext
			require.False(t, *sc.AllowPrivilegeEscalation, c.Name)
			require.True(t, *sc.RunAsNonRoot, c.Name)
			require.True(t, *sc.ReadOnlyRootFilesystem, c.Name)
			require.Equal(t, []corev1.Capability{"ALL"}, sc.Capabilities.Drop, c.Name)
			require.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, sc.SeccompProfile.Type, c.Name)
			require.NotEmpty(t, c.Resources.Limits, c.Name)
		}
	})
}

func TestSchemaJobName(t *testing.T) {
	base := baseArgs().withDefaults()
	name := schemaJobName(base)
	require.Regexp(t, `^temporal-schema-[0-9a-f]{10}$`, name)
	for field, mutate := range map[string]func(*TemporalArgs){
		"admin-tools image": func(a *TemporalArgs) { a.AdminToolsImage = "temporalio/admin-tools:1.31.3" },
		"connection limit":  func(a *TemporalArgs) { a.Replicas = 2 },
		"database":          func(a *TemporalArgs) { a.Database = "temporal_main" },
		"TLS verification":  func(a *TemporalArgs) { a.RdsCaBundle = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n" },
	} {
		t.Run(field+" renames the job", func(t *testing.T) {
			a := base
			mutate(&a)
			require.NotEqual(t, name, schemaJobName(a))
		})
	}
	t.Run("unrelated settings keep the name", func(t *testing.T) {
		a := base
		a.WebReplicas, a.LogLevel, a.NumHistoryShards = 3, "warn", 1024
		require.Equal(t, name, schemaJobName(a))
	})
}

func TestSecrets(t *testing.T) {
	p := capture(t, plan.Update, nil)
	require.Equal(t, "platform-test/temporal-db", DbSecretName("platform-test"))
	require.Empty(t, p.ByType(tSecret), "the AWS layer makes the password secret (NewDbSecret)")

	es := p.ByType(tCustom)
	require.Len(t, es, 2)
	remote := map[string]string{}
	for _, e := range es {
		require.Equal(t, "SecretStore", testkit.Str(t, e.Input("spec.secretStoreRef.kind")))
		require.Equal(t, "aws-secrets-manager", testkit.Str(t, e.Input("spec.secretStoreRef.name")))
		remote[testkit.Str(t, e.Input("spec.target.name"))] = testkit.Str(t, e.Input("spec.data[1].remoteRef.key"))
		require.Equal(t, "password", testkit.Str(t, e.Input("spec.data[1].remoteRef.property")))
	}
	require.Equal(t, map[string]string{"temporal-db": "platform-test/temporal-db", "temporal-db-admin": "platform-test/db-app"}, remote)

	for _, r := range p.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			raw, err := json.Marshal(testkit.PlainMarked(property.New(r.Inputs)))
			require.NoError(t, err)
			require.NotContains(t, string(raw), plan.FakeSecretPrefix, "%s carries a generated secret", r.URN)
		}
	}
}

func TestRdsCaBundleVerifiesHost(t *testing.T) {
	pem := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	p := capture(t, plan.Update, func(a *TemporalArgs) { a.RdsCaBundle = pem })

	cm := testkit.One(t, p, tConfigMap)
	require.Equal(t, "temporal-rds-ca", testkit.Str(t, cm.Input("metadata.name")))
	require.Equal(t, pem, testkit.Str(t, testkit.Key(t, cm.Input("data"), "rds-ca.pem")))

	chart := values(t, p)
	sql := "values.server.config.persistence.datastores.default.sql.tls."
	require.True(t, testkit.Bool(t, chart.Input(sql+"enableHostVerification")))
	require.Equal(t, "/etc/temporal-rds-ca/rds-ca.pem", testkit.Str(t, chart.Input(sql+"caFile")))
	require.Equal(t, "temporal-rds-ca", testkit.Str(t, chart.Input("values.server.additionalVolumes[0].configMap.name")))

	var job batchv1.Job
	testkit.DecodeStrict(t, testkit.One(t, p, tJob), &job)
	env := map[string]string{}
	for _, e := range job.Spec.Template.Spec.InitContainers[0].Env {
		env[e.Name] = e.Value
	}
	require.Equal(t, "verify-full", env["PGSSLMODE"])
	require.Equal(t, "/etc/temporal-rds-ca/rds-ca.pem", env["PGSSLROOTCERT"])
	require.Contains(t, testkit.One(t, p, tJob).Dependencies, cm.URN)
}

func TestWebHTTPSAndCidrs(t *testing.T) {
	p := capture(t, plan.Update, func(a *TemporalArgs) {
		a.WebCertificateArn = pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/abc")
		a.WebAllowedCidrs = []string{"10.0.0.0/16", "172.16.0.0/12"}
		a.WebIngressGroup = "internal"
		a.Replicas, a.WebReplicas = 2, 2
	})
	chart := values(t, p)
	ann := chart.Input("values.web.ingress.annotations")
	require.Equal(t, `[{"HTTPS":443}]`, testkit.Str(t, testkit.Key(t, ann, "alb.ingress.kubernetes.io/listen-ports")))
	require.Equal(t, "arn:aws:acm:us-east-1:123456789012:certificate/abc", testkit.Str(t, testkit.Key(t, ann, "alb.ingress.kubernetes.io/certificate-arn")))
	require.Equal(t, "10.0.0.0/16,172.16.0.0/12", testkit.Str(t, testkit.Key(t, ann, "alb.ingress.kubernetes.io/inbound-cidrs")))
	require.Equal(t, "internal", testkit.Str(t, testkit.Key(t, ann, "alb.ingress.kubernetes.io/group.name")))
	require.Equal(t, "internal", testkit.Str(t, testkit.Key(t, ann, "alb.ingress.kubernetes.io/scheme")))
	for _, svc := range ServerServices {
		require.Equal(t, 1, testkit.Int(t, chart.Input("values.server."+svc+".podDisruptionBudget.maxUnavailable")), svc)
		// Chart 1.6.0 reads the spread per service: zones balanced, so one node's or
		// AZ's loss never takes every replica of a service.
		zone := chart.Input("values.server." + svc + ".topologySpreadConstraints[0]")
		require.Equal(t, "topology.kubernetes.io/zone", testkit.Str(t, zone.AsMap().Get("topologyKey")), svc)
		require.Equal(t, "DoNotSchedule", testkit.Str(t, zone.AsMap().Get("whenUnsatisfiable")), svc)
		labels := zone.AsMap().Get("labelSelector").AsMap().Get("matchLabels").AsMap()
		require.Equal(t, svc, testkit.Str(t, labels.Get("app.kubernetes.io/component")), svc)
	}
	require.Equal(t, 1, testkit.Int(t, chart.Input("values.web.podDisruptionBudget.maxUnavailable")))
}
