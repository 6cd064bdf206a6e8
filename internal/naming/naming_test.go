package naming

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestName(t *testing.T) {
	long := strings.Repeat("segment", 20)
	cases := []struct {
		name  string
		max   int
		parts []string
		want  string
	}{
		{"joins and lower-cases", 63, []string{"Agent-Platform", "PROD", "postgres"}, "agent-platform-prod-postgres"},
		{"drops empty parts", 63, []string{"a", "", "b"}, "a-b"},
		{"replaces unsafe characters", 63, []string{"a_b", "c.d", "e/f"}, "a-b-c-d-e-f"},
		{"collapses and trims dashes", 63, []string{"-a--", "--b-"}, "a-b"},
		{"no limit", 0, []string{long}, long},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Name(tc.max, tc.parts...))
		})
	}
}

func TestNameTruncatesWithAStableHash(t *testing.T) {
	parts := []string{"agent-platform-prod", strings.Repeat("x", 80)}
	a := Name(MaxElastiCacheGroup, parts...)
	require.LessOrEqual(t, len(a), MaxElastiCacheGroup)
	require.Equal(t, a, Name(MaxElastiCacheGroup, parts...), "the same input must give the same name every run")
	require.NotEqual(t, a, Name(MaxElastiCacheGroup, "agent-platform-prod", strings.Repeat("y", 80)),
		"names that differ only past the limit must still differ")
	require.Regexp(t, `^agent-platform-prod-x+-[0-9a-f]{7}$`, a)
}
