package rules

// cisSample is a CloudTrail record a control's filter must (or must not) match, with the
// label a finding names it by.
type cisSample struct {
	label  string
	record cisRecord
}

// cisControl is one CIS AWS Foundations Benchmark monitoring control (Security Hub
// CloudWatch.N). A metric filter implements it when its pattern matches every record of
// match and none of skip: so a pattern that drops one event name, or turns an || into an
// &&, no longer counts, and neither does one that matches routine calls.
type cisControl struct {
	id, title   string
	match, skip []cisSample
}

func record(fields map[string]any) cisRecord { return cisRecord(fields) }

// apiCall is an ordinary call by a role: eventSource, eventName, eventType AwsApiCall.
func apiCall(source, name string) cisSample {
	return cisSample{label: "eventName " + name, record: record(map[string]any{
		"eventSource": source, "eventName": name, "eventType": "AwsApiCall",
		"userIdentity": map[string]any{"type": "AssumedRole"},
	})}
}

func apiCalls(source string, names ...string) []cisSample {
	out := make([]cisSample, len(names))
	for i, n := range names {
		out[i] = apiCall(source, n)
	}
	return out
}

// consoleLogin is a console sign-in of an IAM user.
func consoleLogin(label, result, mfa string, extra map[string]any) cisSample {
	r := map[string]any{
		"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "eventType": "AwsConsoleSignIn",
		"userIdentity":        map[string]any{"type": "IAMUser"},
		"responseElements":    map[string]any{"ConsoleLogin": result},
		"additionalEventData": map[string]any{"MFAUsed": mfa},
	}
	for k, v := range extra {
		r[k] = v
	}
	return cisSample{label: label, record: record(r)}
}

func withField(s cisSample, label, key string, value any) cisSample {
	r := cisRecord{}
	for k, v := range s.record {
		r[k] = v
	}
	r[key] = value
	return cisSample{label: label, record: r}
}

// routineCall must match no control: a pattern that matches it alarms on everything.
var routineCall = cisSample{label: "a routine DescribeInstances call", record: apiCall("ec2.amazonaws.com", "DescribeInstances").record}

const (
	srcEC2 = "ec2.amazonaws.com"
	srcIAM = "iam.amazonaws.com"
)

