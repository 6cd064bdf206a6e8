package cache_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/plan"
)

func TestValidationRejectsImpossibleArgs(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *cache.RedisArgs)
		want   []string // substrings of the error
	}{
		{"failover with one node", func(a *cache.RedisArgs) { a.MultiAz = true },
			[]string{`Groups[0] ("queue").MultiAz`, "at least 2 nodes", "has 1"}},
		{"group-level failover with one node", func(a *cache.RedisArgs) {
			a.Replicas = 1
			a.MultiAz = true
			a.Groups[1].Replicas = pulumi.IntRef(0)
		}, []string{`Groups[1] ("cache").MultiAz`}},
		{"queue must not evict", func(a *cache.RedisArgs) { a.Groups[0].MaxmemoryPolicy = "allkeys-lru" },
			[]string{`MaxmemoryPolicy "allkeys-lru" is not allowed for role "queue"`, "noeviction"}},
		{"unknown eviction policy", func(a *cache.RedisArgs) { a.Groups[1].MaxmemoryPolicy = "lru" },
			[]string{`MaxmemoryPolicy "lru" is not allowed`, "allkeys-lfu"}},
		{"policy smuggled in Parameters", func(a *cache.RedisArgs) {
			a.Groups[0].Parameters = map[string]string{"maxmemory-policy": "allkeys-lru"}
		}, []string{`Parameters["maxmemory-policy"]`}},
		{"negative snapshot retention", func(a *cache.RedisArgs) { a.SnapshotRetentionLimit = -1 },
			[]string{"SnapshotRetentionLimit -1", "1..35"}},
		{"too many replicas", func(a *cache.RedisArgs) { a.Groups[1].Replicas = pulumi.IntRef(6) },
			[]string{`Groups[1] ("cache").Replicas 6`}},
		{"overlapping windows", func(a *cache.RedisArgs) {
			a.SnapshotWindow = "05:30-06:30"
		}, []string{`SnapshotWindow "05:30-06:30" overlaps MaintenanceWindow "sun:05:00-sun:06:00"`}},
		{"window across midnight into maintenance", func(a *cache.RedisArgs) {
			a.SnapshotWindow = "23:30-00:30"
			a.MaintenanceWindow = "mon:00:00-mon:01:00"
		}, []string{"overlaps"}},
		{"short snapshot window", func(a *cache.RedisArgs) { a.SnapshotWindow = "03:00-03:30" },
			[]string{"30 minutes long"}},
		{"malformed maintenance window", func(a *cache.RedisArgs) { a.MaintenanceWindow = "sunday 5am" },
			[]string{`MaintenanceWindow "sunday 5am"`, "ddd:hh:mm-ddd:hh:mm"}},
		{"auth token strategy DELETE", func(a *cache.RedisArgs) { a.AuthTokenUpdateStrategy = "DELETE" },
			[]string{`AuthTokenUpdateStrategy "DELETE"`, "ROTATE, SET"}},
		{"infinite-ish log retention", func(a *cache.RedisArgs) { a.LogRetentionDays = 10 },
			[]string{"LogRetentionDays 10", "14, 30"}},
		{"missing auth token", func(a *cache.RedisArgs) { a.Groups[1].AuthToken = nil },
			[]string{`Groups[1] ("cache").AuthToken is required`}},
		{"duplicate group names", func(a *cache.RedisArgs) { a.Groups[1].Name = "queue" },
			[]string{`Name "queue" is used by another group`}},
		{"unknown role", func(a *cache.RedisArgs) { a.Groups[1].Name = "sessions" },
			[]string{`Role "" is not allowed`}},
		{"no sources", func(a *cache.RedisArgs) { a.AllowedSecurityGroupIds = nil },
			[]string{"AllowedSecurityGroupIds is empty"}},
		{"no keys", func(a *cache.RedisArgs) { a.KmsKeyArn = nil; a.LogsKmsKeyArn = nil },
			[]string{"KmsKeyArn is required", "LogsKmsKeyArn is required"}},
		{"redis 6", func(a *cache.RedisArgs) { a.EngineVersion = "6.2" },
			[]string{`EngineVersion "6.2"`}},
		{"bad node type", func(a *cache.RedisArgs) { a.NodeType = "m7g.large" },
			[]string{`NodeType "m7g.large"`}},
		{"bad prefix", func(a *cache.RedisArgs) { a.NamePrefix = "Platform_Prod" },
			[]string{`NamePrefix "Platform_Prod"`}},
		{"no groups", func(a *cache.RedisArgs) { a.Groups = nil },
			[]string{"Groups is empty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := stagingArgs()
			tc.mutate(a)
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := cache.NewRedis(ctx, "redis", a)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.Empty(t, p.Resources, "nothing may be registered when args are invalid")
		})
	}
}

func TestValidArgsVariants(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *cache.RedisArgs)
	}{
		{"defaults", func(a *cache.RedisArgs) {}},
		{"explicit roles and names", func(a *cache.RedisArgs) {
			a.Groups[0].Name, a.Groups[0].Role = "bullmq", cache.RoleQueue
			a.Groups[1].Name, a.Groups[1].Role, a.Groups[1].MaxmemoryPolicy = "sessions", cache.RoleCache, "volatile-ttl"
		}},
		{"snapshot right after maintenance", func(a *cache.RedisArgs) {
			a.SnapshotWindow = "06:00-07:00"
			a.MaintenanceWindow = "sun:05:00-sun:06:00"
		}},
		{"maintenance across the week boundary", func(a *cache.RedisArgs) {
			a.SnapshotWindow = "02:00-03:00"
			a.MaintenanceWindow = "sun:23:00-mon:01:00"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := stagingArgs()
			tc.mutate(a)
			_, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := cache.NewRedis(ctx, "redis", a)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.NoError(t, err)
		})
	}
}

func TestCallerArgsAreNotModified(t *testing.T) {
	a := stagingArgs()
	_, err := plan.Capture(func(ctx *pulumi.Context) error {
		_, err := cache.NewRedis(ctx, "redis", a)
		return err
	}, plan.Options{Mode: plan.Preview})
	require.NoError(t, err)
	require.Empty(t, a.EngineVersion)
	require.Nil(t, a.Groups[0].Replicas)
	require.Empty(t, a.Groups[0].Role)
}
