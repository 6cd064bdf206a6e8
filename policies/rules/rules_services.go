package rules

import "github.com/generic-corp/platform/internal/tokens"

var secretsCMK = Rule{
	ID: "secrets-cmk", Number: 43, Severity: Medium, Anchors: "CRP, CK_AWS_149, TV",
	Description:   "Secrets Manager secrets are encrypted with a customer-managed KMS key.",
	ResourceTypes: []string{tokens.SecretsManagerSecret},
	CheckResource: func(r Resource, _ Params) []Finding {
		return cmkFindings(r, "kmsKeyId", "the secret")
	},
}

var snsEncrypted = Rule{
	ID: "sns-encrypted", Number: 44, Severity: High, Anchors: "CK_AWS_26, TV",
	Description: "SNS topics are encrypted with a customer-managed KMS key (CloudWatch cannot publish to aws/sns-encrypted " +
		"topics), and no topic policy (inline or TopicPolicy) allows Principal \"*\" without a Condition.",
	ResourceTypes: []string{tokens.SNSTopic, tokens.SNSTopicPolicy},
	CheckResource: func(r Resource, _ Params) []Finding {
		var out []Finding
		if r.Type == tokens.SNSTopic {
			out = append(out, cmkFindings(r, "kmsMasterKeyId", "topic encryption")...)
		}
		doc, st, err := readPolicy(r.in("policy"))
		if fs := policyProblem(r, "policy", doc, st, err, "whether the topic policy is public"); fs != nil || st != Known {
			return append(out, fs...)
		}
		for _, i := range doc.publicAllows() {
			out = append(out, fail(r, "policy %s allows Principal \"*\" with no Condition; name the publishing service (e.g. cloudwatch.amazonaws.com) "+
				"and add an aws:SourceAccount condition", doc.label(i)))
		}
		return out
	},
}

var logsRetention = Rule{
	ID: "logs-retention", Number: 47, Severity: Low, Anchors: "CK_AWS_66/158, TV",
	Description:   "CloudWatch log groups set a finite retention (retentionInDays, not 0 = forever) and a customer-managed KMS key.",
	ResourceTypes: []string{tokens.CloudWatchLogGroup},
	Params: []ParamSpec{
		{Name: "minDays", Type: ParamInteger, Default: 1, Description: "shortest acceptable retentionInDays"},
		{Name: "requireKMS", Type: ParamBool, Default: true, Description: "also require kmsKeyId (customer-managed)"},
	},
	CheckResource: func(r Resource, p Params) []Finding {
		var out []Finding
		v := r.in("retentionInDays")
		n, ok := v.Number()
		switch {
		case v.IsUnknown():
			out = append(out, unknown(r, "retentionInDays", "the retention"))
		case !ok || n == 0:
			out = append(out, fail(r, "retentionInDays is %s (logs kept forever); set a finite retention such as 30 or 90", v.Display()))
		case n < p.Number("minDays"):
			out = append(out, fail(r, "retentionInDays is %s, below the minimum %g; raise it", v.Display(), p.Number("minDays")))
		}
		if p.Bool("requireKMS") {
			out = append(out, cmkFindings(r, "kmsKeyId", "log group encryption")...)
		}
		return out
	},
}

var alarmsRouted = Rule{
	ID: "alarms-routed", Number: 48, Severity: Low, Anchors: "own",
	Description:   "CloudWatch metric alarms have actions enabled and every alarmAction is an SNS topic of this stack.",
	ResourceTypes: []string{tokens.CloudWatchMetricAlarm, tokens.SNSTopic},
	CheckStack: func(s Stack, _ Params) []Finding {
		var out []Finding
		topics := s.ofType(tokens.SNSTopic)
		for _, a := range s.ofType(tokens.CloudWatchMetricAlarm) {
			if b, ok := a.in("actionsEnabled").Bool(); ok && !b {
				out = append(out, fail(a, "actionsEnabled is false; alarms that notify nobody are noise, enable actions"))
				continue
			}
			actions := a.in("alarmActions")
			list, st := actions.StringList()
			if st == Missing || (st == Known && len(list) == 0) {
				out = append(out, fail(a, "alarmActions is empty; route the alarm to the alerting SNS topic"))
				continue
			}
			deps := a.depsOfType("alarmActions", tokens.SNSTopic)
			if actions.IsUnknown() {
				if len(deps) == 0 {
					out = append(out, unknown(a, "alarmActions", "which topic the alarm notifies"))
				}
				continue
			}
			elems, _ := actions.Array()
			for i, e := range elems {
				arn, known := e.String()
				switch {
				case !known && len(deps) > 0:
				case !known:
					out = append(out, unknown(a, "alarmActions", "which topic the alarm notifies"))
				case !ourTopic(arn, topics):
					out = append(out, fail(a, "alarmActions[%d] is %s, not an SNS topic of this stack; route it to the alerting topic", i, e.Display()))
				}
			}
		}
		return out
	},
}

// ourTopic matches a topic ARN against the stack's topics (id/arn outputs, or the
// ":<name>" suffix of a named topic).
func ourTopic(arn string, topics []Resource) bool {
	for _, t := range topics {
		if contains(identities(t, "arn", "id"), arn) {
			return true
		}
		if n, ok := t.in("name").String(); ok && n != "" && len(arn) > len(n) && arn[len(arn)-len(n)-1:] == ":"+n {
			return true
		}
	}
	return false
}

var ecrImmutableScan = Rule{
	ID: "ecr-immutable-scan", Number: 49, Severity: Medium, Anchors: "CK_AWS_51/136/163",
	Description:   "ECR repositories use immutable tags, scan on push, and KMS encryption with a customer-managed key.",
	ResourceTypes: []string{tokens.ECRRepository},
	CheckResource: func(r Resource, _ Params) []Finding {
		var out []Finding
		m := r.in("imageTagMutability")
		switch s, _ := m.String(); {
		case m.IsUnknown():
			out = append(out, unknown(r, "imageTagMutability", "tag immutability"))
		case s != "IMMUTABLE" && s != "IMMUTABLE_WITH_EXCLUSION":
			out = append(out, fail(r, "imageTagMutability is %s (tags can be overwritten); set it to \"IMMUTABLE\"", m.Display()))
		}
		out = append(out, requireTrue(r, "imageScanningConfiguration.scanOnPush", "set imageScanningConfiguration.scanOnPush: true")...)
		enc := r.in("encryptionConfigurations[0].encryptionType")
		switch s, _ := enc.String(); {
		case enc.IsUnknown():
			out = append(out, unknown(r, "encryptionConfigurations[0].encryptionType", "the encryption type"))
		case s != "KMS":
			out = append(out, fail(r, "encryptionConfigurations[0].encryptionType is %s (AES256 default); set \"KMS\" with a customer-managed kmsKey", enc.Display()))
		default:
			out = append(out, cmkFindings(r, "encryptionConfigurations[0].kmsKey", "image encryption")...)
		}
		return out
	},
}

var cloudtrailOn = Rule{
	ID: "cloudtrail-on", Number: 50, Severity: Medium, Anchors: "CK_AWS_35/36/67",
	Description:   "CloudTrail trails are multi-region, validate log files and encrypt with a customer-managed KMS key.",
	ResourceTypes: []string{tokens.CloudTrailTrail},
	CheckResource: func(r Resource, _ Params) []Finding {
		out := requireTrue(r, "isMultiRegionTrail", "set isMultiRegionTrail: true")
		out = append(out, requireTrue(r, "enableLogFileValidation", "set enableLogFileValidation: true")...)
		return append(out, cmkFindings(r, "kmsKeyId", "trail log encryption")...)
	},
}
