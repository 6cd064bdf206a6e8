package tests

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
	"github.com/generic-corp/platform/stacks"
)

const (
	cwAlarm   = tokens.CloudWatchMetricAlarm
	promRule  = tokens.K8sPrometheusRule
	kindAlarm = "CloudWatch alarm"
	kindRule  = "PrometheusRule alert"

	// albSuffix is a well-formed ALB ARN suffix for the capture that turns the API alarms on.
	albSuffix = "app/agent-platform-prod-api/0123456789abcdef"
)

// alertInfo is one alert of a plan, a CloudWatch alarm or a Prometheus alerting rule,
// reduced to what the seed's rules and the runbook talk about.
type alertInfo struct {
	Kind      string // kindAlarm or kindRule
	Name      string // the alarm's `name` input, or the rule's alertname
	Severity  string // critical, warning, info: the alarm's severity tag or the rule's severity label
	Metric    string // CloudWatch metric name(s), "/"-joined for metric math
	Op        string // ">", ">=", "<", "<=" for alarms
	Threshold float64
	Stat      string // statistic or extended statistic (alarms with one metric)
	Expr      string // PromQL (rules)
	Runbook   string // runbook_url anchor (rules)
	Resource  *plan.Resource
}

var comparisonOps = map[string]string{
	"GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=",
	"LessThanThreshold": "<", "LessThanOrEqualToThreshold": "<=",
}

// planAlerts lists every CloudWatch alarm and PrometheusRule alert of a plan.
func planAlerts(p *plan.Plan) []alertInfo {
	var out []alertInfo
	for _, r := range p.ByType(cwAlarm) {
		a := alertInfo{Kind: kindAlarm, Name: str(r.Input("name")), Op: comparisonOps[str(r.Input("comparisonOperator"))],
			Threshold: num(r.Input("threshold")), Resource: r}
		if tags := r.Input("tags"); tags.IsMap() {
			a.Severity = str(tags.AsMap().Get("severity"))
		}
		if m := str(r.Input("metricName")); m != "" {
			a.Metric = m
			a.Stat = str(r.Input("statistic")) + str(r.Input("extendedStatistic"))
		} else if qs := r.Input("metricQueries"); qs.IsArray() {
			var names []string
			for _, q := range qs.AsArray().AsSlice() {
				if n := str(mapGet(q.AsMap(), "metric.metricName")); n != "" && !strings.Contains(strings.Join(names, "/"), n) {
					names = append(names, n)
				}
			}
			a.Metric = strings.Join(names, "/")
		}
		out = append(out, a)
	}
	for _, r := range p.ByType(promRule) {
		groups := r.Input("spec.groups")
		if !groups.IsArray() {
			continue
		}
		for _, g := range groups.AsArray().AsSlice() {
			for _, rule := range mapGet(g.AsMap(), "rules").AsArray().AsSlice() {
				m := rule.AsMap()
				if str(m.Get("alert")) == "" {
					continue // a recording rule
				}
				url := str(mapGet(m, "annotations.runbook_url"))
				_, anchor, _ := strings.Cut(url, "#")
				out = append(out, alertInfo{Kind: kindRule, Name: str(m.Get("alert")), Severity: str(mapGet(m, "labels.severity")),
					Expr: str(m.Get("expr")), Runbook: anchor, Resource: r})
			}
		}
	}
	return out
}

// Captures of prod with the API load balancer's ARN suffix set, as an operator does after
// the first deploy: the only way the ALB alarms exist.
var (
	albMu    sync.Mutex
	albPlans = map[plan.Mode]*plan.Plan{}
)

func captureProdWithALB(t testing.TB, mode plan.Mode) *plan.Plan {
	t.Helper()
	albMu.Lock()
	defer albMu.Unlock()
	if p := albPlans[mode]; p != nil {
		return p
	}
	root, err := stackplan.ProjectRoot()
	require.NoError(t, err)
	raw, err := stacks.ReadStackFile(root, "prod")
	require.NoError(t, err)
	require.NotContains(t, raw, "platform:apiLoadBalancerArnSuffix", "the committed prod stack is expected without the suffix")
	raw["platform:apiLoadBalancerArnSuffix"] = albSuffix
	p, err := plan.Capture(stacks.Deploy, plan.Options{Stack: "prod", Config: raw, Mode: mode, RootDirectory: root})
	require.NoError(t, err)
	albPlans[mode] = p
	return p
}

