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
