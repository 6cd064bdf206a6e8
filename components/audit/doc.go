// Package audit owns the account's audit trail: a multi-region CloudTrail trail that
// records every management API call (including global services such as IAM), with log
// file integrity validation, encrypted with a key of its own, delivered to a locked-down
// S3 bucket, with a copy in an encrypted CloudWatch Logs log group that the CIS
// Benchmark's metric filters and alarms watch.
//
// The key. CloudTrail encrypts each log file with the trail's KMS key, so the key policy
// must admit cloudtrail.amazonaws.com; the secrets component's keys do not (and should
// not), so this package creates a dedicated key with the statements CloudTrail documents:
// the account root; CloudTrail may generate data keys only for this trail (aws:SourceArn)
// and only in the trail encryption context of this account; principals of this account
// may decrypt log files (kms:CallerAccount plus that context), so reading logs is
// decided by IAM.
//
// The bucket. All four public access block flags; ACLs disabled (BucketOwnerEnforced,
// which CloudTrail supports: its bucket-owner-full-control ACL header is accepted);
// default encryption SSE-KMS with the trail key and a bucket key; versioning; lifecycle
// expiring log files after RetentionDays (default 365) and their noncurrent versions
// after NoncurrentDays; server access logging to Args.AccessLogBucket when given. Its
// policy lets CloudTrail check the ACL and write under AWSLogs/<account>/ only for this
// trail (aws:SourceArn), and denies every request without TLS. The trail waits for the
// policy: CloudTrail checks it when the trail is created.
//
// The CloudWatch Logs copy. The trail also delivers to the log group
// "/aws/cloudtrail/<trail>" (cloudWatchLogsGroupArn is the group's ARN with the ":*"
// log-stream wildcard CloudTrail requires, built from the group's name so it is known in a
// preview), kept RetentionDays like the log files (365 by default: Security Hub
// CloudWatch.16 wants a year) and encrypted with the same trail key: its policy admits
// logs.<region>.amazonaws.com only with the encryption context of this group's ARN, so a
// second key is not needed. CloudTrail writes through the role "<NamePrefix>-cloudtrail-logs",
// which trusts cloudtrail.amazonaws.com and may only CreateLogStream and PutLogEvents on
// this group's "<account>_CloudTrail_<region>" streams; the trail waits for its policy
// (CloudTrail checks the role at CreateTrail). The trust has no aws:SourceArn condition:
// CloudTrail's documented role has none and a condition CloudTrail does not meet would fail
// the trail.
//
// The CIS alarms. For each CIS AWS Foundations Benchmark monitoring control (Controls,
// Security Hub CloudWatch.1-14) a metric filter with the benchmark's pattern (exactly: the
// Security Hub check fails on added terms) publishes 1 to namespace CISBenchmark per
// matching event, and an alarm fires on one event in 5 minutes (>= 1, Sum, notBreaching),
// sending ALARM and OK to the alerting topic of its severity (Args.CriticalTopicArn and
// WarningTopicArn). Critical, paged: root user use, CloudTrail changes, KMS key disable or
// scheduled deletion. Warning, to chat: unauthorized calls, console sign-in without MFA
// and authentication failures, IAM policy, bucket policy, Config, security group, NACL,
// gateway, route table and VPC changes, which deploys also make. The runbook is
// docs/runbooks.md "CIS security alarms"; the policy rule cis-trail-alarms checks each
// pattern against sample CloudTrail records of its control.
//
// Digest files (log file validation) are written by CloudTrail with SSE-S3, as it
// always does; `aws cloudtrail validate-logs` proves a log file was not changed or
// deleted.
//
// With Args.Protect (prod) the key, the bucket and the trail are protected, and the key
// and the bucket retained if removed from the program. One multi-region trail per
// account is enough: a second stack in the same account should not create another
// (each extra copy of management events is billed).
package audit
