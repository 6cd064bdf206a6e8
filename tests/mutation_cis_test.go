package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

const (
	cisRule   = "cis-trail-alarms"
	trailType = tokens.CloudTrailTrail
	filter    = tokens.CloudWatchLogMetricFilter
)

// editPattern rewrites one CIS metric filter's pattern; a rewrite that changes nothing is
// an error, so the mutation cannot silently test the committed pattern.
func editPattern(name, old, new string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r := p.Named(filter, name)
		if r == nil {
			return fmt.Errorf("no metric filter %q", name)
		}
		pat := r.Input("pattern").AsString()
		edited := strings.ReplaceAll(pat, old, new)
		if edited == pat {
			return fmt.Errorf("%s: pattern %q has no %q", name, pat, old)
		}
		r.Inputs = r.Inputs.Set("pattern", property.New(edited))
		return nil
	}
}

// removeOne drops the resource of a type with exactly this logical name.
func removeOne(typ, name string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		for i, r := range p.Resources {
			if r.Type == typ && r.Name == name {
				p.Resources = append(p.Resources[:i:i], p.Resources[i+1:]...)
				return nil
			}
		}
		return fmt.Errorf("no %s %q", typ, name)
	}
}

// cisMutation is a mutation with the words the finding must contain: the control it
// breaks, so a finding about some other control does not count.
type cisMutation struct {
	mutation
	want string
}

func cisMutations() []cisMutation {
	alarm := tokens.CloudWatchMetricAlarm
	m := func(name string, apply func(*plan.Plan) error, want string) cisMutation {
		return cisMutation{mutation{name, cisRule, apply}, want}
	}
	return []cisMutation{
		m("trail delivers to S3 only", deleteInput(trailType, "audit-trail", "cloudWatchLogsGroupArn"), "delivers to S3 only"),
		m("trail log group without the stream wildcard", func(p *plan.Plan) error {
			r := p.Named(trailType, "audit-trail")
			return setInput(trailType, "audit-trail", "cloudWatchLogsGroupArn",
				strings.TrimSuffix(r.Input("cloudWatchLogsGroupArn").AsString(), ":*"))(p)
		}, "log-stream wildcard"),
		m("trail without its log role", deleteInput(trailType, "audit-trail", "cloudWatchLogsRoleArn"), "cloudWatchLogsRoleArn is <not set>"),
		m("trail log group unencrypted", deleteInput(logGroup, "audit-trail-logs", "kmsKeyId"), "kmsKeyId is not set"),
		m("IAM pattern drops DeleteGroupPolicy", editPattern("audit-cis-iam-policy-changes", "($.eventName=DeleteGroupPolicy) || ", ""),
			"CloudWatch.4 (IAM policy changes); the closest, cloudwatch.LogMetricFilter \"audit-cis-iam-policy-changes\", misses eventName DeleteGroupPolicy"),
		m("root pattern counts AWS service calls", editPattern("audit-cis-root-usage", " && $.userIdentity.invokedBy NOT EXISTS", ""),
			"CloudWatch.1 (root user usage)"),
		m("security group pattern needs every event at once", editPattern("audit-cis-security-group-changes", "||", "&&"),
			"CloudWatch.10 (security group changes)"),
		m("KMS pattern drops ScheduleKeyDeletion", editPattern("audit-cis-kms-key-disabled-or-deleted", " || ($.eventName=ScheduleKeyDeletion)", ""),
			"misses eventName ScheduleKeyDeletion"),
		m("CloudTrail pattern drops StopLogging", editPattern("audit-cis-cloudtrail-changes", " || ($.eventName=StopLogging)", ""),
			"misses eventName StopLogging"),
		m("sign-in without MFA filter removed", removeOne(filter, "audit-cis-console-signin-without-mfa"), "CloudWatch.3 (console sign-in without MFA)"),
		m("unauthorized calls filter on another group", setInput(filter, "audit-cis-unauthorized-api-calls", "logGroupName", "/aws/other"),
			"CloudWatch.2 (unauthorized API calls)"),
		m("route table alarm removed", removeOne(alarm, "audit-cis-route-table-changes-warning"), "no alarm watches CISBenchmark/RouteTableChanges"),
		m("NACL alarm threshold 10", setInput(alarm, "audit-cis-nacl-changes-warning", "threshold", 10), "CloudWatch.11 (network ACL changes)"),
		m("CloudTrail alarm notifies nobody", setInput(alarm, "audit-cis-cloudtrail-changes-critical", "alarmActions", []any{}), "has no alarmActions"),
		m("root alarm actions disabled", setInput(alarm, "audit-cis-root-usage-critical", "actionsEnabled", false), "has actionsEnabled false"),
		m("VPC alarm watches another metric", setInput(alarm, "audit-cis-vpc-changes-warning", "metricName", "VPCChange"), "CloudWatch.14 (VPC changes)"),
	}
}

func cisPlanMutations() []mutation {
	var out []mutation
	for _, m := range cisMutations() {
		out = append(out, m.mutation)
	}
	return out
}

// TestCISMutationsNameTheControl: each mutation of prod's plan makes cis-trail-alarms
// report a new finding that names what broke (TestMutationsAreKilled runs them too).
func TestCISMutationsNameTheControl(t *testing.T) {
	base := capture(t, "prod", plan.Update)
	cfg := policyConfig(t, "prod")
	rule, ok := rules.ByID(cisRule)
	require.True(t, ok)
	baseline, err := rules.Run(rule, verdict.Stack(base), cfg)
	require.NoError(t, err)
	require.Empty(t, baseline, "committed prod meets every CIS control")
	for _, m := range cisMutations() {
		t.Run(m.name, func(t *testing.T) {
			p := clonePlan(base)
			require.NoError(t, m.apply(p))
			fs, err := rules.Run(rule, verdict.Stack(p), cfg)
			require.NoError(t, err)
			var msgs []string
			for _, f := range fs {
				if f.RuleID == cisRule {
					msgs = append(msgs, f.Message)
				}
			}
			require.NotEmpty(t, msgs, "mutation survived")
			require.Contains(t, strings.Join(msgs, "\n"), m.want)
		})
	}
}

// TestCISOnEveryStack: every stack, in a preview and after an update, delivers its trail
// to an encrypted log group with every CIS control alarmed, with nothing left unknown.
func TestCISOnEveryStack(t *testing.T) {
	rule, _ := rules.ByID(cisRule)
	for _, stack := range []string{"staging", "prod", "dr"} {
		for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
			t.Run(stack+"/"+mode.String(), func(t *testing.T) {
				p := capture(t, stack, mode)
				fs, err := rules.Run(rule, verdict.Stack(p), policyConfig(t, stack))
				require.NoError(t, err)
				require.Empty(t, fs)
				group := one(t, p, logGroup, func(r *plan.Resource) bool { return r.Name == "audit-trail-logs" })
				require.GreaterOrEqual(t, num(group.Input("retentionInDays")), 365.0, "CloudWatch.16: a year of the trail")
				require.Len(t, p.ByType(filter), cisControlCount)
			})
		}
	}
}

// cisControlCount: Security Hub's CloudWatch.1-14.
const cisControlCount = 14
