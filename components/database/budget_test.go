package database

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMaxConnections(t *testing.T) {
	t.Parallel()
	cases := []struct {
		class string
		want  int
	}{
		{"db.t4g.micro", 101},
		{"db.t4g.medium", 405},
		{"db.t4g.large", 811},
		{"db.m6g.large", 811},
		{"db.m7g.large", 811},
		{"db.m7g.xlarge", 1622},
		{"db.m7g.2xlarge", 3244},
		{"db.m7g.4xlarge", 5000}, // 6490 before the cap
		{"db.r6g.large", 1622},
		{"db.r7g.large", 1622},
		{"db.r7g.xlarge", 3244},
		{"db.r7g.2xlarge", 5000},
		{"db.r7g.4xlarge", 5000},
	}
	for _, tc := range cases {
		t.Run(tc.class, func(t *testing.T) {
			got, err := MaxConnections(tc.class)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
	t.Run("every supported class is below the cap or at it", func(t *testing.T) {
		for _, c := range SupportedClasses() {
			n, err := MaxConnections(c)
			require.NoError(t, err)
			require.True(t, n > 0 && n <= 5000, "%s: %d", c, n)
		}
	})
	t.Run("unknown class names the supported ones", func(t *testing.T) {
		_, err := MaxConnections("db.x9.huge")
		require.ErrorContains(t, err, `"db.x9.huge"`)
		require.ErrorContains(t, err, "db.r7g.large")
	})
}

func TestConnectionBudget(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		b           ConnectionBudget
		used, limit int
		wantErr     []string
	}{
		{
			name: "staging defaults fit a t4g.medium",
			b:    ConnectionBudget{Replicas: 3, DefaultPoolSize: 20, ReservePoolSize: 5, OtherClients: 50, Margin: 15, MaxConnections: 405},
			used: 125, limit: 390,
		},
		{
			name: "exactly at the limit passes",
			b:    ConnectionBudget{Replicas: 4, DefaultPoolSize: 20, ReservePoolSize: 5, OtherClients: 0, Margin: 0, MaxConnections: 100},
			used: 100, limit: 100,
		},
		{
			name: "one over fails with every number",
			b:    ConnectionBudget{Replicas: 4, DefaultPoolSize: 20, ReservePoolSize: 5, OtherClients: 1, Margin: 0, MaxConnections: 100},
			used: 101, limit: 100,
			wantErr: []string{"4 PgBouncer pods", "default_pool_size 20", "reserve_pool_size 5", "1 other clients", "= 101",
				"max_connections 100", "margin 0", "= 100"},
		},
		{
			name: "seed incident: many pods on a small class",
			b:    ConnectionBudget{Replicas: 11, DefaultPoolSize: 40, ReservePoolSize: 10, OtherClients: 50, Margin: 15, MaxConnections: 405},
			used: 600, limit: 390,
			wantErr: []string{"11 PgBouncer pods", "= 600", "max_connections 405", "margin 15", "= 390"},
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
			require.Error(t, err)
			for _, w := range tc.wantErr {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}
