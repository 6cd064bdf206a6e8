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

func loadOps(r *reader) OpsConfig {
	o := OpsConfig{
		AlertEmails:              r.list("alertEmails"),
		ReplicateRdsBackups:      r.boolean("replicateRdsBackups"),
		ApiLoadBalancerArnSuffix: r.str("apiLoadBalancerArnSuffix"),
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
