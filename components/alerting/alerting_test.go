package alerting_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/alerting"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const (
	tProvider    = "pulumi:providers:aws"
	tKey         = "aws:kms/key:Key"
	tTopic       = "aws:sns/topic:Topic"
	tTopicPolicy = "aws:sns/topicPolicy:TopicPolicy"
	tSub         = "aws:sns/topicSubscription:TopicSubscription"
	tAlarm       = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tEvents      = "aws:rds/eventSubscription:EventSubscription"
	tHealth      = "aws:route53/healthCheck:HealthCheck"
	tBudget      = "aws:budgets/budget:Budget"

	pagerDuty = "https://events.pagerduty.com/integration/0123abcd/enqueue"
	albSuffix = "app/platform-prod-api/50dc6c495c0c9188"
	tgSuffix  = "targetgroup/platform-prod-api/73e2d6bc24d8a067"
)

func prodArgs() *alerting.AlertingArgs {
	return &alerting.AlertingArgs{
		NamePrefix:        "platform-prod",
		AccountId:         pulumi.String(plan.AccountID),
		Region:            "us-east-1",
		PagerDutyEndpoint: pulumi.ToSecret(pulumi.String(pagerDuty)).(pulumi.StringOutput),
		EmailAddresses:    []string{"oncall@generic-corp.io"},
		Api: &alerting.ApiAlarms{
			LoadBalancerArnSuffix: pulumi.String(albSuffix),
			TargetGroupArnSuffix:  pulumi.String(tgSuffix),
			HealthCheckFqdn:       "api.generic-corp.io",
		},
		Database: &alerting.DatabaseAlarms{
			InstanceIdentifier:  pulumi.String("platform-prod-postgres"),
			ReplicaIdentifier:   pulumi.String("platform-prod-postgres-replica"),
			AllocatedStorageGiB: 50,
			MaxConnections:      410,
		},
		Redis: []alerting.RedisAlarms{
			{Name: "queue", ReplicationGroupId: pulumi.String("platform-prod-queue"), Nodes: 2, NoEviction: true},
			{Name: "cache", ReplicationGroupId: pulumi.String("platform-prod-cache"), Nodes: 2},
		},
		ClusterName:      pulumi.String("platform-prod"),
		BackupVaultName:  pulumi.String("platform-prod-vault"),
		MonthlyBudgetUSD: 800,
		Protect:          true,
		Tags:             tags.New("prod", "platform", "platform-team", "cc-1", nil),
	}
}

type result struct {
	plan  *plan.Plan
	names []string
	sevs  map[string]string
}

func capture(t *testing.T, mode plan.Mode, args *alerting.AlertingArgs) result {
	t.Helper()
	var res result
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		a := *args
		if a.Region != "us-east-1" {
			east, err := aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
			if err != nil {
				return err
			}
			a.UsEast1Provider = east
		}
		al, err := alerting.NewAlerting(ctx, "alerting", &a)
		if err != nil {
			return err
		}
		res.names, res.sevs = al.AlarmNames, al.AlarmSeverities
		ctx.Export("topicArns", al.TopicArns)
		return nil
	}, plan.Options{Mode: mode, Config: map[string]string{"aws:region": args.Region}})
	require.NoError(t, err)
	res.plan = p
	return res
}

type policyDoc struct {
	Statement []struct {
		Sid       string
		Effect    string
		Principal any
		Action    []string
		Resource  string
		Condition map[string]map[string]any
	}
}

func parse(t *testing.T, v property.Value) policyDoc {
	t.Helper()
	var doc policyDoc
	require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, v)), &doc))
	return doc
}

func alarm(t *testing.T, p *plan.Plan, short string) *plan.Resource {
	t.Helper()
	r := p.Named(tAlarm, "alerting-"+short)
	require.NotNil(t, r, "alarm %s", short)
	return r
}

// query returns the metric query with the given id.
func query(t *testing.T, a *plan.Resource, id string) property.Map {
	t.Helper()
	for _, q := range a.Input("metricQueries").AsArray().AsSlice() {
		if q.AsMap().Get("id").AsString() == id {
			return q.AsMap()
		}
	}
	t.Fatalf("%s has no query %q", a.Name, id)
	return property.Map{}
}

