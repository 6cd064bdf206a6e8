package connbudget

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBudget(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		b           Budget
		used, limit int
		wantErr     []string
	}{
		{
			name: "staging defaults fit a t4g.medium",
			b:    Budget{Replicas: 3, DefaultPoolSize: 20, ReservePoolSize: 5, OtherClients: 50, Margin: 15, MaxConnections: 405},
			used: 125, limit: 390,
		},
		{
			name: "exactly at the limit passes",
			b:    Budget{Replicas: 4, DefaultPoolSize: 20, ReservePoolSize: 5, OtherClients: 0, Margin: 0, MaxConnections: 100},
			used: 100, limit: 100,
		},
		{
			name: "one over fails with every number",
			b:    Budget{Replicas: 4, DefaultPoolSize: 20, ReservePoolSize: 5, OtherClients: 1, Margin: 0, MaxConnections: 100},
			used: 101, limit: 100,
			wantErr: []string{"4 PgBouncer pods", "default_pool_size 20", "reserve_pool_size 5", "1 other clients", "= 101",
				"max_connections 100", "margin 0", "= 100"},
		},
		{
			name: "seed incident: many pods on a small class",
			b:    Budget{Replicas: 11, DefaultPoolSize: 40, ReservePoolSize: 10, OtherClients: 50, Margin: 15, MaxConnections: 405},
			used: 600, limit: 390,
			wantErr: []string{"11 PgBouncer pods", "= 600", "max_connections 405", "margin 15", "= 390"},
		},
		{
			name: "two pools per pod double the demand",
			b:    Budget{Replicas: 4, PoolsPerPod: 2, DefaultPoolSize: 20, ReservePoolSize: 5, MaxConnections: 150},
			used: 200, limit: 150,
			wantErr: []string{"4 PgBouncer pods x 2 pools x (default_pool_size 20", "= 200"},
		},
		{
			name: "max_db_connections caps a pod",
			b:    Budget{Replicas: 4, PoolsPerPod: 2, DefaultPoolSize: 20, ReservePoolSize: 5, MaxDBConnections: 25, MaxConnections: 100},
			used: 100, limit: 100,
		},
		{
			name: "the cap is named when the budget still breaks",
			b:    Budget{Replicas: 5, PoolsPerPod: 2, DefaultPoolSize: 20, ReservePoolSize: 5, MaxDBConnections: 25, MaxConnections: 100},
			used: 125, limit: 100,
			wantErr: []string{"capped at max_db_connections 25", "= 125"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.used, tc.b.Used())
			require.Equal(t, tc.limit, tc.b.Limit())
			err := tc.b.Check()
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			for _, w := range tc.wantErr {
				require.ErrorContains(t, err, w)
			}
		})
	}
}

func TestForPgBouncerCountsTheSurge(t *testing.T) {
	b := ForPgBouncer(3, 20, 5, 191, 20, 405)
	require.Equal(t, Budget{Replicas: 3 + RolloutSurge, DefaultPoolSize: 20, ReservePoolSize: 5, OtherClients: 191, Margin: 20, MaxConnections: 405}, b)
	require.Equal(t, 291, b.Used())
	require.Equal(t, 385, b.Limit())
	require.NoError(t, b.Check())
}
