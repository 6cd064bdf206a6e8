// Package cdn owns the platform's static edge: the React app (app.<domain>) and the
// landing page (apex and www) served by CloudFront from private S3 buckets, the shared
// access-log bucket, and the WAF web ACLs.
//
//   - NewSite (platform:cdn:Site): one site. A private, KMS-encrypted, versioned bucket
//     readable only by its own distribution (Origin Access Control plus a bucket policy
//     on the distribution's ARN, TLS-only); a CloudFront distribution with HTTP/2+3,
//     IPv6, redirect-to-https on every behavior, TLSv1.2_2021, a security-headers policy
//     (HSTS preload, CSP, frame DENY ...) on every behavior, SPA error routing, standard
//     logging, the optional WAF; a DNS-validated ACM certificate in us-east-1 and Route
//     53 A/AAAA aliases for every domain.
//   - NewLogBucket (platform:cdn:LogBucket): the access-log bucket both sites' S3 server
//     access logs and CloudFront standard logs go to. It differs from data buckets on
//     purpose, for what the log services support: ACLs stay enabled
//     (BucketOwnerPreferred) because CloudFront standard logging writes through an ACL
//     grant, and default encryption is SSE-S3 (AES256) because S3 server access logging
//     cannot deliver to a bucket whose default encryption is SSE-KMS. It is not logged
//     itself (logging a log bucket into itself loops).
//   - NewEdgeWaf (platform:cdn:EdgeWaf): a WAFv2 web ACL with the AWS managed common,
//     known-bad-inputs and IP-reputation rule groups and a per-IP rate limit, logged to
//     a KMS-encrypted CloudWatch log group. Scope CLOUDFRONT (created through the
//     us-east-1 provider) for the distributions, REGIONAL for the API load balancer.
//
// It does not create KMS keys, the hosted zone or the us-east-1 provider: the caller
// passes them in. Everything environment-specific comes through the args.
package cdn
