package database

import (
	"testing"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

func TestPostgresValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *PostgresArgs)
		want   []string
	}{
		{"unknown class", func(a *PostgresArgs) { a.InstanceClass = "db.x9.huge" }, []string{"InstanceClass", "db.x9.huge", "supported"}},
		// RDS for PostgreSQL runs Performance Insights on db.t4g.micro (internal/instanceclass),
		// but its 101 connections do not hold the default pool.
		{"micro breaks the default budget", func(a *PostgresArgs) { a.InstanceClass = "db.t4g.micro" },
			[]string{"PgBouncer/InstanceClass db.t4g.micro", "max_connections 101 - margin 15 = 86"}},
		{"wrong major", func(a *PostgresArgs) { a.EngineVersion = "15.4" }, []string{"EngineVersion", "15.4", `want "16"`}},
		{"pinned minor under automatic minor upgrades", func(a *PostgresArgs) { a.EngineVersion = "16.6" }, []string{"EngineVersion", "16.6", "refused downgrade"}},
		{"tiny storage", func(a *PostgresArgs) { a.AllocatedStorageGiB = 5 }, []string{"AllocatedStorageGiB", `"5"`, "20..65536"}},
		{"ceiling below size", func(a *PostgresArgs) { a.AllocatedStorageGiB = 100; a.MaxAllocatedStorageGiB = 100 },
			[]string{"MaxAllocatedStorageGiB", "more than AllocatedStorageGiB (100)"}},
		{"reserved user", func(a *PostgresArgs) { a.Username = "rdsadmin" }, []string{"Username", "rdsadmin"}},
		{"no password", func(a *PostgresArgs) { a.Password = nil }, []string{"Password is required"}},
		{"no key", func(a *PostgresArgs) { a.KmsKeyArn = nil }, []string{"KmsKeyArn is required"}},
		{"no sources", func(a *PostgresArgs) { a.AllowedSecurityGroupIds = nil }, []string{"AllowedSecurityGroupIds is required", "no CIDR"}},
		{"backups off", func(a *PostgresArgs) { a.BackupRetentionDays = 40 }, []string{"BackupRetentionDays", "40", "1..35"}},
		{"bad window", func(a *PostgresArgs) { a.BackupWindow = "3am" }, []string{"BackupWindow", "3am"}},
		{"bad maintenance", func(a *PostgresArgs) { a.MaintenanceWindow = "sunday" }, []string{"MaintenanceWindow", "sunday"}},
		{"bad log retention", func(a *PostgresArgs) { a.LogRetentionDays = 10 }, []string{"LogRetentionDays", `"10"`}},
		{"two restore sources", func(a *PostgresArgs) {
			a.RestoreSnapshotIdentifier = "snap"
			a.RestorePointInTime = &RestorePointInTimeArgs{SourceDbInstanceIdentifier: "x", UseLatestRestorableTime: true}
		}, []string{"RestoreSnapshotIdentifier and RestorePointInTime", "at most one"}},
		{"pitr without source", func(a *PostgresArgs) {
			a.RestorePointInTime = &RestorePointInTimeArgs{UseLatestRestorableTime: true}
		}, []string{"SourceDbInstanceIdentifier", "SourceDbInstanceAutomatedBackupsArn"}},
		{"pitr with both times", func(a *PostgresArgs) {
			a.RestorePointInTime = &RestorePointInTimeArgs{SourceDbInstanceIdentifier: "x", RestoreTime: "2025-01-02T03:04:05Z", UseLatestRestorableTime: true}
		}, []string{"exactly one of RestoreTime"}},
		{"pitr local time", func(a *PostgresArgs) {
			a.RestorePointInTime = &RestorePointInTimeArgs{SourceDbInstanceIdentifier: "x", RestoreTime: "2025-01-02 03:04"}
		}, []string{"RestoreTime", "RFC 3339 UTC"}},
		{"one pgbouncer", func(a *PostgresArgs) { a.PgBouncer.Replicas = 1 }, []string{"PgBouncer.Replicas", `"1"`, "at least 2"}},
		{"latest image", func(a *PostgresArgs) { a.PgBouncer.Image = "edoburu/pgbouncer:latest" }, []string{"PgBouncer.Image", ":latest"}},
		{"untagged image", func(a *PostgresArgs) { a.PgBouncer.Image = "edoburu/pgbouncer" }, []string{"PgBouncer.Image", "version tag"}},
		{"latest exporter", func(a *PostgresArgs) { a.PgBouncer.ExporterImage = "prometheuscommunity/pgbouncer-exporter:latest" },
			[]string{"PgBouncer.ExporterImage", ":latest"}},
		{"untagged exporter", func(a *PostgresArgs) { a.PgBouncer.ExporterImage = "prometheuscommunity/pgbouncer-exporter" },
			[]string{"PgBouncer.ExporterImage", "version tag"}},
		{"stats user not an identifier", func(a *PostgresArgs) { a.PgBouncer.StatsUser = "app@x" },
			[]string{"PgBouncer.StatsUser", "app@x", "application user"}},
		{"bad store kind", func(a *PostgresArgs) { a.PgBouncer.SecretStoreKind = "Vault" }, []string{"SecretStoreKind", "Vault"}},
		{"bad quantity", func(a *PostgresArgs) { a.PgBouncer.MemoryLimit = "lots" }, []string{"PgBouncer.MemoryLimit", "lots"}},
		{"budget exceeded", func(a *PostgresArgs) {
			a.InstanceClass = "db.t4g.medium"
			a.PgBouncer.Replicas = 10
			a.PgBouncer.DefaultPoolSize = 40
		}, []string{"connection budget exceeded", "11 PgBouncer pods", "default_pool_size 40", "= 545", "max_connections 405", "= 390"}},
		{"missing tag", func(a *PostgresArgs) { a.Tags = tags.Set{"environment": "test"} }, []string{"Tags", "cost-center"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Capture(program(tc.mutate), plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			require.Empty(t, p.ByType(Type), "nothing is registered before validation")
		})
	}

	t.Run("all problems at once", func(t *testing.T) {
		_, err := plan.Capture(program(func(a *PostgresArgs) {
			a.NamePrefix = "Bad_Prefix"
			a.DbName = "1db"
			a.PgBouncer.Replicas = 1
		}), plan.Options{Mode: plan.Preview})
		require.ErrorContains(t, err, "NamePrefix")
		require.ErrorContains(t, err, "DbName")
		require.ErrorContains(t, err, "PgBouncer.Replicas")
	})

	t.Run("nil args", func(t *testing.T) {
		_, err := plan.Capture(func(ctx *pulumi.Context) error {
			_, err := NewPostgres(ctx, "db", nil)
			return err
		}, plan.Options{})
		require.ErrorContains(t, err, "args are required")
	})
}

