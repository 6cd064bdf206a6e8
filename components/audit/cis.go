package audit

import (
	"fmt"
	"strings"
)

// MetricNamespace is the CloudWatch namespace of the CIS metrics (one metric per control,
// no dimensions: one trail per account).
const MetricNamespace = "CISBenchmark"

// Severities of the CIS alarms; they pick the alerting topic (critical pages, warning goes
// to chat), as alerting.Critical and alerting.Warning do.
const (
	Critical = "critical"
	Warning  = "warning"
)

// Control is one CIS AWS Foundations Benchmark monitoring control (Security Hub
// CloudWatch.1-14): a metric filter on the trail's log group and an alarm on its metric.
type Control struct {
	// ID is the Security Hub control, e.g. "CloudWatch.4".
	ID string
	// Name is the short name of the filter and the alarm ("cis-iam-policy-changes"; the
	// alarm adds "-<severity>").
	Name string
	// Metric is the metric name in MetricNamespace.
	Metric string
	// Severity is Critical or Warning.
	Severity string
	// Title says what it watches, for the alarm description.
	Title string
	// Pattern is the CloudWatch Logs filter pattern.
	Pattern string
}

// AlarmName is the alarm's short name (the physical name adds "<NamePrefix>-").
func (c Control) AlarmName() string { return c.Name + "-" + c.Severity }

// anyEvent renders the CIS form "{($.eventName=A) || ($.eventName=B)}". Security Hub
// fails a control whose filter is not the prescribed pattern, so the patterns keep the
// benchmark's shape: no extra terms (such as eventSource where CIS has none).
func anyEvent(names ...string) string {
	return "{" + eventAlternatives(names) + "}"
}

// fromSource renders "{($.eventSource=S) && (($.eventName=A) || ...)}".
func fromSource(source string, names ...string) string {
	return fmt.Sprintf("{($.eventSource=%s) && (%s)}", source, eventAlternatives(names))
}

func eventAlternatives(names []string) string {
	terms := make([]string, len(names))
	for i, n := range names {
		terms[i] = "($.eventName=" + n + ")"
	}
	return strings.Join(terms, " || ")
}

// Controls are the monitoring controls, in Security Hub order. Critical: the root user,
// the trail itself and the keys (each one can hide an attack or destroy data); the rest
// are changes a deploy makes too, so they go to chat, where the deploy is visible.
var Controls = []Control{
	{ID: "CloudWatch.1", Name: "cis-root-usage", Metric: "RootAccountUsage", Severity: Critical,
		Title:   "the root user made a call or signed in",
		Pattern: `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`},
	{ID: "CloudWatch.2", Name: "cis-unauthorized-api-calls", Metric: "UnauthorizedAPICalls", Severity: Warning,
		Title:   "an API call was denied (UnauthorizedOperation or AccessDenied)",
		Pattern: `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`},
	{ID: "CloudWatch.3", Name: "cis-console-signin-without-mfa", Metric: "ConsoleSigninWithoutMFA", Severity: Warning,
		Title: "an IAM user signed in to the console without MFA",
		Pattern: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ` +
			`($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`},
	{ID: "CloudWatch.4", Name: "cis-iam-policy-changes", Metric: "IAMPolicyChanges", Severity: Warning,
		Title: "an IAM policy was created, changed, attached or detached",
		Pattern: anyEvent("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
			"PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy",
			"DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy")},
	{ID: "CloudWatch.5", Name: "cis-cloudtrail-changes", Metric: "CloudTrailChanges", Severity: Critical,
		Title:   "a trail was created, changed, deleted, started or stopped",
		Pattern: anyEvent("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")},
	{ID: "CloudWatch.6", Name: "cis-console-auth-failures", Metric: "ConsoleAuthenticationFailures", Severity: Warning,
		Title:   "a console sign-in failed authentication",
		Pattern: `{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}`},
	{ID: "CloudWatch.7", Name: "cis-kms-key-disabled-or-deleted", Metric: "DisableOrDeleteCMK", Severity: Critical,
		Title:   "a KMS key was disabled or scheduled for deletion",
		Pattern: fromSource("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion")},
	{ID: "CloudWatch.8", Name: "cis-s3-bucket-policy-changes", Metric: "S3BucketPolicyChanges", Severity: Warning,
		Title: "a bucket's ACL, policy, CORS, lifecycle or replication changed",
		Pattern: fromSource("s3.amazonaws.com", "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
			"PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication")},
	{ID: "CloudWatch.9", Name: "cis-config-changes", Metric: "AWSConfigChanges", Severity: Warning,
		Title:   "the AWS Config recorder or delivery channel changed",
		Pattern: fromSource("config.amazonaws.com", "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder")},
	{ID: "CloudWatch.10", Name: "cis-security-group-changes", Metric: "SecurityGroupChanges", Severity: Warning,
		Title: "a security group or one of its rules changed",
		Pattern: anyEvent("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
			"RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup")},
	{ID: "CloudWatch.11", Name: "cis-nacl-changes", Metric: "NetworkACLChanges", Severity: Warning,
		Title: "a network ACL or one of its entries changed",
		Pattern: anyEvent("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
			"ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation")},
	{ID: "CloudWatch.12", Name: "cis-network-gateway-changes", Metric: "NetworkGatewayChanges", Severity: Warning,
		Title: "an internet or customer gateway was created, attached, detached or deleted",
		Pattern: anyEvent("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
			"DeleteInternetGateway", "DetachInternetGateway")},
	{ID: "CloudWatch.13", Name: "cis-route-table-changes", Metric: "RouteTableChanges", Severity: Warning,
		Title: "a route table, route or association changed",
		Pattern: anyEvent("CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable",
			"DeleteRoute", "DisassociateRouteTable")},
	{ID: "CloudWatch.14", Name: "cis-vpc-changes", Metric: "VPCChanges", Severity: Warning,
		Title: "a VPC, its attributes or a peering connection changed",
		Pattern: anyEvent("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
			"DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
			"DisableVpcClassicLink", "EnableVpcClassicLink")},
}
