package tests

// cisAlarms are the CIS AWS Foundations alarms of the audit trail (Security Hub
// CloudWatch.1-14) every stack has: one event in five minutes fires each. The root user,
// the trail and the keys page (critical); the rest go to chat (warning).
var cisAlarms = map[string]alarmWant{
	"cis-root-usage-critical":                  {"RootAccountUsage", ">=", 1, "critical", "notBreaching"},
	"cis-unauthorized-api-calls-warning":       {"UnauthorizedAPICalls", ">=", 1, "warning", "notBreaching"},
	"cis-console-signin-without-mfa-warning":   {"ConsoleSigninWithoutMFA", ">=", 1, "warning", "notBreaching"},
	"cis-iam-policy-changes-warning":           {"IAMPolicyChanges", ">=", 1, "warning", "notBreaching"},
	"cis-cloudtrail-changes-critical":          {"CloudTrailChanges", ">=", 1, "critical", "notBreaching"},
	"cis-console-auth-failures-warning":        {"ConsoleAuthenticationFailures", ">=", 1, "warning", "notBreaching"},
	"cis-kms-key-disabled-or-deleted-critical": {"DisableOrDeleteCMK", ">=", 1, "critical", "notBreaching"},
	"cis-s3-bucket-policy-changes-warning":     {"S3BucketPolicyChanges", ">=", 1, "warning", "notBreaching"},
	"cis-config-changes-warning":               {"AWSConfigChanges", ">=", 1, "warning", "notBreaching"},
	"cis-security-group-changes-warning":       {"SecurityGroupChanges", ">=", 1, "warning", "notBreaching"},
	"cis-nacl-changes-warning":                 {"NetworkACLChanges", ">=", 1, "warning", "notBreaching"},
	"cis-network-gateway-changes-warning":      {"NetworkGatewayChanges", ">=", 1, "warning", "notBreaching"},
	"cis-route-table-changes-warning":          {"RouteTableChanges", ">=", 1, "warning", "notBreaching"},
	"cis-vpc-changes-warning":                  {"VPCChanges", ">=", 1, "warning", "notBreaching"},
}