func TestProdAlertingUpdate(t *testing.T) {
	res := capture(t, plan.Update, prodArgs())
	p := res.plan
	topicArn := map[string]string{}
	for _, sev := range alerting.Severities {
		topic := p.Named(tTopic, "alerting-"+sev)
		require.NotNil(t, topic, sev)
		topicArn[sev] = testkit.Str(t, topic.Output("arn"))
	}
	key := p.Named(tKey, "alerting-key")
	require.NotNil(t, key)

	t.Run("topics are encrypted with the rotating alerting key", func(t *testing.T) {
		require.True(t, key.Input("enableKeyRotation").AsBool())
		require.True(t, key.Protect)
		require.True(t, key.RetainOnDelete)
		for _, sev := range alerting.Severities {
			topic := p.Named(tTopic, "alerting-"+sev)
			require.Equal(t, "platform-prod-"+sev, testkit.Str(t, topic.Input("name")))
			require.Equal(t, testkit.Str(t, key.Output("arn")), testkit.Str(t, topic.Input("kmsMasterKeyId")))
		}
	})

	t.Run("key policy admits exactly the four publishers plus RDS events", func(t *testing.T) {
		doc := parse(t, key.Input("policy"))
		require.Len(t, doc.Statement, 3)
		require.Equal(t, map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, doc.Statement[0].Principal)
		svc := doc.Statement[1].Principal.(map[string]any)["Service"]
		require.ElementsMatch(t, []any{"cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com",
			"budgets.amazonaws.com", "events.rds.amazonaws.com"}, svc)
		require.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey*"}, doc.Statement[1].Action)
		require.Equal(t, "sns.us-east-1.amazonaws.com", doc.Statement[2].Condition["StringEquals"]["kms:ViaService"])
		require.Equal(t, plan.AccountID, doc.Statement[2].Condition["StringEquals"]["kms:CallerAccount"])
	})

	t.Run("topic policies let only those services of this account publish", func(t *testing.T) {
		pols := p.ByType(tTopicPolicy)
		require.Len(t, pols, 3)
		for _, pol := range pols {
			doc := parse(t, pol.Input("policy"))
			require.Contains(t, []string{topicArn[alerting.Critical], topicArn[alerting.Warning], topicArn[alerting.Info]}, testkit.Str(t, pol.Input("arn")))
			for _, s := range doc.Statement {
				if s.Effect != "Allow" || !slices.Contains(s.Action, "sns:Publish") {
					continue
				}
				svc := s.Principal.(map[string]any)["Service"]
				require.ElementsMatch(t, []any{"cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com",
					"budgets.amazonaws.com", "events.rds.amazonaws.com"}, svc, "only the AWS services may publish")
				require.Equal(t, plan.AccountID, s.Condition["StringEquals"]["aws:SourceAccount"])
				require.Regexp(t, `^arn:aws:sns:us-east-1:123456789012:platform-prod-(critical|warning|info)$`, s.Resource)
			}
			for _, s := range doc.Statement {
				if s.Principal == "*" {
					require.Equal(t, "Deny", s.Effect, "a * principal may only deny")
				}
			}
		}
	})

	t.Run("subscriptions: PagerDuty and e-mail on critical, e-mail on warning, none on info", func(t *testing.T) {
		bySev := map[string][]*plan.Resource{}
		for _, s := range p.ByType(tSub) {
			for sev, arn := range topicArn {
				if testkit.Str(t, s.Input("topic")) == arn {
					bySev[sev] = append(bySev[sev], s)
				}
			}
		}
		require.Len(t, bySev[alerting.Critical], 2)
		require.Len(t, bySev[alerting.Warning], 1)
		require.Empty(t, bySev[alerting.Info])
		pd := p.Named(tSub, "alerting-critical-pagerduty")
		require.NotNil(t, pd)
		require.Equal(t, "https", testkit.Str(t, pd.Input("protocol")))
		require.True(t, pd.Input("endpointAutoConfirms").AsBool())
		require.True(t, pd.Input("endpoint").Secret(), "the PagerDuty URL embeds a key and stays secret")
		mail := p.Named(tSub, "alerting-warning-email-oncall@generic-corp.io")
		require.Equal(t, "email", testkit.Str(t, mail.Input("protocol")))
		require.Equal(t, "oncall@generic-corp.io", testkit.Str(t, mail.Input("endpoint")))
	})

	t.Run("alarms carry the seed thresholds", func(t *testing.T) {
		cases := []struct {
			short, severity, op, missing string
			threshold                    float64
		}{
			{"api-5xx-rate-critical", "critical", "GreaterThanThreshold", "notBreaching", 5},
			{"api-5xx-rate-warning", "warning", "GreaterThanThreshold", "notBreaching", 1},
			{"api-latency-p95-warning", "warning", "GreaterThanThreshold", "notBreaching", 1},
			{"api-unhealthy-critical", "critical", "LessThanThreshold", "breaching", 1},
			{"db-cpu-warning", "warning", "GreaterThanThreshold", "missing", 80},
			{"db-free-storage-critical", "critical", "LessThanThreshold", "missing", 50 * (1 << 30) * 0.10},
			{"db-connections-warning", "warning", "GreaterThanThreshold", "missing", 410 * 0.80},
			{"db-connections-critical", "critical", "GreaterThanThreshold", "missing", 410 * 0.95},
			{"db-replica-lag-warning", "warning", "GreaterThanThreshold", "breaching", 60},
			{"redis-queue-memory-warning", "warning", "GreaterThanThreshold", "missing", 80},
			{"redis-queue-engine-cpu-warning", "warning", "GreaterThanThreshold", "missing", 80},
			{"redis-queue-unavailable-critical", "critical", "LessThanThreshold", "breaching", 1},
			{"redis-queue-evictions-critical", "critical", "GreaterThanThreshold", "notBreaching", 0},
			{"redis-queue-memory-critical", "critical", "GreaterThanThreshold", "missing", 95},
			{"redis-cache-memory-warning", "warning", "GreaterThanThreshold", "missing", 80},
			{"redis-cache-engine-cpu-warning", "warning", "GreaterThanThreshold", "missing", 80},
			{"redis-cache-unavailable-critical", "critical", "LessThanThreshold", "breaching", 1},
			{"nodes-disk-critical", "critical", "GreaterThanThreshold", "missing", 90},
			{"backup-jobs-failed-warning", "warning", "GreaterThanThreshold", "notBreaching", 0},
		}
		var want []string
		for _, tc := range cases {
			want = append(want, "platform-prod-"+tc.short)
			t.Run(tc.short, func(t *testing.T) {
				a := alarm(t, p, tc.short)
				require.Equal(t, "platform-prod-"+tc.short, testkit.Str(t, a.Input("name")))
				require.Equal(t, tc.threshold, testkit.Num(t, a.Input("threshold")))
				require.Equal(t, tc.op, testkit.Str(t, a.Input("comparisonOperator")))
				require.Equal(t, tc.missing, testkit.Str(t, a.Input("treatMissingData")))
				require.Equal(t, tc.severity, res.sevs["platform-prod-"+tc.short])
				require.Equal(t, tc.severity, testkit.Str(t, a.Input("tags.severity")))
				require.True(t, strings.HasPrefix(testkit.Str(t, a.Input("alarmDescription")), "["+tc.severity+"] "))
				require.Equal(t, []string{topicArn[tc.severity]}, testkit.Strs(t, a.Input("alarmActions")), "ALARM goes to the %s topic", tc.severity)
				require.Equal(t, []string{topicArn[tc.severity]}, testkit.Strs(t, a.Input("okActions")), "OK goes to the same topic")
				require.True(t, a.Input("actionsEnabled").AsBool())
				require.GreaterOrEqual(t, testkit.Num(t, a.Input("evaluationPeriods")), testkit.Num(t, a.Input("datapointsToAlarm")))
			})
		}
		require.ElementsMatch(t, want, res.names, "AlarmNames lists every alarm")
		require.Len(t, p.ByType(tAlarm), len(want))
		require.Nil(t, p.Named(tAlarm, "alerting-redis-cache-evictions-critical"), "the cache group may evict")
	})

	t.Run("5xx rate is metric math over target and ALB 5xx per request", func(t *testing.T) {
		for _, short := range []string{"api-5xx-rate-critical", "api-5xx-rate-warning"} {
			a := alarm(t, p, short)
			expr := query(t, a, "alarm")
			require.Equal(t, "IF(requests >= 20, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)", expr.Get("expression").AsString())
			require.True(t, expr.Get("returnData").AsBool())
			for id, metricName := range map[string]string{"target5xx": "HTTPCode_Target_5XX_Count", "elb5xx": "HTTPCode_ELB_5XX_Count", "requests": "RequestCount"} {
				m := query(t, a, id).Get("metric").AsMap()
				require.Equal(t, metricName, m.Get("metricName").AsString())
				require.Equal(t, "AWS/ApplicationELB", m.Get("namespace").AsString())
				require.Equal(t, "Sum", m.Get("stat").AsString())
				require.Equal(t, 60.0, m.Get("period").AsNumber())
				require.Equal(t, albSuffix, m.Get("dimensions").AsMap().Get("LoadBalancer").AsString())
				require.False(t, query(t, a, id).Get("returnData").AsBool())
			}
		}
		lat := alarm(t, p, "api-latency-p95-warning")
		require.Equal(t, "p95", testkit.Str(t, lat.Input("extendedStatistic")))
		require.Equal(t, "TargetResponseTime", testkit.Str(t, lat.Input("metricName")))
		require.Equal(t, albSuffix, testkit.Str(t, lat.Input("dimensions.LoadBalancer")))
		require.Equal(t, tgSuffix, testkit.Str(t, lat.Input("dimensions.TargetGroup")))
	})

	t.Run("Redis alarms read every node of the group", func(t *testing.T) {
		a := alarm(t, p, "redis-queue-evictions-critical")
		require.Equal(t, "SUM([m1, m2])", query(t, a, "alarm").Get("expression").AsString())
		require.Equal(t, "platform-prod-queue-001", query(t, a, "m1").Get("metric").AsMap().Get("dimensions").AsMap().Get("CacheClusterId").AsString())
		require.Equal(t, "platform-prod-queue-002", query(t, a, "m2").Get("metric").AsMap().Get("dimensions").AsMap().Get("CacheClusterId").AsString())
		require.Equal(t, "Evictions", query(t, a, "m1").Get("metric").AsMap().Get("metricName").AsString())
		mem := alarm(t, p, "redis-cache-memory-warning")
		require.Equal(t, "MAX([m1, m2])", query(t, mem, "alarm").Get("expression").AsString())
		require.Equal(t, "DatabaseMemoryUsagePercentage", query(t, mem, "m2").Get("metric").AsMap().Get("metricName").AsString())
	})

	t.Run("database and node alarms watch the right metrics", func(t *testing.T) {
		for short, want := range map[string][3]string{
			"db-cpu-warning":           {"AWS/RDS", "CPUUtilization", "platform-prod-postgres"},
			"db-free-storage-critical": {"AWS/RDS", "FreeStorageSpace", "platform-prod-postgres"},
			"db-connections-critical":  {"AWS/RDS", "DatabaseConnections", "platform-prod-postgres"},
			"db-replica-lag-warning":   {"AWS/RDS", "ReplicaLag", "platform-prod-postgres-replica"},
		} {
			a := alarm(t, p, short)
			require.Equal(t, want[0], testkit.Str(t, a.Input("namespace")), short)
			require.Equal(t, want[1], testkit.Str(t, a.Input("metricName")), short)
			require.Equal(t, want[2], testkit.Str(t, a.Input("dimensions.DBInstanceIdentifier")), short)
		}
		disk := alarm(t, p, "nodes-disk-critical")
		require.Equal(t, "ContainerInsights", testkit.Str(t, disk.Input("namespace")))
		require.Equal(t, "node_filesystem_utilization", testkit.Str(t, disk.Input("metricName")))
		require.Equal(t, "platform-prod", testkit.Str(t, disk.Input("dimensions.ClusterName")))
		require.Equal(t, "Maximum", testkit.Str(t, disk.Input("statistic")))
	})

	t.Run("Route 53 health check of the API feeds a critical alarm", func(t *testing.T) {
		hcs := p.ByType(tHealth)
		require.Len(t, hcs, 1)
		hc := hcs[0]
		require.Equal(t, "HTTPS", testkit.Str(t, hc.Input("type")))
		require.Equal(t, "api.generic-corp.io", testkit.Str(t, hc.Input("fqdn")))
		require.Equal(t, "/health", testkit.Str(t, hc.Input("resourcePath")))
		require.Equal(t, 443.0, testkit.Num(t, hc.Input("port")))
		require.Equal(t, 3.0, testkit.Num(t, hc.Input("failureThreshold")))
		require.Equal(t, 30.0, testkit.Num(t, hc.Input("requestInterval")))
		a := alarm(t, p, "api-unhealthy-critical")
		require.Equal(t, "AWS/Route53", testkit.Str(t, a.Input("namespace")))
		require.Equal(t, "HealthCheckStatus", testkit.Str(t, a.Input("metricName")))
		require.Equal(t, hc.ID, testkit.Str(t, a.Input("dimensions.HealthCheckId")))
		require.Empty(t, a.Provider, "us-east-1 is the stack region: default provider")
	})

	t.Run("RDS events: failures to critical, maintenance to info", func(t *testing.T) {
		crit := p.Named(tEvents, "alerting-rds-critical")
		require.Equal(t, topicArn[alerting.Critical], testkit.Str(t, crit.Input("snsTopic")))
		require.Equal(t, "db-instance", testkit.Str(t, crit.Input("sourceType")))
		require.Equal(t, []string{"availability", "failover", "failure", "low storage"}, testkit.Strs(t, crit.Input("eventCategories")))
		require.Equal(t, []string{"platform-prod-postgres", "platform-prod-postgres-replica"}, testkit.Strs(t, crit.Input("sourceIds")))
		info := p.Named(tEvents, "alerting-rds-info")
		require.Equal(t, topicArn[alerting.Info], testkit.Str(t, info.Input("snsTopic")))
	})

	t.Run("monthly budget alerts at 80 and 100 percent", func(t *testing.T) {
		b := p.ByType(tBudget)
		require.Len(t, b, 1)
		bud := b[0]
		require.Equal(t, "COST", testkit.Str(t, bud.Input("budgetType")))
		require.Equal(t, "800", testkit.Str(t, bud.Input("limitAmount")))
		require.Equal(t, "USD", testkit.Str(t, bud.Input("limitUnit")))
		require.Equal(t, "MONTHLY", testkit.Str(t, bud.Input("timeUnit")))
		require.Equal(t, "TagKeyValue", testkit.Str(t, bud.Input("costFilters[0].name")))
		require.Equal(t, []string{"user:environment$prod"}, testkit.Strs(t, bud.Input("costFilters[0].values")))
		want := []struct {
			kind, sev string
			pct       float64
		}{{"ACTUAL", "warning", 80}, {"ACTUAL", "critical", 100}, {"FORECASTED", "warning", 100}}
		notes := bud.Input("notifications").AsArray().AsSlice()
		require.Len(t, notes, len(want))
		for i, w := range want {
			n := notes[i].AsMap()
			require.Equal(t, w.kind, n.Get("notificationType").AsString())
			require.Equal(t, w.pct, n.Get("threshold").AsNumber())
			require.Equal(t, "PERCENTAGE", n.Get("thresholdType").AsString())
			require.Equal(t, "GREATER_THAN", n.Get("comparisonOperator").AsString())
			require.Equal(t, []string{topicArn[w.sev]}, testkit.Strs(t, n.Get("subscriberSnsTopicArns")))
		}
	})
}