func TestDefaults(t *testing.T) {
	a := PostgresArgs{}.withDefaults()
	require.Equal(t, "db.t4g.medium", a.InstanceClass)
	require.Equal(t, "16", a.EngineVersion)
	require.Equal(t, 50, a.AllocatedStorageGiB)
	require.Equal(t, 500, a.MaxAllocatedStorageGiB)
	require.Equal(t, "app", a.DbName)
	require.Equal(t, 7, a.BackupRetentionDays)
	require.Equal(t, "data", a.Namespace)
	require.Equal(t, PgBouncerArgs{
		Replicas: 2, DefaultPoolSize: 20, ReservePoolSize: 5, MaxClientConn: 1000,
		Image: "edoburu/pgbouncer:v1.24.1-p0", SecretStoreName: "aws-secrets-manager", SecretStoreKind: "SecretStore",
		CPURequest: "100m", MemoryRequest: "64Mi", CPULimit: "1", MemoryLimit: "256Mi",
		StatsUser: "app", ExporterImage: "prometheuscommunity/pgbouncer-exporter:v0.12.1",
	}, a.PgBouncer)
	require.Equal(t, "agents", PostgresArgs{Username: "agents"}.withDefaults().PgBouncer.StatsUser,
		"the auth file's user is the master user")
	require.Equal(t, "app", PgBouncerStandaloneArgs{}.withDefaults().PgBouncer.StatsUser)

	zero := PostgresArgs{PgBouncer: PgBouncerArgs{ReservePoolSizeZero: true}}.withDefaults()
	require.Equal(t, 0, zero.PgBouncer.ReservePoolSize)
}
