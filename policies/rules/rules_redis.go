package rules

import (
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

var redisAtRest = Rule{
	ID: "redis-at-rest", Number: 11, Severity: High, Anchors: "CK_AWS_29/191, TV",
	Description:   "ElastiCache replication groups encrypt at rest with a customer-managed KMS key.",
	ResourceTypes: []string{tokens.ElastiCacheReplicationGroup},
	CheckResource: func(r Resource, _ Params) []Finding {
		out := requireTrue(r, "atRestEncryptionEnabled", "set atRestEncryptionEnabled: true (forces replacement)")
		return append(out, cmkFindings(r, "kmsKeyId", "at-rest encryption")...)
	},
}

var redisInTransit = Rule{
	ID: "redis-in-transit", Number: 12, Severity: High, Anchors: "CK_AWS_30/31, TV",
	Description:   "ElastiCache replication groups require TLS (transitEncryptionEnabled, mode not \"preferred\") and authenticate clients (authToken or RBAC userGroupIds).",
	ResourceTypes: []string{tokens.ElastiCacheReplicationGroup},
	CheckResource: func(r Resource, _ Params) []Finding {
		out := requireTrue(r, "transitEncryptionEnabled", "set transitEncryptionEnabled: true")
		mode := r.in("transitEncryptionMode")
		if m, ok := mode.String(); ok && m == "preferred" {
			out = append(out, fail(r, "transitEncryptionMode is \"preferred\", which still accepts plaintext; set it to \"required\" (or leave it unset)"))
		}
		groups, _ := r.in("userGroupIds").StringList()
		if !isSet(r.in("authToken")) && len(groups) == 0 && !r.in("userGroupIds").IsUnknown() {
			out = append(out, fail(r, "authToken is not set and no userGroupIds are attached; set authToken from a generated secret (or use RBAC user groups)"))
		}
		return out
	},
}

var redisFailover = Rule{
	ID: "redis-failover", Number: 13, Severity: Medium, ProdMandatory: true, Anchors: "CK2_AWS_50",
	Description:   "ElastiCache replication groups enable automatic failover and Multi-AZ.",
	ResourceTypes: []string{tokens.ElastiCacheReplicationGroup},
	CheckResource: func(r Resource, _ Params) []Finding {
		out := requireTrue(r, "automaticFailoverEnabled", "set automaticFailoverEnabled: true (needs numCacheClusters >= 2)")
		return append(out, requireTrue(r, "multiAzEnabled", "set multiAzEnabled: true with replicas in another AZ")...)
	},
}

var redisSnapshots = Rule{
	ID: "redis-snapshots", Number: 14, Severity: Medium, Anchors: "CK_AWS_134, TV",
	Description:   "ElastiCache replication groups keep automatic snapshots (snapshotRetentionLimit >= minimum).",
	ResourceTypes: []string{tokens.ElastiCacheReplicationGroup},
	Params:        []ParamSpec{{Name: "minDays", Type: ParamInteger, Description: "minimum snapshotRetentionLimit in days", Default: 1}},
	CheckResource: func(r Resource, p Params) []Finding {
		v := r.in("snapshotRetentionLimit")
		if v.IsUnknown() {
			return []Finding{unknown(r, "snapshotRetentionLimit", "the snapshot retention")}
		}
		floor := max(p.Number("minDays"), 1)
		if n, ok := v.Number(); !ok || n < floor {
			return []Finding{fail(r, "snapshotRetentionLimit is %s; set it to at least %g day(s)", v.Display(), floor)}
		}
		return nil
	},
}

var redisQueueNoEviction = Rule{
	ID: "redis-queue-noeviction", Number: 15, Severity: High, Anchors: "own (BullMQ requirement)",
	Description: "The replication group that holds the BullMQ queues uses a parameter group with maxmemory-policy " +
		"noeviction (an evicting policy silently drops jobs). Queue groups are those whose logical name, " +
		"replicationGroupId, description or role tag match queueGroupPatterns; when none match, every group is treated " +
		"as holding queues (one shared Redis).",
	ResourceTypes: []string{tokens.ElastiCacheReplicationGroup, tokens.ElastiCacheParameterGroup},
	Params: []ParamSpec{{
		Name: "queueGroupPatterns", Type: ParamStringList, Default: []string{"*queue*", "*bullmq*"},
		Description: "globs matched against a replication group's logical name, replicationGroupId, description and role tag",
	}},
	CheckStack: func(s Stack, p Params) []Finding {
		groups := s.ofType(tokens.ElastiCacheReplicationGroup)
		var queues []Resource
		for _, g := range groups {
			for _, cand := range []string{g.Name, strOf(g.in("replicationGroupId")), strOf(g.in("description")), strOf(g.in("tags.role"))} {
				if cand != "" && globAny(p.StringList("queueGroupPatterns"), strings.ToLower(cand)) {
					queues = append(queues, g)
					break
				}
			}
		}
		if len(queues) == 0 {
			queues = groups
		}
		var out []Finding
		for _, q := range queues {
			ref := attachedGroup(s, q, tokens.ElastiCacheParameterGroup)
			switch {
			case ref.state == Unknown:
				out = append(out, unknown(q, "parameterGroupName", "the maxmemory-policy of the queue's parameter group"))
				continue
			case ref.res == nil && (ref.state == Missing || strings.HasPrefix(ref.name, "default.")):
				out = append(out, fail(q, "parameterGroupName is %s, a default group whose maxmemory-policy is volatile-lru (evicts BullMQ keys); "+
					"attach an aws.elasticache.ParameterGroup with maxmemory-policy=noeviction", q.in("parameterGroupName").Display()))
				continue
			case ref.res == nil:
				out = append(out, fail(q, "parameterGroupName is %s, a group this stack does not manage, so maxmemory-policy cannot be verified; "+
					"attach an aws.elasticache.ParameterGroup with maxmemory-policy=noeviction", q.in("parameterGroupName").Display()))
				continue
			}
			val, st := groupParam(*ref.res, "maxmemory-policy")
			switch {
			case st == Unknown:
				out = append(out, unknown(*ref.res, "parameters", "maxmemory-policy"))
			case st == Missing || val.str != "noeviction":
				shown := "not set (volatile-lru)"
				if st == Known {
					shown = show(val.str, val.secret)
				}
				out = append(out, fail(*ref.res, "parameters maxmemory-policy is %s, used by queue group %s; add {name: \"maxmemory-policy\", value: \"noeviction\"}",
					shown, q.label()))
			}
		}
		return out
	},
}
