package observability

import (
	"maps"
	"slices"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The pinned charts, looked up on 2026-11-27:
//   - kube-prometheus-stack 88.5.3 (prometheus-community/helm-charts, 2026-08-21;
//     Prometheus v3.14.0, Alertmanager v0.34.0, operator v0.93.1, Grafana chart 12.11.1);
//   - loki 18.11.0 (grafana-community/helm-charts, where the Loki chart now lives,
//     2026-08-20; Loki 3.7.6);
//   - alloy 1.11.1 (grafana/alloy operations/helm, published to grafana.github.io,
//     2026-08-07; Alloy v1.18.1), the log shipper feeding Loki.
const (
	KubePrometheusStackChart   = "kube-prometheus-stack"
	KubePrometheusStackVersion = "88.5.3"
	KubePrometheusStackRepo    = "https://prometheus-community.github.io/helm-charts"
	LokiChart                  = "loki"
	LokiVersion                = "18.11.0"
	LokiRepo                   = "https://grafana-community.github.io/helm-charts"
	AlloyChart                 = "alloy"
	AlloyVersion               = "1.11.1"
	AlloyRepo                  = "https://grafana.github.io/helm-charts"
)

// Loki storage back ends.
const (
	LokiStorageFilesystem = "filesystem"
	LokiStorageS3         = "s3"
)

// Defaults, exported so the stack config and the docs can quote them. Applied in
// ObservabilityArgs.withDefaults and nowhere else.
const (
	DefaultNamespace              = "monitoring"
	DefaultPrometheusReplicas     = 1
	DefaultPrometheusRetention    = "15d"
	DefaultPrometheusStorageGiB   = 50
	DefaultAlertmanagerReplicas   = 1
	DefaultAlertmanagerStorageGiB = 2
	DefaultStorageClassName       = "monitoring-gp3"
	DefaultSlackChannel           = "#platform-alerts"
	DefaultSecretStoreName        = "aws-secrets-manager"
	DefaultSecretStoreKind        = "SecretStore"
	DefaultRunbookBaseURL         = "https://github.com/generic-corp/platform/blob/main/docs/runbooks.md"
	DefaultRecoveryWindowInDays   = 30
	DefaultLokiStorage            = LokiStorageFilesystem
	DefaultLokiRetentionDays      = 31
	DefaultLokiStorageGiB         = 50
	DefaultRedisExporterImage     = "oliver006/redis_exporter:v1.88.0"
	DefaultScrapeInterval         = "30s"
	DefaultMetricsPath            = "/metrics"
)

// Default scrape targets: where our workloads run and which labels select them. The
// services component decides the real values; the stack passes them in.
var (
	DefaultApiTarget    = ScrapeTarget{Namespace: "platform", Selector: map[string]string{"app.kubernetes.io/name": "api"}, Port: "http"}
	DefaultWorkerTarget = ScrapeTarget{Namespace: "platform", Selector: map[string]string{"app.kubernetes.io/name": "worker"}, Port: "metrics"}
	// DefaultTemporalWorkerTarget: our Temporal workers serve /metrics like the BullMQ
	// workers (their NetworkPolicy admits Prometheus on it).
	DefaultTemporalWorkerTarget = ScrapeTarget{Namespace: "platform", Selector: map[string]string{"app.kubernetes.io/name": "temporal-worker"}, Port: "metrics"}
	DefaultPgBouncerTarget      = ScrapeTarget{Namespace: "data", Selector: map[string]string{"app.kubernetes.io/name": "pgbouncer"}, Port: "metrics"}
	DefaultTemporalTarget       = ScrapeTarget{Namespace: "temporal", Selector: map[string]string{
		"app.kubernetes.io/name": "temporal", "app.kubernetes.io/instance": "temporal"}, Port: "metrics"}
)

// ObservabilityArgs configure metrics, alerting and logs.
type ObservabilityArgs struct {
	// NamePrefix starts every physical AWS name (secrets, the Loki bucket and role) and is
	// the Prometheus external label "cluster". Required, e.g. "platform-prod"; lower-case
	// words joined by single hyphens, starting with a letter, at most 40 characters
	// (argcheck.NamePrefix).
	NamePrefix string
	// KubernetesProvider is the EKS cluster's provider; every Kubernetes object uses it.
	// Required.
	KubernetesProvider *kubernetes.Provider
	// KubernetesDependsOn are resources the Kubernetes objects wait for: the External
	// Secrets operator and its store, the EBS CSI driver add-on.
	KubernetesDependsOn []pulumi.Resource
	// Namespace holds Prometheus, Alertmanager, Grafana, Loki and Alloy. Default
	// "monitoring".
	Namespace string
	// SkipNamespace leaves the namespace to someone else; by default it is created with
	// Pod Security "privileged" enforced (node-exporter and Alloy need host access) and
	// "baseline" warned and audited.
	SkipNamespace bool

	// PrometheusReplicas is the Prometheus pod count. Default 1; 1..3 (2 in prod).
	PrometheusReplicas int
	// PrometheusRetention is how long metrics are kept, a Prometheus duration in days or
	// hours ("15d", "360h"). Default "15d".
	PrometheusRetention string
	// PrometheusStorageGiB is each Prometheus pod's volume, in GiB. Default 50; 10..2000.
	// retentionSize is set to 85% of it, so a full disk drops old blocks instead of
	// crashing Prometheus.
	PrometheusStorageGiB int
	// AlertmanagerReplicas is the Alertmanager pod count (they gossip and deduplicate).
	// Default 1; 1..5 (2 or 3 in prod).
	AlertmanagerReplicas int
	// AlertmanagerStorageGiB is each Alertmanager pod's volume (silences, notification
	// log), in GiB. Default 2; 1..50.
	AlertmanagerStorageGiB int
	// StorageClassName is the StorageClass this component creates for every volume (gp3,
	// encrypted, EBS CSI driver). Default "monitoring-gp3".
	StorageClassName string
	// StorageKmsKeyArn encrypts those EBS volumes with a customer-managed key
	// (secrets.DataKeyArn). Optional: nil means the account's default EBS key.
	StorageKmsKeyArn pulumi.StringInput

	// PagerDutySecretName is the Secrets Manager secret whose JSON property "value" is the
	// PagerDuty Events API v2 integration (routing) key of the service CloudWatch alarms
	// page, e.g. "platform-prod/pagerduty-routing-key" (a secrets.ExternalSecrets
	// placeholder an operator fills). Required.
	PagerDutySecretName string
	// SlackSecretName is the Secrets Manager secret whose property "value" is the Slack
	// incoming-webhook URL of the alerts channel. Required.
	SlackSecretName string
	// SlackChannel is the channel warnings go to. Default "#platform-alerts".
	SlackChannel string
	// SecretStoreName is the External Secrets store that reads Secrets Manager. Default
	// "aws-secrets-manager".
	SecretStoreName string
	// SecretStoreKind is "SecretStore" (in Namespace, the platform's pattern) or
	// "ClusterSecretStore". Default "SecretStore": create the namespace and the store
	// first (SkipNamespace, KubernetesDependsOn), granting GrafanaAdminSecretName(NamePrefix),
	// PagerDutySecretName, SlackSecretName and the RedisExporters' AuthSecretNames.
	SecretStoreKind string
	// RunbookBaseURL is the runbook document; every alert links "<RunbookBaseURL>#<anchor>".
	// Default "https://github.com/generic-corp/platform/blob/main/docs/runbooks.md".
	RunbookBaseURL string

	// LokiStorage is "filesystem" (a volume on the single Loki pod; staging) or "s3" (a
	// bucket of this component, IRSA; prod). Default "filesystem". "s3" creates AWS
	// resources here (bucket, IRSA role) even with SkipCharts: a deployment of the
	// in-cluster layer alone (Kubernetes provider only) needs "filesystem".
	LokiStorage string
	// LokiRetentionDays is how long logs are kept, in days (the compactor deletes older
	// chunks). Default 31; 1..3650.
	LokiRetentionDays int
	// LokiStorageGiB is the Loki pod's volume, in GiB: all logs with "filesystem", the
	// write-ahead log and index cache with "s3". Default 50; 10..2000.
	LokiStorageGiB int
	// LokiS3 configures the bucket; required when LokiStorage is "s3".
	LokiS3 *LokiS3Args

	// Api, Worker, TemporalWorker, PgBouncer and Temporal say where our workloads'
	// metrics are. Empty fields take DefaultApiTarget ... DefaultTemporalTarget. The API is
	// scraped through its Service (ServiceMonitor), the others through their pods
	// (PodMonitor).
	Api, Worker, TemporalWorker, PgBouncer, Temporal ScrapeTarget
	// WorkerDeployment is the worker Deployment's name, for the "worker processes
	// crashed" alert. Default "worker".
	WorkerDeployment string
	// RedisExporters run one redis_exporter per ElastiCache group (redis_up for the
	// "Redis unavailable" alert). Optional.
	RedisExporters []RedisExporterArgs
	// RedisExporterImage is the pinned exporter image. Default
	// "oliver006/redis_exporter:v1.88.0" (uid 59000); point it at an ECR mirror.
	RedisExporterImage string

	// SkipCharts leaves out the kube-prometheus-stack, Loki and Alloy charts (installed
	// elsewhere, or not at all in a test of the in-cluster layer). The namespace,
	// StorageClass, ExternalSecrets, PrometheusRule, ServiceMonitor, PodMonitors and redis
	// exporters are still created; the rules and monitors then need the Prometheus
	// operator's CRDs from wherever the charts are installed (pass it in
	// KubernetesDependsOn). The URL outputs keep their values. Default false.
	SkipCharts bool

	// Protect adds pulumi.Protect to the Grafana secret and the Loki bucket, and keeps
	// volumes (StorageClass reclaimPolicy Retain) (true in prod).
	Protect bool
	// LokiTeardown lets `pulumi destroy` empty and delete the Loki bucket instead of
	// keeping it (RetainOnDelete), so the next rebuild can create the same name. Default
	// false; only for a repeatable DR drill, whose logs are disposable.
	LokiTeardown bool
	// Tags is the stack tag set; must carry tags.Required.
	Tags tags.Set
}

// ScrapeTarget selects the pods (or the Service, for the API) that expose /metrics.
type ScrapeTarget struct {
	// Namespace is where the workload runs.
	Namespace string
	// Selector are labels of the pods (Service for the API); at least one.
	Selector map[string]string
	// Port is the name of the container (Service) port serving metrics.
	Port string
	// Path is the metrics path. Default "/metrics".
	Path string
	// Interval is the scrape interval, a Prometheus duration. Default "30s".
	Interval string
}

// LokiS3Args place Loki's chunks and index in S3.
type LokiS3Args struct {
	// Region is the bucket's region (the stack's). Required.
	Region string
	// OidcProviderArn and OidcIssuer are the cluster's IRSA provider
	// (cluster.OidcProviderArn, cluster.OidcIssuer). Required.
	OidcProviderArn, OidcIssuer pulumi.StringInput
	// KmsKeyArn encrypts the bucket (secrets.DataKeyArn). Required.
	KmsKeyArn pulumi.StringInput
	// AccessLogBucket receives the bucket's S3 server access logs (the cdn log bucket).
	// Optional.
	AccessLogBucket pulumi.StringInput
	// BucketName overrides "<NamePrefix>-loki"; S3 names are global.
	BucketName string
}

// RedisExporterArgs point one exporter at one ElastiCache replication group.
type RedisExporterArgs struct {
	// Name is the group's short name ("queue", "cache"); the exporter is
	// "redis-exporter-<Name>" and its series carry redis_group="<Name>".
	Name string
	// Address is the primary endpoint "host:port" (TLS is always used). Required.
	Address pulumi.StringInput
	// AuthSecretName is the Secrets Manager secret holding {"authToken"}
	// (secrets.SecretNames["redis-<group>"]). Required.
	AuthSecretName string
}

// withDefaults returns a copy with every documented default applied.
func (a ObservabilityArgs) withDefaults() ObservabilityArgs {
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
	setI(&a.PrometheusReplicas, DefaultPrometheusReplicas)
	setS(&a.PrometheusRetention, DefaultPrometheusRetention)
	setI(&a.PrometheusStorageGiB, DefaultPrometheusStorageGiB)
	setI(&a.AlertmanagerReplicas, DefaultAlertmanagerReplicas)
	setI(&a.AlertmanagerStorageGiB, DefaultAlertmanagerStorageGiB)
	setS(&a.StorageClassName, DefaultStorageClassName)
	setS(&a.SlackChannel, DefaultSlackChannel)
	setS(&a.SecretStoreName, DefaultSecretStoreName)
	setS(&a.SecretStoreKind, DefaultSecretStoreKind)
	setS(&a.RunbookBaseURL, DefaultRunbookBaseURL)
	setS(&a.LokiStorage, DefaultLokiStorage)
	setI(&a.LokiRetentionDays, DefaultLokiRetentionDays)
	setI(&a.LokiStorageGiB, DefaultLokiStorageGiB)
	a.Api = a.Api.withDefaults(DefaultApiTarget)
	a.Worker = a.Worker.withDefaults(DefaultWorkerTarget)
	a.TemporalWorker = a.TemporalWorker.withDefaults(DefaultTemporalWorkerTarget)
	a.PgBouncer = a.PgBouncer.withDefaults(DefaultPgBouncerTarget)
	a.Temporal = a.Temporal.withDefaults(DefaultTemporalTarget)
	setS(&a.WorkerDeployment, "worker")
	a.RedisExporters = slices.Clone(a.RedisExporters)
	setS(&a.RedisExporterImage, DefaultRedisExporterImage)
	return a
}

func (t ScrapeTarget) withDefaults(d ScrapeTarget) ScrapeTarget {
	if t.Namespace == "" {
		t.Namespace = d.Namespace
	}
	if len(t.Selector) == 0 {
		t.Selector = d.Selector
	}
	t.Selector = maps.Clone(t.Selector)
	if t.Port == "" {
		t.Port = d.Port
	}
	if t.Path == "" {
		t.Path = DefaultMetricsPath
	}
	if t.Interval == "" {
		t.Interval = DefaultScrapeInterval
	}
	return t
}
