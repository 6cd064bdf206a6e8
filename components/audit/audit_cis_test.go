package audit_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/audit"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const (
	tLogGroup   = "aws:cloudwatch/logGroup:LogGroup"
	tFilter     = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	tAlarm      = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tRole       = "aws:iam/role:Role"
	tRolePolicy = "aws:iam/rolePolicy:RolePolicy"

	groupName = "/aws/cloudtrail/platform-prod-trail"
	groupArn  = "arn:aws:logs:us-east-1:123456789012:log-group:" + groupName
)

// wantAlarms is who each CIS alarm pages: the root user, the trail and the keys page
// (critical); the rest are changes deploys make too and go to chat (warning).
var wantAlarms = map[string]struct{ metric, topic string }{
	"platform-prod-cis-root-usage-critical":                  {"RootAccountUsage", criticalTopic},
	"platform-prod-cis-unauthorized-api-calls-warning":       {"UnauthorizedAPICalls", warningTopic},
	"platform-prod-cis-console-signin-without-mfa-warning":   {"ConsoleSigninWithoutMFA", warningTopic},
	"platform-prod-cis-iam-policy-changes-warning":           {"IAMPolicyChanges", warningTopic},
	"platform-prod-cis-cloudtrail-changes-critical":          {"CloudTrailChanges", criticalTopic},
	"platform-prod-cis-console-auth-failures-warning":        {"ConsoleAuthenticationFailures", warningTopic},
	"platform-prod-cis-kms-key-disabled-or-deleted-critical": {"DisableOrDeleteCMK", criticalTopic},
	"platform-prod-cis-s3-bucket-policy-changes-warning":     {"S3BucketPolicyChanges", warningTopic},
	"platform-prod-cis-config-changes-warning":               {"AWSConfigChanges", warningTopic},
	"platform-prod-cis-security-group-changes-warning":       {"SecurityGroupChanges", warningTopic},
	"platform-prod-cis-nacl-changes-warning":                 {"NetworkACLChanges", warningTopic},
	"platform-prod-cis-network-gateway-changes-warning":      {"NetworkGatewayChanges", warningTopic},
	"platform-prod-cis-route-table-changes-warning":          {"RouteTableChanges", warningTopic},
	"platform-prod-cis-vpc-changes-warning":                  {"VPCChanges", warningTopic},
}

