package preflight_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

// constant returns a constant of preflight/resilience.json in minutes, so expectations
// follow the sourced table instead of repeating its numbers.
func constant(t *testing.T, id string) float64 {
	t.Helper()
	cs, err := preflight.LoadResilienceConstants()
	require.NoError(t, err)
	c := only(t, cs, "constant "+id, func(c preflight.ResilienceConstant) bool { return c.ID == id })
	if c.Unit == "seconds" {
		return c.Value / 60
	}
	return c.Value
}

// variantMinutes is the provisioning.json time of a type when its input path is set.
func variantMinutes(t *testing.T, typ, path string) float64 {
	t.Helper()
	timings, err := preflight.LoadTimings()
	require.NoError(t, err)
	for _, v := range timings.Lookup(typ).Variants {
		if v.When.Path == path {
			return v.Minutes
		}
	}
	t.Fatalf("no %s variant on %s", typ, path)
	return 0
}

// only returns the one item that matches, failing the test otherwise.
func only[T any](t *testing.T, items []T, what string, match func(T) bool) T {
	t.Helper()
	for _, it := range items {
		if match(it) {
			return it
		}
	}
	t.Fatalf("no %s", what)
	var zero T
	return zero
}

func estimateOf(t *testing.T, rs preflight.Resilience, disruption, component string) preflight.ResilienceEstimate {
	t.Helper()
	return only(t, rs.Estimates, disruption+" estimate for "+component, func(e preflight.ResilienceEstimate) bool {
		return e.Disruption == disruption && e.Component == component
	})
}

func componentOf(t *testing.T, rs preflight.Resilience, name string) preflight.ResilienceComponent {
	t.Helper()
	return only(t, rs.Components, "component "+name, func(c preflight.ResilienceComponent) bool { return c.Name == name })
}

func missed(rs preflight.Resilience, disruption, component, measure string) *preflight.ResilienceMiss {
	for i, m := range rs.Misses {
		if m.Disruption == disruption && m.Component == component && m.Measure == measure {
			return &rs.Misses[i]
		}
	}
	return nil
}

func assess(t *testing.T, r *preflight.Report) preflight.Resilience {
	t.Helper()
	timings, err := preflight.LoadTimings()
	require.NoError(t, err)
	return preflight.AssessResilienceForTest(r, timings)
}

// dropResources removes every resource of a type from the report.
func dropResources(r *preflight.Report, typ string) {
	kept := r.Resources[:0]
	for _, res := range r.Resources {
		if res.Type != typ {
			kept = append(kept, res)
		}
	}
	r.Resources = kept
}

