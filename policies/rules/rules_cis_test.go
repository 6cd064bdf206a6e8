package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

const (
	cisGroup    = "/aws/cloudtrail/platform-prod-trail"
	cisGroupArn = "arn:aws:logs:us-east-1:123456789012:log-group:" + cisGroup + ":*"
	cisTopic    = "arn:aws:sns:us-east-1:123456789012:platform-prod-warning"
)

// cisPatterns are the benchmark's patterns as Security Hub's remediation gives them, typed
// out here independently of the audit component (tests/ runs the rule on its patterns).
var cisPatterns = map[string]string{
	"CloudWatch.1":  `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`,
	"CloudWatch.2":  `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`,
	"CloudWatch.3":  `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
	"CloudWatch.4":  `{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}`,
	"CloudWatch.5":  `{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}`,
	"CloudWatch.6":  `{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}`,
	"CloudWatch.7":  `{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}`,
	"CloudWatch.8":  `{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}`,
	"CloudWatch.9":  `{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}`,
	"CloudWatch.10": `{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}`,
	"CloudWatch.11": `{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}`,
	"CloudWatch.12": `{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}`,
	"CloudWatch.13": `{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}`,
	"CloudWatch.14": `{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}`,
}

func cisName(id string) string { return "cis-" + strings.ReplaceAll(strings.ToLower(id), ".", "-") }

func cisTrail() map[string]any {
	return map[string]any{"name": "platform-prod-trail", "s3BucketName": "platform-prod-audit-trail", "isMultiRegionTrail": true,
		"enableLogFileValidation": true, "kmsKeyId": keyARN, "cloudWatchLogsGroupArn": cisGroupArn,
		"cloudWatchLogsRoleArn": "arn:aws:iam::123456789012:role/platform-prod-cloudtrail-logs", "tags": goodTags()}
}

func cisLogGroup() map[string]any {
	return map[string]any{"name": cisGroup, "retentionInDays": 365, "kmsKeyId": keyARN, "logGroupClass": "STANDARD", "tags": goodTags()}
}

func cisFilterInputs(id string) map[string]any {
	return map[string]any{"name": cisName(id), "logGroupName": cisGroup, "pattern": cisPatterns[id],
		"metricTransformation": map[string]any{"name": cisName(id), "namespace": "CISBenchmark", "value": "1"}}
}

func cisAlarmInputs(id string) map[string]any {
	return map[string]any{"name": cisName(id) + "-warning", "namespace": "CISBenchmark", "metricName": cisName(id), "statistic": "Sum",
		"period": 300, "comparisonOperator": "GreaterThanOrEqualToThreshold", "threshold": 1, "evaluationPeriods": 1,
		"datapointsToAlarm": 1, "treatMissingData": "notBreaching", "actionsEnabled": true,
		"alarmActions": []any{cisTopic}, "okActions": []any{cisTopic}, "tags": goodTags()}
}

// cisStack is a stack with every control in place; edit changes the inputs of one
// resource (by logical name: "trail", "logs", "cis-cloudwatch-4", "cis-cloudwatch-4-alarm")
// and may drop it (return nil).
func cisStack(edit func(name string, in map[string]any) map[string]any) Stack {
	if edit == nil {
		edit = func(_ string, in map[string]any) map[string]any { return in }
	}
	var rs []Resource
	add := func(typ, name string, in map[string]any) {
		if in = edit(name, in); in != nil {
			rs = append(rs, res(typ, name, in))
		}
	}
	add(tokens.CloudTrailTrail, "trail", cisTrail())
	add(tokens.CloudWatchLogGroup, "logs", cisLogGroup())
	for _, c := range cisControls {
		add(tLogMetricFilter, cisName(c.id), cisFilterInputs(c.id))
		add(tokens.CloudWatchMetricAlarm, cisName(c.id)+"-alarm", cisAlarmInputs(c.id))
	}
	return stack("prod", rs...)
}

// only1 applies f to the inputs of the resource called name.
func only1(name string, f func(map[string]any) map[string]any) func(string, map[string]any) map[string]any {
	return func(n string, in map[string]any) map[string]any {
		if n == name {
			return f(in)
		}
		return in
	}
}

func setting(path string, v any) func(map[string]any) map[string]any {
	return func(in map[string]any) map[string]any { return set(in, path, v) }
}

func cisCases() []ruleCase {
	return []ruleCase{{
		id: "cis-trail-alarms", pass: cisStack(nil),
		fail: cisStack(only1("cis-cloudwatch-4", setting("pattern",
			strings.Replace(cisPatterns["CloudWatch.4"], "($.eventName=DeleteGroupPolicy) || ", "", 1)))),
		failMsg: `implements CIS CloudWatch.4 (IAM policy changes); the closest, cloudwatch.LogMetricFilter "cis-cloudwatch-4", misses eventName DeleteGroupPolicy`,
		unknown: cisStack(only1("trail", setting("cloudWatchLogsGroupArn", unk))),
	}}
}

func TestCISTrailAlarms(t *testing.T) {
	t.Parallel()
	drop := func(map[string]any) map[string]any { return nil }
	cases := []struct {
		name string
		s    Stack
		want string // "" passes
	}{
		{"the group found by dependency in a preview", func() Stack {
			s := cisStack(only1("trail", setting("cloudWatchLogsGroupArn", unk)))
			deps("cloudWatchLogsGroupArn", urnOf(tokens.CloudWatchLogGroup, "logs"))(&s.Resources[0])
			return s
		}(), ""},
		{"alarm actions unknown in a preview", cisStack(func(_ string, in map[string]any) map[string]any {
			if _, ok := in["alarmActions"]; ok {
				return set(in, "alarmActions", unk)
			}
			return in
		}), ""},
		{"a second trail for data events needs no alarms of its own", func() Stack {
			s := cisStack(nil)
			s.Resources = append(s.Resources, res(tokens.CloudTrailTrail, "data-trail", set(cisTrail(), "cloudWatchLogsGroupArn", del)))
			return s
		}(), ""},
		{"an empty stack is not judged", stack("prod"), ""},
		{"no trail", stack("prod", res(tokens.CloudWatchLogGroup, "logs", cisLogGroup())), "no CloudTrail trail"},
		{"S3 only", cisStack(only1("trail", setting("cloudWatchLogsGroupArn", del))), "the trail delivers to S3 only"},
		{"no stream wildcard", cisStack(only1("trail", setting("cloudWatchLogsGroupArn", strings.TrimSuffix(cisGroupArn, ":*")))),
			"CloudTrail requires the log-stream wildcard"},
		{"no role", cisStack(only1("trail", setting("cloudWatchLogsRoleArn", del))), "cloudWatchLogsRoleArn is <not set>"},
		{"a group of another stack", cisStack(only1("logs", drop)), "names no log group of this stack"},
		{"unencrypted group", cisStack(only1("logs", setting("kmsKeyId", del))), "kmsKeyId is not set"},
		{"infrequent-access group", cisStack(only1("logs", setting("logGroupClass", "INFREQUENT_ACCESS"))), "metric filters need the STANDARD class"},
		{"|| turned into &&", cisStack(only1("cis-cloudwatch-10", setting("pattern", strings.ReplaceAll(cisPatterns["CloudWatch.10"], "||", "&&")))),
			"misses eventName AuthorizeSecurityGroupIngress"},
		{"a pattern that matches everything", cisStack(only1("cis-cloudwatch-13", setting("pattern", `{$.eventName=*}`))),
			"also matches a routine DescribeInstances call"},
		{"root pattern counts service calls", cisStack(only1("cis-cloudwatch-1", setting("pattern", `{$.userIdentity.type="Root"}`))),
			"also matches a call an AWS service made for the root user"},
		{"MFA pattern that counts MFA sign-ins", cisStack(only1("cis-cloudwatch-3", setting("pattern", `{$.eventName="ConsoleLogin"}`))),
			"also matches a sign-in with MFA"},
		{"KMS pattern without deletion", cisStack(only1("cis-cloudwatch-7", setting("pattern",
			`{($.eventSource=kms.amazonaws.com) && ($.eventName=DisableKey)}`))), "misses eventName ScheduleKeyDeletion"},
		{"a term pattern", cisStack(only1("cis-cloudwatch-5", setting("pattern", `StopLogging`))), "not JSON filter patterns"},
		{"filter on another group", cisStack(only1("cis-cloudwatch-11", setting("logGroupName", "/other"))),
			"no metric filter on this log group implements CIS CloudWatch.11 (network ACL changes)"},
		{"filter on another group though it depends on this one", func() Stack {
			s := cisStack(only1("cis-cloudwatch-11", setting("logGroupName", "/other")))
			for i := range s.Resources {
				deps("logGroupName", urnOf(tokens.CloudWatchLogGroup, "logs"))(&s.Resources[i])
			}
			return s
		}(), "CIS CloudWatch.11 (network ACL changes)"},
		{"filter's group unknown but from this group", func() Stack {
			s := cisStack(only1("cis-cloudwatch-11", setting("logGroupName", unk)))
			for i := range s.Resources {
				deps("logGroupName", urnOf(tokens.CloudWatchLogGroup, "logs"))(&s.Resources[i])
			}
			return s
		}(), ""},
		{"no alarm", cisStack(only1("cis-cloudwatch-2-alarm", drop)), "no alarm watches CISBenchmark/cis-cloudwatch-2"},
		{"alarm on another metric", cisStack(only1("cis-cloudwatch-2-alarm", setting("metricName", "Other"))), "no alarm watches"},
		{"alarm threshold 5", cisStack(only1("cis-cloudwatch-4-alarm", setting("threshold", 5))), "one event (value 1) does not reach"},
		{"alarm below threshold", cisStack(only1("cis-cloudwatch-4-alarm", setting("comparisonOperator", "LessThanThreshold"))), "does not reach"},
		{"alarm actions off", cisStack(only1("cis-cloudwatch-5-alarm", setting("actionsEnabled", false))), "has actionsEnabled false"},
		{"alarm notifies nobody", cisStack(only1("cis-cloudwatch-7-alarm", setting("alarmActions", []any{}))), "has no alarmActions"},
		{"alarm needs three periods", cisStack(only1("cis-cloudwatch-1-alarm", setting("datapointsToAlarm", 3))), "needs 3 breaching periods"},
		{"filter publishes 0", cisStack(only1("cis-cloudwatch-12", setting("metricTransformation.value", "0"))), `metricTransformation.value is "0"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := only(run(t, "cis-trail-alarms", tc.s), "cis-trail-alarms")
			if tc.want == "" {
				require.Empty(t, fs, messages(fs))
				require.Empty(t, only(run(t, "cis-trail-alarms", tc.s), UnknownID("cis-trail-alarms")))
				return
			}
			require.NotEmpty(t, fs)
			require.Contains(t, messages(fs), tc.want)
		})
	}
}

