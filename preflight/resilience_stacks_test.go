package preflight_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
	"github.com/generic-corp/platform/stacks"
)

// TestCommittedStacksResilience reads the resilience table of the committed stacks: every
// disruption and component has figures, the region-loss RTO is the rebuild plus the
// runbook, the data-tier figures follow each stack's own settings, and the verdict is
// exactly the misses (each one a blocking finding).
func TestCommittedStacksResilience(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		stack string
		// what each stack's data tier is: Multi-AZ database, and how its backups leave the
		// region (replication: point in time; else the daily AWS Backup copy).
		multiAz, replicated bool
		availability        float64
	}{
		{"staging", false, false, 99.0},
		{"prod", true, true, 99.9},
		{"dr", true, true, 99.9},
	} {
		t.Run(tc.stack, func(t *testing.T) {
			t.Parallel()
			r := report(t, tc.stack, plan.Preview)
			rs := r.Resilience
			require.Empty(t, rs.Problems)
			require.Equal(t, tc.availability, rs.AvailabilityTarget)
			require.Len(t, rs.Disruptions, len(stacks.Disruptions))
			names := map[string]bool{}
			for _, c := range rs.Components {
				names[c.Name] = true
				require.Positive(t, c.AvailabilityPercent, c.Name)
				require.Equal(t, c.AvailabilityPercent >= tc.availability, c.MeetsAvailability, c.Name)
			}
			for _, want := range []string{"PostgreSQL database", "Redis queue", "Redis cache", "api", "worker", "temporal-worker", "pgbouncer",
				"Temporal server", "front end app", "front end landing"} {
				require.True(t, names[want], "no %s in %v", want, names)
			}
			for _, d := range rs.Disruptions {
				n := 0
				for _, e := range rs.Estimates {
					if e.Disruption == d.ID {
						n++
						require.NotEmpty(t, e.Basis, "%s %s", d.ID, e.Component)
					}
				}
				require.Positive(t, n, "no figures for %s", d.ID)
			}
			for _, c := range rs.Components {
				require.Equal(t, rs.Region.RTOMinutes, estimateOf(t, rs, "region-loss", c.Name).RTO.Minutes, c.Name)
			}
			require.InDelta(t, rs.Region.RebuildMinutes+rs.Region.ManualMinutes, rs.Region.RTOMinutes, 0.05)
			require.GreaterOrEqual(t, rs.Region.RebuildMinutes, r.CriticalPath.Minutes, "the rebuild restores the database")

			db := estimateOf(t, rs, "az-loss", "PostgreSQL database")
			region := estimateOf(t, rs, "region-loss", "PostgreSQL database")
			if tc.multiAz {
				require.InDelta(t, constant(t, "rds-multi-az-failover"), db.RTO.Minutes, 0.01)
				require.Zero(t, db.RPO.Minutes)
			} else {
				require.Greater(t, db.RTO.Minutes, constant(t, "rds-multi-az-failover"))
			}
			if tc.replicated {
				require.InDelta(t, constant(t, "rds-backup-replication"), region.RPO.Minutes, 0.01)
			} else {
				require.InDelta(t, 24*60, region.RPO.Minutes, 0.01, region.Basis)
			}

			blocking, open := 0, 0
			for _, m := range rs.Misses {
				if !m.Accepted {
					open++
				}
			}
			for _, f := range r.Findings {
				if f.Rule == preflight.ResilienceRule {
					require.Equal(t, !f.Exempted, f.Blocking, f.Message)
					if f.Blocking {
						blocking++
					}
				}
			}
			require.Equal(t, open, blocking, "every miss not accepted is one blocking finding")
			if open > 0 {
				require.False(t, r.Summary.Pass, "a missed target fails the report")
			}
			for _, d := range rs.Disruptions {
				pass := true
				for _, m := range rs.Misses {
					pass = pass && m.Disruption != d.ID
				}
				require.Equal(t, pass, d.Pass, d.ID)
			}
		})
	}
}

// TestResilienceInEveryFormat: the table is in the text, markdown and JSON reports.
func TestResilienceInEveryFormat(t *testing.T) {
	t.Parallel()
	r := report(t, "prod", plan.Preview)
	doc := &preflight.Document{Reports: []*preflight.Report{r}}
	text := render(t, preflight.TextFormat{}, doc)
	require.Contains(t, string(text), "\nRESILIENCE ")
	require.Contains(t, string(text), "AVAILABILITY (target 99.9 %)")
	require.Regexp(t, `PostgreSQL database +n/a +2/0 +2/0 `, string(text))

	md := render(t, preflight.MarkdownFormat{}, doc)
	require.Contains(t, string(md), "resilience: ")
	require.Contains(t, string(md), "| PostgreSQL database | n/a | 2/0 | 2/0 |")

	var back struct {
		Resilience preflight.Resilience `json:"resilience"`
	}
	js := render(t, preflight.JSONFormat{}, doc)
	require.NoError(t, json.NewDecoder(bytes.NewReader(js)).Decode(&back))
	require.Equal(t, r.Resilience.Estimates, back.Resilience.Estimates)
	require.Equal(t, r.Resilience.Region.RTOMinutes, back.Resilience.Region.RTOMinutes)
	var keys struct {
		Resilience map[string]any `json:"resilience"`
	}
	require.NoError(t, json.Unmarshal(js, &keys))
	for _, k := range []string{"availabilityTarget", "disruptions", "components", "estimates", "region", "misses", "constantsSource"} {
		require.Contains(t, keys.Resilience, k, "documented in docs/preflight.md")
	}
}
