package rules

import (
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

const tLogMetricFilter = tokens.CloudWatchLogMetricFilter

var cisTrailAlarms = Rule{
	ID: "cis-trail-alarms", Number: 71, Severity: Medium,
	Anchors: "CIS AWS Foundations v1.2.0 3.1-3.14 / v1.4.0 4.1-4.14, Security Hub CloudWatch.1-14",
	Description: "A CloudTrail trail of the stack delivers to a CloudWatch Logs log group of the stack (cloudWatchLogsGroupArn with " +
		"the \":*\" suffix, cloudWatchLogsRoleArn) that a customer-managed KMS key encrypts, and for each CIS monitoring control " +
		"(Security Hub CloudWatch.1-14: root use, unauthorized calls, sign-in without MFA, IAM policy, CloudTrail, console " +
		"failures, KMS key disable/deletion, bucket policy, Config, security group, NACL, gateway, route table and VPC changes) " +
		"a metric filter on that group whose pattern matches the control's sample CloudTrail records (each key event name) and " +
		"no routine call, and an alarm on its metric with actions enabled and an alarm action that fires on one matching event.",
	ResourceTypes: []string{tokens.CloudTrailTrail, tokens.CloudWatchLogGroup, tLogMetricFilter, tokens.CloudWatchMetricAlarm},
	CheckStack: func(s Stack, _ Params) []Finding {
		trails := s.ofType(tokens.CloudTrailTrail)
		if len(trails) == 0 && !slices.ContainsFunc(s.Resources, func(r Resource) bool { return strings.HasPrefix(r.Type, "aws:") }) {
			return nil // nothing on AWS, nothing to audit
		}
		if len(trails) == 0 {
			return []Finding{stackFail(s.Name, "no CloudTrail trail, so no CIS metric filter sees the account's API calls; "+
				"create a multi-region trail that delivers to an encrypted CloudWatch Logs log group")}
		}
		// One trail that meets every control is enough (another may record data events).
		var all []Finding
		for _, tr := range trails {
			fs := trailCIS(s, tr)
			if len(fs) == 0 {
				return nil
			}
			all = append(all, fs...)
		}
		return all
	},
}

// trailCIS judges one trail: its delivery to a log group, the group, and the controls.
func trailCIS(s Stack, tr Resource) []Finding {
	arnV := tr.in("cloudWatchLogsGroupArn")
	if !isSet(arnV) {
		return []Finding{fail(tr, "cloudWatchLogsGroupArn is %s: the trail delivers to S3 only, so no metric filter sees its events; "+
			"deliver it to a KMS-encrypted log group of the stack (the group's ARN with \":*\") with cloudWatchLogsRoleArn", arnV.Display())}
	}
	var out []Finding
	arn, known := arnV.String()
	if known && !strings.HasSuffix(arn, ":*") {
		out = append(out, fail(tr, "cloudWatchLogsGroupArn is %s; CloudTrail requires the log-stream wildcard: append \":*\"", arnV.Display()))
	}
	if role := tr.in("cloudWatchLogsRoleArn"); !isSet(role) {
		out = append(out, fail(tr, "cloudWatchLogsRoleArn is %s; CloudTrail needs a role it can assume to write the log group", role.Display()))
	}
	group, found := trailLogGroup(s, tr, arn)
	switch {
	case !found && !known:
		return append(out, unknown(tr, "cloudWatchLogsGroupArn", "which log group the trail delivers to"))
	case !found:
		return append(out, fail(tr, "cloudWatchLogsGroupArn %s names no log group of this stack; create the group here so its "+
			"encryption, retention and metric filters are the stack's", arnV.Display()))
	}
	out = append(out, cmkFindings(group, "kmsKeyId", "the trail's log group")...)
	if class, ok := group.in("logGroupClass").String(); ok && class != "STANDARD" {
		out = append(out, fail(group, "logGroupClass is %q; metric filters need the STANDARD class", class))
	}
	return append(out, controlFindings(s, group)...)
}

// trailLogGroup finds the group a trail delivers to: by the property dependency, or by
// the group name in the ARN ("arn:aws:logs:<region>:<account>:log-group:<name>:*").
func trailLogGroup(s Stack, tr Resource, arn string) (Resource, bool) {
	deps := tr.depsOfType("cloudWatchLogsGroupArn", tokens.CloudWatchLogGroup)
	_, name, named := strings.Cut(strings.TrimSuffix(arn, ":*"), ":log-group:")
	for _, g := range s.ofType(tokens.CloudWatchLogGroup) {
		if contains(deps, g.URN) {
			return g, true
		}
		if n, ok := g.in("name").String(); named && ok && n == name {
			return g, true
		}
	}
	return Resource{}, false
}
