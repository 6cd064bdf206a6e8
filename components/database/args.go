package database

import (
	"github.com/generic-corp/platform/internal/connbudget"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults, exported so the stack config and the docs can quote them. Applied in
// PostgresArgs.withDefaults and nowhere else.
const (
	DefaultInstanceClass          = "db.t4g.medium"
	DefaultEngineVersion          = "16"
	DefaultAllocatedStorageGiB    = 50
	DefaultMaxAllocatedStorageGiB = 500
	DefaultDbName                 = "app"
	DefaultUsername               = "app"
	DefaultBackupRetentionDays    = 7
	DefaultBackupWindow           = "03:00-04:00"
	DefaultMaintenanceWindow      = "sun:04:30-sun:05:30"
	DefaultLogRetentionDays       = 30
	DefaultOtherClients           = connbudget.DefaultOtherClients
	DefaultConnectionMargin       = connbudget.DefaultMargin
	DefaultNamespace              = "data"

	DefaultPgBouncerReplicas        = 2
	DefaultPgBouncerDefaultPoolSize = 20
	DefaultPgBouncerReservePoolSize = 5
	DefaultPgBouncerMaxClientConn   = 1000
	DefaultPgBouncerImage           = "edoburu/pgbouncer:v1.24.1-p0"
	DefaultSecretStoreName          = "aws-secrets-manager"
	DefaultSecretStoreKind          = "SecretStore"
	DefaultPgBouncerCPURequest      = "100m"
	DefaultPgBouncerMemoryRequest   = "64Mi"
	DefaultPgBouncerCPULimit        = "1"
	DefaultPgBouncerMemoryLimit     = "256Mi"
	// DefaultExporterImage is the prometheus-community pgbouncer_exporter (Docker Hub
	// prometheuscommunity/pgbouncer-exporter), pinned; it runs as "nobody".
	DefaultExporterImage = "prometheuscommunity/pgbouncer-exporter:v0.12.1"
)

// PostgresArgs configure the RDS PostgreSQL instance and describe its PgBouncer pool.
type PostgresArgs struct {
	// NamePrefix starts every physical name, e.g. "platform-prod" gives the instance
	// identifier "platform-prod-postgres". Required; lower-case words joined by single hyphens, starting with a letter, at most 40 characters (argcheck.NamePrefix).
	NamePrefix string
	// InstanceClass is the RDS class. Default "db.t4g.medium". Must be a class of
	// internal/instanceclass (max_connections derives from its memory) on which RDS for
	// PostgreSQL runs Performance Insights (always on).
	InstanceClass string
	// EngineVersion is the PostgreSQL major version. Default and only value "16": automatic
	// minor upgrades are always on, and the provider keeps a configured version only while
	// it is a prefix of the running one. A pinned minor ("16.6") becomes drift the day RDS
	// upgrades the instance: the next run asks for a downgrade, which RDS refuses, and a
	// restore from a newer snapshot fails the same way. A major upgrade is its own change
	// (parameter family postgres16).
	EngineVersion string
	// AllocatedStorageGiB is the initial gp3 storage, in GiB. Default 50; 20..65536.
	AllocatedStorageGiB int
	// MaxAllocatedStorageGiB is the storage-autoscaling ceiling, in GiB. Default 500;
	// must be greater than AllocatedStorageGiB.
	MaxAllocatedStorageGiB int
	// DbName is the database created on the instance. Default "app".
	DbName string
	// Username is the master user, which the application uses. Default "app"
	// (secrets.DefaultDbUsername).
	Username string
	// Password is the master password, a secret from the secrets component. Required.
	// We pass it rather than using manageMasterUserPassword because PgBouncer's auth file
	// and DatabaseURL need the value we own, and RDS-managed rotation would change it
	// behind their back.
	Password pulumi.StringInput
	// KmsKeyArn is the customer-managed key for storage and Performance Insights
	// (secrets.DataKeyArn). Required. A restore from a snapshot uses it for Performance
	// Insights only: the restored storage keeps the snapshot's key.
	KmsKeyArn pulumi.StringInput
	// DataSubnetIds are the private data-tier subnets (two or more AZs). Required.
	DataSubnetIds pulumi.StringArrayInput
	// VpcId is the VPC of the subnets. Required.
	VpcId pulumi.StringInput
	// AllowedSecurityGroupIds are the only sources allowed to reach 5432 (EKS nodes or
	// pods). At least one. A concrete array, not an output: each id becomes its own
	// ingress rule resource, so the count must be known when the program runs (the ids
	// themselves may be unknown). Reordering replaces the rules.
	AllowedSecurityGroupIds pulumi.StringArray
	// BackupRetentionDays is the automated-backup retention, in days. Default 7; 1..35
	// (30 in prod).
	BackupRetentionDays int
	// BackupWindow is the daily backup window, UTC "hh24:mi-hh24:mi". Default "03:00-04:00".
	BackupWindow string
	// MaintenanceWindow is the weekly window, UTC "ddd:hh24:mi-ddd:hh24:mi". Default
	// "sun:04:30-sun:05:30" (after the backup window).
	MaintenanceWindow string
	// MultiAz runs a synchronous standby in a second AZ (true in prod).
	MultiAz bool
	// DeletionProtection makes RDS refuse to delete the instance (true in prod).
	DeletionProtection bool
	// Protect adds pulumi.Protect to the instances (true in prod).
	Protect bool
	// ReadReplica adds one same-class, same-region read replica.
	ReadReplica bool
	// RestoreSnapshotIdentifier creates the instance from this DB snapshot (identifier or
	// ARN) instead of empty. Keep it set for the life of the restored instance: clearing it
	// would replace the instance.
	RestoreSnapshotIdentifier string
	// RestorePointInTime creates the instance from another instance's automated backups.
	// At most one of RestoreSnapshotIdentifier and RestorePointInTime.
	RestorePointInTime *RestorePointInTimeArgs
	// LogsKmsKeyArn, when set, pre-creates the RDS log-export groups
	// (/aws/rds/instance/<id>/postgresql and /upgrade) encrypted with this key
	// (secrets.LogsKeyArn) and with LogRetentionDays; otherwise RDS creates them
	// unencrypted with no expiry.
	LogsKmsKeyArn pulumi.StringInput
	// LogRetentionDays is the retention of those log groups, in days. Default 30.
	LogRetentionDays int
	// OtherClients counts server connections that bypass PgBouncer (Temporal's pools,
	// migrations, psql), for the connection budget. Default 50.
	OtherClients int
	// ConnectionMargin is kept free of the budget: superuser_reserved_connections (3),
	// rds.rds_superuser_reserved_connections (2) and admin headroom. Default 15.
	ConnectionMargin int
	// PgBouncer describes the pool NewPgBouncer runs on the cluster (the in-cluster
	// layer, given Address): the connection budget is checked against it and
	// DatabaseURLPooled follows its ClientTLSSecretName. Pass the same PgBouncer args and
	// Namespace to both.
	PgBouncer PgBouncerArgs
	// Namespace holds PgBouncer; PooledHost is PgBouncerHost(Namespace). Default "data".
	Namespace string
	// Tags is the stack tag set; must carry tags.Required.
	Tags tags.Set
}

// RestorePointInTimeArgs select the source and the moment of a point-in-time restore.
type RestorePointInTimeArgs struct {
	// SourceDbInstanceIdentifier is the source instance (same region). Exactly one of it
	// and SourceDbInstanceAutomatedBackupsArn.
	SourceDbInstanceIdentifier string
	// SourceDbInstanceAutomatedBackupsArn is replicated automated backups (e.g. in the DR
	// region) to restore from.
	SourceDbInstanceAutomatedBackupsArn string
	// RestoreTime is the moment, RFC 3339 UTC ("2025-01-02T03:04:05Z"). Exactly one of it
	// and UseLatestRestorableTime.
	RestoreTime string
	// UseLatestRestorableTime restores to the latest restorable time.
	UseLatestRestorableTime bool
}

// PgBouncerArgs configure the PgBouncer Deployment.
type PgBouncerArgs struct {
	// Replicas is the number of pods. Default 2; at least 2 (one per AZ survives a drain).
	Replicas int
	// DefaultPoolSize is default_pool_size: server connections per pod. Default 20.
	DefaultPoolSize int
	// ReservePoolSize is reserve_pool_size: extra server connections per pod under load.
	// Default 5. Set ReservePoolSizeZero to use 0.
	ReservePoolSize int
	// ReservePoolSizeZero makes ReservePoolSize 0 explicit (0 alone means the default).
	ReservePoolSizeZero bool
	// MaxClientConn is max_client_conn: client connections per pod. Default 1000.
	MaxClientConn int
	// Image is the pinned third-party image, a full reference with a version tag, never
	// :latest. Default "edoburu/pgbouncer:v1.24.1-p0" (PgBouncer 1.24.1, runs as uid 70;
	// we start the binary directly with our own pgbouncer.ini, bypassing the image's
	// env-driven entrypoint). PgBouncer >= 1.21 is needed (max_prepared_statements).
	Image string
	// RdsCaBundle is the PEM of the RDS CA bundle
	// (https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem). When set,
	// PgBouncer verifies the server (server_tls_sslmode verify-full against
	// server_tls_ca_file); otherwise it only requires TLS (require), because the bundle
	// is not in the image's trust store and cannot be fetched offline.
	RdsCaBundle string
	// ClientTLSSecretName is a kubernetes.io/tls Secret in Namespace for client-side TLS.
	// When set, clients must use TLS and DatabaseURLPooled says sslmode=require; otherwise
	// the in-cluster hop is plaintext and the URL says sslmode=disable (honest, rather
	// than a require that PgBouncer could not honour).
	ClientTLSSecretName string
	// SecretStoreName is the External Secrets store that reads Secrets Manager. Default
	// "aws-secrets-manager".
	SecretStoreName string
	// SecretStoreKind is "SecretStore" (in Namespace) or "ClusterSecretStore". Default
	// "SecretStore".
	SecretStoreKind string
	// CPURequest, MemoryRequest, CPULimit, MemoryLimit are the container resources.
	// Defaults "100m", "64Mi", "1", "256Mi".
	CPURequest, MemoryRequest, CPULimit, MemoryLimit string
	// StatsUser is the user the metrics exporter sidecar logs into PgBouncer's admin
	// console ("pgbouncer" database) as; pgbouncer.ini lists it in stats_users (SHOW
	// commands only). It must be the user of the auth file, i.e. the application user
	// in DbSecretName, because the exporter reads that user's password from the
	// pgbouncer-auth Secret. Default: PostgresArgs.Username, or "app"
	// (secrets.DefaultDbUsername) for NewPgBouncer.
	StatsUser string
	// ExporterImage is the pinned prometheus-community pgbouncer_exporter image of the
	// sidecar serving /metrics on port 9127 (container port "metrics", scraped by the
	// observability PgBouncer PodMonitor). Default
	// "prometheuscommunity/pgbouncer-exporter:v0.12.1"; never :latest.
	ExporterImage string
}

// withDefaults returns a copy with every documented default applied.
func (a PostgresArgs) withDefaults() PostgresArgs {
	setS := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	setI := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	setS(&a.InstanceClass, DefaultInstanceClass)
	setS(&a.EngineVersion, DefaultEngineVersion)
	setI(&a.AllocatedStorageGiB, DefaultAllocatedStorageGiB)
	setI(&a.MaxAllocatedStorageGiB, DefaultMaxAllocatedStorageGiB)
	setS(&a.DbName, DefaultDbName)
	setS(&a.Username, DefaultUsername)
	setI(&a.BackupRetentionDays, DefaultBackupRetentionDays)
	setS(&a.BackupWindow, DefaultBackupWindow)
	setS(&a.MaintenanceWindow, DefaultMaintenanceWindow)
	setI(&a.LogRetentionDays, DefaultLogRetentionDays)
	setI(&a.OtherClients, DefaultOtherClients)
	setI(&a.ConnectionMargin, DefaultConnectionMargin)
	setS(&a.Namespace, DefaultNamespace)
	// The auth file holds the application user, who is the master user here.
	setS(&a.PgBouncer.StatsUser, a.Username)

	a.PgBouncer = a.PgBouncer.withDefaults()
	return a
}

// withDefaults returns a copy with the PgBouncer defaults applied; PostgresArgs and
// PgBouncerStandaloneArgs both take them from here.
func (b PgBouncerArgs) withDefaults() PgBouncerArgs {
	setS := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	setI := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	setI(&b.Replicas, DefaultPgBouncerReplicas)
	setI(&b.DefaultPoolSize, DefaultPgBouncerDefaultPoolSize)
	if !b.ReservePoolSizeZero {
		setI(&b.ReservePoolSize, DefaultPgBouncerReservePoolSize)
	}
	setI(&b.MaxClientConn, DefaultPgBouncerMaxClientConn)
	setS(&b.Image, DefaultPgBouncerImage)
	setS(&b.SecretStoreName, DefaultSecretStoreName)
	setS(&b.SecretStoreKind, DefaultSecretStoreKind)
	setS(&b.CPURequest, DefaultPgBouncerCPURequest)
	setS(&b.MemoryRequest, DefaultPgBouncerMemoryRequest)
	setS(&b.CPULimit, DefaultPgBouncerCPULimit)
	setS(&b.MemoryLimit, DefaultPgBouncerMemoryLimit)
	setS(&b.StatsUser, DefaultUsername)
	setS(&b.ExporterImage, DefaultExporterImage)
	return b
}
