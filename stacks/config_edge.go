package stacks

import (
	"regexp"
	"strings"
)

var (
	domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	zoneIDPattern = regexp.MustCompile(`^Z[A-Z0-9]{4,31}$`)
	// Docker's tag grammar: word characters, '.', '-', up to 128, not starting with '.' or '-'.
	imageTagPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	originPattern   = regexp.MustCompile(`^https://[a-z0-9.-]+(:[0-9]{1,5})?$`)
)

func loadEdge(r *reader) EdgeConfig {
	e := EdgeConfig{
		Domain:           r.str("domain"),
		ZoneID:           r.str("dnsZoneId"),
		ImageTag:         r.str("imageTag"),
		WafRateLimit:     r.integer("wafRateLimitPer5Min", 100, 2_000_000_000),
		CorsExtraOrigins: r.list("corsExtraOrigins"),
	}
	if e.Domain != "" && !domainPattern.MatchString(e.Domain) {
		r.errs.add("domain", e.Domain, "is not a lower-case DNS name (allowed: e.g. generic-corp.io or staging.generic-corp.io)")
	}
	if e.ZoneID != "" && !zoneIDPattern.MatchString(e.ZoneID) {
		r.errs.add("dnsZoneId", e.ZoneID, "is not a Route 53 hosted zone id (allowed: Z followed by upper-case letters and digits, or empty to create the zone)")
	}
	e.ParentZoneID = loadParentZone(r, e)
	if e.ImageTag != "" {
		switch {
		case strings.EqualFold(e.ImageTag, "latest"):
			r.errs.add("imageTag", e.ImageTag, "is not allowed: tags are immutable and deployments must name a release (allowed: e.g. v1.4.2 or a git sha)")
		case !imageTagPattern.MatchString(e.ImageTag):
			r.errs.add("imageTag", e.ImageTag, "is not a valid image tag (allowed: letters, digits, '_', '.', '-', up to 128 characters)")
		}
	}
	for _, o := range e.CorsExtraOrigins {
		if !originPattern.MatchString(o) {
			r.errs.add("corsExtraOrigins", o, "is not an https origin (allowed: https://host[:port], no path, no wildcard)")
		}
	}
	return e
}

// NoParentZone is the parentDnsZoneId of an apex delegated at its registrar.
const NoParentZone = "none"

// ParentZoneStandIn is the parentDnsZoneId the committed child stack files carry until
// prod's zone exists (its id is only known after prod's first `pulumi up`). It is a valid
// id, so the offline plans are the real ones; a run that still has it stops at the
// delegation record with Route 53's NoSuchHostedZone naming it, and the first-deploy
// checklist lists it as a precondition to fix.
const ParentZoneStandIn = "ZREPLACEWITHPRODZONEID"

// EdgeCertificateStandIn and CloudFrontWebAclStandIn are the dr stack's committed
// stand-ins for prod's edgeCertificateArn and cloudFrontWebAclArn outputs, which exist
// only after prod's `pulumi up` (valid ARNs of no account, so the offline plans are real).
const (
	EdgeCertificateStandIn  = "arn:aws:acm:us-east-1:000000000000:certificate/replace-with-prod-output"
	CloudFrontWebAclStandIn = "arn:aws:wafv2:us-east-1:000000000000:global/webacl/replace-with-prod-output/0"
)

// IsStandIn reports a committed stand-in for one of prod's outputs.
func IsStandIn(value string) bool {
	return value == ParentZoneStandIn || value == EdgeCertificateStandIn || value == CloudFrontWebAclStandIn
}

// loadParentZone reads parentDnsZoneId. It has no default: a stack that does not say
// where its zone is delegated from would come up with certificates that never validate.
func loadParentZone(r *reader, e EdgeConfig) string {
	v, ok := r.value("parentDnsZoneId")
	if !ok {
		return ""
	}
	apex := strings.Count(e.Domain, ".") == 1
	switch {
	case v == NoParentZone && e.Domain != "" && !apex && e.ZoneID == "":
		r.errs.add("parentDnsZoneId", v, "leaves %s undelegated, so its certificates never validate (allowed: the hosted zone id of its parent domain's zone, "+
			"e.g. `pulumi stack output dnsZoneId -s prod`; none only for a two-label apex delegated at the registrar)", e.Domain)
	case v == NoParentZone:
		return ""
	case !zoneIDPattern.MatchString(v):
		r.errs.add("parentDnsZoneId", v, "is not allowed (allowed: a Route 53 hosted zone id, Z followed by upper-case letters and digits, "+
			"or none for an apex delegated at the registrar)")
	case e.ZoneID != "":
		r.errs.add("parentDnsZoneId", v, "is not allowed with dnsZoneId %q (allowed: none; an adopted zone is delegated by whoever created it)", e.ZoneID)
	case apex:
		r.errs.add("parentDnsZoneId", v, "is not allowed for the apex %s, whose parent is its top-level domain (allowed: none, and enter the name servers at the registrar)", e.Domain)
	}
	return v
}
