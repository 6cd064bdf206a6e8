package temporal

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
)

func TestPoolConnections(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*TemporalArgs)
		want   int
	}{
		{"defaults: 4 x (1+1) x (10+5) + 1", nil, 121},
		{"two replicas", func(a *TemporalArgs) { a.Replicas = 2 }, 4*3*15 + 1},
		{"smaller pools", func(a *TemporalArgs) { a.DefaultStoreMaxConns, a.VisibilityStoreMaxConns = 4, 2 }, 4*2*6 + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := baseArgs()
			if tc.mutate != nil {
				tc.mutate(&a)
			}
			require.Equal(t, tc.want, PoolConnections(a))
		})
	}
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*TemporalArgs)
		want   string
	}{
		{"shards not a power of two", func(a *TemporalArgs) { a.NumHistoryShards = 500 }, `NumHistoryShards "500"`},
		{"shards too many", func(a *TemporalArgs) { a.NumHistoryShards = 32768 }, "can never change"},
		{"latest image", func(a *TemporalArgs) { a.ServerImage = "temporalio/server:latest" }, `ServerImage "temporalio/server:latest"`},
		{"untagged image", func(a *TemporalArgs) { a.WebImage = "temporalio/ui" }, "WebImage"},
		{"same database twice", func(a *TemporalArgs) { a.VisibilityDatabase = "temporal" }, "must differ from Database"},
		{"reserved role", func(a *TemporalArgs) { a.DbUser = "rdsadmin" }, `DbUser "rdsadmin"`},
		{"short retention", func(a *TemporalArgs) { a.Namespaces = []NamespaceSpec{{Name: "default", Retention: "12h"}} }, "at least 24h"},
		{"bad web host", func(a *TemporalArgs) { a.WebHost = "Temporal UI" }, "WebHost"},
		{"bad cidr", func(a *TemporalArgs) { a.WebAllowedCidrs = []string{"10.0.0.0/33"} }, "WebAllowedCidrs"},
		{"bad store kind", func(a *TemporalArgs) { a.SecretStoreKind = "Vault" }, "SecretStoreKind"},
		{"missing admin secret", func(a *TemporalArgs) { a.AdminSecretName = "" }, "AdminSecretName"},
		{"missing tags", func(a *TemporalArgs) { a.Tags = nil }, `required tag "owner"`},
		{"too many conns", func(a *TemporalArgs) { a.DefaultStoreMaxConns = 500 }, "DefaultStoreMaxConns"},
		{"bad quantity", func(a *TemporalArgs) { a.ServerResources.MemoryLimit = "1GB" }, "ServerResources.MemoryLimit"},
		{"no host", func(a *TemporalArgs) { a.DbHost = nil }, "DbHost is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := captureErr(plan.Preview, tc.mutate)
			require.ErrorContains(t, err, tc.want)
		})
	}

	t.Run("nil args", func(t *testing.T) {
		_, err := plan.Capture(func(ctx *pulumi.Context) error {
			_, err := NewTemporal(ctx, "t", nil)
			return err
		}, plan.Options{})
		require.ErrorContains(t, err, "args are required")
	})

}
