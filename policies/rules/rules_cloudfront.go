package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// behaviors lists the input paths of a distribution's cache behaviors: the default one
// and each ordered one.
func behaviors(r Resource) ([]string, bool) {
	paths := []string{"defaultCacheBehavior"}
	ordered := r.in("orderedCacheBehaviors")
	if ordered.IsUnknown() {
		return paths, false
	}
	elems, _ := ordered.Array()
	for i := range elems {
		paths = append(paths, fmt.Sprintf("orderedCacheBehaviors[%d]", i))
	}
	return paths, true
}

var cfHTTPSViewers = Rule{
	ID: "cf-https-viewers", Number: 22, Severity: Critical, Anchors: "CRP, CK_AWS_34, TV",
	Description:   "Every CloudFront cache behavior uses viewerProtocolPolicy https-only or redirect-to-https.",
	ResourceTypes: []string{tokens.CloudFrontDistribution},
	CheckResource: func(r Resource, _ Params) []Finding {
		paths, ok := behaviors(r)
		var out []Finding
		if !ok {
			out = append(out, unknown(r, "orderedCacheBehaviors", "the viewer protocol policy of every behavior"))
		}
		for _, b := range paths {
			v := r.in(b + ".viewerProtocolPolicy")
			s, _ := v.String()
			switch {
			case v.IsUnknown():
				out = append(out, unknown(r, b+".viewerProtocolPolicy", "the viewer protocol policy"))
			case s != "https-only" && s != "redirect-to-https":
				out = append(out, fail(r, "%s.viewerProtocolPolicy is %s; set it to \"redirect-to-https\" or \"https-only\"", b, v.Display()))
			}
		}
		return out
	},
}

