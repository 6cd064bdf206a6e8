package alerting

import (
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Severities, the keys of TopicArns and the suffix of each topic's name. They follow the
// seed's alerting rules: critical pages immediately, warning goes to chat, info is
// recorded only.
const (
	Critical = "critical"
	Warning  = "warning"
	Info     = "info"
)

// Severities lists the severities in order.
var Severities = []string{Critical, Warning, Info}

// Defaults, applied by withDefaults and nowhere else.
const (
	DefaultHealthCheckPath = "/health"
	// DefaultApiMinRequests: below this many requests a minute the 5xx rate counts as 0,
	// so one failed request out of three at night does not page anyone.
	DefaultApiMinRequests = 20
)

// DefaultThresholds are the seed's alerting rules (production-infrastructure-plan.md,
// "Alerting Rules") turned into CloudWatch numbers, plus the database and Redis limits
// behind its incident runbook.
var DefaultThresholds = Thresholds{
	ApiErrorRateCriticalPercent:          5,
	ApiErrorRateWarningPercent:           1,
	ApiLatencyP95WarningSeconds:          1,
	DbCpuWarningPercent:                  80,
	DbFreeStorageCriticalPercent:         10,
	DbConnectionsWarningPercent:          80,
	DbConnectionsCriticalPercent:         95,
	DbReplicaLagWarningSeconds:           60,
	RedisMemoryWarningPercent:            80,
	RedisNoEvictionMemoryCriticalPercent: 95,
	RedisEngineCpuWarningPercent:         80,
	NodeDiskCriticalPercent:              90,
	BudgetWarningPercent:                 80,
	BudgetCriticalPercent:                100,
}

// Thresholds are the alarm limits. A zero field takes its DefaultThresholds value.
type Thresholds struct {
	// ApiErrorRateCriticalPercent: 5xx responses (target and load balancer) as a percent
	// of requests. Seed: critical > 5 %.
	ApiErrorRateCriticalPercent float64
	// ApiErrorRateWarningPercent: seed warning > 1 %. Must be below the critical one.
	ApiErrorRateWarningPercent float64
	// ApiLatencyP95WarningSeconds: p95 TargetResponseTime, seconds. Seed: warning > 1 s.
	ApiLatencyP95WarningSeconds float64
	// DbCpuWarningPercent: RDS CPUUtilization, percent. Default 80.
	DbCpuWarningPercent float64
	// DbFreeStorageCriticalPercent: RDS FreeStorageSpace below this percent of
	// Database.AllocatedStorageGiB. Seed: disk usage > 90 % critical, i.e. 10 % free.
	DbFreeStorageCriticalPercent float64
	// DbConnectionsWarningPercent / DbConnectionsCriticalPercent: DatabaseConnections as
	// a percent of Database.MaxConnections (seed incident 1, connection exhaustion).
	// Defaults 80 and 95.
	DbConnectionsWarningPercent  float64
	DbConnectionsCriticalPercent float64
	// DbReplicaLagWarningSeconds: RDS ReplicaLag, seconds. Default 60.
	DbReplicaLagWarningSeconds float64
	// RedisMemoryWarningPercent: DatabaseMemoryUsagePercentage. Seed: memory > 80 %.
	RedisMemoryWarningPercent float64
	// RedisNoEvictionMemoryCriticalPercent: the same metric on a noeviction (queue)
	// group, where a full memory means writes fail (seed incident 2, Redis OOM). Default 95.
	RedisNoEvictionMemoryCriticalPercent float64
	// RedisEngineCpuWarningPercent: EngineCPUUtilization (Redis is single-threaded).
	// Default 80.
	RedisEngineCpuWarningPercent float64
	// NodeDiskCriticalPercent: Container Insights node_filesystem_utilization. Seed:
	// disk usage > 90 % critical.
	NodeDiskCriticalPercent float64
	// BudgetWarningPercent / BudgetCriticalPercent: actual monthly cost as a percent of
	// MonthlyBudgetUSD. Defaults 80 and 100.
	BudgetWarningPercent  float64
	BudgetCriticalPercent float64
}

// ApiAlarms identify the public API for its alarms.
type ApiAlarms struct {
	// LoadBalancerArnSuffix is the API load balancer's CloudWatch LoadBalancer dimension,
	// "app/<name>/<id>" (aws.lb.LoadBalancer.ArnSuffix). Optional: nil skips the 5xx
	// rate and latency alarms (see the package doc on why the ALB must be known).
	LoadBalancerArnSuffix pulumi.StringInput
	// TargetGroupArnSuffix is the API target group's TargetGroup dimension,
	// "targetgroup/<name>/<id>". Optional: scopes latency to the API's targets.
	TargetGroupArnSuffix pulumi.StringInput
	// HealthCheckFqdn is the public API host name probed by Route 53, e.g.
	// "api.generic-corp.io". Optional: "" means no health check.
	HealthCheckFqdn string
	// HealthCheckPath is the probed HTTPS path. Default "/health".
	HealthCheckPath string
	// MinRequestsPerMinute: below this many requests a minute the 5xx rate counts as 0.
	// Default 20.
	MinRequestsPerMinute int
}

// DatabaseAlarms identify the RDS PostgreSQL instance.
type DatabaseAlarms struct {
	// InstanceIdentifier is the primary's DBInstanceIdentifier. Required.
	InstanceIdentifier pulumi.StringInput
	// ReplicaIdentifier is the read replica's identifier. Optional (nil: no replica-lag
	// alarm).
	ReplicaIdentifier pulumi.StringInput
	// AllocatedStorageGiB is the instance's allocated storage, GiB; the free-storage
	// threshold is a percent of it. Required, 20..65536.
	AllocatedStorageGiB int
	// MaxConnections is the server's max_connections (database.ConnectionBudget). Required.
	MaxConnections int
}

// RedisAlarms identify one ElastiCache replication group (cluster mode disabled).
type RedisAlarms struct {
	// Name is the group's short name, e.g. "queue"; part of alarm names. Required.
	Name string
	// ReplicationGroupId is the group's id. Required.
	ReplicationGroupId pulumi.StringInput
	// Nodes is the number of nodes (1 + replicas), 1..6. ElastiCache names them
	// "<group>-001", "<group>-002", ...; the alarms read each node. Required.
	Nodes int
	// NoEviction marks a maxmemory-policy noeviction group (the BullMQ queue): any
	// eviction means the policy is wrong, and full memory means failing writes, so both
	// are critical. Default false.
	NoEviction bool
}

// AlertingArgs configure the topics, subscriptions, alarms and the budget.
type AlertingArgs struct {
	// NamePrefix starts every physical name, e.g. "platform-prod". Required; lower-case
	// words joined by single hyphens, starting with a letter, at most 40 characters
	// (argcheck.NamePrefix).
	NamePrefix string
	// AccountId is the AWS account id (12 digits), for the key and topic policies.
	// Required; may be unknown at construction.
	AccountId pulumi.StringInput
	// Region is the stack's AWS region, e.g. "us-east-1". Required.
	Region string
	// UsEast1Provider is an aws provider for us-east-1: Route 53 health-check metrics
	// exist only there, so the health-check alarm (and a critical topic for it) is created
	// there. Required when Api.HealthCheckFqdn is set and Region is not us-east-1.
	UsEast1Provider pulumi.ProviderResource

	// PagerDutyEndpoint is the PagerDuty (Events API v2 / CloudWatch) integration URL
	// subscribed to the critical topic over HTTPS. It embeds the integration key: pass it
	// from stack config marked secret. Optional: nil means no PagerDuty subscription.
	PagerDutyEndpoint pulumi.StringInput
	// WarningWebhookEndpoint is an HTTPS endpoint subscribed to the warning topic. It must
	// confirm SNS subscriptions (a relay or an incident tool's SNS URL): a raw Slack
	// incoming webhook cannot, so for Slack subscribe AWS Chatbot to the warning topic.
	// Optional (nil: none); may be a secret.
	WarningWebhookEndpoint pulumi.StringInput
	// EmailAddresses are subscribed to the critical and warning topics (each recipient
	// confirms once). Optional.
	EmailAddresses []string

	// Api identifies the public API. Optional: nil means no API alarms.
	Api *ApiAlarms
	// Database identifies the RDS instance. Optional: nil means no database alarms.
	Database *DatabaseAlarms
	// Redis lists the ElastiCache groups to watch. Optional.
	Redis []RedisAlarms
	// ClusterName is the EKS cluster, for the node disk alarm (Container Insights).
	// Optional: nil means no node alarms.
	ClusterName pulumi.StringInput
	// BackupVaultName is the AWS Backup vault whose failed jobs raise a warning.
	// Optional.
	BackupVaultName pulumi.StringInput

	// MonthlyBudgetUSD is the stack's monthly AWS budget in USD. Required, >= 1.
	MonthlyBudgetUSD int
	// Thresholds override DefaultThresholds field by field.
	Thresholds Thresholds

	// Protect adds pulumi.Protect and RetainOnDelete to the alerting KMS key(s).
	// Default false; true in prod.
	Protect bool
	// Tags is the stack tag set; must carry tags.Required. Its environment tag scopes the
	// budget (cost allocation tag "environment").
	Tags tags.Set
}

// withDefaults returns a copy with every documented default applied.
func (a AlertingArgs) withDefaults() AlertingArgs {
	t, d := &a.Thresholds, DefaultThresholds
	for _, f := range []struct {
		p *float64
		v float64
	}{
		{&t.ApiErrorRateCriticalPercent, d.ApiErrorRateCriticalPercent},
		{&t.ApiErrorRateWarningPercent, d.ApiErrorRateWarningPercent},
		{&t.ApiLatencyP95WarningSeconds, d.ApiLatencyP95WarningSeconds},
		{&t.DbCpuWarningPercent, d.DbCpuWarningPercent},
		{&t.DbFreeStorageCriticalPercent, d.DbFreeStorageCriticalPercent},
		{&t.DbConnectionsWarningPercent, d.DbConnectionsWarningPercent},
		{&t.DbConnectionsCriticalPercent, d.DbConnectionsCriticalPercent},
		{&t.DbReplicaLagWarningSeconds, d.DbReplicaLagWarningSeconds},
		{&t.RedisMemoryWarningPercent, d.RedisMemoryWarningPercent},
		{&t.RedisNoEvictionMemoryCriticalPercent, d.RedisNoEvictionMemoryCriticalPercent},
		{&t.RedisEngineCpuWarningPercent, d.RedisEngineCpuWarningPercent},
		{&t.NodeDiskCriticalPercent, d.NodeDiskCriticalPercent},
		{&t.BudgetWarningPercent, d.BudgetWarningPercent},
		{&t.BudgetCriticalPercent, d.BudgetCriticalPercent},
	} {
		if *f.p == 0 {
			*f.p = f.v
		}
	}
	if a.Api != nil {
		api := *a.Api
		if api.HealthCheckPath == "" {
			api.HealthCheckPath = DefaultHealthCheckPath
		}
		if api.MinRequestsPerMinute == 0 {
			api.MinRequestsPerMinute = DefaultApiMinRequests
		}
		a.Api = &api
	}
	return a
}
