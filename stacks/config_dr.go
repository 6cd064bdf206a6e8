package stacks

import (
	"regexp"
	"strings"
)

// EdgeRegion is where CloudFront's certificates and web ACLs must live.
const EdgeRegion = "us-east-1"

// DRConfig is how a stack takes part in disaster recovery: prod pre-provisions what a
// rebuild needs from us-east-1, and a dr stack names the region it must survive.
type DRConfig struct {
	// FailedRegion is the region a dr rebuild survives (platform:failedRegion, dr only).
	FailedRegion string
	// EdgeCertificateArn and CloudFrontWebAclArn are prod's pre-provisioned us-east-1
	// pieces (platform:edgeCertificateArn, platform:cloudFrontWebAclArn, dr only).
	EdgeCertificateArn  string
	CloudFrontWebAclArn string
	// StandbyDomain is the dr stack's domain, for which prod keeps a CloudFront
	// certificate ready (platform:drDomain, prod only).
	StandbyDomain string
	// RepeatableDrill makes teardown complete (platform:repeatableDrill, dr only).
	RepeatableDrill bool
	// CutoverDomain is prod's domain after a cut-over (platform:cutoverDomain, dr only).
	CutoverDomain string
}

// PreProvisionedEdge reports whether the edge's us-east-1 pieces come from prod: a dr
// stack that survives the loss of us-east-1 cannot create them at rebuild time.
func (d DRConfig) PreProvisionedEdge() bool { return d.FailedRegion == EdgeRegion }

var (
	edgeCertificatePattern = regexp.MustCompile(`^arn:aws:acm:us-east-1:[0-9]{12}:certificate/[0-9a-zA-Z-]+$`)
	edgeWebAclPattern      = regexp.MustCompile(`^arn:aws:wafv2:us-east-1:[0-9]{12}:global/webacl/[A-Za-z0-9_-]+/[0-9a-zA-Z-]+$`)
	regionPattern          = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
)

// loadDR reads the disaster-recovery keys. A dr stack must say which region it survives;
// nothing it needs may live there, which the checks below and the DR rehearsal enforce.
func loadDR(r *reader, c *Config) DRConfig {
	d := DRConfig{
		FailedRegion:        r.str("failedRegion"),
		EdgeCertificateArn:  r.str("edgeCertificateArn"),
		CloudFrontWebAclArn: r.str("cloudFrontWebAclArn"),
		StandbyDomain:       r.str("drDomain"),
		RepeatableDrill:     r.boolean("repeatableDrill"),
		CutoverDomain:       r.str("cutoverDomain"),
	}
	if c.Environment != "dr" {
		for key, v := range map[string]string{"failedRegion": d.FailedRegion, "edgeCertificateArn": d.EdgeCertificateArn,
			"cloudFrontWebAclArn": d.CloudFrontWebAclArn, "cutoverDomain": d.CutoverDomain} {
			if v != "" {
				r.errs.add(key, v, "is only allowed in a dr stack (platform:environment: dr)")
			}
		}
		if _, set := r.raw["repeatableDrill"]; set {
			r.errs.add("repeatableDrill", r.raw["repeatableDrill"], "is only allowed in a dr stack: staging and prod are never torn down as a drill")
		}
		loadStandbyDomain(r, c, d.StandbyDomain)
		return d
	}
	if _, set := r.raw["secretRecoveryWindowDays"]; set && d.RepeatableDrill {
		r.errs.add("secretRecoveryWindowDays", r.raw["secretRecoveryWindowDays"], "conflicts with platform:repeatableDrill: true, which deletes the drill's secrets at once so the next drill can reuse their names (allowed: unset)")
	}
	if d.CutoverDomain != "" && (!domainPattern.MatchString(d.CutoverDomain) || !strings.HasSuffix(c.Edge.Domain, "."+d.CutoverDomain)) {
		r.errs.add("cutoverDomain", d.CutoverDomain, "is not allowed (allowed: prod's domain, the parent of platform:domain %q, whose certificate prod keeps for this stack)", c.Edge.Domain)
	}
	if d.StandbyDomain != "" {
		r.errs.add("drDomain", d.StandbyDomain, "is a prod key (allowed in dr: none; prod keeps the dr stack's CloudFront certificate ready)")
	}
	switch {
	case d.FailedRegion == "":
		r.errs.add("failedRegion", "", "is required in a dr stack: set the region the rebuild survives (prod's aws:region, e.g. us-east-1); nothing the rebuild creates may live there")
	case !regionPattern.MatchString(d.FailedRegion):
		// A typo would turn the edge checks off and let the rehearsal pass untested.
		r.errs.add("failedRegion", d.FailedRegion, "is not an AWS region (allowed: a region name such as us-east-1, prod's aws:region)")
	case d.FailedRegion == c.Region:
		r.errs.add("failedRegion", d.FailedRegion, "is this stack's aws:region (allowed: the region that failed, where prod runs; the rebuild runs elsewhere)")
	case c.DRRegion == d.FailedRegion:
		r.errs.add("drRegion", c.DRRegion, "is the failed region (platform:failedRegion): the rebuild's backup copies would go to the region that is down (allowed: any region but %s and %s, e.g. us-east-2)", d.FailedRegion, c.Region)
	}
	if !d.PreProvisionedEdge() {
		return d
	}
	// CloudFront takes certificates and web ACLs from us-east-1 only: with that region
	// down they cannot be created, so prod keeps them ready (docs/disaster-recovery.md).
	for _, k := range []struct{ key, value, allowed string }{
		{"edgeCertificateArn", d.EdgeCertificateArn, "the us-east-1 ACM certificate prod keeps for this domain: `pulumi stack output drEdgeCertificateArn -s prod`"},
		{"cloudFrontWebAclArn", d.CloudFrontWebAclArn, "prod's CloudFront web ACL: `pulumi stack output cloudFrontWebAclArn -s prod`"},
	} {
		if k.value == "" {
			r.errs.add(k.key, "", "is required when platform:failedRegion is %s (allowed: %s)", EdgeRegion, k.allowed)
		}
	}
	if d.EdgeCertificateArn != "" && !edgeCertificatePattern.MatchString(d.EdgeCertificateArn) {
		r.errs.add("edgeCertificateArn", d.EdgeCertificateArn, "is not a us-east-1 ACM certificate ARN (allowed: arn:aws:acm:us-east-1:<account>:certificate/<id>)")
	}
	if d.CloudFrontWebAclArn != "" && !edgeWebAclPattern.MatchString(d.CloudFrontWebAclArn) {
		r.errs.add("cloudFrontWebAclArn", d.CloudFrontWebAclArn, "is not a CloudFront web ACL ARN (allowed: arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)")
	}
	return d
}

// loadStandbyDomain checks prod's drDomain: a name under prod's own domain, so its
// certificate validates in prod's zone, which the dr stack writes its records into.
func loadStandbyDomain(r *reader, c *Config, domain string) {
	if domain == "" {
		return
	}
	if c.Environment != "prod" {
		r.errs.add("drDomain", domain, "is only allowed in prod (the stack a dr rebuild replaces)")
		return
	}
	if !domainPattern.MatchString(domain) || c.Edge.Domain == "" || !strings.HasSuffix(domain, "."+c.Edge.Domain) {
		r.errs.add("drDomain", domain, "is not allowed (allowed: a subdomain of platform:domain %q, e.g. dr.%s)", c.Edge.Domain, c.Edge.Domain)
	}
}
