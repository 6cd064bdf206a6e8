package database

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/instanceclass"
)

var (
	engineRe     = regexp.MustCompile(`^16$`)
	pgIdentRe    = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	dailyRe      = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$`)
	weeklyRe     = regexp.MustCompile(`^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$`)
	dnsLabelRe   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	imageRe      = regexp.MustCompile(`^[a-z0-9]+([._/-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$`)
	quantityRe   = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi)?$`)
	reservedUser = []string{"rdsadmin", "rdsrepladmin", "rds_superuser", "rds_replication", "rds_password"}
	// logRetentionDays are the values CloudWatch Logs accepts.
	logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)

// validate reports every user error at once, each naming the field, the bad value and
// what is allowed. It runs before anything is registered.
func (a PostgresArgs) validate() error {
	var errs []error
	p := argcheck.Into("database", &errs)
	bad := p.Bad
	missing := p.Missing

	p.NamePrefix(a.NamePrefix)
	maxConns, err := instanceclass.MaxConnections(a.InstanceClass)
	if err != nil {
		bad("InstanceClass", a.InstanceClass, err.Error())
	} else if c, _ := instanceclass.RDSClass(a.InstanceClass); !c.PerformanceInsights {
		bad("InstanceClass", a.InstanceClass, "RDS for PostgreSQL does not run Performance Insights (always on) on this class; pick another (internal/instanceclass)")
	}
	if !engineRe.MatchString(a.EngineVersion) {
		bad("EngineVersion", a.EngineVersion, `want "16" (the major only: automatic minor upgrades are on, and a pinned minor turns every upgrade into a refused downgrade)`)
	}
	if a.AllocatedStorageGiB < 20 || a.AllocatedStorageGiB > 65536 {
		bad("AllocatedStorageGiB", a.AllocatedStorageGiB, "want 20..65536 GiB (gp3)")
	}
	if a.MaxAllocatedStorageGiB <= a.AllocatedStorageGiB || a.MaxAllocatedStorageGiB > 65536 {
		bad("MaxAllocatedStorageGiB", a.MaxAllocatedStorageGiB,
			fmt.Sprintf("want more than AllocatedStorageGiB (%d) and at most 65536", a.AllocatedStorageGiB))
	}
	if !pgIdentRe.MatchString(a.DbName) {
		bad("DbName", a.DbName, "want 1-63 lower-case letters, digits or '_', not starting with a digit")
	}
	if !pgIdentRe.MatchString(a.Username) || slices.Contains(reservedUser, a.Username) {
		bad("Username", a.Username, "want 1-63 lower-case letters, digits or '_', not one of "+strings.Join(reservedUser, ", "))
	}
	if a.Password == nil {
		missing("Password", "a secret from the secrets component")
	}
	if a.KmsKeyArn == nil {
		missing("KmsKeyArn", "the customer-managed data key")
	}
	if a.DataSubnetIds == nil {
		missing("DataSubnetIds", "the data-tier subnets")
	}
	if a.VpcId == nil {
		missing("VpcId", "the VPC of the data subnets")
	}
	if len(a.AllowedSecurityGroupIds) == 0 {
		missing("AllowedSecurityGroupIds", "at least one source security group; the database admits no CIDR")
	}
	for i, id := range a.AllowedSecurityGroupIds {
		if id == nil {
			bad("AllowedSecurityGroupIds", fmt.Sprintf("[%d] nil", i), "want a security group id")
		}
	}
	if a.BackupRetentionDays < 1 || a.BackupRetentionDays > 35 {
		bad("BackupRetentionDays", a.BackupRetentionDays, "want 1..35 days (0 would disable backups)")
	}
	if !dailyRe.MatchString(a.BackupWindow) {
		bad("BackupWindow", a.BackupWindow, `want UTC "hh24:mi-hh24:mi", e.g. "03:00-04:00"`)
	}
	if !weeklyRe.MatchString(a.MaintenanceWindow) {
		bad("MaintenanceWindow", a.MaintenanceWindow, `want UTC "ddd:hh24:mi-ddd:hh24:mi", e.g. "sun:04:30-sun:05:30"`)
	}
	if !slices.Contains(logRetentionDays, a.LogRetentionDays) {
		bad("LogRetentionDays", a.LogRetentionDays, fmt.Sprintf("want one of the CloudWatch Logs retentions %v", logRetentionDays))
	}
	errs = append(errs, a.validateRestore()...)
	errs = append(errs, a.PgBouncer.validate()...)
	if a.OtherClients < 0 {
		bad("OtherClients", a.OtherClients, "want 0 or more")
	}
	if a.ConnectionMargin < 0 {
		bad("ConnectionMargin", a.ConnectionMargin, "want 0 or more")
	}
	if err == nil {
		if berr := a.budget(maxConns).Check(); berr != nil {
			errs = append(errs, fmt.Errorf("database: PgBouncer/InstanceClass %s: %w", a.InstanceClass, berr))
		}
	}
	if !dnsLabelRe.MatchString(a.Namespace) {
		bad("Namespace", a.Namespace, "want a DNS label")
	}
	errs = append(errs, argcheck.MissingTags("database", a.Tags)...)
	return errors.Join(errs...)
}

func (a PostgresArgs) validateRestore() []error {
	var errs []error
	if a.RestoreSnapshotIdentifier != "" && a.RestorePointInTime != nil {
		errs = append(errs, errors.New("database: RestoreSnapshotIdentifier and RestorePointInTime are both set: at most one restore source is allowed"))
	}
	r := a.RestorePointInTime
	if r == nil {
		return errs
	}
	if (r.SourceDbInstanceIdentifier == "") == (r.SourceDbInstanceAutomatedBackupsArn == "") {
		errs = append(errs, fmt.Errorf("database: RestorePointInTime needs exactly one of SourceDbInstanceIdentifier (%q) and SourceDbInstanceAutomatedBackupsArn (%q)",
			r.SourceDbInstanceIdentifier, r.SourceDbInstanceAutomatedBackupsArn))
	}
	if (r.RestoreTime == "") == !r.UseLatestRestorableTime {
		errs = append(errs, fmt.Errorf("database: RestorePointInTime needs exactly one of RestoreTime (%q) and UseLatestRestorableTime (%t)",
			r.RestoreTime, r.UseLatestRestorableTime))
	}
	if r.RestoreTime != "" {
		if ts, err := time.Parse(time.RFC3339, r.RestoreTime); err != nil || !strings.HasSuffix(r.RestoreTime, "Z") || ts.IsZero() {
			errs = append(errs, fmt.Errorf("database: RestorePointInTime.RestoreTime %q is invalid: want RFC 3339 UTC, e.g. 2025-01-02T03:04:05Z", r.RestoreTime))
		}
	}
	return errs
}

func (b PgBouncerArgs) validate() []error {
	var errs []error
	bad := func(field string, value any, allowed string) {
		errs = append(errs, fmt.Errorf("database: PgBouncer.%s %q is invalid: %s", field, fmt.Sprint(value), allowed))
	}
	if b.Replicas < 2 {
		bad("Replicas", b.Replicas, "want at least 2 (a PodDisruptionBudget of minAvailable 1 needs a spare)")
	}
	if b.DefaultPoolSize < 1 {
		bad("DefaultPoolSize", b.DefaultPoolSize, "want 1 or more")
	}
	if b.ReservePoolSize < 0 {
		bad("ReservePoolSize", b.ReservePoolSize, "want 0 or more")
	}
	if b.MaxClientConn < b.DefaultPoolSize {
		bad("MaxClientConn", b.MaxClientConn, fmt.Sprintf("want at least DefaultPoolSize (%d)", b.DefaultPoolSize))
	}
	if !imageRe.MatchString(b.Image) || strings.HasSuffix(strings.SplitN(b.Image, "@", 2)[0], ":latest") {
		bad("Image", b.Image, `want a full reference with a pinned version tag, e.g. "edoburu/pgbouncer:v1.24.1-p0" (never :latest)`)
	}
	if !imageRe.MatchString(b.ExporterImage) || strings.HasSuffix(strings.SplitN(b.ExporterImage, "@", 2)[0], ":latest") {
		bad("ExporterImage", b.ExporterImage, `want a full reference with a pinned version tag, e.g. "`+DefaultExporterImage+`" (never :latest)`)
	}
	if !pgIdentRe.MatchString(b.StatsUser) {
		bad("StatsUser", b.StatsUser, "want the application user of the auth file: 1-63 lower-case letters, digits or '_', not starting with a digit")
	}
	if b.RdsCaBundle != "" && !strings.Contains(b.RdsCaBundle, "-----BEGIN CERTIFICATE-----") {
		bad("RdsCaBundle", truncate(b.RdsCaBundle, 30), "want PEM certificates")
	}
	if b.ClientTLSSecretName != "" && !dnsLabelRe.MatchString(b.ClientTLSSecretName) {
		bad("ClientTLSSecretName", b.ClientTLSSecretName, "want a Kubernetes Secret name")
	}
	if b.SecretStoreName == "" {
		bad("SecretStoreName", b.SecretStoreName, "want the External Secrets store name")
	}
	if b.SecretStoreKind != "SecretStore" && b.SecretStoreKind != "ClusterSecretStore" {
		bad("SecretStoreKind", b.SecretStoreKind, `want "SecretStore" or "ClusterSecretStore"`)
	}
	for _, q := range [][2]string{{"CPURequest", b.CPURequest}, {"MemoryRequest", b.MemoryRequest},
		{"CPULimit", b.CPULimit}, {"MemoryLimit", b.MemoryLimit}} {
		if !quantityRe.MatchString(q[1]) {
			bad(q[0], q[1], `want a Kubernetes quantity such as "100m" or "256Mi"`)
		}
	}
	return errs
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
