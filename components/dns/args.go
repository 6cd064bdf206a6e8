package dns

import (
	"errors"
	"regexp"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
)

// DefaultComment is the hosted zone comment when DnsArgs.Comment is empty.
const DefaultComment = "Public zone of the platform, managed by Pulumi"

// DnsArgs configures the public hosted zone.
type DnsArgs struct {
	// ZoneName is the apex domain of the zone, e.g. "generic-corp.io". Required;
	// lower-case, without a trailing dot.
	ZoneName string
	// CreateZone creates the hosted zone when true. When false (the default) the zone is
	// adopted by ExistingZoneId: registrars and delegations usually predate the stack,
	// and deleting a zone changes its name servers, so most stacks should adopt.
	CreateZone bool
	// ExistingZoneId is the Route 53 hosted zone id (e.g. "Z0123456789ABCDEFGHIJ") when
	// CreateZone is false; required then, and must be empty when CreateZone is true. It
	// is not looked up by name: look-ups need a live account, so the operator passes it.
	ExistingZoneId string
	// ParentZoneId is the Route 53 hosted zone of the parent domain (e.g. the zone of
	// "generic-corp.io" for ZoneName "staging.generic-corp.io"). When set, the created
	// zone is delegated from it in the same run: an NS record named ZoneName in the parent
	// zone lists the new zone's name servers, and everything that uses ZoneId waits for
	// that record, so ACM can resolve the validation records it is asked to check. Empty
	// (the default) means the zone is delegated outside the program (at the registrar,
	// for an apex). Only with CreateZone: an adopted zone's name servers are not read.
	// Writing into the parent zone needs route53:ChangeResourceRecordSets on it with the
	// stack's credentials (same account).
	ParentZoneId string
	// Comment is the hosted zone comment (CreateZone only). Default DefaultComment.
	Comment string
	// Protect adds pulumi.Protect to a created zone (deleting it would break delegation).
	// Default false; true in prod.
	Protect bool
	// Tags is the stack-level tag set; a created zone gets it plus Name.
	Tags tags.Set
}

var (
	// domainPattern is a lower-case DNS name of at least two labels, each 1-63
	// characters of letters, digits and inner hyphens.
	domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
	zoneIDPattern = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
)

// maxDomainName is the DNS limit on a full name (without the trailing dot).
const maxDomainName = 253

// ValidDomain reports whether d is a lower-case DNS name we accept for zones, aliases and
// certificate names. wildcard allows a leading "*." label.
func ValidDomain(d string, wildcard bool) bool {
	if wildcard {
		d = strings.TrimPrefix(d, "*.")
	}
	return len(d) <= maxDomainName && domainPattern.MatchString(d)
}

// withDefaults returns a copy with every documented default filled in; the only place
// defaults are applied.
func (a DnsArgs) withDefaults() DnsArgs {
	if a.Comment == "" {
		a.Comment = DefaultComment
	}
	return a
}

// validate reports every user error at once, each naming the field, the bad value and
// what is allowed. It registers nothing.
func (a DnsArgs) validate() error {
	var errs []error
	p := argcheck.Into("dns", &errs)
	bad := p.Addf
	if !ValidDomain(a.ZoneName, false) {
		bad("ZoneName %q is not allowed (a lower-case domain such as \"generic-corp.io\", no trailing dot)", a.ZoneName)
	}
	switch {
	case a.CreateZone && a.ExistingZoneId != "":
		bad("ExistingZoneId %q is not allowed with CreateZone true (set one or the other)", a.ExistingZoneId)
	case !a.CreateZone && a.ExistingZoneId == "":
		bad("ExistingZoneId is required when CreateZone is false (the hosted zone id, e.g. \"Z0123456789ABCDEFGHIJ\")")
	case !a.CreateZone && !zoneIDPattern.MatchString(a.ExistingZoneId):
		bad("ExistingZoneId %q is not allowed (a Route 53 hosted zone id: \"Z\" then upper-case letters and digits)", a.ExistingZoneId)
	}
	switch {
	case a.ParentZoneId == "":
	case !a.CreateZone:
		bad("ParentZoneId %q is not allowed with an adopted zone (ExistingZoneId): its delegation belongs to whoever created it", a.ParentZoneId)
	case !zoneIDPattern.MatchString(a.ParentZoneId):
		bad("ParentZoneId %q is not allowed (a Route 53 hosted zone id: \"Z\" then upper-case letters and digits)", a.ParentZoneId)
	}
	if len(a.Comment) > 256 {
		bad("Comment is %d characters long (at most 256)", len(a.Comment))
	}
	return errors.Join(errs...)
}
