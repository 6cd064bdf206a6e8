package cache

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
)

var (
	labelPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	engineVersionPat = regexp.MustCompile(`^7\.[0-9]+$`)
	nodeTypePattern  = regexp.MustCompile(`^cache\.[a-z0-9]+\.[a-z0-9]+$`)
	paramNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	snapshotNamePat  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)
)

// MaxmemoryPolicies are the maxmemory-policy values Redis 7 accepts.
var MaxmemoryPolicies = []string{
	"noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
	"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
}

// LogRetentionValues are the retention periods CloudWatch Logs accepts (0, "never
// expire", is left out on purpose).
var LogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
	1096, 1827, 2192, 2557, 2922, 3288, 3653}

var authTokenStrategies = []string{"ROTATE", "SET"}

// reservedParameters are set by the component itself and may not come in Parameters.
var reservedParameters = map[string]string{
	"maxmemory-policy": "set GroupArgs.MaxmemoryPolicy instead",
	"cluster-enabled":  "groups are cluster mode disabled (one primary plus replicas)",
}

const maxReplicas = 5

// validate reports every user error in a (after withDefaults) at once, each naming the
// field, the bad value and what is allowed. It registers nothing.
func (a RedisArgs) validate() error {
	var errs []error
	p := argcheck.Into("cache", &errs)
	bad := p.Addf

	p.NamePrefix(a.NamePrefix)
	if a.VpcId == nil {
		p.Missing("VpcId", "the VPC of the data subnets")
	}
	if a.DataSubnetIds == nil {
		p.Missing("DataSubnetIds", "the private data-tier subnets")
	}
	if len(a.AllowedSecurityGroupIds) == 0 {
		bad("AllowedSecurityGroupIds is empty: at least one source security group must be admitted to port %d", Port)
	}
	for _, k := range slices.Sorted(maps.Keys(a.AllowedSecurityGroupIds)) {
		if !labelPattern.MatchString(k) {
			bad("AllowedSecurityGroupIds key %q is not allowed (lower-case letters, digits and hyphens, e.g. \"eks-nodes\")", k)
		}
		if a.AllowedSecurityGroupIds[k] == nil {
			bad("AllowedSecurityGroupIds[%q] is nil (want a security group id)", k)
		}
	}
	if a.KmsKeyArn == nil {
		p.Missing("KmsKeyArn", "customer-managed KMS key for encryption at rest")
	}
	if a.LogsKmsKeyArn == nil {
		p.Missing("LogsKmsKeyArn", "customer-managed KMS key for the Redis log groups")
	}
	if !engineVersionPat.MatchString(a.EngineVersion) {
		bad("EngineVersion %q is not allowed (Redis 7 major.minor, e.g. \"7.1\")", a.EngineVersion)
	}
	if a.Replicas < 0 || a.Replicas > maxReplicas {
		bad("Replicas %d is out of range (0..%d)", a.Replicas, maxReplicas)
	}
	if a.SnapshotRetentionLimit < 1 || a.SnapshotRetentionLimit > 35 {
		bad("SnapshotRetentionLimit %d is out of range (1..35 days; 0 would turn snapshots off)", a.SnapshotRetentionLimit)
	}
	if err := checkWindows(a.SnapshotWindow, a.MaintenanceWindow); err != nil {
		errs = append(errs, err)
	}
	if !slices.Contains(authTokenStrategies, a.AuthTokenUpdateStrategy) {
		bad("AuthTokenUpdateStrategy %q is not allowed (allowed: %s)", a.AuthTokenUpdateStrategy, strings.Join(authTokenStrategies, ", "))
	}
	if !slices.Contains(LogRetentionValues, a.LogRetentionDays) {
		bad("LogRetentionDays %d is not a CloudWatch retention period (allowed: %s)", a.LogRetentionDays, joinInts(LogRetentionValues))
	}

	if len(a.Groups) == 0 {
		bad("Groups is empty: at least one replication group is required")
	}
	seen := map[string]bool{}
	for i, g := range a.Groups {
		errs = append(errs, g.validate(i, seen)...)
	}
	return errors.Join(errs...)
}

func (g GroupArgs) validate(i int, seen map[string]bool) []error {
	var errs []error
	field := fmt.Sprintf("Groups[%d]", i)
	if g.Name != "" {
		field = fmt.Sprintf("Groups[%d] (%q)", i, g.Name)
	}
	p := argcheck.Into("cache", &errs).At(field)
	bad := p.Addf

	switch {
	case !labelPattern.MatchString(g.Name):
		bad("Name %q is not allowed (lower-case letters, digits and hyphens, e.g. \"queue\")", g.Name)
	case seen[g.Name]:
		bad("Name %q is used by another group (names must be unique)", g.Name)
	}
	seen[g.Name] = true

	switch g.Role {
	case RoleQueue:
		if g.MaxmemoryPolicy != "noeviction" {
			bad("MaxmemoryPolicy %q is not allowed for role %q: BullMQ requires \"noeviction\" (evicted job keys corrupt queues)", g.MaxmemoryPolicy, g.Role)
		}
	case RoleCache:
		if !slices.Contains(MaxmemoryPolicies, g.MaxmemoryPolicy) {
			bad("MaxmemoryPolicy %q is not allowed (allowed: %s)", g.MaxmemoryPolicy, strings.Join(MaxmemoryPolicies, ", "))
		}
	default:
		bad("Role %q is not allowed (allowed: %q, %q)", g.Role, RoleQueue, RoleCache)
	}
	for _, k := range slices.Sorted(maps.Keys(g.Parameters)) {
		if why, ok := reservedParameters[k]; ok {
			bad("Parameters[%q] may not be set here: %s", k, why)
		} else if !paramNamePattern.MatchString(k) {
			bad("Parameters key %q is not a redis7 parameter name (lower-case letters, digits and hyphens)", k)
		}
	}
	if !nodeTypePattern.MatchString(g.NodeType) {
		bad("NodeType %q is not an ElastiCache node type (e.g. \"cache.t4g.small\", \"cache.m7g.large\")", g.NodeType)
	}
	replicas := *g.Replicas
	if replicas < 0 || replicas > maxReplicas {
		bad("Replicas %d is out of range (0..%d)", replicas, maxReplicas)
	}
	if *g.MultiAz && replicas < 1 {
		bad("MultiAz needs automatic failover, which needs at least 2 nodes, but the group has %d (set Replicas >= 1 or MultiAz false)", 1+replicas)
	}
	if g.AuthToken == nil {
		p.Missing("AuthToken", "in-transit encryption is always on and Redis AUTH with it")
	}
	if g.SnapshotName != "" && !snapshotNamePat.MatchString(g.SnapshotName) {
		bad("SnapshotName %q is not an ElastiCache snapshot name (letters, digits and hyphens, starting with a letter)", g.SnapshotName)
	}
	if len(g.Description) > 255 {
		bad("Description is %d characters long (at most 255)", len(g.Description))
	}
	return errs
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