func TestTrailLogs(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, prodArgs())
			trail, key := testkit.One(t, p, tTrail), testkit.One(t, p, tKey)
			group, role, rp := testkit.One(t, p, tLogGroup), testkit.One(t, p, tRole), testkit.One(t, p, tRolePolicy)

			t.Run("encrypted group with the audit retention", func(t *testing.T) {
				require.Equal(t, groupName, testkit.Str(t, group.Input("name")))
				require.Equal(t, 365.0, testkit.Num(t, group.Input("retentionInDays")))
				require.Equal(t, "STANDARD", testkit.Str(t, group.Input("logGroupClass")), "metric filters need the standard class")
				require.True(t, testkit.DependsOn(group, "kmsKeyId", key.URN), "the trail key encrypts the group")
			})

			t.Run("trail delivers to the group through the role", func(t *testing.T) {
				// Known in a preview, with CloudTrail's log-stream wildcard.
				require.Equal(t, groupArn+":*", testkit.Str(t, trail.Input("cloudWatchLogsGroupArn")))
				require.True(t, testkit.DependsOn(trail, "cloudWatchLogsGroupArn", group.URN))
				require.True(t, testkit.DependsOn(trail, "cloudWatchLogsRoleArn", role.URN))
				require.True(t, testkit.WaitsFor(trail, rp.URN), "CloudTrail checks the role's permissions at CreateTrail")
				if mode == plan.Update {
					require.Equal(t, testkit.Str(t, role.Output("arn")), testkit.Str(t, trail.Input("cloudWatchLogsRoleArn")))
				}
			})

			t.Run("role: CloudTrail only, this group's streams only", func(t *testing.T) {
				trust := parse(t, role.Input("assumeRolePolicy"))
				require.Len(t, trust.Statement, 1)
				require.Equal(t, map[string]any{"Service": "cloudtrail.amazonaws.com"}, trust.Statement[0].Principal)
				require.Equal(t, []string{"sts:AssumeRole"}, trust.Statement[0].Action)
				require.True(t, testkit.DependsOn(rp, "role", role.URN))
				perms := parse(t, rp.Input("policy"))
				streams := []any{groupArn + ":log-stream:123456789012_CloudTrail_*"}
				require.Len(t, perms.Statement, 2)
				for i, action := range []string{"logs:CreateLogStream", "logs:PutLogEvents"} {
					s := perms.Statement[i]
					require.Equal(t, "Allow", s.Effect)
					require.Equal(t, []string{action}, s.Action)
					require.Equal(t, streams, s.Resource)
					require.Nil(t, s.Principal, "an identity policy names no principal")
				}
			})

			t.Run("key admits CloudWatch Logs for this group only", func(t *testing.T) {
				d := parse(t, key.Input("policy"))
				s := d.Statement[bySid(t, d, "AllowCloudWatchLogsForTheTrailLogGroup")]
				require.Equal(t, map[string]any{"Service": "logs.us-east-1.amazonaws.com"}, s.Principal)
				require.Equal(t, groupArn, s.Condition["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"])
			})

			t.Run("a filter and an alarm per CIS control", func(t *testing.T) {
				filters := map[string]string{} // metric -> pattern
				for _, f := range p.ByType(tFilter) {
					require.Equal(t, groupName, testkit.Str(t, f.Input("logGroupName")))
					require.True(t, testkit.DependsOn(f, "logGroupName", group.URN))
					require.Equal(t, audit.MetricNamespace, testkit.Str(t, f.Input("metricTransformation.namespace")))
					require.Equal(t, "1", testkit.Str(t, f.Input("metricTransformation.value")))
					require.True(t, f.Input("metricTransformation.defaultValue").IsNull(), "publish on a match only")
					filters[testkit.Str(t, f.Input("metricTransformation.name"))] = testkit.Str(t, f.Input("pattern"))
				}
				alarms := p.ByType(tAlarm)
				require.Len(t, alarms, len(wantAlarms))
				require.Len(t, filters, len(wantAlarms))
				for _, a := range alarms {
					name := testkit.Str(t, a.Input("name"))
					w, ok := wantAlarms[name]
					require.True(t, ok, "unexpected alarm %s", name)
					require.Contains(t, filters, w.metric, "%s: no filter publishes its metric", name)
					require.Equal(t, audit.MetricNamespace, testkit.Str(t, a.Input("namespace")))
					require.Equal(t, w.metric, testkit.Str(t, a.Input("metricName")))
					require.Equal(t, "Sum", testkit.Str(t, a.Input("statistic")))
					require.Equal(t, 300.0, testkit.Num(t, a.Input("period")))
					require.Equal(t, "GreaterThanOrEqualToThreshold", testkit.Str(t, a.Input("comparisonOperator")))
					require.Equal(t, 1.0, testkit.Num(t, a.Input("threshold")))
					require.Equal(t, 1.0, testkit.Num(t, a.Input("evaluationPeriods")))
					require.Equal(t, "notBreaching", testkit.Str(t, a.Input("treatMissingData")))
					require.True(t, testkit.Bool(t, a.Input("actionsEnabled")))
					require.Equal(t, []string{w.topic}, testkit.Strs(t, a.Input("alarmActions")), name)
					require.Equal(t, []string{w.topic}, testkit.Strs(t, a.Input("okActions")), name)
					sev := "warning"
					if w.topic == criticalTopic {
						sev = "critical"
					}
					require.Equal(t, sev, testkit.TagsOf(a)["severity"], name)
					require.Contains(t, testkit.Str(t, a.Input("alarmDescription")), "["+sev+"] CIS AWS Foundations")
				}
			})
		})
	}
}

// AlarmNames lists every CIS alarm (the stack's runbook coverage reads the plan; this is
// for callers that route or document them).
func TestAlarmNames(t *testing.T) {
	var names []string
	_, err := plan.Capture(func(ctx *pulumi.Context) error {
		a, err := audit.NewAudit(ctx, "audit", prodArgs())
		if err == nil {
			names = a.AlarmNames
		}
		return err
	}, plan.Options{Mode: plan.Preview})
	require.NoError(t, err)
	require.Len(t, names, len(wantAlarms))
	for _, n := range names {
		require.Contains(t, wantAlarms, n)
	}
}
