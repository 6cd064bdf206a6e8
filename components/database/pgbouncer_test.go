package database

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

func TestPgBouncer(t *testing.T) {
	p := pool(t, plan.Update, func(a *PgBouncerStandaloneArgs) { a.PgBouncer.Replicas = 3 })
	k8sProvider := p.ByType("pulumi:providers:kubernetes")
	require.Len(t, k8sProvider, 1)

	t.Run("every Kubernetes object uses the explicit provider", func(t *testing.T) {
		n := 0
		for _, r := range p.Resources {
			if strings.HasPrefix(r.Type, "kubernetes:") {
				n++
				require.True(t, strings.HasPrefix(r.Provider, k8sProvider[0].URN+"::"), "%s provider %q", r.URN, r.Provider)
			}
		}
		require.Equal(t, 6, n, "namespace, external secret, configmap, deployment, pdb, service")
	})

	t.Run("namespace enforces restricted", func(t *testing.T) {
		ns := p.ByType(tNamespace)[0]
		require.Equal(t, "data", testkit.Str(t, ns.Input("metadata.name")))
		labels := ns.Input("metadata.labels").AsMap()
		require.Equal(t, "restricted", labels.Get("pod-security.kubernetes.io/enforce").AsString())
	})

	t.Run("configmap carries the policy contract", func(t *testing.T) {
		cm := p.ByType(tConfigMap)[0]
		require.Equal(t, "pgbouncer", testkit.Str(t, cm.Input("metadata.name")))
		require.Equal(t, "data", testkit.Str(t, cm.Input("metadata.namespace")))
		ini := testkit.Str(t, key(t, cm.Input("data"), "pgbouncer.ini"))
		require.True(t, strings.Contains(ini, "\n[pgbouncer]\n"), ini)
		for _, want := range []string{"pool_mode = transaction", "default_pool_size = 20", "reserve_pool_size = 5",
			"max_db_connections = 25", "max_client_conn = 1000", "server_tls_sslmode = require", "auth_type = scram-sha-256",
			"auth_file = /etc/pgbouncer-auth/userlist.txt", "stats_users = app", "client_tls_sslmode = disable", "%include /etc/pgbouncer/databases.ini"} {
			require.Contains(t, ini, want)
		}
		require.NotContains(t, ini, "password")
		dbs := testkit.Str(t, key(t, cm.Input("data"), "databases.ini"))
		require.Equal(t, "[databases]\napp = host="+fixtureRdsAddress+" port=5432 dbname=app\n", dbs)
	})

	t.Run("external secret writes the auth file from Secrets Manager", func(t *testing.T) {
		es := p.ByType(tExternal)
		require.Len(t, es, 1)
		e := es[0]
		require.Equal(t, "pgbouncer-auth", testkit.Str(t, e.Input("metadata.name")))
		require.Equal(t, "aws-secrets-manager", testkit.Str(t, e.Input("spec.secretStoreRef.name")))
		require.Equal(t, "SecretStore", testkit.Str(t, e.Input("spec.secretStoreRef.kind")))
		require.Equal(t, "pgbouncer-auth", testkit.Str(t, e.Input("spec.target.name")))
		for i, prop := range []string{"username", "password"} {
			require.Equal(t, "platform-test/db-app", testkit.Str(t, e.Input("spec.data["+strconv.Itoa(i)+"].remoteRef.key")))
			require.Equal(t, prop, testkit.Str(t, e.Input("spec.data["+strconv.Itoa(i)+"].remoteRef.property")))
		}
		require.Contains(t, testkit.Str(t, key(t, e.Input("spec.target.template.data"), "userlist.txt")), `"{{ .username }}" "{{ .password }}"`)
		require.Equal(t, "{{ .password | urlquery }}", testkit.Str(t, key(t, e.Input("spec.target.template.data"), "stats-password")),
			"the exporter puts the password into a URL")
		require.Equal(t, 2, e.Input("spec.target.template.data").AsMap().Len())
	})

	t.Run("deployment", func(t *testing.T) {
		d := p.Named(tDeployment, "db-pgbouncer")
		require.NotNil(t, d)
		require.Equal(t, "pgbouncer", testkit.Str(t, d.Input("metadata.name")))
		require.Equal(t, "data", testkit.Str(t, d.Input("metadata.namespace")))
		require.Equal(t, 3, testkit.Int(t, d.Input("spec.replicas")))
		require.Equal(t, 0, testkit.Int(t, d.Input("spec.strategy.rollingUpdate.maxUnavailable")))
		require.Equal(t, "pgbouncer", testkit.Str(t, key(t, d.Input("spec.selector.matchLabels"), "app.kubernetes.io/name")))

		pod := "spec.template.spec."
		require.False(t, d.Input(pod+"automountServiceAccountToken").AsBool())
		require.True(t, d.Input(pod+"securityContext.runAsNonRoot").AsBool())
		require.Equal(t, 70, testkit.Int(t, d.Input(pod+"securityContext.runAsUser")))
		require.Equal(t, "RuntimeDefault", testkit.Str(t, d.Input(pod+"securityContext.seccompProfile.type")))
		require.Equal(t, "topology.kubernetes.io/zone", testkit.Str(t, d.Input(pod+"topologySpreadConstraints[0].topologyKey")))
		require.Equal(t, 1, testkit.Int(t, d.Input(pod+"topologySpreadConstraints[0].maxSkew")))
		require.NotEmpty(t, testkit.Str(t, key(t, d.Input("spec.template.metadata.annotations"), "platform.generic-corp.io/config-sha256")))

		c := pod + "containers[0]."
		image := testkit.Str(t, d.Input(c+"image"))
		require.Equal(t, DefaultPgBouncerImage, image)
		require.Regexp(t, regexp.MustCompile(`:[^:/]+$`), image)
		require.NotContains(t, image, ":latest")
		require.Equal(t, []string{"pgbouncer", "/etc/pgbouncer/pgbouncer.ini"}, testkit.Strs(t, d.Input(c+"command")))
		sc := c + "securityContext."
		require.False(t, d.Input(sc+"allowPrivilegeEscalation").AsBool())
		require.True(t, d.Input(sc+"readOnlyRootFilesystem").AsBool())
		require.True(t, d.Input(sc+"runAsNonRoot").AsBool())
		require.Equal(t, []string{"ALL"}, testkit.Strs(t, d.Input(sc+"capabilities.drop")))
		require.Equal(t, "RuntimeDefault", testkit.Str(t, d.Input(sc+"seccompProfile.type")))
		require.Equal(t, 5432, testkit.Int(t, d.Input(c+"readinessProbe.tcpSocket.port")))
		require.Equal(t, 5432, testkit.Int(t, d.Input(c+"livenessProbe.tcpSocket.port")))
		for _, k := range []string{"requests.cpu", "requests.memory", "limits.cpu", "limits.memory"} {
			require.NotEmpty(t, testkit.Str(t, d.Input(c+"resources."+k)), k)
		}
		var mounts []string
		for _, m := range d.Input(c + "volumeMounts").AsArray().AsSlice() {
			mounts = append(mounts, m.AsMap().Get("mountPath").AsString())
		}
		require.ElementsMatch(t, []string{"/etc/pgbouncer", "/etc/pgbouncer-auth", "/tmp", "/var/run/pgbouncer"}, mounts)
		require.Equal(t, "pgbouncer-auth", testkit.Str(t, d.Input(pod+"volumes[1].secret.secretName")))
		require.True(t, d.Input(pod+"volumes[2].emptyDir").IsMap())
	})

	t.Run("pdb and service", func(t *testing.T) {
		pdb := p.ByType(tPDB)[0]
		require.Equal(t, "pgbouncer", testkit.Str(t, pdb.Input("metadata.name")))
		require.Equal(t, 1, testkit.Int(t, pdb.Input("spec.minAvailable")))
		require.Equal(t, "pgbouncer", testkit.Str(t, key(t, pdb.Input("spec.selector.matchLabels"), "app.kubernetes.io/name")))

		svc := p.ByType(tService)[0]
		require.Equal(t, "pgbouncer", testkit.Str(t, svc.Input("metadata.name")))
		require.Equal(t, "ClusterIP", testkit.Str(t, svc.Input("spec.type")))
		require.Equal(t, 5432, testkit.Int(t, svc.Input("spec.ports[0].port")))
		require.Equal(t, "postgres", testkit.Str(t, svc.Input("spec.ports[0].targetPort")))
	})

	t.Run("budget counts the surge pod", func(t *testing.T) {
		comp := capture(t, plan.Update, func(a *PostgresArgs) { a.PgBouncer.Replicas = 3 }).ByType(Type)[0]
		require.Equal(t, 4, testkit.Int(t, comp.Output("budgetReplicas")))
	})
}

