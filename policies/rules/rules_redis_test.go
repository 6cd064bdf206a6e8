package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func goodRedis() map[string]any {
	return map[string]any{
		"replicationGroupId": "platform-prod-queue", "description": "BullMQ queues and cache", "engine": "redis", "engineVersion": "7.1",
		"nodeType": "cache.m7g.large", "numCacheClusters": 2, "atRestEncryptionEnabled": true, "kmsKeyId": keyARN,
		"transitEncryptionEnabled": true, "authToken": sec("s3cr3t-redis-token"), "automaticFailoverEnabled": true, "multiAzEnabled": true,
		"snapshotRetentionLimit": 7, "parameterGroupName": "platform-prod-redis7-queue", "securityGroupIds": []any{"sg-redis"},
		"tags": goodTags(),
	}
}

func goodCachePG() map[string]any {
	return map[string]any{
		"name": "platform-prod-redis7-queue", "family": "redis7", "tags": goodTags(),
		"parameters": []any{map[string]any{"name": "maxmemory-policy", "value": "noeviction"}},
	}
}

func redis(inputs map[string]any, opts ...opt) Resource {
	return res(tokens.ElastiCacheReplicationGroup, "queue", inputs, opts...)
}
func cachePG(inputs map[string]any) Resource {
	return res(tokens.ElastiCacheParameterGroup, "redis7", inputs)
}

func redisCase(id, path string, bad any, msg, unkPath string) ruleCase {
	return ruleCase{
		id: id, pass: stack("prod", redis(goodRedis()), cachePG(goodCachePG())),
		fail: stack("prod", redis(set(goodRedis(), path, bad)), cachePG(goodCachePG())), failMsg: msg,
		unknown: stack("prod", redis(set(goodRedis(), unkPath, unk)), cachePG(goodCachePG())),
	}
}

func redisCases() []ruleCase {
	return []ruleCase{
		redisCase("redis-at-rest", "atRestEncryptionEnabled", false, "atRestEncryptionEnabled is false", "kmsKeyId"),
		redisCase("redis-in-transit", "authToken", del, "authToken is not set", "transitEncryptionEnabled"),
		redisCase("redis-failover", "multiAzEnabled", false, "multiAzEnabled is false", "automaticFailoverEnabled"),
		redisCase("redis-snapshots", "snapshotRetentionLimit", 0, "snapshotRetentionLimit is 0", "snapshotRetentionLimit"),
		{
			id: "redis-queue-noeviction", pass: stack("prod", redis(goodRedis()), cachePG(goodCachePG())),
			fail:    stack("prod", redis(goodRedis()), cachePG(set(goodCachePG(), "parameters[0].value", "allkeys-lru"))),
			failMsg: `maxmemory-policy is "allkeys-lru"`,
			unknown: stack("prod", redis(set(goodRedis(), "parameterGroupName", unk)), cachePG(goodCachePG())),
		},
	}
}

func TestRedisQueueSelection(t *testing.T) {
	t.Parallel()
	cache := res(tokens.ElastiCacheReplicationGroup, "cache", set(set(set(goodRedis(), "replicationGroupId", "platform-prod-cache"), "parameterGroupName", del), "description", "response cache"))
	cases := []struct {
		name  string
		s     Stack
		fails int
	}{
		// the cache group matches no queue pattern and the queue group exists: only the queue is judged
		{"cache group with default policy is not a queue", stack("prod", redis(goodRedis()), cachePG(goodCachePG()), cache), 0},
		// a single shared group is the queue
		{"single group on the default group fails", stack("prod", cache), 1},
		{"external non-default group cannot be verified", stack("prod", redis(set(goodRedis(), "parameterGroupName", "shared-redis7"))), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := only(run(t, "redis-queue-noeviction", c.s), "redis-queue-noeviction")
			require.Len(t, fs, c.fails, messages(fs))
		})
	}
	fs := only(run(t, "redis-in-transit", stack("prod", redis(set(goodRedis(), "transitEncryptionMode", "preferred")))), "redis-in-transit")
	require.Len(t, fs, 1)
	require.Contains(t, fs[0].Message, `"preferred"`)
}