func TestBackup(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, "prod", mode)
			vaults := map[string]*plan.Resource{}
			for _, v := range p.ByType(tokens.BackupVault) {
				vaults[strings.TrimPrefix(str(v.Input("name")), "agent-platform-prod-")] = v
			}
			primary, dr := vaults["vault"], vaults["dr-vault"]
			require.NotNil(t, primary)
			require.NotNil(t, dr)
			require.True(t, primary.Protect && dr.Protect)
			require.False(t, primary.Input("forceDestroy").AsBool())

			// The DR vault and its key live in the DR region: both go through that provider.
			drProvider := p.Named(tokens.ProviderAWS, "dr-region")
			require.NotNil(t, drProvider)
			require.Equal(t, "us-west-2", str(drProvider.Input("region")))
			require.True(t, strings.HasPrefix(dr.Provider, drProvider.URN+"::"), "DR vault provider %q", dr.Provider)
			require.False(t, strings.HasPrefix(primary.Provider, drProvider.URN+"::"))
			// The DR region holds two keys of prod: the backups' and the secret replicas'.
			drKey := one(t, p, tokens.KMSKey, func(r *plan.Resource) bool {
				return strings.HasPrefix(r.Provider, drProvider.URN+"::") && r.Name == "backup-dr-key"
			})
			require.True(t, drKey.Protect)

			// Compliance-mode locks whose range holds the plan's retention.
			rule := one(t, p, tokens.BackupPlan, nil).Input("rules[0]").AsMap()
			keep := num(mapGet(rule, "lifecycle.deleteAfter"))
			require.Equal(t, 30.0, keep, "prod keeps recovery points for dbBackupRetentionDays")
			for _, v := range []*plan.Resource{primary, dr} {
				lock := one(t, p, tokens.BackupVaultLockConfiguration, func(r *plan.Resource) bool {
					return str(r.Input("backupVaultName")) == str(v.Input("name"))
				})
				minDays, maxDays := num(lock.Input("minRetentionDays")), num(lock.Input("maxRetentionDays"))
				require.Positive(t, minDays, v.Name)
				require.LessOrEqual(t, minDays, keep, v.Name)
				require.GreaterOrEqual(t, maxDays, keep, v.Name)
				require.Positive(t, num(lock.Input("changeableForDays")), "%s: a lock without a grace time cannot be undone if wrong", v.Name)
			}
			require.Equal(t, str(primary.Input("name")), str(mapGet(rule, "targetVaultName")))
			require.Equal(t, keep, num(mapGet(rule, "copyActions[0].lifecycle.deleteAfter")))

			// Weekly restore test of the RDS instance.
			rtp := one(t, p, tokens.BackupRestoreTestingPlan, nil)
			require.True(t, weeklyCron(str(rtp.Input("scheduleExpression"))), "restore test schedule %q", str(rtp.Input("scheduleExpression")))
			sel := one(t, p, tokens.BackupRestoreTestingSelection, nil)
			require.Equal(t, str(rtp.Input("name")), str(sel.Input("restoreTestingPlanName")))
			require.Equal(t, "RDS", str(sel.Input("protectedResourceType")))
			require.Equal(t, "aws:ResourceTag/backup", str(sel.Input("protectedResourceConditions.stringEquals[0].key")))
			require.Equal(t, "true", str(sel.Input("protectedResourceConditions.stringEquals[0].value")))

			// The selection covers the instance by tag; in an update also by ARN.
			db := one(t, p, tokens.RDSInstance, isPrimaryDB)
			require.Equal(t, "true", str(db.Input("tags.backup")))
			bsel := one(t, p, tokens.BackupSelection, nil)
			require.Equal(t, "backup", str(bsel.Input("selectionTags[0].key")))
			require.Equal(t, "STRINGEQUALS", str(bsel.Input("selectionTags[0].type")))
			require.Equal(t, "true", str(bsel.Input("selectionTags[0].value")))
			if mode != plan.Update {
				require.True(t, mapGet(rule, "copyActions[0].destinationVaultArn").IsComputed())
				return
			}
			require.Contains(t, strs(bsel.Input("resources")), str(db.Output("arn")))
			require.NotEmpty(t, str(db.Output("arn")))
			require.Equal(t, str(dr.Output("arn")), str(mapGet(rule, "copyActions[0].destinationVaultArn")))
			require.Equal(t, str(drKey.Output("arn")), str(dr.Input("kmsKeyArn")))
			require.True(t, isOurKey(p, str(primary.Input("kmsKeyArn"))), "primary vault key")
		})
	}
}