func TestFilterPatternParser(t *testing.T) {
	t.Parallel()
	rec := cisRecord{"eventName": "ConsoleLogin", "errorCode": "Client.UnauthorizedOperation", "n": "42",
		"userIdentity": map[string]any{"type": "Root"}, "gone": nil}
	cases := []struct {
		pattern string
		want    bool
	}{
		{`{ $.eventName = "ConsoleLogin" }`, true},
		{`{$.eventName=ConsoleLogin}`, true},
		{`{$.eventName = "consolelogin"}`, false},
		{`{$.errorCode = "*UnauthorizedOperation"}`, true},
		{`{$.errorCode = "Client.*"}`, true},
		{`{$.errorCode = "*Denied*"}`, false},
		{`{$.userIdentity.type != "Root"}`, false},
		{`{$.userIdentity.invokedBy NOT EXISTS}`, true},
		{`{$.gone IS NULL}`, true},
		{`{$.missing = "x"}`, false},
		{`{$.missing != "x"}`, false},
		{`{$.n > 40 && $.n <= 42}`, true},
		{`{$.n >= 43}`, false},
		{`{($.eventName = A) || ($.eventName = ConsoleLogin)}`, true},
		{`{$.eventName = A || $.eventName = B && $.n = 42}`, false},
		{`{($.eventName = A || $.eventName = ConsoleLogin) && $.n = 42}`, true},
	}
	for _, tc := range cases {
		n, err := parseFilterPattern(tc.pattern)
		require.NoError(t, err, tc.pattern)
		require.Equal(t, tc.want, n.matches(rec), tc.pattern)
	}
	for pattern, want := range map[string]string{
		`ERROR`:               "not a JSON filter pattern",
		`{$.a = }`:            "missing value",
		`{($.a = 1}`:          "missing )",
		`{$.a ~ 1}`:           "unsupported operator",
		`{$.a = 1 & $.b = 2}`: `unexpected "&`,
		`{$.a = "x}`:          "unterminated string",
		`{eventName = x}`:     "want a selector",
		`{$.a NOT x}`:         "want EXISTS",
		`{$.a = 1 $.b = 2}`:   `unexpected "$.b"`,
		`{$.a IS TRUE}`:       "only IS NULL",
		`{$.a EXISTS}`:        "unsupported operator",
	} {
		_, err := parseFilterPattern(pattern)
		require.ErrorContains(t, err, want, pattern)
	}
}

