package temporal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	sqlPlugin     = "postgres12" // Temporal's PostgreSQL >= 12 plugin (lib/pq driver)
	schemaRoot    = "/etc/temporal/schema/postgresql/v12"
	psqlUID       = 70   // postgres user of the alpine postgres image
	temporalUID   = 1000 // temporal user of the server and admin-tools images
	caConfigMap   = "temporal-rds-ca"
	caKey         = "rds-ca.pem"
	caDir         = "/etc/temporal-rds-ca"
	schemaApp     = "temporal-schema"
	schemaRole    = "database-migration"
	jobDeadlineS  = 900
	jobBackoff    = 4
	schemaTmpSize = "16Mi"
)

// bootstrapSQL creates Temporal's role and both databases as the master user. Every
// statement is idempotent (existence checks with \gexec, ALTER and GRANT repeat
// harmlessly), so a re-run of the Job is always safe. The password travels as a psql
// variable from the environment, never inside the script text; the role's CONNECTION
// LIMIT is PoolConnections, so PostgreSQL enforces Temporal's share of the budget.
// GRANT <role> TO CURRENT_USER is needed on PostgreSQL 16, where creating a role no
// longer lets its creator SET ROLE to it, which CREATE DATABASE ... OWNER requires; the
// final REVOKE takes that membership back, so the master user (which the application
// also uses) keeps no access to Temporal's data. The
// role keeps CREATE ROLE's defaults (no superuser, createdb or createrole); restating
// them would need a superuser, which the RDS master user is not.
const bootstrapSQL = `SELECT format('CREATE ROLE %I LOGIN', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user')\gexec
ALTER ROLE :"user" WITH LOGIN CONNECTION LIMIT :conn_limit PASSWORD :'pw';
GRANT :"user" TO CURRENT_USER;
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'vdb', :'user') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'vdb')\gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"vdb" FROM PUBLIC;
REVOKE :"user" FROM CURRENT_USER;
`

// bootstrapScript runs bootstrapSQL with the variables taken from the environment.
func bootstrapScript() string {
	return `set -eu
psql -X -v ON_ERROR_STOP=1 -v user="$TEMPORAL_USER" -v pw="$TEMPORAL_PASSWORD" -v db="$TEMPORAL_DB" \
  -v vdb="$TEMPORAL_VISIBILITY_DB" -v conn_limit="$TEMPORAL_CONNECTION_LIMIT" <<'SQL'
` + bootstrapSQL + `SQL
`
}

// schemaScript is what the chart itself runs for a SQL store: setup-schema -v 0.0 only
// creates the version tables (CREATE TABLE IF NOT EXISTS) and leaves an existing version
// alone, and update-schema applies only the versioned steps newer than the recorded
// version. Together they are idempotent, so a re-run is a no-op and a newer admin-tools
// image upgrades the schema.
func schemaScript(dir string) string {
	return "temporal-sql-tool setup-schema -v 0.0 && temporal-sql-tool update-schema --schema-dir " + schemaRoot + "/" + dir + "/versioned"
}

// schemaJobName is "<release>-schema-<hash>": the hash covers everything in the Job that
// is known at construction, so a new image, database, TLS mode or connection limit gives
// the Job a new name and Pulumi creates a fresh Job (a Job's pod template is immutable).
// Changes only the RDS address carries are handled by DeleteBeforeReplace.
func schemaJobName(a TemporalArgs) string {
	key := strings.Join([]string{ChartVersion, a.AdminToolsImage, a.PsqlImage, a.DbUser, a.Database,
		a.VisibilityDatabase, a.AdminDatabase, strconv.Itoa(a.DbPort), sslMode(a), a.RdsCaBundle,
		strconv.Itoa(PoolConnections(a)), bootstrapScript()}, "\x00")
	sum := sha256.Sum256([]byte(key))
	return fmt.Sprintf("%s-schema-%s", a.ReleaseName, hex.EncodeToString(sum[:])[:10])
}

// sslMode is the libpq sslmode: RDS forces TLS; verification needs the CA bundle.
func sslMode(a TemporalArgs) string {
	if a.RdsCaBundle != "" {
		return "verify-full"
	}
	return "require"
}

func secretEnv(name, secret, key string) corev1.EnvVarArgs {
	return corev1.EnvVarArgs{Name: pulumi.String(name), ValueFrom: &corev1.EnvVarSourceArgs{
		SecretKeyRef: &corev1.SecretKeySelectorArgs{Name: pulumi.String(secret), Key: pulumi.String(key)},
	}}
}

func env(name string, value pulumi.StringInput) corev1.EnvVarArgs {
	return corev1.EnvVarArgs{Name: pulumi.String(name), Value: value}
}

// restricted is a container security context that passes Pod Security "restricted".
func restricted(uid int) *corev1.SecurityContextArgs {
	return &corev1.SecurityContextArgs{
		AllowPrivilegeEscalation: pulumi.Bool(false),
		ReadOnlyRootFilesystem:   pulumi.Bool(true),
		RunAsNonRoot:             pulumi.Bool(true),
		RunAsUser:                pulumi.Int(uid),
		RunAsGroup:               pulumi.Int(uid),
		Privileged:               pulumi.Bool(false),
		Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
		SeccompProfile:           &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
	}
}