// cisControls are the controls every stack's trail must alarm on: Security Hub's
// CloudWatch.1-14 (CIS v1.2.0 3.1-3.14, v1.4.0 4.1-4.14). The issue asks for at
// least root use, unauthorized calls, sign-in without MFA and IAM, security group, NACL,
// route table, CloudTrail and KMS changes; the stacks implement all fourteen, so the
// rule holds them to all fourteen (a constant: no stack has a reason to drop one).
var cisControls = []cisControl{
	{id: "CloudWatch.1", title: "root user usage",
		match: []cisSample{
			{"a root API call", record(map[string]any{"eventName": "CreateAccessKey", "eventSource": srcIAM, "eventType": "AwsApiCall",
				"userIdentity": map[string]any{"type": "Root"}})},
			{"a root console sign-in", record(map[string]any{"eventName": "ConsoleLogin", "eventType": "AwsConsoleSignIn",
				"userIdentity": map[string]any{"type": "Root"}})},
		},
		skip: []cisSample{
			{"a call an AWS service made for the root user", record(map[string]any{"eventName": "DescribeCases", "eventType": "AwsApiCall",
				"userIdentity": map[string]any{"type": "Root", "invokedBy": "support.amazonaws.com"}})},
			{"an AwsServiceEvent", record(map[string]any{"eventName": "SharedSnapshotCopyInitiated", "eventType": "AwsServiceEvent",
				"userIdentity": map[string]any{"type": "Root"}})},
		}},
	{id: "CloudWatch.2", title: "unauthorized API calls",
		match: []cisSample{
			withField(apiCall(srcEC2, "RunInstances"), "errorCode Client.UnauthorizedOperation", "errorCode", "Client.UnauthorizedOperation"),
			withField(apiCall("s3.amazonaws.com", "GetObject"), "errorCode AccessDenied", "errorCode", "AccessDenied"),
			withField(apiCall("kms.amazonaws.com", "Decrypt"), "errorCode AccessDeniedException", "errorCode", "AccessDeniedException"),
		},
		skip: []cisSample{withField(apiCall(srcEC2, "DescribeInstances"), "errorCode ThrottlingException", "errorCode", "ThrottlingException")}},
	{id: "CloudWatch.3", title: "console sign-in without MFA",
		match: []cisSample{consoleLogin("an IAM user's sign-in without MFA", "Success", "No", nil)},
		skip: []cisSample{
			consoleLogin("a sign-in with MFA", "Success", "Yes", nil),
			consoleLogin("a failed sign-in", "Failure", "No", map[string]any{"errorMessage": "Failed authentication"}),
		}},
	{id: "CloudWatch.4", title: "IAM policy changes",
		match: apiCalls(srcIAM, "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
			"PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy",
			"DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"),
		skip: apiCalls(srcIAM, "GetPolicy")},
	{id: "CloudWatch.5", title: "CloudTrail configuration changes",
		match: apiCalls("cloudtrail.amazonaws.com", "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
		skip:  apiCalls("cloudtrail.amazonaws.com", "DescribeTrails")},
	{id: "CloudWatch.6", title: "console authentication failures",
		match: []cisSample{consoleLogin("a failed sign-in", "Failure", "No", map[string]any{"errorMessage": "Failed authentication"})},
		skip:  []cisSample{consoleLogin("a successful sign-in", "Success", "Yes", nil)}},
	{id: "CloudWatch.7", title: "KMS keys disabled or scheduled for deletion",
		match: apiCalls("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion"),
		skip:  apiCalls("kms.amazonaws.com", "Decrypt", "EnableKey")},
	{id: "CloudWatch.8", title: "S3 bucket policy changes",
		match: apiCalls("s3.amazonaws.com", "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
			"PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication"),
		skip: apiCalls("s3.amazonaws.com", "GetBucketPolicy")},
	{id: "CloudWatch.9", title: "AWS Config changes",
		match: apiCalls("config.amazonaws.com", "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"),
		skip:  apiCalls("config.amazonaws.com", "DescribeConfigurationRecorders")},
	{id: "CloudWatch.10", title: "security group changes",
		match: apiCalls(srcEC2, "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
			"RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"),
		skip: apiCalls(srcEC2, "DescribeSecurityGroups")},
	{id: "CloudWatch.11", title: "network ACL changes",
		match: apiCalls(srcEC2, "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
			"ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"),
		skip: apiCalls(srcEC2, "DescribeNetworkAcls")},
	{id: "CloudWatch.12", title: "network gateway changes",
		match: apiCalls(srcEC2, "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
			"DeleteInternetGateway", "DetachInternetGateway"),
		skip: apiCalls(srcEC2, "DescribeInternetGateways")},
	{id: "CloudWatch.13", title: "route table changes",
		match: apiCalls(srcEC2, "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable",
			"DeleteRoute", "DisassociateRouteTable"),
		skip: apiCalls(srcEC2, "DescribeRouteTables")},
	{id: "CloudWatch.14", title: "VPC changes",
		match: apiCalls(srcEC2, "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
			"DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
			"DisableVpcClassicLink", "EnableVpcClassicLink"),
		skip: apiCalls(srcEC2, "DescribeVpcs")},
}

// judge lists the samples a pattern gets wrong for the control: missed are match records
// it does not match, extra the skip records (and the routine call) it does.
func (c cisControl) judge(n patternNode) (missed, extra []string) {
	for _, s := range c.match {
		if !n.matches(s.record) {
			missed = append(missed, "misses "+s.label)
		}
	}
	for _, s := range append([]cisSample{routineCall}, c.skip...) {
		if n.matches(s.record) {
			extra = append(extra, "also matches "+s.label)
		}
	}
	return missed, extra
}