// weeklyCron reports whether an AWS cron(min hour day-of-month month day-of-week year)
// expression fires once a week.
func weeklyCron(expr string) bool {
	inner, ok := strings.CutPrefix(expr, "cron(")
	if !ok {
		return false
	}
	f := strings.Fields(strings.TrimSuffix(inner, ")"))
	return len(f) == 6 && f[2] == "?" && f[3] == "*" && !strings.ContainsAny(f[4], "*?,-/")
}

func TestCloudTrail(t *testing.T) {
	p := capture(t, "prod", plan.Update)
	trail := one(t, p, tokens.CloudTrailTrail, nil)
	require.True(t, trail.Input("isMultiRegionTrail").AsBool())
	require.True(t, trail.Input("enableLogFileValidation").AsBool())
	require.True(t, trail.Input("includeGlobalServiceEvents").AsBool())
	require.True(t, isOurKey(p, str(trail.Input("kmsKeyId"))), "trail kmsKeyId %q", str(trail.Input("kmsKeyId")))
	bucket := one(t, p, tokens.S3BucketV2, func(r *plan.Resource) bool {
		return str(r.Input("bucket")) == str(trail.Input("s3BucketName"))
	})
	require.True(t, bucket.Protect, "the audit bucket holds evidence")
}

type alarmWant struct {
	metric    string
	op        string
	threshold float64
	severity  string
	missing   string // treatMissingData
}

// prodAlarms are the alarms of the committed prod stack (names without the
// "agent-platform-prod-" prefix), with the seed's numbers.
func prodAlarms(maxConnections, storageBytes float64) map[string]alarmWant {
	want := map[string]alarmWant{
		"api-unhealthy-critical":           {"HealthCheckStatus", "<", 1, "critical", "breaching"},
		"db-connections-critical":          {"DatabaseConnections", ">", 0.95 * maxConnections, "critical", "missing"},
		"db-connections-warning":           {"DatabaseConnections", ">", 0.80 * maxConnections, "warning", "missing"},
		"db-cpu-warning":                   {"CPUUtilization", ">", 80, "warning", "missing"},
		"db-free-storage-critical":         {"FreeStorageSpace", "<", 0.10 * storageBytes, "critical", "missing"},
		"nodes-disk-critical":              {"node_filesystem_utilization", ">", 90, "critical", "missing"},
		"redis-queue-memory-warning":       {"DatabaseMemoryUsagePercentage", ">", 80, "warning", "missing"},
		"redis-cache-memory-warning":       {"DatabaseMemoryUsagePercentage", ">", 80, "warning", "missing"},
		"redis-queue-memory-critical":      {"DatabaseMemoryUsagePercentage", ">", 95, "critical", "missing"},
		"redis-queue-evictions-critical":   {"Evictions", ">", 0, "critical", "notBreaching"},
		"redis-queue-unavailable-critical": {"IsMaster", "<", 1, "critical", "breaching"},
		"redis-cache-unavailable-critical": {"IsMaster", "<", 1, "critical", "breaching"},
		"redis-queue-engine-cpu-warning":   {"EngineCPUUtilization", ">", 80, "warning", "missing"},
		"redis-cache-engine-cpu-warning":   {"EngineCPUUtilization", ">", 80, "warning", "missing"},
		"backup-jobs-failed-warning":       {"NumberOfBackupJobsFailed", ">", 0, "warning", "notBreaching"},
	}
	for k, v := range cisAlarms {
		want[k] = v
	}
	return want
}

