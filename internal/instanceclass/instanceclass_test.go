package instanceclass

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEmbeddedTableParses(t *testing.T) {
	f, err := parse(classesJSON)
	require.NoError(t, err)
	require.NotEmpty(t, f.RDS)
	require.Equal(t, []string{"dr", "prod", "staging"}, Environments())
	require.Equal(t, 7, PerformanceInsightsFreeRetentionDays())
}

// TestHardwareFacts pins the numbers read from the RDS hardware table, so an edit of
// classes.json that changes one is deliberate.
func TestHardwareFacts(t *testing.T) {
	cases := []struct {
		class     string
		vcpu      int
		memoryGiB float64
	}{
		{"db.t4g.micro", 2, 1}, {"db.t4g.small", 2, 2}, {"db.t4g.medium", 2, 4}, {"db.t4g.large", 2, 8},
		{"db.t4g.2xlarge", 8, 32}, {"db.m6g.large", 2, 8}, {"db.m6g.16xlarge", 64, 256},
		{"db.r6g.large", 2, 16}, {"db.r6g.16xlarge", 64, 512}, {"db.t3.medium", 2, 4},
	}
	for _, tc := range cases {
		c, ok := RDSClass(tc.class)
		require.True(t, ok, tc.class)
		require.Equal(t, tc.vcpu, c.VCPU, tc.class)
		require.Equal(t, tc.memoryGiB, c.MemoryGiB, tc.class)
		// RDS for PostgreSQL has no Performance Insights class restriction.
		require.True(t, c.PerformanceInsights, tc.class)
		src, ok := SourceOf(c.Source)
		require.True(t, ok)
		require.True(t, strings.HasPrefix(src.URL, "https://"))
	}
	_, ok := RDSClass("db.m7g.large")
	require.False(t, ok, "no sourced RDS memory for db.m7g: not in the table")
}

func TestMaxConnections(t *testing.T) {
	cases := []struct {
		class string
		want  int
	}{
		{"db.t4g.micro", 101},
		{"db.t4g.medium", 405},
		{"db.t4g.large", 811},
		{"db.m6g.large", 811},
		{"db.m6g.xlarge", 1622},
		{"db.m6g.2xlarge", 3244},
		{"db.m6g.4xlarge", 5000}, // 6488 before the cap
		{"db.r6g.large", 1622},
		{"db.r6g.xlarge", 3244},
		{"db.r6g.2xlarge", 5000},
	}
	for _, tc := range cases {
		got, err := MaxConnections(tc.class)
		require.NoError(t, err, tc.class)
		require.Equal(t, tc.want, got, tc.class)
	}
	for _, c := range RDSClasses() {
		n, err := MaxConnections(c)
		require.NoError(t, err)
		require.True(t, n > 0 && n <= Formula().Cap, "%s: %d", c, n)
	}
	_, err := MaxConnections("db.x9.huge")
	require.ErrorContains(t, err, `"db.x9.huge"`)
	require.ErrorContains(t, err, "db.t4g.medium")
}

func TestEveryRDSChoiceIsKnown(t *testing.T) {
	for _, env := range Environments() {
		ch, _ := ChoicesFor(env)
		for _, c := range ch.RDS {
			_, ok := RDSClass(c)
			require.True(t, ok, "%s chooses %s", env, c)
		}
	}
}

func TestBrokenTablesAreRefused(t *testing.T) {
	good := string(classesJSON)
	cases := []struct {
		name, from, to, want string
	}{
		{"unknown field", `"about":`, `"abuot": "x", "about":`, "unknown field"},
		{"unknown source", `"source": "rds-hardware"`, `"source": "nowhere"`, `cites unknown source "nowhere"`},
		{"choice without facts", `"rds": [
        "db.t4g.medium"`, `"rds": [
        "db.m7g.large"`, "db.m7g.large is not in the rds table"},
		{"bad collection date", `"collected": "2026-12-03"`, `"collected": "December"`, "collection date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, good, tc.from)
			_, err := parse([]byte(strings.Replace(good, tc.from, tc.to, 1)))
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// SourceOf returns a source by id.
func SourceOf(id string) (Source, bool) {
	for _, s := range facts().Sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}
