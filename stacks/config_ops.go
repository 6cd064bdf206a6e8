package stacks

import (
	"net/mail"
	"regexp"
)

// OpsConfig holds alert routing and backup replication.
type OpsConfig struct {
	AlertEmails              []string
	ReplicateRdsBackups      bool
	ApiLoadBalancerArnSuffix string
}

var albSuffixPattern = regexp.MustCompile(`^app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`)

// loadOps reads alert routing. A strict stack (prod, and dr, which serves prod's users
// after a rebuild) must page someone: without a subscriber its alarms fire into SNS
// topics nobody reads. staging may run unwatched (its alarms still show in CloudWatch).
func loadOps(r *reader, c *Config) OpsConfig {
	_, set := r.raw["alertEmails"]
	o := OpsConfig{
		AlertEmails:              r.list("alertEmails"),
		ReplicateRdsBackups:      r.boolean("replicateRdsBackups"),
		ApiLoadBalancerArnSuffix: r.str("apiLoadBalancerArnSuffix"),
	}
	if set && len(o.AlertEmails) == 0 && c.Strict() && !r.errs.any("alertEmails") {
		r.errs.add("alertEmails", "[]", "must list at least one address in %s: with an empty list the alarms fire and nobody is paged "+
			"(allowed: plain addresses, e.g. the PagerDuty service's email integration and the SRE list)", c.Environment)
	}
	for _, e := range o.AlertEmails {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			r.errs.add("alertEmails", e, "is not an email address (allowed: plain addresses such as sre@generic-corp.io)")
		}
	}
	if o.ApiLoadBalancerArnSuffix != "" && !albSuffixPattern.MatchString(o.ApiLoadBalancerArnSuffix) {
		r.errs.add("apiLoadBalancerArnSuffix", o.ApiLoadBalancerArnSuffix, "is not an ALB ARN suffix (allowed: app/<name>/<16 hex digits>, from `aws elbv2 describe-load-balancers`)")
	}
	return o
}
