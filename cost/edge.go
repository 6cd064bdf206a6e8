package cost

import (
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

const (
	keyCFTransfer = "cloudfront.data_transfer_out.north_america.first_10tb"
	keyCFRequests = "cloudfront.https_requests.north_america"
	keyWAFACL     = "waf.web_acl"
	keyWAFRule    = "waf.rule"
	keyWAFReqs    = "waf.requests"
	keyZone       = "route53.hosted_zone"
	keyHCAWS      = "route53.health_check.aws_endpoint"
	keyHCOther    = "route53.health_check.non_aws_endpoint"
)

// paidRuleGroups are AWS managed rule groups billed on top of the rule price.
var paidRuleGroups = map[string]bool{
	"AWSManagedRulesBotControlRuleSet": true,
	"AWSManagedRulesATPRuleSet":        true,
	"AWSManagedRulesACFPRuleSet":       true,
	"AWSManagedRulesAntiDDoSRuleSet":   true,
}

// distribution: pay-as-you-go transfer and HTTPS requests (North America rates, first
// tier) under the assumptions, or the flat-rate plan price when one is configured.
func distribution(_ *estimator, _ *plan.Resource, c *calc) {
	if flat := c.a.CloudFrontPlan; flat != "" {
		c.term("cloudfront.flat_rate."+flat, 1, "1 distribution")
		return
	}
	c.term(keyCFTransfer, c.a.CloudFrontGB, fmtNum(c.a.CloudFrontGB)+" GB")
	c.term(keyCFRequests, c.a.CloudFrontRequests/10000, fmtNum(c.a.CloudFrontRequests/10000)+" x 10k requests")
}

// webACL: the ACL, one rule-month per rule (a rule-group reference counts as one), and
// the inspected-requests assumption. A CLOUDFRONT ACL attached to a distribution on a
// flat-rate plan is bundled in the plan.
func webACL(e *estimator, r *plan.Resource, c *calc) {
	if scope, _ := str(r, "scope"); scope == "CLOUDFRONT" && c.a.CloudFrontPlan != "" && e.attachedToDistribution(r) {
		c.zero("cloudfront.flat_rate."+c.a.CloudFrontPlan, "WAF is bundled in the distribution's flat-rate plan")
		return
	}
	rules, st := arr(r, "rules")
	if st == unknown {
		c.need(st, "rules")
		return
	}
	if _, jst := read(r.Inputs, "ruleJson"); jst != missing {
		c.unknownf("rules given as ruleJson are not counted")
		return
	}
	c.term(keyWAFACL, 1, "1 web ACL")
	if len(rules) > 0 {
		c.term(keyWAFRule, float64(len(rules)), count(float64(len(rules)), "rule"))
	}
	c.term(keyWAFReqs, c.a.WAFRequestsMillions, fmtNum(c.a.WAFRequestsMillions)+" M requests")
	for _, rule := range rules {
		if !rule.IsMap() {
			continue
		}
		name, _ := read(rule.AsMap(), "statement.managedRuleGroupStatement.name")
		vendor, _ := read(rule.AsMap(), "statement.managedRuleGroupStatement.vendorName")
		switch {
		case !name.IsString():
		case vendor.IsString() && vendor.AsString() != "AWS":
			c.unknownf("marketplace rule group %s/%s: its subscription is not in the table", vendor.AsString(), name.AsString())
		case paidRuleGroups[name.AsString()]:
			c.unknownf("paid AWS managed rule group %s: its fees are not in the table", name.AsString())
		}
	}
}

// attachedToDistribution reports whether a distribution uses the web ACL (by ARN, or by
// the webAclId dependency in preview).
func (e *estimator) attachedToDistribution(acl *plan.Resource) bool {
	arn := acl.Output("arn")
	for _, d := range e.p.ByType(tokens.CloudFrontDistribution) {
		if id, st := str(d, "webAclId"); st == known && arn.IsString() && id == arn.AsString() {
			return true
		}
		for _, dep := range dependsOn(e.p, d, "webAclId", tokens.WAFWebACL) {
			if dep == acl {
				return true
			}
		}
	}
	return false
}

func hostedZone(_ *estimator, _ *plan.Resource, c *calc) {
	c.term(keyZone, 1, "1 zone")
}

// healthCheck: basic HTTP/TCP checks; an AWS endpoint (amazonaws.com, cloudfront.net)
// at the AWS rate, anything else at the non-AWS rate. Optional features (HTTPS, string
// matching, fast interval, latency) and calculated/metric checks are not in the table.
func healthCheck(_ *estimator, r *plan.Resource, c *calc) {
	typ, st := str(r, "type")
	if !c.need(st, "type") {
		return
	}
	switch typ {
	case "HTTP", "TCP":
	case "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH":
		c.unknownf("%s health check: optional-feature prices are not in the table", typ)
		return
	default:
		c.unknownf("%s health check: not in the table", typ)
		return
	}
	if iv, st := num(r, "requestInterval"); st == known && iv < 30 {
		c.unknownf("fast interval (%ss): optional-feature price not in the table", fmtNum(iv))
	}
	if on, st := boolean(r, "measureLatency", false); st == known && on {
		c.unknownf("latency measurement: optional-feature price not in the table")
	}
	fqdn, _ := str(r, "fqdn")
	if hasSuffixAny(fqdn, ".amazonaws.com", ".cloudfront.net") {
		c.term(keyHCAWS, 1, "1 check")
		return
	}
	c.term(keyHCOther, 1, "1 check")
}

// record: alias records answer queries for AWS resources at no charge; other records
// bill per query, a price the table does not have.
func record(_ *estimator, r *plan.Resource, c *calc) {
	aliases, st := arr(r, "aliases")
	if st == known && len(aliases) > 0 {
		c.free("alias queries to AWS resources are not billed")
		return
	}
	c.unknownf("standard DNS queries are billed per million; that price is not in the table")
}

// certificate: public ACM certificates are free; private ones are billed through the
// private CA, whose price is not in the table.
func certificate(_ *estimator, r *plan.Resource, c *calc) {
	if _, st := read(r.Inputs, "certificateAuthorityArn"); st != missing {
		c.unknownf("private certificate: AWS Private CA prices are not in the table")
		return
	}
	c.free("public ACM certificates have no charge")
}