// apiAlarms are the ALB alarms that exist only with platform:apiLoadBalancerArnSuffix.
var apiAlarms = map[string]alarmWant{
	"api-5xx-rate-critical":   {"HTTPCode_Target_5XX_Count/HTTPCode_ELB_5XX_Count/RequestCount", ">", 5, "critical", "notBreaching"},
	"api-5xx-rate-warning":    {"HTTPCode_Target_5XX_Count/HTTPCode_ELB_5XX_Count/RequestCount", ">", 1, "warning", "notBreaching"},
	"api-latency-p95-warning": {"TargetResponseTime", ">", 1, "warning", "notBreaching"},
}

// checkAlarms asserts that the plan has exactly the wanted alarms, each with its numbers,
// its severity's SNS topic for both alarm and OK actions, and an explicit treatMissingData.
func checkAlarms(t *testing.T, p *plan.Plan, want map[string]alarmWant) {
	topics := map[string]string{} // ARN -> severity
	for _, tp := range p.ByType(tokens.SNSTopic) {
		topics[str(tp.Output("arn"))] = strings.TrimPrefix(tp.Name, "alerting-")
	}
	got := map[string]bool{}
	for _, a := range planAlerts(p) {
		if a.Kind != kindAlarm {
			continue
		}
		short := strings.TrimPrefix(a.Name, "agent-platform-prod-")
		got[short] = true
		w, ok := want[short]
		require.True(t, ok, "unexpected alarm %s (add it to the test and to docs/runbooks.md)", a.Name)
		r := a.Resource
		require.Equal(t, w.metric, a.Metric, short)
		require.Equal(t, w.op, a.Op, short)
		require.InDelta(t, w.threshold, a.Threshold, 1e-9, short)
		require.Equal(t, w.severity, a.Severity, short)
		require.True(t, strings.HasSuffix(short, "-"+w.severity), "%s: the name ends in its severity", short)
		require.Equal(t, w.missing, str(r.Input("treatMissingData")), short)
		require.True(t, r.Input("actionsEnabled").AsBool(), short)
		for _, key := range []string{"alarmActions", "okActions"} {
			actions := strs(r.Input(key))
			require.NotEmpty(t, actions, "%s: %s", short, key)
			for _, arn := range actions {
				require.Equal(t, w.severity, topics[arn], "%s: %s %s is not our %s topic", short, key, arn, w.severity)
			}
		}
	}
	for name := range want {
		require.True(t, got[name], "alarm %s is missing", name)
	}
}

func TestAlarms(t *testing.T) {
	p := capture(t, "prod", plan.Update)
	pg := one(t, p, tokens.RDSParameterGroup, nil)
	maxConn := pgNumber(t, params(pg)["max_connections"])
	db := one(t, p, tokens.RDSInstance, isPrimaryDB)
	storage := num(db.Input("allocatedStorage")) * (1 << 30)
	require.Positive(t, storage)

	t.Run("committed prod", func(t *testing.T) {
		checkAlarms(t, p, prodAlarms(maxConn, storage))
		for _, a := range planAlerts(p) {
			require.NotContains(t, a.Name, "api-5xx", "the ALB alarms need platform:apiLoadBalancerArnSuffix")
			require.NotEqual(t, "AWS/ApplicationELB", str(a.Resource.Input("namespace")))
		}
	})
	t.Run("prod with the ALB suffix", func(t *testing.T) {
		alb := captureProdWithALB(t, plan.Update)
		want := prodAlarms(maxConn, storage)
		for k, v := range apiAlarms {
			want[k] = v
		}
		checkAlarms(t, alb, want)
		latency := one(t, alb, cwAlarm, func(r *plan.Resource) bool { return strings.HasSuffix(str(r.Input("name")), "api-latency-p95-warning") })
		require.Equal(t, "p95", str(latency.Input("extendedStatistic")))
		require.Equal(t, albSuffix, str(latency.Input("dimensions.LoadBalancer")))
		rate := one(t, alb, cwAlarm, func(r *plan.Resource) bool { return strings.HasSuffix(str(r.Input("name")), "api-5xx-rate-critical") })
		for _, q := range rate.Input("metricQueries").AsArray().AsSlice() {
			if m := mapGet(q.AsMap(), "metric"); m.IsMap() {
				require.Equal(t, albSuffix, str(mapGet(m.AsMap(), "dimensions.LoadBalancer")))
			}
		}
	})
}

