package temporal

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
)

var (
	dnsLabelRe   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	hostRe       = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`)
	pgIdentRe    = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	smNameRe     = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	imageRe      = regexp.MustCompile(`^([a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?/)?[a-z0-9]+([._/-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	quantityRe   = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi)?$`)
	nsNameRe     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$`)
	retentionRe  = regexp.MustCompile(`^([0-9]{1,5})h$`)
	reservedUser = []string{"rdsadmin", "rdsrepladmin", "rds_superuser", "rds_replication", "rds_password", "postgres"}
	logLevels    = []string{"debug", "info", "warn", "error"}
	storeKinds   = []string{"ClusterSecretStore", "SecretStore"}
)

// validate reports every user error at once, each naming the field, the bad value and
// what is allowed. It runs on defaulted args, before anything is registered.
func (a TemporalArgs) validate() error {
	var errs []error
	p := argcheck.Into("temporal", &errs)
	bad := p.Bad
	missing := p.Missing

	p.NamePrefix(a.NamePrefix)
	if a.KubernetesProvider == nil {
		missing("KubernetesProvider", "the EKS cluster's Kubernetes provider")
	}
	if a.DbHost == nil {
		missing("DbHost", "the RDS primary's address, database.Postgres.Address")
	}
	if !smNameRe.MatchString(a.AdminSecretName) {
		bad("AdminSecretName", a.AdminSecretName, "want the Secrets Manager name of the RDS master credentials, e.g. \"platform-prod/db-app\"")
	}
	if !dnsLabelRe.MatchString(a.Namespace) {
		bad("Namespace", a.Namespace, "want a DNS label: 1-63 lower-case letters, digits or '-'")
	}
	if !dnsLabelRe.MatchString(a.ReleaseName) || len(a.ReleaseName) > 53 {
		bad("ReleaseName", a.ReleaseName, "want a Helm release name: a DNS label of at most 53 characters")
	}
	if a.DbPort < 1 || a.DbPort > 65535 {
		bad("DbPort", a.DbPort, "want 1..65535")
	}
	if n := a.Network; n != nil {
		if n.VpcCidr == nil {
			missing("Network.VpcCidr", "the VPC CIDR: RDS lives in it and the internal ALB reaches the Web UI from it")
		}
		if len(n.ClientNamespaces) == 0 {
			missing("Network.ClientNamespaces", "the namespaces that call the frontend, e.g. platform and keda")
		}
	}
	for _, f := range []struct{ field, v string }{{"DbUser", a.DbUser}, {"Database", a.Database},
		{"VisibilityDatabase", a.VisibilityDatabase}, {"AdminDatabase", a.AdminDatabase}} {
		if !pgIdentRe.MatchString(f.v) {
			bad(f.field, f.v, "want 1-63 lower-case letters, digits or '_', not starting with a digit")
		}
	}
	if slices.Contains(reservedUser, a.DbUser) {
		bad("DbUser", a.DbUser, "must not be one of "+strings.Join(reservedUser, ", "))
	}
	if a.Database == a.VisibilityDatabase {
		bad("VisibilityDatabase", a.VisibilityDatabase, "must differ from Database: the two stores have different schemas")
	}
	if a.RdsCaBundle != "" && !strings.Contains(a.RdsCaBundle, "-----BEGIN CERTIFICATE-----") {
		bad("RdsCaBundle", "(not shown)", "want PEM certificates (-----BEGIN CERTIFICATE-----)")
	}
	if !dnsLabelRe.MatchString(a.SecretStoreName) {
		bad("SecretStoreName", a.SecretStoreName, "want a DNS label")
	}
	if !slices.Contains(storeKinds, a.SecretStoreKind) {
		bad("SecretStoreKind", a.SecretStoreKind, "want one of "+strings.Join(storeKinds, ", "))
	}

	if n := a.NumHistoryShards; n < 4 || n > 16384 || n&(n-1) != 0 {
		bad("NumHistoryShards", n, "want a power of two in 4..16384; it can never change after the first deploy")
	}
	if a.Replicas < 1 || a.Replicas > 20 {
		bad("Replicas", a.Replicas, "want 1..20 pods per server service")
	}
	if a.WebReplicas < 1 || a.WebReplicas > 10 {
		bad("WebReplicas", a.WebReplicas, "want 1..10")
	}
	if a.DefaultStoreMaxConns < 1 || a.DefaultStoreMaxConns > 100 {
		bad("DefaultStoreMaxConns", a.DefaultStoreMaxConns, "want 1..100 connections per pod")
	}
	if a.VisibilityStoreMaxConns < 1 || a.VisibilityStoreMaxConns > 100 {
		bad("VisibilityStoreMaxConns", a.VisibilityStoreMaxConns, "want 1..100 connections per pod")
	}
	for _, f := range []struct{ field, v string }{{"ServerImage", a.ServerImage}, {"AdminToolsImage", a.AdminToolsImage},
		{"WebImage", a.WebImage}, {"PsqlImage", a.PsqlImage}} {
		if !imageRe.MatchString(f.v) || strings.HasSuffix(f.v, ":latest") {
			bad(f.field, f.v, "want a pinned \"repository:tag\" reference (no digest, never :latest)")
		}
	}
	errs = append(errs, a.ServerResources.validate("ServerResources")...)
	errs = append(errs, a.WebResources.validate("WebResources")...)
	if !slices.Contains(logLevels, a.LogLevel) {
		bad("LogLevel", a.LogLevel, "want one of "+strings.Join(logLevels, ", "))
	}
	seen := map[string]bool{}
	for _, ns := range a.Namespaces {
		if !nsNameRe.MatchString(ns.Name) || seen[ns.Name] {
			bad("Namespaces.Name", ns.Name, "want unique names of letters, digits, '.', '_' or '-'")
		}
		seen[ns.Name] = true
		m := retentionRe.FindStringSubmatch(ns.Retention)
		if h, _ := strconv.Atoi(safeIndex(m, 1)); m == nil || h < 24 {
			bad("Namespaces.Retention", ns.Retention, "want whole hours, at least 24h (Temporal's minimum), e.g. \"72h\"")
		}
	}

	if !hostRe.MatchString(a.WebHost) {
		bad("WebHost", a.WebHost, "want a lower-case DNS name such as temporal.internal.example.com")
	}
	if a.WebIngressGroup != "" && !dnsLabelRe.MatchString(a.WebIngressGroup) {
		bad("WebIngressGroup", a.WebIngressGroup, "want a DNS label")
	}
	for _, c := range a.WebAllowedCidrs {
		if _, _, err := net.ParseCIDR(c); err != nil {
			bad("WebAllowedCidrs", c, "want CIDR blocks such as 10.0.0.0/16")
		}
	}
	if !dnsLabelRe.MatchString(a.IngressClassName) {
		bad("IngressClassName", a.IngressClassName, "want a DNS label such as alb")
	}
	errs = append(errs, argcheck.MissingTags("temporal", a.Tags)...)
	return errors.Join(errs...)
}

func (r Resources) validate(field string) []error {
	var errs []error
	for _, q := range []struct{ name, v string }{{"CPURequest", r.CPURequest}, {"MemoryRequest", r.MemoryRequest},
		{"CPULimit", r.CPULimit}, {"MemoryLimit", r.MemoryLimit}} {
		if !quantityRe.MatchString(q.v) {
			errs = append(errs, fmt.Errorf("temporal: %s.%s %q is invalid: want a Kubernetes quantity such as 250m or 512Mi", field, q.name, q.v))
		}
	}
	return errs
}

func safeIndex(m []string, i int) string {
	if i < len(m) {
		return m[i]
	}
	return ""
}
