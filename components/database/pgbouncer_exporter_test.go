package database

import (
	"strings"
	"testing"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"
)

// containerNamed returns the pod template's container called name.
func containerNamed(t *testing.T, d *plan.Resource, name string) property.Map {
	t.Helper()
	list := d.Input("spec.template.spec.containers")
	require.True(t, list.IsArray())
	for _, c := range list.AsArray().AsSlice() {
		if c.AsMap().Get("name").AsString() == name {
			return c.AsMap()
		}
	}
	require.Failf(t, "no container", "%s has no container %q", d.URN, name)
	return property.Map{}
}

func at(t *testing.T, m property.Map, path string) property.Value {
	t.Helper()
	v, _ := plan.Lookup(m, path)
	return v
}

// TestPgBouncerExporter: the observability PodMonitor scrapes the container port
// "metrics" of pods app.kubernetes.io/name=pgbouncer, and DatabaseConnectionFailures reads
// pgbouncer_up from it; the exporter must exist, be hardened, and log into the admin
// console as a stats user with the auth file's password.
func TestPgBouncerExporter(t *testing.T) {
	cases := []struct {
		name      string
		mode      plan.Mode
		pool      func(a *PgBouncerStandaloneArgs)
		statsUser string
		url       string
		image     string // "" means DefaultExporterImage
	}{
		{
			name: "defaults, update", mode: plan.Update, statsUser: "app",
			url: "postgres://app:$(PGBOUNCER_STATS_PASSWORD)@127.0.0.1:5432/pgbouncer?sslmode=disable",
		},
		{
			name: "defaults, preview", mode: plan.Preview, statsUser: "app",
			url: "postgres://app:$(PGBOUNCER_STATS_PASSWORD)@127.0.0.1:5432/pgbouncer?sslmode=disable",
		},
		{
			name: "another stats user; client TLS on the loopback too", mode: plan.Preview,
			pool: func(a *PgBouncerStandaloneArgs) {
				a.PgBouncer.StatsUser = "agents"
				a.PgBouncer.ClientTLSSecretName = "pgbouncer-tls"
			},
			statsUser: "agents",
			url:       "postgres://agents:$(PGBOUNCER_STATS_PASSWORD)@127.0.0.1:5432/pgbouncer?sslmode=require",
		},
		{
			name: "explicit stats user and image", mode: plan.Update,
			pool: func(a *PgBouncerStandaloneArgs) {
				a.PgBouncer.StatsUser = "pool_stats"
				a.PgBouncer.ExporterImage = "prometheuscommunity/pgbouncer-exporter:v0.11.1"
			},
			statsUser: "pool_stats",
			url:       "postgres://pool_stats:$(PGBOUNCER_STATS_PASSWORD)@127.0.0.1:5432/pgbouncer?sslmode=disable",
			image:     "prometheuscommunity/pgbouncer-exporter:v0.11.1",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := pool(t, tc.mode, tc.pool)
			d := testkit.One(t, p, tDeployment)
			require.Len(t, d.Input("spec.template.spec.containers").AsArray().AsSlice(), 2, "pgbouncer and the exporter")
			c := containerNamed(t, d, "exporter")

			t.Run("image pinned", func(t *testing.T) {
				want := tc.image
				if want == "" {
					want = DefaultExporterImage
				}
				require.Equal(t, want, at(t, c, "image").AsString())
				require.True(t, strings.HasPrefix(DefaultExporterImage, "prometheuscommunity/pgbouncer-exporter:v"))
			})
			t.Run("port metrics 9127, scraped by the PodMonitor", func(t *testing.T) {
				ports := at(t, c, "ports").AsArray().AsSlice()
				require.Len(t, ports, 1)
				require.Equal(t, "metrics", ports[0].AsMap().Get("name").AsString())
				require.Equal(t, 9127.0, ports[0].AsMap().Get("containerPort").AsNumber())
				require.Equal(t, "TCP", ports[0].AsMap().Get("protocol").AsString())
				require.Equal(t, []string{"--web.listen-address=:9127", "--web.telemetry-path=/metrics"}, testkit.Strs(t, at(t, c, "args")))
				require.Equal(t, "pgbouncer", testkit.Str(t, key(t, d.Input("spec.template.metadata.labels"), "app.kubernetes.io/name")),
					"the PodMonitor selects app.kubernetes.io/name=pgbouncer")
			})
			t.Run("restricted security context", func(t *testing.T) {
				require.False(t, at(t, c, "securityContext.allowPrivilegeEscalation").AsBool())
				require.False(t, at(t, c, "securityContext.privileged").AsBool())
				require.True(t, at(t, c, "securityContext.readOnlyRootFilesystem").AsBool())
				require.True(t, at(t, c, "securityContext.runAsNonRoot").AsBool())
				require.Equal(t, 65534, testkit.Int(t, at(t, c, "securityContext.runAsUser")))
				require.Equal(t, []string{"ALL"}, testkit.Strs(t, at(t, c, "securityContext.capabilities.drop")))
				require.Equal(t, "RuntimeDefault", testkit.Str(t, at(t, c, "securityContext.seccompProfile.type")))
			})
			t.Run("requests, limits and probes that do not touch PgBouncer", func(t *testing.T) {
				for k, want := range map[string]string{"requests.cpu": "10m", "requests.memory": "32Mi", "limits.cpu": "100m", "limits.memory": "64Mi"} {
					require.Equal(t, want, testkit.Str(t, at(t, c, "resources."+k)), k)
				}
				for _, probe := range []string{"readinessProbe", "livenessProbe"} {
					require.Equal(t, "/", testkit.Str(t, at(t, c, probe+".httpGet.path")), probe)
					require.Equal(t, 9127, testkit.Int(t, at(t, c, probe+".httpGet.port")), probe)
				}
			})
			t.Run("connection string from the auth Secret, never in the spec", func(t *testing.T) {
				env := at(t, c, "env").AsArray().AsSlice()
				require.Len(t, env, 2)
				pass := env[0].AsMap()
				require.Equal(t, "PGBOUNCER_STATS_PASSWORD", pass.Get("name").AsString())
				require.True(t, pass.Get("value").IsNull())
				require.Equal(t, "pgbouncer-auth", testkit.Str(t, at(t, pass, "valueFrom.secretKeyRef.name")))
				require.Equal(t, "stats-password", testkit.Str(t, at(t, pass, "valueFrom.secretKeyRef.key")))
				require.False(t, at(t, pass, "valueFrom.secretKeyRef.optional").AsBool())
				conn := env[1].AsMap()
				require.Equal(t, "PGBOUNCER_EXPORTER_CONNECTION_STRING", conn.Get("name").AsString(),
					"the envar of --pgBouncer.connectionString; after the password, so $(VAR) expands")
				require.Equal(t, tc.url, conn.Get("value").AsString())
				es := testkit.One(t, p, tExternal)
				require.Equal(t, "{{ .password | urlquery }}", testkit.Str(t, key(t, es.Input("spec.target.template.data"), "stats-password")))
				testkit.RequireNoLeaks(t, p)
			})
			t.Run("stats user in pgbouncer.ini, pool contract kept", func(t *testing.T) {
				ini := testkit.Str(t, key(t, testkit.One(t, p, tConfigMap).Input("data"), "pgbouncer.ini"))
				section := iniPgbouncer(ini)
				require.Equal(t, tc.statsUser, section["stats_users"])
				require.Equal(t, "20", section["default_pool_size"])
				require.Equal(t, "5", section["reserve_pool_size"])
				require.Equal(t, "extra_float_digits", section["ignore_startup_parameters"], "the exporter's driver sends it")
			})
			t.Run("pgbouncer stays the first container with its own port", func(t *testing.T) {
				pg := containerNamed(t, d, "pgbouncer")
				require.Equal(t, "postgres", at(t, pg, "ports[0].name").AsString())
				require.Equal(t, "pgbouncer", testkit.Str(t, d.Input("spec.template.spec.containers[0].name")))
			})
		})
	}
}

// iniPgbouncer parses the [pgbouncer] section as the budget policy does.
func iniPgbouncer(ini string) map[string]string {
	out := map[string]string{}
	in := false
	for _, line := range strings.Split(ini, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "["):
			in = line == "[pgbouncer]"
		case in && strings.Contains(line, "="):
			k, v, _ := strings.Cut(line, "=")
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}
