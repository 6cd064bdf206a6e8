package temporal

import (
	"slices"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The pinned chart, looked up on 2026-11-27 in temporalio/helm-charts: chart 1.6.0
// ("Update Chart to 1.6.0", 2026-07-09), appVersion 1.31.2. The image defaults below are
// the ones that chart version ships with; bump them together.
const (
	ChartName    = "temporal"
	ChartVersion = "1.6.0"
	ChartRepo    = "https://go.temporal.io/helm-charts"
)

// Defaults, exported so the stack config and the docs can quote them. Applied in
// TemporalArgs.withDefaults and nowhere else.
const (
	DefaultNamespace               = "temporal"
	DefaultReleaseName             = "temporal"
	DefaultDbPort                  = 5432
	DefaultDbUser                  = "temporal"
	DefaultDatabase                = "temporal"
	DefaultVisibilityDatabase      = "temporal_visibility"
	DefaultAdminDatabase           = "postgres"
	DefaultNumHistoryShards        = 512
	DefaultReplicas                = 1
	DefaultWebReplicas             = 1
	DefaultStoreMaxConns           = 10
	DefaultVisibilityStoreMaxConns = 5
	DefaultServerImage             = "temporalio/server:1.31.2"
	DefaultAdminToolsImage         = "temporalio/admin-tools:1.31.2"
	DefaultWebImage                = "temporalio/ui:2.52.0"
	DefaultPsqlImage               = "postgres:16.10-alpine"
	DefaultLogLevel                = "info"
	DefaultSecretStoreName         = "aws-secrets-manager"
	DefaultSecretStoreKind         = "SecretStore"
	DefaultRecoveryWindowInDays    = 30
	DefaultIngressClassName        = "alb"
)

// DefaultNamespaces are the Temporal namespaces created when TemporalArgs.Namespaces is nil.
var DefaultNamespaces = []NamespaceSpec{{Name: "default", Retention: "72h"}}

// Default container resources.
var (
	DefaultServerResources = Resources{CPURequest: "250m", MemoryRequest: "512Mi", CPULimit: "1", MemoryLimit: "1Gi"}
	DefaultWebResources    = Resources{CPURequest: "50m", MemoryRequest: "128Mi", CPULimit: "500m", MemoryLimit: "256Mi"}
)

// TemporalArgs configure the Temporal server, its databases and its Web UI.
type TemporalArgs struct {
	// NamePrefix names the password secret the ExternalSecret "temporal-db" reads,
	// DbSecretName(NamePrefix) (NewDbSecret, in the AWS layer: pass it, or what waits for
	// it, in KubernetesDependsOn). Required, e.g. "platform-prod"; lower-case words
	// joined by single hyphens, starting with a letter, at most 40 characters
	// (argcheck.NamePrefix).
	NamePrefix string
	// KubernetesProvider is the EKS cluster's provider; every Kubernetes object uses it.
	// Required.
	KubernetesProvider *kubernetes.Provider
	// KubernetesDependsOn are resources the Kubernetes objects wait for: the External
	// Secrets operator and its store (the ExternalSecrets need the CRD and the store),
	// the RDS instance.
	KubernetesDependsOn []pulumi.Resource
	// Network, when set, gives the Temporal pods their NetworkPolicies: required in a
	// namespace with a default-deny policy. Default nil (no policy).
	Network *TemporalNetwork
	// Namespace holds the server, the Web UI and the schema Job. Default "temporal".
	Namespace string
	// SkipNamespace leaves the namespace to someone else; by default it is created with
	// the Pod Security "restricted" level enforced.
	SkipNamespace bool
	// ReleaseName is the Helm release name and the prefix of every chart object
	// ("<ReleaseName>-frontend", ...). Default "temporal".
	ReleaseName string

	// DbHost is the RDS primary's address (database.Postgres.Address). Required; may be
	// unknown at construction. Temporal connects to it directly, not through PgBouncer
	// (see the package doc).
	DbHost pulumi.StringInput
	// DbPort is the PostgreSQL port. Default 5432.
	DbPort int
	// AdminSecretName is the Secrets Manager name of the RDS master credentials,
	// JSON {"username","password"} (secrets.SecretNames[secrets.DbSecret]). Required. Only
	// the schema Job reads it, to create Temporal's role and databases.
	AdminSecretName string
	// AdminDatabase is the database the schema Job connects to as the master user.
	// Default "postgres" (always present on RDS).
	AdminDatabase string
	// DbUser is Temporal's own PostgreSQL role. Default "temporal".
	DbUser string
	// Database is the default (history) store's database. Default "temporal".
	Database string
	// VisibilityDatabase is the visibility store's database. Default "temporal_visibility".
	VisibilityDatabase string
	// RdsCaBundle is the PEM of the RDS CA bundle. When set, the server and the schema
	// Job verify the RDS certificate and host name (sslmode verify-full); otherwise TLS
	// is required but not verified (sslmode require), as in components/database.
	RdsCaBundle string
	// SecretStoreName is the External Secrets store that reads Secrets Manager. Default
	// "aws-secrets-manager".
	SecretStoreName string
	// SecretStoreKind is "SecretStore" (in Namespace, the platform's pattern: one store
	// per namespace with an IRSA role scoped to exactly its secrets) or
	// "ClusterSecretStore". Default "SecretStore". A namespaced store must exist before
	// the ExternalSecrets can sync: create the namespace and the store first (SkipNamespace,
	// KubernetesDependsOn), granting DbSecretName(NamePrefix) and AdminSecretName.
	SecretStoreKind string

	// NumHistoryShards is Temporal's numHistoryShards. Default 512; a power of two in
	// 4..16384. It is fixed for the life of the cluster: changing it later corrupts the
	// history store (Temporal refuses to start), so pick it once per stack.
	NumHistoryShards int
	// Replicas is the pod count of each server service (frontend, history, matching,
	// worker). Default 1; 1..20. Two or more also adds a PodDisruptionBudget per service.
	Replicas int
	// DefaultStoreMaxConns is maxConns (and maxIdleConns) of the default store's pool in
	// each server pod. Default 10; 1..100.
	DefaultStoreMaxConns int
	// VisibilityStoreMaxConns is maxConns (and maxIdleConns) of the visibility store's
	// pool in each server pod. Default 5; 1..100.
	VisibilityStoreMaxConns int
	// ServerImage, AdminToolsImage, WebImage are "repository:tag" references, never
	// :latest. Defaults are the images chart 1.6.0 ships with (DefaultServerImage ...).
	// Point them at an ECR mirror to keep pulls inside the VPC.
	ServerImage, AdminToolsImage, WebImage string
	// PsqlImage runs the role/database bootstrap of the schema Job. Default
	// "postgres:16.10-alpine" (psql 16, uid 70).
	PsqlImage string
	// ServerResources are the resources of every server container. Defaults
	// DefaultServerResources.
	ServerResources Resources
	// WebResources are the Web UI's resources. Defaults DefaultWebResources.
	WebResources Resources
	// LogLevel is the server log level: "debug", "info", "warn" or "error". Default "info".
	LogLevel string
	// Namespaces are the Temporal namespaces the chart's namespace Job creates (never
	// deletes). nil means DefaultNamespaces; an empty, non-nil slice means none.
	Namespaces []NamespaceSpec

	// WebHost is the Web UI's host name on the internal load balancer. Required.
	WebHost string
	// WebCertificateArn is an ACM certificate for WebHost. When set the Web UI listens on
	// HTTPS 443 only; otherwise on HTTP 80 (still internal-only).
	WebCertificateArn pulumi.StringInput
	// WebIngressGroup shares one internal ALB between ingresses
	// (alb.ingress.kubernetes.io/group.name). Optional.
	WebIngressGroup string
	// WebAllowedCidrs restricts who may reach the Web UI's load balancer
	// (alb.ingress.kubernetes.io/inbound-cidrs), e.g. the VPC and VPN CIDRs. Optional.
	WebAllowedCidrs []string
	// WebReplicas is the Web UI's pod count. Default 1; 1..10.
	WebReplicas int
	// IngressClassName is the Web UI ingress class. Default "alb".
	IngressClassName string
	// SkipChart leaves the Temporal chart out (it is installed elsewhere, or not at all
	// in a test of the in-cluster layer): the namespace, the ExternalSecrets, the RDS CA
	// ConfigMap and the schema Job are still created, and the outputs keep their values
	// (FrontendAddress and the metrics fields describe the chart's objects by name).
	// Default false.
	SkipChart bool
	// ServiceMonitor makes the chart render its own ServiceMonitors. Default false: the
	// observability component scrapes the server pods with a PodMonitor (MetricsSelector),
	// and two scrapes of the same pods would double every series.
	ServiceMonitor bool

	// Tags is the stack tag set; must carry tags.Required.
	Tags tags.Set
}

// NamespaceSpec is one Temporal namespace.
type NamespaceSpec struct {
	// Name is the Temporal namespace name.
	Name string
	// Retention is the closed-workflow retention, a duration in hours, e.g. "72h".
	Retention string
}

// Resources are a container's requests and limits (Kubernetes quantities).
type Resources struct {
	CPURequest, MemoryRequest, CPULimit, MemoryLimit string
}

// withDefaults returns a copy with every documented default applied.
func (a TemporalArgs) withDefaults() TemporalArgs {
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
	setS(&a.Namespace, DefaultNamespace)
	setS(&a.ReleaseName, DefaultReleaseName)
	setI(&a.DbPort, DefaultDbPort)
	setS(&a.AdminDatabase, DefaultAdminDatabase)
	setS(&a.DbUser, DefaultDbUser)
	setS(&a.Database, DefaultDatabase)
	setS(&a.VisibilityDatabase, DefaultVisibilityDatabase)
	setS(&a.SecretStoreName, DefaultSecretStoreName)
	setS(&a.SecretStoreKind, DefaultSecretStoreKind)
	setI(&a.NumHistoryShards, DefaultNumHistoryShards)
	setI(&a.Replicas, DefaultReplicas)
	setI(&a.DefaultStoreMaxConns, DefaultStoreMaxConns)
	setI(&a.VisibilityStoreMaxConns, DefaultVisibilityStoreMaxConns)
	setS(&a.ServerImage, DefaultServerImage)
	setS(&a.AdminToolsImage, DefaultAdminToolsImage)
	setS(&a.WebImage, DefaultWebImage)
	setS(&a.PsqlImage, DefaultPsqlImage)
	a.ServerResources = a.ServerResources.withDefaults(DefaultServerResources)
	a.WebResources = a.WebResources.withDefaults(DefaultWebResources)
	setS(&a.LogLevel, DefaultLogLevel)
	if a.Namespaces == nil {
		a.Namespaces = slices.Clone(DefaultNamespaces)
	}
	setI(&a.WebReplicas, DefaultWebReplicas)
	setS(&a.IngressClassName, DefaultIngressClassName)
	return a
}

func (r Resources) withDefaults(d Resources) Resources {
	for _, f := range []struct {
		p *string
		v string
	}{
		{&r.CPURequest, d.CPURequest}, {&r.MemoryRequest, d.MemoryRequest},
		{&r.CPULimit, d.CPULimit}, {&r.MemoryLimit, d.MemoryLimit},
	} {
		if *f.p == "" {
			*f.p = f.v
		}
	}
	return r
}