// TestResilienceFollowsThePlan breaks (or mends) one input of the prod plan at a time
// and checks that the estimate moves the way the behaviour says, and that a broken one
// is reported as a miss naming the target's key.
func TestResilienceFollowsThePlan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(t *testing.T, r *preflight.Report)
		check  func(t *testing.T, rs preflight.Resilience)
	}{
		{"a single-AZ database restores instead of failing over", func(t *testing.T, r *preflight.Report) {
			resource(t, r, tokens.RDSInstance, "database").Inputs["multiAz"] = false
		}, func(t *testing.T, rs preflight.Resilience) {
			e := estimateOf(t, rs, "az-loss", "PostgreSQL database")
			want := variantMinutes(t, tokens.RDSInstance, "restoreToPointInTime") + constant(t, "restore-cutover")
			require.InDelta(t, want, e.RTO.Minutes, 0.01)
			require.InDelta(t, constant(t, "rds-log-upload-interval"), e.RPO.Minutes, 0.01)
			require.False(t, e.MeetsRTO)
			m := missed(rs, "az-loss", "PostgreSQL database", "RTO")
			require.NotNil(t, m)
			require.Equal(t, "platform:rtoAzLossMinutes", m.Key)
			require.Contains(t, m.Message, "multiAz false")
			require.Equal(t, constant(t, "sla-rds-single-az"), componentOf(t, rs, "PostgreSQL database").AvailabilityPercent)
			require.NotNil(t, missed(rs, "availability", "PostgreSQL database", "availability"))
		}},
		{"without backup copies the region-loss RPO is unbounded", func(t *testing.T, r *preflight.Report) {
			dropResources(r, tokens.RDSInstanceAutomatedBackupsReplication)
			for _, rule := range resource(t, r, tokens.BackupPlan, "backup-plan").Inputs["rules"].([]any) {
				delete(rule.(map[string]any), "copyActions")
			}
		}, func(t *testing.T, rs preflight.Resilience) {
			e := estimateOf(t, rs, "region-loss", "PostgreSQL database")
			require.True(t, e.RPO.Unbounded)
			require.Contains(t, e.Basis, "nothing copies it out of us-east-1")
			m := missed(rs, "region-loss", "PostgreSQL database", "RPO")
			require.NotNil(t, m)
			require.Equal(t, "platform:rpoRegionLossMinutes", m.Key)
			require.Equal(t, "unbounded", m.Estimate)
		}},
		{"the daily copy action alone gives a day", func(t *testing.T, r *preflight.Report) {
			dropResources(r, tokens.RDSInstanceAutomatedBackupsReplication)
		}, func(t *testing.T, rs preflight.Resilience) {
			e := estimateOf(t, rs, "region-loss", "PostgreSQL database")
			require.InDelta(t, 24*60, e.RPO.Minutes, 0.01)
			require.True(t, e.MeetsRPO, "the daily copy meets prod's 24 h")
			require.Contains(t, e.Basis, "us-west-2")
		}},
		{"a weekly copy misses a day", func(t *testing.T, r *preflight.Report) {
			dropResources(r, tokens.RDSInstanceAutomatedBackupsReplication)
			for _, rule := range resource(t, r, tokens.BackupPlan, "backup-plan").Inputs["rules"].([]any) {
				rule.(map[string]any)["schedule"] = "cron(0 5 ? * SUN *)"
			}
		}, func(t *testing.T, rs preflight.Resilience) {
			e := estimateOf(t, rs, "region-loss", "PostgreSQL database")
			require.InDelta(t, 7*24*60, e.RPO.Minutes, 0.01)
			require.NotNil(t, missed(rs, "region-loss", "PostgreSQL database", "RPO"))
		}},
		{"a lone worker misses the node-loss target", func(t *testing.T, r *preflight.Report) {
			resource(t, r, tokens.K8sScaledObject, "worker").Inputs["spec"].(map[string]any)["minReplicaCount"] = 1.0
		}, func(t *testing.T, rs preflight.Resilience) {
			require.NotNil(t, missed(rs, "node-loss", "worker", "RTO"))
			require.Equal(t, constant(t, "sla-ec2-instance"), componentOf(t, rs, "worker").AvailabilityPercent)
		}},
		{"two workers spread over AZs survive a node and an AZ", func(t *testing.T, r *preflight.Report) {
			resource(t, r, tokens.K8sScaledObject, "worker").Inputs["spec"].(map[string]any)["minReplicaCount"] = 2.0
		}, func(t *testing.T, rs preflight.Resilience) {
			for _, d := range []string{"node-loss", "az-loss"} {
				e := estimateOf(t, rs, d, "worker")
				require.InDelta(t, constant(t, "k8s-node-monitor-grace"), e.RTO.Minutes, 0.01, d)
				require.True(t, e.MeetsRTO, d)
			}
			require.Equal(t, constant(t, "sla-ec2-region"), componentOf(t, rs, "worker").AvailabilityPercent)
			require.Nil(t, missed(rs, "node-loss", "worker", "RTO"))
		}},
		{"a short unreachable toleration shortens the reschedule", func(t *testing.T, r *preflight.Report) {
			// A lone worker (prod keeps two): its node's loss takes it, and it waits out
			// the toleration before it is started elsewhere.
			resource(t, r, tokens.K8sScaledObject, "worker").Inputs["spec"].(map[string]any)["minReplicaCount"] = 1.0
			pod := resource(t, r, tokens.K8sDeployment, "worker").Inputs["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
			pod["tolerations"] = []any{map[string]any{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30.0}}
		}, func(t *testing.T, rs preflight.Resilience) {
			e := estimateOf(t, rs, "node-loss", "worker")
			ready := 10.0 / 60 // the worker's readiness probe: periodSeconds 10, successThreshold 1
			want := constant(t, "k8s-node-monitor-grace") + 0.5 + constant(t, "k8s-pod-startup") + ready
			require.InDelta(t, want, e.RTO.Minutes, 0.01)
			require.True(t, e.MeetsRTO)
		}},
		{"a lone queue node without snapshots loses its jobs", func(t *testing.T, r *preflight.Report) {
			in := resource(t, r, tokens.ElastiCacheReplicationGroup, "cache-queue").Inputs
			in["numCacheClusters"], in["automaticFailoverEnabled"], in["multiAzEnabled"], in["snapshotRetentionLimit"] = 1.0, false, false, 0.0
		}, func(t *testing.T, rs preflight.Resilience) {
			for _, d := range []string{"node-loss", "az-loss", "data-corruption"} {
				require.True(t, estimateOf(t, rs, d, "Redis queue").RPO.Unbounded, d)
			}
			require.Equal(t, constant(t, "sla-elasticache-single-az"), componentOf(t, rs, "Redis queue").AvailabilityPercent)
			require.NotNil(t, missed(rs, "az-loss", "Redis queue", "RPO"))
		}},
		{"a cache group loses nothing", func(t *testing.T, r *preflight.Report) {
			in := resource(t, r, tokens.ElastiCacheReplicationGroup, "cache-cache").Inputs
			in["numCacheClusters"], in["automaticFailoverEnabled"], in["snapshotRetentionLimit"] = 1.0, false, 0.0
		}, func(t *testing.T, rs preflight.Resilience) {
			for _, d := range []string{"node-loss", "region-loss", "data-corruption"} {
				require.True(t, estimateOf(t, rs, d, "Redis cache").RPO.NoData, d)
			}
		}},
		{"no automated backups leave nothing to restore", func(t *testing.T, r *preflight.Report) {
			resource(t, r, tokens.RDSInstance, "database").Inputs["backupRetentionPeriod"] = 0.0
		}, func(t *testing.T, rs preflight.Resilience) {
			e := estimateOf(t, rs, "data-corruption", "PostgreSQL database")
			require.True(t, e.RTO.Unbounded)
			require.True(t, e.RPO.Unbounded)
			require.NotNil(t, missed(rs, "data-corruption", "PostgreSQL database", "RTO"))
		}},
		{"without paging a bad release has no bounded recovery", func(t *testing.T, r *preflight.Report) {
			dropResources(r, tokens.Route53HealthCheck)
			dropResources(r, tokens.K8sPrometheusRule)
		}, func(t *testing.T, rs preflight.Resilience) {
			e := estimateOf(t, rs, "bad-deploy", "api")
			require.True(t, e.RTO.Unbounded)
			require.Contains(t, e.Basis, "nothing pages")
			require.NotNil(t, missed(rs, "bad-deploy", "api", "RTO"))
		}},
		{"the Prometheus alert pages when the health check is gone", func(t *testing.T, r *preflight.Report) {
			dropResources(r, tokens.Route53HealthCheck)
		}, func(t *testing.T, rs preflight.Resilience) {
			e := estimateOf(t, rs, "bad-deploy", "api")
			require.False(t, e.RTO.Unbounded)
			require.Contains(t, e.Basis, "ApiErrorRateCritical")
		}},
		{"node groups in one AZ leave nothing to run on", func(t *testing.T, r *preflight.Report) {
			ng := resource(t, r, tokens.EKSNodeGroup, "cluster-general")
			var deps []string
			for _, d := range ng.Dependencies {
				if !strings.Contains(d, "Subnet::") || strings.HasSuffix(d, "-us-east-1a") {
					deps = append(deps, d)
				}
			}
			ng.Dependencies = deps
		}, func(t *testing.T, rs preflight.Resilience) {
			require.True(t, estimateOf(t, rs, "az-loss", "api").RTO.Unbounded)
			require.Equal(t, constant(t, "sla-ec2-instance"), componentOf(t, rs, "api").AvailabilityPercent)
		}},
		{"unreadable targets are a problem, not a pass", func(t *testing.T, r *preflight.Report) {
			delete(r.Config, "platform:rtoAzLossMinutes")
		}, func(t *testing.T, rs preflight.Resilience) {
			require.Len(t, rs.Problems, 1)
			require.Contains(t, rs.Problems[0], "platform:rtoAzLossMinutes")
			require.Empty(t, rs.Estimates)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, "prod", plan.Preview)
			tc.mutate(t, r)
			tc.check(t, assess(t, r))
		})
	}
}

