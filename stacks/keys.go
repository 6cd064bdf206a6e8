package stacks

import "github.com/generic-corp/platform/components/cluster"

// Namespace is the config namespace every platform key lives in.
const Namespace = "platform"

// Kind is a key's type as Pulumi.yaml declares it.
type Kind string

const (
	KindString  Kind = "string"
	KindInteger Kind = "integer"
	KindBoolean Kind = "boolean"
	KindArray   Kind = "array" // of strings
)

// Key declares one config key. Default nil means the key has no default: every stack
// file must set it, so nothing that differs between environments is ever silently
// defaulted in prod. Pulumi.yaml is checked against this table by a test
// (TestPulumiYamlMatchesKeyTable; regenerate with -update), so the two never drift.
type Key struct {
	Name        string
	Kind        Kind
	Description string
	Default     any
}

// Keys is the single list of every platform config key.
var Keys = []Key{
	// Identity and tagging.
	{"environment", KindString, "Environment class: staging, prod or dr. prod and dr get the strict rules (Multi-AZ, deletion protection, protect, 30-day backups).", nil},
	{"owner", KindString, "Team that owns the stack; the owner tag on every resource.", "sre"},
	{"costCenter", KindString, "Cost centre for billing; the cost-center tag on every resource.", "platform"},
	{"serviceName", KindString, "Service tag and physical name stem.", "agent-platform"},
	{"drRegion", KindString, "Region that holds backup copies and hosts a disaster-recovery rebuild. In a dr stack: where the rebuild copies its own backups, never platform:failedRegion.", nil},
	{"failedRegion", KindString, "dr only, required: the region the rebuild survives (prod's aws:region). Nothing the rebuild creates may live there; with us-east-1 the CloudFront certificate and web ACL are prod's pre-provisioned ones.", ""},
	{"edgeCertificateArn", KindString, "dr only: the us-east-1 ACM certificate prod keeps for the dr domain (stack output drEdgeCertificateArn of prod). Required when failedRegion is us-east-1.", ""},
	{"cloudFrontWebAclArn", KindString, "dr only: prod's CloudFront web ACL (stack output cloudFrontWebAclArn of prod), shared by the rebuild's distributions. Required when failedRegion is us-east-1.", ""},
	{"drDomain", KindString, "prod only: the dr stack's domain (a subdomain of domain). prod keeps a us-east-1 CloudFront certificate for it ready, so a rebuild never creates one in us-east-1.", ""},
	{"cutoverDomain", KindString, "dr only: prod's domain once its names are cut over to the rebuild (docs/disaster-recovery.md step 9). The rebuild's distributions then also answer on app., the apex and www. of it, so a later pulumi up keeps the moved aliases. Empty: not cut over.", ""},
	{"repeatableDrill", KindBoolean, "dr only: the stack is a drill that is torn down and rebuilt. Secrets are deleted without a recovery window, the stack's buckets and backup vaults are emptied on destroy and the vaults take a governance-mode lock.", false},
	{"monthlyBudgetUsd", KindInteger, "Monthly budget in USD; the modeled cost must stay below it (cost-stack-budget policy) and AWS Budgets alerts at 80 and 100 percent.", nil},

	// Network.
	{"vpcCidr", KindString, "VPC IPv4 CIDR, /16 to /20; subnets are carved from it per tier and AZ.", nil},
	{"availabilityZones", KindArray, "Availability zones (2 to 6) in the stack's aws:region.", nil},
	{"natGateways", KindInteger, "NAT gateways: 1 (shared, staging only) or one per availability zone (required in prod).", nil},
	{"interfaceEndpoints", KindArray, "Interface VPC endpoints to create, by service short name (ecr.api, ecr.dkr, secretsmanager, sts, logs, ...). The S3 gateway endpoint is always created.", nil},
	{"logRetentionDays", KindInteger, "Retention of CloudWatch log groups (flow logs, EKS, Redis), in days; one of CloudWatch's allowed values.", 90},

	// Cluster.
	{"kubernetesVersion", KindString, "EKS Kubernetes minor, pinned: the one components/cluster DefaultAddons are built for (1.36, in EKS standard support until 2027-08-02). internal/lifecycle/lifecycle.json holds the support dates; the version-lifecycle policy fails a version past its end of standard support on the run day and warns 90 days before. Bump together with the add-on versions.", cluster.DefaultAddonsKubernetesVersion},
	{"githubRepository", KindString, "GitHub repository (owner/name) whose workflow jobs the stack's in-VPC deploy runner (a CodeBuild-hosted GitHub Actions runner) takes: every job that touches the private EKS API runs on it.", "generic-corp/platform"},
	{"clusterPublicAccessCidrs", KindArray, "CIDRs allowed to reach the public EKS API endpoint: the public egress of an office or VPN. Empty keeps the endpoint private only (deploys run on the in-VPC runner). " +
		"Each entry is an IPv4 CIDR (the cluster is IPv4) from /20 to /32 without host bits, in no private, carrier-grade NAT, loopback, link-local, benchmarking, multicast or reserved range (those never reach a public endpoint), " +
		"and inside no other entry; together, with overlaps merged, the entries admit at most 65,536 addresses (a /16's worth), so the internet cannot be listed in pieces.", []string{}},
	{"clusterAdminRoleArns", KindArray, "IAM role ARNs granted cluster-admin through EKS access entries.", []string{}},
	{"nodeInstanceTypes", KindArray, "Instance types of the general node group; each environment's (Graviton, priced) are listed in internal/instanceclass/classes.json.", nil},
	{"nodeMinSize", KindInteger, "Minimum nodes in the general node group.", nil},
	{"nodeDesiredSize", KindInteger, "Initial desired nodes in the general node group (the autoscaler owns it afterwards).", nil},
	{"nodeMaxSize", KindInteger, "Maximum nodes in the general node group.", nil},
	{"nodeDiskGiB", KindInteger, "Root volume size of each node, GiB (gp3, encrypted).", 50},

	// Database.
	{"dbInstanceClass", KindString, "RDS PostgreSQL instance class; each environment's (priced, with known memory) are listed in internal/instanceclass/classes.json.", nil},
	{"dbEngineVersion", KindString, "PostgreSQL major version (16). Minor upgrades are automatic, so a minor is never pinned.", "16"},
	{"dbAllocatedStorageGiB", KindInteger, "Initial gp3 storage, GiB (20 to 65536).", nil},
	{"dbMaxAllocatedStorageGiB", KindInteger, "Storage autoscaling ceiling, GiB; above dbAllocatedStorageGiB.", nil},
	{"dbMultiAz", KindBoolean, "Multi-AZ standby. Required true in prod.", nil},
	{"dbBackupRetentionDays", KindInteger, "Automated backup retention, days (1 to 35; at least 30 in prod).", nil},
	{"dbDeletionProtection", KindBoolean, "RDS deletion protection. Required true in prod.", nil},
	{"dbReadReplica", KindBoolean, "Create a read replica of the primary.", nil},
	{"pgbouncerReplicas", KindInteger, "PgBouncer pods (2 to 20). Each opens up to default+reserve pool connections to RDS.", nil},
	{"pgbouncerDefaultPoolSize", KindInteger, "PgBouncer default_pool_size: server connections per user/database pair per pod.", 20},
	{"pgbouncerReservePoolSize", KindInteger, "PgBouncer reserve_pool_size: extra connections per pod under load.", 5},
	{"pgbouncerMaxClientConn", KindInteger, "PgBouncer max_client_conn per pod.", 1000},
	{"dbDirectConnections", KindInteger, "Connections opened to RDS without PgBouncer besides Temporal's pools (migrations, operators' psql); counted in the connection budget together with Temporal's pools.", 10},
	{"dbConnectionMargin", KindInteger, "Connections kept free below max_connections (superuser reserve, failover, admin).", 20},

	// Cache.
	{"redisEngineVersion", KindString, "ElastiCache Redis OSS engine version (7.x).", "7.1"},
	{"redisQueueNodeType", KindString, "Node type of the BullMQ queue group (maxmemory-policy noeviction).", nil},
	{"redisCacheNodeType", KindString, "Node type of the cache group (maxmemory-policy allkeys-lru).", nil},
	{"redisReplicas", KindInteger, "Read replicas per Redis group (0 to 5); at least 1 in prod for automatic failover.", nil},
	{"redisSnapshotRetentionDays", KindInteger, "Redis snapshot retention, days (1 to 35).", nil},

	// Edge, DNS and releases.
	{"domain", KindString, "Apex domain of the stack: the landing page is served at the apex and www., the React app at app., the API at api.", nil},
	{"dnsZoneId", KindString, "Existing Route 53 hosted zone id of the domain. Empty: the stack creates (and protects in prod and dr) the zone, delegated as parentDnsZoneId says.", ""},
	{"parentDnsZoneId", KindString, "Where the stack's zone is delegated from. A Route 53 hosted zone id (Z...): the zone of the parent domain, e.g. prod's zone for the staging and dr stacks (pulumi stack output dnsZoneId -s prod); the stack writes its NS record there in the same run, before any certificate waits. none: an apex (two labels, e.g. generic-corp.io) whose name servers (pulumi stack output nameServers) are entered at the registrar.", nil},
	{"imageTag", KindString, "Release tag of our images (api, worker, temporal-worker, migrations) in ECR. Never latest: tags are immutable.", nil},
	{"wafRateLimitPer5Min", KindInteger, "Requests per client IP per 5 minutes before the WAF blocks it (seed: rate limiting per IP).", 2000},
	{"corsExtraOrigins", KindArray, "Browser origins allowed by the API besides the stack's own app., apex and www. origins.", []string{}},

	// Workloads.
	{"apiMaxReplicas", KindInteger, "Most API pods the CPU autoscaler may run (at least 2 always run; seed: 2 to 10 instances).", 10},
	{"workerQueues", KindArray, "BullMQ queues the workers consume; KEDA scales workers on the length of each queue's wait list.", []string{"agent-tasks"}},
	{"bullmqPrefix", KindString, "BullMQ key prefix: the wait list of queue q is <prefix>:<q>:wait.", "bull"},
	{"workerMaxReplicas", KindInteger, "Most BullMQ worker pods KEDA may run.", 10},
	{"temporalTaskQueue", KindString, "Temporal task queue the Temporal workers poll (and KEDA scales on).", "agent-orchestration"},
	{"temporalHistoryShards", KindInteger, "Temporal numHistoryShards, a power of two. FIXED FOREVER: it can never be changed after the stack's first deploy (changing it corrupts Temporal's history store); size it for the largest load you expect.", 512},
	{"migrationCommand", KindArray, "Command of the migration Job that runs before each release's API and workers roll out.", []string{"npx", "prisma", "migrate", "deploy"}},

	// Operations.
	{"alertEmails", KindArray, "Addresses subscribed to the critical and warning SNS topics (e.g. the PagerDuty service's email integration and the SRE list). At least one in prod and dr, so an alarm pages someone; staging may list none. Credentials such as PagerDuty routing keys stay in Secrets Manager.", nil},
	{"replicateRdsBackups", KindBoolean, "Replicate RDS automated backups to drRegion, so a DR rebuild can restore to a point in time (restorePointInTime).", nil},
	{"apiLoadBalancerArnSuffix", KindString, "ARN suffix (app/<name>/<id>) of the API load balancer that the AWS Load Balancer Controller created; set it after the first deploy to turn on the ALB 5xx and latency alarms.", ""},

	// Disaster recovery (the restore* family; only a dr stack may set them).
	{"restoreSnapshotId", KindString, "DR: RDS snapshot identifier or ARN (e.g. the AWS Backup copy in this region) to create the database from.", ""},
	{"restorePointInTime", KindString, "DR: point-in-time restore instead of a snapshot: an RFC 3339 UTC time or \"latest\"; needs restoreSourceBackupsArn.", ""},
	{"restoreSourceBackupsArn", KindString, "DR: ARN of the prod instance's automated backups replicated to this region (arn:aws:rds:<region>:<account>:auto-backup:ab-...).", ""},
	{"restoreRedisQueueSnapshot", KindString, "DR: ElastiCache snapshot to seed the queue group from (empty: start empty).", ""},
	{"restoreRedisCacheSnapshot", KindString, "DR: ElastiCache snapshot to seed the cache group from (empty: start empty; a cache refills itself).", ""},

	// Secrets.
	{"secretRecoveryWindowDays", KindInteger, "Days a deleted Secrets Manager secret can still be recovered (7 to 30).", 30},

	// Resilience targets (docs/resilience.md): the preflight report estimates every
	// stateful component's RTO and RPO per disruption from the plan and fails on a miss.
	// No defaults: each stack states its own; prod and dr may not go below 99.9 %.
	{"resilienceAcceptedRisks", KindArray, "Resilience targets the stack knowingly misses, each \"<disruption>/<component>\" as the report names them (e.g. region-loss/Redis queue). The miss stays in the report, exempted instead of blocking; the stack file says why next to it.", []string{}},
	{"availabilityTarget", KindString, "Monthly availability every component must reach in the resilience model, percent (e.g. \"99.9\"; 99.9 or more in prod and dr).", nil},
	{"rtoPodLossMinutes", KindInteger, "Target RTO when a pod is lost (crash, eviction), minutes (1 to 10080).", nil},
	{"rpoPodLossMinutes", KindInteger, "Target RPO when a pod is lost, minutes of recent data (0 = none, to 10080).", nil},
	{"rtoNodeLossMinutes", KindInteger, "Target RTO when one node is lost (an EKS node, the RDS primary host, a Redis primary), minutes (1 to 10080).", nil},
	{"rpoNodeLossMinutes", KindInteger, "Target RPO when one node is lost, minutes of recent data (0 = none, to 10080).", nil},
	{"rtoAzLossMinutes", KindInteger, "Target RTO when an availability zone is lost, minutes (1 to 10080).", nil},
	{"rpoAzLossMinutes", KindInteger, "Target RPO when an availability zone is lost, minutes of recent data (0 = none, to 10080).", nil},
	{"rtoRegionLossMinutes", KindInteger, "Target RTO when the region is lost (a rebuild in drRegion), minutes (1 to 10080).", nil},
	{"rpoRegionLossMinutes", KindInteger, "Target RPO when the region is lost: the age of the newest copy outside it, minutes (0 = none, to 10080).", nil},
	{"rtoBadDeployMinutes", KindInteger, "Target RTO of a bad release (detect, decide, roll back), minutes (1 to 10080).", nil},
	{"rpoBadDeployMinutes", KindInteger, "Target RPO of a bad release, minutes of recent data (0 = none, to 10080); data a release corrupts is judged under rpoDataCorruptionMinutes.", nil},
	{"rtoDataCorruptionMinutes", KindInteger, "Target RTO when data is corrupted (a bad migration, an operator error): restore to a point before it, minutes (1 to 10080).", nil},
	{"rpoDataCorruptionMinutes", KindInteger, "Target RPO when data is corrupted: good writes lost by restoring to a point before it, minutes (0 = none, to 10080).", nil},
}

func keyByName(name string) (Key, bool) {
	for _, k := range Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}
