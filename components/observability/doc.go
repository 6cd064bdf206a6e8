// Package observability owns metrics, alerting and logs on the cluster: the
// kube-prometheus-stack chart (Prometheus, Alertmanager, Grafana, the operator,
// kube-state-metrics, node-exporter), the Loki chart and the Alloy chart that ships pod
// logs to it, all through helm/v4.Chart with pinned versions; the PrometheusRule with the
// seed plan's application alerts; the ServiceMonitor and PodMonitors that scrape our
// workloads; redis_exporter per ElastiCache group; an encrypted gp3 StorageClass; the
// Grafana admin login (NewGrafanaAdminSecret, in the AWS layer, with the ExternalSecret
// here that reads it); and, for S3-backed Loki, its bucket and IRSA role. CloudWatch
// alarms on AWS resources belong to components/alerting; both page the same PagerDuty
// service and post to the same Slack channel.
//
// # Alerts
//
// Alerts are data (Alert, DefaultAlerts, AlertNames), one per seed rule, each with a
// severity label, summary, description and runbook_url "<RunbookBaseURL>#<anchor>":
//
//	critical  ApiErrorRateCritical   API error rate > 5%        (5m)   #api-error-rate
//	critical  DatabaseConnectionFailures                        (2m)   #database-connection-exhaustion
//	critical  RedisUnavailable       redis_up == 0              (2m)   #redis-unavailable
//	critical  WorkerProcessesDown    no available worker        (5m)   #worker-processes-crashed
//	critical  DiskUsageCritical      node or volume > 90%       (5m)   #disk-usage
//	warning   ApiErrorRateWarning    API error rate > 1%        (10m)  #api-error-rate
//	warning   ApiLatencyP95High      p95 > 1s                   (10m)  #high-api-latency
//	warning   QueueDepthHigh         waiting jobs > 1000        (10m)  #queue-depth
//	warning   MemoryUsageHigh        working set > 80% of limit (10m)  #memory-usage
//	warning   BackgroundJobsFailing  failed jobs in 10m > 0     (1m)   #agent-task-timeouts
//	info      TenantQuotaWarning, SlowQueries, RateLimitHits           #tenant-quota, #slow-queries, #rate-limit-hits
//
// Alertmanager routes on severity: critical to PagerDuty (Events API v2) and, continuing,
// to Slack; warning to Slack; info to a null receiver (log only: visible in Alertmanager
// and Grafana, never notified). A critical alert inhibits lower severities of the same
// alert, ApiErrorRateCritical inhibits ApiErrorRateWarning. The PagerDuty routing key and
// the Slack webhook URL stay in Secrets Manager (Args.PagerDutySecretName,
// Args.SlackSecretName, property "value"); an ExternalSecret writes them into the Secret
// "alertmanager-receivers", mounted through alertmanagerSpec.secrets and read with
// routing_key_file / api_url_file, so they are in no value Pulumi renders. The
// ExternalSecrets use a namespaced SecretStore by default: create the namespace and a
// store allowed to read those secrets, GrafanaAdminSecretName(NamePrefix) and the Redis
// AUTH tokens first (SkipNamespace, KubernetesDependsOn).
//
// # Metric contract
//
// The alerts read these series; the application must expose them (prom-client):
//
//	API (ServiceMonitor on Args.Api, job="api"):
//	  http_request_duration_seconds   histogram; labels method, route, status_code, tenant_id
//	  tenant_quota_usage_ratio        gauge 0..1, used/limit; labels tenant_id, quota
//	  rate_limit_hits_total           counter of 429 answers; labels tenant_id, plan
//	API and worker:
//	  db_query_duration_seconds       histogram with a 0.5 bucket; labels model, operation
//	  db_connection_errors_total      counter of failed connection attempts (Prisma P1001, P1017...)
//	Worker (PodMonitor on Args.Worker, job="worker"):
//	  bullmq_queue_waiting            gauge; label queue
//	  bullmq_jobs_failed_total        counter; label queue
//	  agent_executions_total          counter; labels agent_type, tenant_id, status (dashboards)
//
// Exporters: pgbouncer_up and pgbouncer_pools_client_maxwait_seconds come from the
// prometheus-community pgbouncer-exporter sidecar that components/database runs next to
// PgBouncer (pods labelled app.kubernetes.io/name=pgbouncer, port "metrics"); redis_up from
// oliver006/redis_exporter, run here per group (Args.RedisExporters; without them the
// Redis alert has nothing to read); node_filesystem_* from node-exporter,
// kubelet_volume_stats_* and container_memory_working_set_bytes from the kubelet,
// kube_deployment_status_replicas_available and kube_pod_container_resource_limits from
// kube-state-metrics, all in kube-prometheus-stack. Temporal's server metrics come from
// its pods' port "metrics" (PodMonitor on Args.Temporal, job="temporal", label
// temporal_service). Every monitor sets the job label explicitly, so expressions never
// depend on the operator's naming.
//
// # In-cluster layer on its own
//
// SkipCharts leaves the three charts out; the Grafana login is always
// NewGrafanaAdminSecret's (component platform:observability:GrafanaAdminSecret) in the
// AWS layer. With SkipCharts and LokiStorage "filesystem" (S3 storage creates its bucket
// and role here regardless), the component registers Kubernetes objects only:
// namespace, StorageClass, ExternalSecrets, PrometheusRule, ServiceMonitor, PodMonitors
// and redis exporters.
//
// # Why these settings
//
// helm/v4.Chart renders like `helm template` and drops every Helm hook. The operator's
// admission webhook gets its certificate from hook Jobs, so with the webhook on the
// operator would wait forever for its TLS Secret: the webhook and operator TLS are off,
// and rule syntax is checked in our tests. Grafana's admin password comes from Secrets
// Manager, never from the chart (a re-render would draw a new one). Prometheus and
// Alertmanager select every rule and monitor in the cluster (the *NilUsesHelmValues
// flags are off). retentionSize is 85% of the volume. EKS hides the control plane, so its
// scrape targets and rules are off.
//
// Loki runs as one Monolithic pod with replication factor 1, no caches, gateway or
// canary, TSDB schema v13 from 2024-04-01 (never edit that period; add a new one), and
// compactor retention (Args.LokiRetentionDays). Storage is a volume ("filesystem",
// staging: cheap, lost with the volume) or S3 ("s3", prod: a KMS-encrypted, versioned,
// TLS-only bucket with a lifecycle that expires objects 30 days after retention, written
// through an IRSA role only Loki's service account can assume). Alloy, a DaemonSet
// tolerating every taint, tails /var/log/pods and labels lines with namespace, pod,
// container and app; tenants are a log field, never a label.
//
// The namespace enforces Pod Security "privileged" (node-exporter needs the host network,
// PID namespace and /proc, Alloy reads /var/log from the host) and warns and audits
// "baseline". Volumes use the StorageClass created here (gp3, encrypted, optionally with
// the data key; Retain in prod), which needs the EBS CSI driver add-on on the cluster.
package observability
