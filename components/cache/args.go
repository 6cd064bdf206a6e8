package cache

import (
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Roles a replication group can play. The role decides the eviction policy the group may
// use and is written to the `role` tag so that policies can find the BullMQ group.
const (
	// RoleQueue is the BullMQ group: maxmemory-policy must be noeviction, because an
	// evicted job, lock or stream key silently corrupts a queue.
	RoleQueue = "queue"
	// RoleCache is a plain look-aside cache: evicting least-recently-used keys is fine.
	RoleCache = "cache"
)

// Defaults, applied by withDefaults and nowhere else.
const (
	DefaultEngineVersion           = "7.1"
	DefaultNodeType                = "cache.t4g.small"
	DefaultSnapshotRetentionLimit  = 7
	DefaultSnapshotWindow          = "03:00-04:00"
	DefaultMaintenanceWindow       = "sun:05:00-sun:06:00"
	DefaultAuthTokenUpdateStrategy = "ROTATE"
	DefaultLogRetentionDays        = 30
	// Port is the Redis port every group listens on; the security group admits only it.
	Port = 6379
)

// RedisArgs configures the Redis tier. Zero values mean "use the documented default";
// every environment decision (sizes, replicas, Multi-AZ, retention) is the caller's.
type RedisArgs struct {
	// NamePrefix starts every physical name, e.g. "platform-prod". Required;
	// lower-case words joined by single hyphens, starting with a letter, at most 40 characters (argcheck.NamePrefix).
	NamePrefix string
	// VpcId is the VPC of the data subnets; the security group is created in it. Required.
	VpcId pulumi.StringInput
	// DataSubnetIds are the private data-tier subnets of the shared cache subnet group.
	// Required. Give at least two AZs when any group is Multi-AZ.
	DataSubnetIds pulumi.StringArrayInput
	// AllowedSecurityGroupIds maps a short source name (e.g. "eks-nodes"; used in rule
	// names and descriptions) to a security group id that may connect to port 6379.
	// Required, at least one. Nothing else is admitted: there is no CIDR ingress.
	AllowedSecurityGroupIds map[string]pulumi.StringInput
	// KmsKeyArn is the customer-managed KMS key (ARN) for encryption at rest and for
	// snapshots. Required.
	KmsKeyArn pulumi.StringInput
	// LogsKmsKeyArn is the customer-managed KMS key (ARN) of the slow-log and engine-log
	// CloudWatch log groups. Required; its key policy must allow logs.<region>.amazonaws.com.
	LogsKmsKeyArn pulumi.StringInput
	// NotificationTopicArn is an optional SNS topic for ElastiCache events (failover,
	// node replacement). Default: none.
	NotificationTopicArn pulumi.StringInput

	// EngineVersion is the Redis engine version, major.minor. Default "7.1"; must be 7.x
	// (the parameter groups are family redis7).
	EngineVersion string
	// NodeType is the node type for groups that do not set their own. Default
	// "cache.t4g.small" (Graviton); prod typically "cache.m7g.large".
	NodeType string
	// Replicas is the number of read replicas per group for groups that do not set their
	// own, 0..5. Default 0. Multi-AZ needs at least 1.
	Replicas int
	// MultiAz turns on automatic failover and Multi-AZ for groups that do not set their
	// own. Default false; prod sets true (and Replicas >= 1).
	MultiAz bool
	// SnapshotRetentionLimit is how many days of daily snapshots to keep, 1..35. Default 7
	// (staging may use 1). Zero means the default; snapshots cannot be turned off here.
	SnapshotRetentionLimit int
	// SnapshotWindow is the daily UTC window for snapshots, "hh:mm-hh:mm", at least 60
	// minutes, not overlapping MaintenanceWindow. Default "03:00-04:00".
	SnapshotWindow string
	// MaintenanceWindow is the weekly UTC maintenance window, "ddd:hh:mm-ddd:hh:mm", at
	// least 60 minutes. Default "sun:05:00-sun:06:00".
	MaintenanceWindow string
	// ApplyImmediately applies modifications now instead of in the maintenance window.
	// Default false (prod must keep it false; staging may set true).
	ApplyImmediately bool
	// AuthTokenUpdateStrategy is how a changed auth token is applied: "ROTATE" (default)
	// keeps the old and the new token valid until the next change, so clients pick up the
	// new secret without an outage; "SET" replaces the token at once (clients still using
	// the old token are refused). "DELETE" is not allowed: it would turn AUTH off.
	AuthTokenUpdateStrategy string
	// LogRetentionDays is the retention of the slow-log and engine-log groups, one of the
	// CloudWatch values (1, 3, 5, 7, 14, 30, 60, 90, ...). Default 30. Never infinite.
	LogRetentionDays int
	// SkipFinalSnapshot omits the final snapshot when a group is deleted. Default false
	// (a final snapshot with a unique name is taken); only throwaway stacks set true.
	SkipFinalSnapshot bool
	// Protect adds pulumi.Protect to the replication groups. Default false; true in prod.
	Protect bool
	// Tags is the stack-level tag set; every AWS resource gets it plus Name (and the
	// replication groups and parameter groups a `role` tag).
	Tags tags.Set
	// Groups are the replication groups to create. Required, at least one, unique names.
	Groups []GroupArgs
}

// GroupArgs configures one replication group (cluster mode disabled: one primary plus
// Replicas read replicas).
type GroupArgs struct {
	// Name identifies the group in outputs and physical names, e.g. "queue". Required;
	// lower-case letters, digits and hyphens.
	Name string
	// Role is RoleQueue or RoleCache. Default: Name, when Name is one of them.
	Role string
	// MaxmemoryPolicy is the Redis maxmemory-policy. Default "noeviction" for the queue
	// role (the only value it allows) and "allkeys-lru" for the cache role.
	MaxmemoryPolicy string
	// Parameters are extra redis7 parameters (name -> value), e.g.
	// {"notify-keyspace-events": ""}. Must not set maxmemory-policy (use MaxmemoryPolicy)
	// or cluster-enabled (groups are cluster mode disabled). Default none.
	Parameters map[string]string
	// NodeType overrides RedisArgs.NodeType for this group.
	NodeType string
	// Replicas overrides RedisArgs.Replicas for this group (0..5).
	Replicas *int
	// MultiAz overrides RedisArgs.MultiAz for this group.
	MultiAz *bool
	// AuthToken is the Redis AUTH token, a secret from the secrets component. Required:
	// 16..128 printable ASCII characters without space, '"', '/' or '@' (AWS rule; it
	// cannot be checked here because the value is only known at deploy time).
	AuthToken pulumi.StringInput
	// SnapshotName seeds the group from an existing ElastiCache snapshot (DR restore).
	// Optional; changing it replaces the group.
	SnapshotName string
	// Description is the replication group description AWS requires. Default
	// "Redis <role> (<name>) for <NamePrefix>".
	Description string
}

// withDefaults returns a copy of a with every documented default filled in. It is the
// only place defaults are applied; the caller's struct is not modified.
func (a RedisArgs) withDefaults() RedisArgs {
	if a.EngineVersion == "" {
		a.EngineVersion = DefaultEngineVersion
	}
	if a.NodeType == "" {
		a.NodeType = DefaultNodeType
	}
	if a.SnapshotRetentionLimit == 0 {
		a.SnapshotRetentionLimit = DefaultSnapshotRetentionLimit
	}
	if a.SnapshotWindow == "" {
		a.SnapshotWindow = DefaultSnapshotWindow
	}
	if a.MaintenanceWindow == "" {
		a.MaintenanceWindow = DefaultMaintenanceWindow
	}
	if a.AuthTokenUpdateStrategy == "" {
		a.AuthTokenUpdateStrategy = DefaultAuthTokenUpdateStrategy
	}
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = DefaultLogRetentionDays
	}
	groups := make([]GroupArgs, len(a.Groups))
	for i, g := range a.Groups {
		if g.Role == "" && (g.Name == RoleQueue || g.Name == RoleCache) {
			g.Role = g.Name
		}
		if g.MaxmemoryPolicy == "" {
			switch g.Role {
			case RoleQueue:
				g.MaxmemoryPolicy = "noeviction"
			case RoleCache:
				g.MaxmemoryPolicy = "allkeys-lru"
			}
		}
		if g.NodeType == "" {
			g.NodeType = a.NodeType
		}
		if g.Replicas == nil {
			r := a.Replicas
			g.Replicas = &r
		}
		if g.MultiAz == nil {
			m := a.MultiAz
			g.MultiAz = &m
		}
		if g.Description == "" {
			g.Description = "Redis " + g.Role + " (" + g.Name + ") for " + a.NamePrefix
		}
		groups[i] = g
	}
	a.Groups = groups
	return a
}