func TestPgBouncerPreviewAndTLS(t *testing.T) {
	bundle := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	p := pool(t, plan.Preview, func(a *PgBouncerStandaloneArgs) {
		a.PgBouncer.RdsCaBundle = bundle
		a.PgBouncer.ClientTLSSecretName = "pgbouncer-tls"
		a.PgBouncer.SecretStoreKind = "ClusterSecretStore"
		a.SkipNamespace = true
		a.Namespace = "db"
	})
	require.Empty(t, p.ByType(tNamespace))

	cm := p.ByType(tConfigMap)[0]
	ini := testkit.Str(t, key(t, cm.Input("data"), "pgbouncer.ini"))
	require.Contains(t, ini, "default_pool_size = 20", "the contract key is known in preview")
	require.Contains(t, ini, "server_tls_sslmode = verify-full")
	require.Contains(t, ini, "server_tls_ca_file = /etc/pgbouncer/rds-ca.pem")
	require.Contains(t, ini, "client_tls_sslmode = require")
	require.Equal(t, bundle, testkit.Str(t, key(t, cm.Input("data"), "rds-ca.pem")))

	require.Equal(t, "ClusterSecretStore", testkit.Str(t, p.ByType(tExternal)[0].Input("spec.secretStoreRef.kind")))
	d := p.ByType(tDeployment)[0]
	require.Equal(t, "db", testkit.Str(t, d.Input("metadata.namespace")))
	require.Equal(t, "pgbouncer-tls", testkit.Str(t, d.Input("spec.template.spec.volumes[4].secret.secretName")))

	testkit.RequireNoLeaks(t, p)

	// The AWS layer's side of the same pool.
	pg := capture(t, plan.Preview, func(a *PostgresArgs) {
		a.PgBouncer.ClientTLSSecretName = "pgbouncer-tls"
		a.Namespace = "db"
	})
	pooled := pg.Outputs.Get("databaseUrlPooled")
	require.True(t, pooled.Secret())
	require.Equal(t, "postgresql://app:"+testPassword+"@pgbouncer.db.svc.cluster.local:5432/app?sslmode=require", pooled.AsString(),
		"the pooled URL is known in preview: only the password and the service name")
	require.Equal(t, "pgbouncer.db.svc.cluster.local", testkit.Str(t, pg.ByType(Type)[0].Output("pooledHost")))
	testkit.RequireNoLeaks(t, pg)
}

func TestPgBouncerDependsOn(t *testing.T) {
	p := pool(t, plan.Preview, func(a *PgBouncerStandaloneArgs) {
		a.KubernetesDependsOn = []pulumi.Resource{a.KubernetesProvider}
	})
	prov := p.ByType("pulumi:providers:kubernetes")[0]
	require.Contains(t, p.ByType(tExternal)[0].Dependencies, prov.URN)
}

// key reads a map entry whose name contains dots (plan paths split on dots).
func key(t *testing.T, m property.Value, name string) property.Value {
	t.Helper()
	require.True(t, m.IsMap(), "want a map, got %#v", m)
	return m.AsMap().Get(name)
}
