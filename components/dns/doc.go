// Package dns owns the platform's public DNS on Route 53 and the ACM certificates that
// are validated through it:
//
//   - NewDns: the hosted zone of the product domain, either created here (protected,
//     never force-destroyed) or adopted by id. Offline captures cannot look zones up,
//     so an existing zone is passed as ExistingZoneId by the operator (copy it from
//     `aws route53 list-hosted-zones-by-name`), never found by name at run time. A
//     created child zone (staging.generic-corp.io) is delegated from its parent zone
//     (ParentZoneId, also passed by id) in the same run, and its ZoneId carries that
//     dependency so nothing in the zone waits on ACM before the delegation exists.
//   - AliasRecord: A and AAAA alias records that point a name at a CloudFront
//     distribution or a load balancer.
//   - ValidatedCertificate: an ACM certificate with DNS validation records in the zone
//     and the validation waiter, bounded by CertificateValidationTimeout (a timeout
//     means the zone is not delegated); callers pass a provider option to place the
//     certificate in another region (CloudFront only accepts us-east-1 certificates).
//
// It knows nothing about the stack: names, domains and tags come in through the args.
package dns