func pgNumber(t testing.TB, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, "max_connections %q must be an explicit number", s)
	return f
}

// seedAlerts are the seed plan's alerting rules (§Alerting Rules), each with the test
// that an alert implements it at the seed's severity and with the seed's number.
var seedAlerts = []struct {
	severity, rule string
	implements     func(a alertInfo) bool
}{
	{"critical", "API error rate > 5%", func(a alertInfo) bool {
		return isRule(a, "5..", "> 0.05") || (strings.Contains(a.Metric, "5XX") && a.Op == ">" && a.Threshold == 5)
	}},
	{"critical", "Database connection failures", func(a alertInfo) bool {
		return isRule(a, "pgbouncer_up", "") || (a.Metric == "DatabaseConnections" && a.Op == ">")
	}},
	{"critical", "Redis unavailable", func(a alertInfo) bool {
		return isRule(a, "redis_up", "") || (a.Metric == "IsMaster" && a.Op == "<" && a.Threshold == 1)
	}},
	{"critical", "Worker processes crashed", func(a alertInfo) bool {
		return a.Kind == kindRule && strings.Contains(a.Expr, `deployment="worker"} < 1`)
	}},
	{"critical", "Disk usage > 90%", func(a alertInfo) bool {
		return isRule(a, "node_filesystem", "> 0.9") || (a.Metric == "node_filesystem_utilization" && a.Op == ">" && a.Threshold == 90)
	}},
	{"warning", "API error rate > 1%", func(a alertInfo) bool {
		return isRule(a, "5..", "> 0.01") || (strings.Contains(a.Metric, "5XX") && a.Op == ">" && a.Threshold == 1)
	}},
	{"warning", "P95 latency > 1s", func(a alertInfo) bool {
		return isRule(a, "histogram_quantile(0.95", "> 1") || (a.Metric == "TargetResponseTime" && a.Stat == "p95" && a.Threshold == 1)
	}},
	{"warning", "Queue depth > 1000", func(a alertInfo) bool { return isRule(a, "bullmq_queue_waiting", "> 1000") }},
	{"warning", "Memory usage > 80%", func(a alertInfo) bool {
		return isRule(a, "memory", "> 0.8") || (a.Metric == "DatabaseMemoryUsagePercentage" && a.Op == ">" && a.Threshold == 80)
	}},
	{"warning", "Failed background jobs", func(a alertInfo) bool { return isRule(a, "jobs_failed", "> 0") }},
	{"info", "Tenant quota warnings", func(a alertInfo) bool { return isRule(a, "tenant_quota", "") }},
	{"info", "Slow queries (>500ms)", func(a alertInfo) bool { return isRule(a, `le="0.5"`, "> 0") }},
	{"info", "Rate limit hits", func(a alertInfo) bool { return isRule(a, "rate_limit_hits", "> 0") }},
}

// isRule: a Prometheus alert whose expression uses metric and ends in the comparison tail.
func isRule(a alertInfo, metric, tail string) bool {
	return a.Kind == kindRule && strings.Contains(a.Expr, metric) && strings.HasSuffix(a.Expr, tail)
}

func TestSeedAlertsAreImplemented(t *testing.T) {
	alerts := planAlerts(capture(t, "prod", plan.Update))
	require.Len(t, seedAlerts, 13, "the seed lists 5 critical, 5 warning and 3 info rules")
	for _, s := range seedAlerts {
		t.Run(s.rule, func(t *testing.T) {
			var by []string
			for _, a := range alerts {
				if a.Severity == s.severity && s.implements(a) {
					by = append(by, a.Name)
				}
			}
			require.NotEmpty(t, by, "seed %s rule %q has no alarm or alert at that severity", s.severity, s.rule)
		})
	}
}