func TestScheduleMinutes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		expr    string
		minutes float64
		ok      bool
	}{
		{"cron(0 5 * * ? *)", 24 * 60, true},
		{"cron(30 2,14 * * ? *)", 12 * 60, true},
		{"cron(0 1,5 * * ? *)", 20 * 60, true}, // the longest gap is across midnight
		{"cron(0 */6 * * ? *)", 6 * 60, true},
		{"cron(0 * * * ? *)", 60, true},
		{"cron(0 5 ? * SUN *)", 7 * 24 * 60, true},
		{"cron(0 5 1 * ? *)", 31 * 24 * 60, true},
		{"rate(12 hours)", 12 * 60, true},
		{"rate(1 day)", 24 * 60, true},
		{"rate(30 minutes)", 30, true},
		{"cron(0 5 ? * MON-FRI *)", 0, false}, // uneven gaps are not guessed
		{"cron(0 */5 * * ? *)", 0, false},     // a step that does not divide the day
		{"cron(0 5 * * ?)", 0, false},
		{"rate(0 hours)", 0, false},
		{"at(2026-01-01T00:00:00)", 0, false},
		{"", 0, false},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			t.Parallel()
			got, ok := preflight.ScheduleMinutesForTest(tc.expr)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.minutes, got)
		})
	}
}