// newSchemaJob creates Temporal's role and databases, then sets up or upgrades both
// schemas. It is a plain Job (not the chart's hook) so that it runs the same under any
// renderer, is seen by the policies, and finishes before the chart starts the server.
func newSchemaJob(ctx *pulumi.Context, name string, a TemporalArgs, ns pulumi.StringInput, host pulumi.StringOutput, opts ...pulumi.ResourceOption) (*batchv1.Job, error) {
	jobName := schemaJobName(a)
	resources := &corev1.ResourceRequirementsArgs{
		Requests: pulumi.StringMap{"cpu": pulumi.String("50m"), "memory": pulumi.String("64Mi")},
		Limits:   pulumi.StringMap{"cpu": pulumi.String("500m"), "memory": pulumi.String("256Mi")},
	}
	volumes := corev1.VolumeArray{corev1.VolumeArgs{Name: pulumi.String("tmp"),
		EmptyDir: &corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String(schemaTmpSize)}}}
	mounts := corev1.VolumeMountArray{corev1.VolumeMountArgs{Name: pulumi.String("tmp"), MountPath: pulumi.String("/tmp")}}
	if a.RdsCaBundle != "" {
		volumes = append(volumes, corev1.VolumeArgs{Name: pulumi.String("rds-ca"),
			ConfigMap: &corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String(caConfigMap)}})
		mounts = append(mounts, corev1.VolumeMountArgs{Name: pulumi.String("rds-ca"), MountPath: pulumi.String(caDir), ReadOnly: pulumi.Bool(true)})
	}

	psqlEnv := corev1.EnvVarArray{
		env("PGHOST", host),
		env("PGPORT", pulumi.String(strconv.Itoa(a.DbPort))),
		env("PGDATABASE", pulumi.String(a.AdminDatabase)),
		secretEnv("PGUSER", adminSecretName, usernameKey),
		secretEnv("PGPASSWORD", adminSecretName, passwordKey),
		env("PGSSLMODE", pulumi.String(sslMode(a))),
		env("PGCONNECT_TIMEOUT", pulumi.String("10")),
		env("TEMPORAL_USER", pulumi.String(a.DbUser)),
		secretEnv("TEMPORAL_PASSWORD", dbSecretName, passwordKey),
		env("TEMPORAL_DB", pulumi.String(a.Database)),
		env("TEMPORAL_VISIBILITY_DB", pulumi.String(a.VisibilityDatabase)),
		env("TEMPORAL_CONNECTION_LIMIT", pulumi.String(strconv.Itoa(PoolConnections(a)))),
	}
	if a.RdsCaBundle != "" {
		psqlEnv = append(psqlEnv, env("PGSSLROOTCERT", pulumi.String(caDir+"/"+caKey)))
	}
	sqlToolEnv := func(database string) corev1.EnvVarArray {
		e := corev1.EnvVarArray{
			env("SQL_PLUGIN", pulumi.String(sqlPlugin)),
			env("SQL_HOST", host),
			env("SQL_PORT", pulumi.String(strconv.Itoa(a.DbPort))),
			env("SQL_DATABASE", pulumi.String(database)),
			env("SQL_USER", pulumi.String(a.DbUser)),
			secretEnv("SQL_PASSWORD", dbSecretName, passwordKey),
			env("SQL_TLS", pulumi.String("true")),
			env("SQL_TLS_DISABLE_HOST_VERIFICATION", pulumi.String(strconv.FormatBool(a.RdsCaBundle == ""))),
		}
		if a.RdsCaBundle != "" {
			e = append(e, env("SQL_TLS_CA_FILE", pulumi.String(caDir+"/"+caKey)))
		}
		return e
	}
	container := func(cname, image string, uid int, script string, e corev1.EnvVarArray) corev1.ContainerArgs {
		return corev1.ContainerArgs{
			Name:            pulumi.String(cname),
			Image:           pulumi.String(image),
			ImagePullPolicy: pulumi.String("IfNotPresent"),
			Command:         pulumi.ToStringArray([]string{"sh", "-c", script}),
			Env:             e,
			Resources:       resources,
			SecurityContext: restricted(uid),
			VolumeMounts:    mounts,
		}
	}

	labels := a.Tags.Labels(schemaApp, schemaRole)
	return batchv1.NewJob(ctx, name, &batchv1.JobArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(jobName), Namespace: ns, Labels: labels},
		Spec: &batchv1.JobSpecArgs{
			BackoffLimit:          pulumi.Int(jobBackoff),
			ActiveDeadlineSeconds: pulumi.Int(jobDeadlineS),
			// No ttlSecondsAfterFinished: the finished Job stays, so Pulumi's state keeps
			// matching the cluster and an unchanged Job never runs again.
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels},
				Spec: &corev1.PodSpecArgs{
					RestartPolicy:                pulumi.String("Never"),
					AutomountServiceAccountToken: pulumi.Bool(false),
					EnableServiceLinks:           pulumi.Bool(false),
					SecurityContext: &corev1.PodSecurityContextArgs{
						RunAsNonRoot:   pulumi.Bool(true),
						SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
					},
					InitContainers: corev1.ContainerArray{
						container("create-databases", a.PsqlImage, psqlUID, bootstrapScript(), psqlEnv),
						container("schema-default", a.AdminToolsImage, temporalUID, schemaScript("temporal"), sqlToolEnv(a.Database)),
					},
					Containers: corev1.ContainerArray{
						container("schema-visibility", a.AdminToolsImage, temporalUID, schemaScript("visibility"), sqlToolEnv(a.VisibilityDatabase)),
					},
					Volumes: volumes,
				},
			},
		},
	}, append(opts, pulumi.DeleteBeforeReplace(true), pulumi.ReplaceOnChanges([]string{"spec"}))...)
}