// tlsPolicies orders CloudFront's minimumProtocolVersion values, weakest first.
var tlsPolicies = []string{"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}

var cfTLSMin = Rule{
	ID: "cf-tls-min", Number: 23, Severity: High, Anchors: "CRP, CK_AWS_174, TV",
	Description:   "CloudFront viewer certificates require at least TLSv1.2_2021 (the default certificate cannot, so it fails).",
	ResourceTypes: []string{tokens.CloudFrontDistribution},
	Params:        []ParamSpec{{Name: "minVersion", Type: ParamString, Default: "TLSv1.2_2021", Description: "weakest acceptable minimumProtocolVersion"}},
	CheckResource: func(r Resource, p Params) []Finding {
		floor := slices.Index(tlsPolicies, p.String("minVersion"))
		if def, _ := r.in("viewerCertificate.cloudfrontDefaultCertificate").Bool(); def {
			return []Finding{fail(r, "viewerCertificate.cloudfrontDefaultCertificate is true, which allows TLSv1; use an ACM certificate (acmCertificateArn, sslSupportMethod \"sni-only\") with minimumProtocolVersion %q", p.String("minVersion"))}
		}
		v := r.in("viewerCertificate.minimumProtocolVersion")
		if v.IsUnknown() {
			return []Finding{unknown(r, "viewerCertificate.minimumProtocolVersion", "the minimum TLS version")}
		}
		s, _ := v.String()
		if i := slices.Index(tlsPolicies, s); i < 0 || i < floor {
			return []Finding{fail(r, "viewerCertificate.minimumProtocolVersion is %s; set it to %q or newer", v.Display(), p.String("minVersion"))}
		}
		return nil
	},
}

var cfOAC = Rule{
	ID: "cf-oac", Number: 24, Severity: High, Anchors: "CK2_AWS_46",
	Description:   "CloudFront S3 origins use Origin Access Control (originAccessControlId), not a public bucket or a legacy OAI.",
	ResourceTypes: []string{tokens.CloudFrontDistribution},
	CheckResource: func(r Resource, _ Params) []Finding {
		origins := r.in("origins")
		if origins.IsUnknown() {
			return []Finding{unknown(r, "origins", "whether S3 origins use OAC")}
		}
		elems, _ := origins.Array()
		var out []Finding
		for i := range elems {
			base := fmt.Sprintf("origins[%d]", i)
			isS3, known := s3Origin(r, base)
			switch {
			case !known && !isSet(r.in(base+".originAccessControlId")):
				out = append(out, unknown(r, base+".domainName", "whether the origin is an S3 bucket that needs OAC"))
			case !isS3:
			case !isSet(r.in(base + ".originAccessControlId")):
				out = append(out, fail(r, "%s.originAccessControlId is not set on S3 origin %s; create an aws.cloudfront.OriginAccessControl "+
					"(signingBehavior \"always\") and set originAccessControlId", base, r.in(base+".originId").Display()))
			case isSet(r.in(base + ".s3OriginConfig.originAccessIdentity")):
				if s, ok := r.in(base + ".s3OriginConfig.originAccessIdentity").String(); !ok || s != "" {
					out = append(out, fail(r, "%s.s3OriginConfig.originAccessIdentity is set (legacy OAI); remove it and rely on originAccessControlId", base))
				}
			}
		}
		return out
	},
}

// s3Origin decides whether an origin is an S3 bucket: an s3OriginConfig or an S3 domain
// is; a custom or VPC origin config is not; otherwise an unknown domain leaves it open.
func s3Origin(r Resource, base string) (isS3, known bool) {
	if r.in(base + ".s3OriginConfig").IsKnown() {
		return true, true
	}
	if r.in(base+".customOriginConfig").IsKnown() || r.in(base+".vpcOriginConfig").IsKnown() {
		return false, true
	}
	d := r.in(base + ".domainName")
	if s, ok := d.String(); ok {
		return strings.Contains(s, ".s3.") || strings.Contains(s, ".s3-"), true
	}
	if len(r.depsOfType("origins", tokens.S3BucketV2)) > 0 {
		return true, true
	}
	return false, !d.IsUnknown()
}

var cfWAF = Rule{
	ID: "cf-waf", Number: 25, Severity: High, ProdMandatory: true, Anchors: "CRP, CK_AWS_68, TV",
	Description:   "CloudFront distributions are protected by a WAF web ACL (webAclId).",
	ResourceTypes: []string{tokens.CloudFrontDistribution},
	CheckResource: func(r Resource, _ Params) []Finding {
		v := r.in("webAclId")
		switch {
		case v.IsUnknown() && len(r.depsOfType("webAclId", tokens.WAFWebACL)) == 0:
			return []Finding{unknown(r, "webAclId", "whether a WAF web ACL of this stack protects the distribution")}
		case !isSet(v):
			return []Finding{fail(r, "webAclId is not set; attach an aws.wafv2.WebAcl (scope CLOUDFRONT, us-east-1) with the AWS managed rule groups")}
		}
		return nil
	},
}

var cfLogging = Rule{
	ID: "cf-logging", Number: 26, Severity: Medium, Anchors: "CRP, CK_AWS_86, TV",
	Description:   "CloudFront distributions log requests: loggingConfig.bucket (legacy) or a CloudWatch LogDeliverySource for the distribution (standard logging v2).",
	ResourceTypes: []string{tokens.CloudFrontDistribution, tokens.CloudWatchLogDeliverySource},
	CheckStack: func(s Stack, _ Params) []Finding {
		var out []Finding
		for _, d := range s.ofType(tokens.CloudFrontDistribution) {
			if isSet(d.in("loggingConfig.bucket")) {
				continue
			}
			found, unresolved := referrers(s, d, tokens.CloudWatchLogDeliverySource, "resourceArn", "arn")
			switch {
			case len(found) > 0:
			case unresolved:
				out = append(out, unknownJoin(d, shortType(tokens.CloudWatchLogDeliverySource)))
			default:
				out = append(out, fail(d, "loggingConfig.bucket is not set and no LogDeliverySource names this distribution; enable standard logging"))
			}
		}
		return out
	},
}

// managedSecurityHeadersPolicy is the AWS managed "SecurityHeadersPolicy" (includes
// Strict-Transport-Security).
const managedSecurityHeadersPolicy = "67f7725c-6f97-4210-82d7-5512b31e9d03"

var cfSecurityHeaders = Rule{
	ID: "cf-security-headers", Number: 27, Severity: Low, Anchors: "CK2_AWS_32",
	Description:   "Every CloudFront cache behavior attaches a response headers policy that sends HSTS (securityHeadersConfig.strictTransportSecurity).",
	ResourceTypes: []string{tokens.CloudFrontDistribution, tokens.CloudFrontResponseHeadersPolicy},
	CheckStack: func(s Stack, _ Params) []Finding {
		var out []Finding
		for _, d := range s.ofType(tokens.CloudFrontDistribution) {
			paths, ok := behaviors(d)
			if !ok {
				out = append(out, unknown(d, "orderedCacheBehaviors", "the response headers policy of every behavior"))
			}
			for _, b := range paths {
				out = append(out, hstsBehavior(s, d, b+".responseHeadersPolicyId")...)
			}
		}
		return out
	},
}

func hstsBehavior(s Stack, d Resource, path string) []Finding {
	v := d.in(path)
	if id, ok := v.String(); ok && id == managedSecurityHeadersPolicy {
		return nil
	}
	if !isSet(v) {
		return []Finding{fail(d, "%s is not set; attach an aws.cloudfront.ResponseHeadersPolicy with securityHeadersConfig.strictTransportSecurity", path)}
	}
	found, unresolved := referenced(s, d, path, tokens.CloudFrontResponseHeadersPolicy, "id")
	var hsts []Resource
	for _, p := range found {
		if isSet(p.in("securityHeadersConfig.strictTransportSecurity")) {
			hsts = append(hsts, p)
		}
	}
	switch {
	case len(hsts) > 0:
		return nil
	case len(found) == 0 && (unresolved || v.IsUnknown()):
		return []Finding{unknown(d, path, "whether the response headers policy sends HSTS")}
	case len(found) == 0:
		return []Finding{fail(d, "%s is %s, not a policy in this stack nor the managed SecurityHeadersPolicy, so HSTS cannot be verified; "+
			"use a ResponseHeadersPolicy with securityHeadersConfig.strictTransportSecurity", path, v.Display())}
	}
	return []Finding{fail(found[0], "securityHeadersConfig.strictTransportSecurity is not set (used by %s %s); add it (accessControlMaxAgeSec >= 31536000, includeSubdomains)",
		d.label(), path)}
}
