// Package audit owns the account's audit trail: a multi-region CloudTrail trail that
// records every management API call (including global services such as IAM), with log
// file integrity validation, encrypted with a key of its own, delivered to a locked-down
// S3 bucket.
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
// Digest files (log file validation) are written by CloudTrail with SSE-S3, as it
// always does; `aws cloudtrail validate-logs` proves a log file was not changed or
// deleted.
//
// With Args.Protect (prod) the key, the bucket and the trail are protected, and the key
// and the bucket retained if removed from the program. One multi-region trail per
// account is enough: a second stack in the same account should not create another
// (each extra copy of management events is billed).
package audit