func TestResilienceConstantsAreSourced(t *testing.T) {
	t.Parallel()
	cs, err := preflight.LoadResilienceConstants()
	require.NoError(t, err)
	for _, c := range cs {
		require.NotEmpty(t, c.Basis, c.ID)
		modeled := strings.HasPrefix(c.Source, "docs/")
		require.True(t, modeled || strings.HasPrefix(c.Source, "https://"), "%s: source %q is neither a URL nor a runbook", c.ID, c.Source)
		if modeled {
			require.Contains(t, c.Basis, "Modeled", "%s: a runbook figure says it is modeled", c.ID)
		}
	}
	doc, err := os.ReadFile("../docs/resilience.md")
	require.NoError(t, err)
	for _, c := range cs {
		require.Contains(t, string(doc), "`"+c.ID+"`", "docs/resilience.md lists every constant")
	}
	for _, tc := range []struct {
		name, data, wantErr string
	}{
		{"unknown field", `{"constants": [], "extra": 1}`, "unknown field"},
		{"no source", `{"constants": [{"id": "x", "value": 1, "unit": "minutes", "basis": "b"}]}`, "x needs a basis and a source"},
		{"bad unit", `{"constants": [{"id": "x", "value": 1, "unit": "hours", "basis": "b", "source": "s"}]}`, `unit "hours"`},
		{"missing constant", `{"constants": []}`, "which is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.ErrorContains(t, preflight.ParseResilienceForTest([]byte(tc.data)), tc.wantErr)
		})
	}
}