// Every sample set is consistent: the benchmark's own pattern implements its control and
// no other control's pattern implements it too (each control is told apart).
func TestCISSamplesTellControlsApart(t *testing.T) {
	t.Parallel()
	require.Len(t, cisPatterns, len(cisControls))
	for _, c := range cisControls {
		for id, pattern := range cisPatterns {
			n, err := parseFilterPattern(pattern)
			require.NoError(t, err, id)
			missed, extra := c.judge(n)
			miss := append(missed, extra...)
			if id == c.id {
				require.Empty(t, miss, "%s's own pattern", id)
			} else {
				require.NotEmpty(t, miss, "%s's pattern would implement %s", id, c.id)
			}
		}
	}
}

// A filter whose group is unknown and depends on no group leaves its control undecided,
// never passed or failed.
func TestCISUnknownFilterGroup(t *testing.T) {
	t.Parallel()
	fs := run(t, "cis-trail-alarms", cisStack(only1("cis-cloudwatch-11", setting("logGroupName", unk))))
	require.Empty(t, only(fs, "cis-trail-alarms"), messages(fs))
	unk := only(fs, UnknownID("cis-trail-alarms"))
	require.Len(t, unk, 1, messages(fs))
	require.Contains(t, unk[0].Message, "CloudWatch.11")
}
