package database

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The metrics sidecar: prometheus-community pgbouncer_exporter. The observability
// PgBouncer PodMonitor scrapes the container port named exporterPortName; the alert
// rules read pgbouncer_up and the pool gauges from it.
const (
	exporterName     = "exporter"
	exporterPort     = 9127 // the exporter's default listen port
	exporterPortName = "metrics"
	exporterUID      = 65534 // "nobody", the image's USER
	// Env names: the exporter reads its connection string from
	// PGBOUNCER_EXPORTER_CONNECTION_STRING (the --pgBouncer.connectionString flag's
	// envar); the password variable is only there to be expanded into it.
	exporterConnEnv     = "PGBOUNCER_EXPORTER_CONNECTION_STRING"
	exporterPasswordEnv = "PGBOUNCER_STATS_PASSWORD"

	exporterCPURequest    = "10m"
	exporterMemoryRequest = "32Mi"
	exporterCPULimit      = "100m"
	exporterMemoryLimit   = "64Mi"
)

// exporterConnectionString is the exporter's URL of the pod-local admin console. The
// password is a $(VAR) reference that the kubelet expands from the env variable defined
// before it, so it never appears in the pod spec or the process arguments. TLS: when
// PgBouncer requires client TLS, the loopback hop must use it too.
func exporterConnectionString(b PgBouncerArgs) string {
	sslmode := "disable"
	if b.ClientTLSSecretName != "" {
		sslmode = "require"
	}
	// 127.0.0.1, not localhost: listen_addr is IPv4 only.
	return fmt.Sprintf("postgres://%s:$(%s)@127.0.0.1:%d/pgbouncer?sslmode=%s",
		b.StatsUser, exporterPasswordEnv, postgresPort, sslmode)
}

// exporterContainer is the sidecar. Its probes call the exporter's own landing page,
// which does not touch PgBouncer: a PgBouncer outage shows up as pgbouncer_up 0 (and
// in PgBouncer's own probes), not as exporter restarts, and the sidecar's readiness
// cannot take a healthy PgBouncer out of the Service.
func exporterContainer(b PgBouncerArgs, seccomp *corev1.SeccompProfileArgs) corev1.ContainerArgs {
	probe := func(initialDelay, period int) *corev1.ProbeArgs {
		return &corev1.ProbeArgs{
			HttpGet: &corev1.HTTPGetActionArgs{
				Path: pulumi.String("/"), Port: pulumi.Int(exporterPort), Scheme: pulumi.String("HTTP"),
			},
			InitialDelaySeconds: pulumi.Int(initialDelay),
			PeriodSeconds:       pulumi.Int(period),
			TimeoutSeconds:      pulumi.Int(3),
			FailureThreshold:    pulumi.Int(3),
		}
	}
	return corev1.ContainerArgs{
		Name:  pulumi.String(exporterName),
		Image: pulumi.String(b.ExporterImage),
		Args: pulumi.ToStringArray([]string{
			fmt.Sprintf("--web.listen-address=:%d", exporterPort),
			"--web.telemetry-path=/metrics",
		}),
		Env: corev1.EnvVarArray{
			corev1.EnvVarArgs{
				Name: pulumi.String(exporterPasswordEnv),
				ValueFrom: &corev1.EnvVarSourceArgs{SecretKeyRef: &corev1.SecretKeySelectorArgs{
					Name: pulumi.String(authSecretName), Key: pulumi.String(statsPassKey), Optional: pulumi.Bool(false),
				}},
			},
			// Must come after exporterPasswordEnv: $(VAR) expands only earlier variables.
			corev1.EnvVarArgs{Name: pulumi.String(exporterConnEnv), Value: pulumi.String(exporterConnectionString(b))},
		},
		Ports: corev1.ContainerPortArray{corev1.ContainerPortArgs{
			Name: pulumi.String(exporterPortName), ContainerPort: pulumi.Int(exporterPort), Protocol: pulumi.String("TCP"),
		}},
		ReadinessProbe: probe(5, 10),
		LivenessProbe:  probe(15, 20),
		Resources: &corev1.ResourceRequirementsArgs{
			Requests: pulumi.StringMap{"cpu": pulumi.String(exporterCPURequest), "memory": pulumi.String(exporterMemoryRequest)},
			Limits:   pulumi.StringMap{"cpu": pulumi.String(exporterCPULimit), "memory": pulumi.String(exporterMemoryLimit)},
		},
		SecurityContext: &corev1.SecurityContextArgs{
			AllowPrivilegeEscalation: pulumi.Bool(false),
			ReadOnlyRootFilesystem:   pulumi.Bool(true),
			RunAsNonRoot:             pulumi.Bool(true),
			RunAsUser:                pulumi.Int(exporterUID),
			RunAsGroup:               pulumi.Int(exporterUID),
			Privileged:               pulumi.Bool(false),
			Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
			SeccompProfile:           seccomp,
		},
		TerminationMessagePolicy: pulumi.String("FallbackToLogsOnError"),
	}
}
