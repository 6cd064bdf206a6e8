package rules

import (
	_ "embed"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/generic-corp/platform/internal/tokens"
)

//go:embed taggable_aws.txt
var taggableText string

// taggable is the set of pulumi-aws type tokens whose Args have a `tags` input,
// generated from the pinned SDK (internal/gentaggable). A type outside it cannot carry
// tags, so it is not judged.
var taggable = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(taggableText, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out[line] = true
		}
	}
	return out
})

// Taggable reports whether an AWS resource type accepts tags (pulumi-aws v6.83.4).
func Taggable(typ string) bool { return taggable()[typ] }

var costRequiredTags = Rule{
	ID: "cost-required-tags", Number: 55, Severity: Medium, Anchors: "Infracost, clstokes",
	Description: "Every taggable AWS resource (its pulumi-aws Args have `tags`) carries the cost-allocation tags " +
		"(environment, service, owner, cost-center) with non-empty values. Provider-level defaultTags are not seen " +
		"by the rule: tag each resource.",
	Params: []ParamSpec{{Name: "requiredTags", Type: ParamStringList, Default: []string{"environment", "service", "owner", "cost-center"},
		Description: "tag keys every taggable resource must carry"}},
	AppliesTo: Taggable,
	CheckResource: func(r Resource, p Params) []Finding {
		return requiredTags(r, p.StringList("requiredTags"))
	},
}

func requiredTags(r Resource, required []string) []Finding {
	tags := r.in("tags")
	if tags.IsUnknown() {
		return []Finding{unknown(r, "tags", "the cost-allocation tags")}
	}
	got := map[string]Value{}
	if m, ok := tags.Map(); ok {
		for k, v := range m.All {
			got[k] = valueOf(v)
		}
	} else if elems, ok := tags.Array(); ok { // autoscaling groups: [{key, value, propagateAtLaunch}]
		for _, e := range elems {
			if k, ok := e.Get("key").String(); ok {
				got[k] = e.Get("value")
			}
		}
	}
	var missing, unknownKeys []string
	for _, k := range required {
		v, ok := got[k]
		switch {
		case ok && v.IsUnknown():
			unknownKeys = append(unknownKeys, k)
		case !ok || strOf(v) == "":
			missing = append(missing, k)
		}
	}
	var out []Finding
	if len(missing) > 0 {
		out = append(out, fail(r, "tags lack %s; merge the stack tag set (components/internal/tags) into this resource's tags", strings.Join(missing, ", ")))
	}
	if len(unknownKeys) > 0 {
		out = append(out, unknown(r, "tags."+unknownKeys[0], "the cost-allocation tag values"))
	}
	return out
}

var costInstanceAllowlist = Rule{
	ID: "cost-instance-allowlist", Number: 56, Severity: Medium, Anchors: "clstokes, Infracost",
	Description: "RDS classes, ElastiCache node types and EKS node instance types (node groups and launch templates) " +
		"come from the stack's allow-list (globs; Graviton families by default).",
	ResourceTypes: []string{tokens.RDSInstance, tokens.ElastiCacheReplicationGroup, tokens.EKSNodeGroup, tokens.EC2LaunchTemplate},
	Params: []ParamSpec{
		{Name: "rdsClasses", Type: ParamStringList, Default: []string{"db.t4g.*", "db.m7g.*", "db.r7g.*"}, Description: "allowed RDS instanceClass globs"},
		{Name: "cacheNodeTypes", Type: ParamStringList, Default: []string{"cache.t4g.*", "cache.m7g.*", "cache.r7g.*"}, Description: "allowed ElastiCache nodeType globs"},
		{Name: "nodeInstanceTypes", Type: ParamStringList, Default: []string{"t4g.*", "m7g.*", "c7g.*", "r7g.*"}, Description: "allowed EKS node instance type globs"},
	},
	CheckResource: func(r Resource, p Params) []Finding {
		switch r.Type {
		case tokens.RDSInstance:
			return allowlisted(r, "instanceClass", p.StringList("rdsClasses"), "rdsClasses")
		case tokens.ElastiCacheReplicationGroup:
			return allowlisted(r, "nodeType", p.StringList("cacheNodeTypes"), "cacheNodeTypes")
		case tokens.EC2LaunchTemplate:
			return allowlisted(r, "instanceType", p.StringList("nodeInstanceTypes"), "nodeInstanceTypes")
		}
		return allowlisted(r, "instanceTypes", p.StringList("nodeInstanceTypes"), "nodeInstanceTypes")
	},
}

func allowlisted(r Resource, prop string, allowed []string, param string) []Finding {
	v := r.in(prop)
	vals, st := v.StringList()
	if st == Unknown {
		return []Finding{unknown(r, prop, "the instance size")}
	}
	var out []Finding
	for _, t := range vals {
		ok := false
		for _, pat := range allowed {
			if m, _ := path.Match(pat, t); m {
				ok = true
			}
		}
		if !ok {
			out = append(out, fail(r, "%s %s is not in the allow-list %v (%s); pick an allowed (Graviton) type or extend %s in the stack's policy config",
				prop, show(t, v.Secret()), allowed, param, param))
		}
	}
	return out
}

var costGP3 = Rule{
	ID: "cost-gp3", Number: 57, Severity: Low, Anchors: "Infracost",
	Description: "RDS storage and launch-template EBS volumes use gp3 (cheaper and faster than gp2; io1/io2 only with an " +
		"exception that gives the reason). An unset type defaults to gp2.",
	ResourceTypes: []string{tokens.RDSInstance, tokens.EC2LaunchTemplate},
	Params:        []ParamSpec{{Name: "allowedTypes", Type: ParamStringList, Default: []string{"gp3"}, Description: "allowed storage/volume types"}},
	CheckResource: func(r Resource, p Params) []Finding {
		if r.Type == tokens.RDSInstance {
			if isSet(r.in("replicateSourceDb")) && r.in("storageType").IsMissing() {
				return nil // replicas inherit the source's storage
			}
			return volumeType(r, "storageType", p.StringList("allowedTypes"))
		}
		bdm := r.in("blockDeviceMappings")
		if bdm.IsUnknown() {
			return []Finding{unknown(r, "blockDeviceMappings", "the EBS volume types")}
		}
		elems, _ := bdm.Array()
		var out []Finding
		for i := range elems {
			if r.in(fmt.Sprintf("blockDeviceMappings[%d].ebs", i)).IsMissing() {
				continue
			}
			out = append(out, volumeType(r, fmt.Sprintf("blockDeviceMappings[%d].ebs.volumeType", i), p.StringList("allowedTypes"))...)
		}
		return out
	},
}

func volumeType(r Resource, prop string, allowed []string) []Finding {
	v := r.in(prop)
	if v.IsUnknown() {
		return []Finding{unknown(r, prop, "the storage type")}
	}
	t, _ := v.String()
	if !contains(allowed, t) {
		shown := v.Display()
		if v.IsMissing() {
			shown = "not set (gp2)"
		}
		return []Finding{fail(r, "%s is %s; set it to %q (or add an exception with the reason io1/io2 is needed)", prop, shown, allowed[0])}
	}
	return nil
}

var costNATCount = Rule{
	ID: "cost-nat-count", Number: 58, Severity: Low, Anchors: "aws-ts-finops example",
	Description:   "The stack runs at most maxNatGateways NAT gateways (1 in staging; one per AZ, 3, in prod and dr).",
	ResourceTypes: []string{tokens.EC2NatGateway},
	Params: []ParamSpec{{Name: "maxNatGateways", Type: ParamInteger, Default: 3,
		StackDefaults: map[string]any{StackStaging: 1, StackProd: 3, StackDR: 3}, Description: "most NAT gateways allowed"}},
	CheckStack: func(s Stack, p Params) []Finding {
		nats := s.ofType(tokens.EC2NatGateway)
		if float64(len(nats)) <= p.Number("maxNatGateways") {
			return nil
		}
		names := make([]string, 0, len(nats))
		for _, n := range nats {
			names = append(names, n.Name)
		}
		f := fail(nats[len(nats)-1], "the stack has %d NAT gateways (%s), more than maxNatGateways %g (~$33/month each plus data); share one NAT in non-prod stacks",
			len(nats), strings.Join(names, ", "), p.Number("maxNatGateways"))
		return []Finding{f}
	},
}

var costStackBudget = Rule{
	ID: "cost-stack-budget", Number: 59, Severity: Medium, Anchors: "clstokes budget-limit",
	Description: "The modeled monthly cost (modeledMonthlyUSD, filled in by the caller from the cost model) stays within " +
		"the stack's budgetUSD. When the model leaves resources unpriced (unpricedResources > 0) the cost is a lower bound, " +
		"and it must also leave unpricedReservePercent of the budget for them. Without a modeled cost the verdict is unknown.",
	Params: []ParamSpec{
		{Name: "budgetUSD", Type: ParamNumber, Default: 3000.0,
			StackDefaults: map[string]any{StackStaging: 1000.0, StackProd: 3000.0, StackDR: 1500.0}, Description: "monthly budget in USD"},
		{Name: "modeledMonthlyUSD", Type: ParamNumber, Optional: true, Description: "modeled monthly cost in USD (set by the caller from package cost)"},
		{Name: "unpricedResources", Type: ParamInteger, Optional: true, Description: "resources the cost model could not price (set by the caller); their cost is not in modeledMonthlyUSD"},
		{Name: "unpricedReservePercent", Type: ParamNumber, Default: 5.0,
			Description: "share of the budget a lower-bound cost must leave for the unpriced resources (SNS publishes, DNS queries, chart volumes)"},
	},
	CheckStack: func(s Stack, p Params) []Finding {
		if !p.Has("modeledMonthlyUSD") {
			f := stackFail(s.Name, "modeledMonthlyUSD is not set, so the budget of $%.2f/month cannot be checked; run the cost model and pass its total", p.Number("budgetUSD"))
			f.Unknown = true
			return []Finding{f}
		}
		cost, budget := p.Number("modeledMonthlyUSD"), p.Number("budgetUSD")
		if cost > budget {
			return []Finding{stackFail(s.Name, "modeled monthly cost $%.2f exceeds budgetUSD $%.2f by $%.2f; shrink instance classes or node counts, or raise the budget in the stack's policy config",
				cost, budget, cost-budget)}
		}
		reserve := p.Number("unpricedReservePercent")
		if n := p.Int("unpricedResources"); n > 0 && cost > budget*(1-reserve/100) {
			return []Finding{stackFail(s.Name, "modeled monthly cost $%.2f is a lower bound (%d resources unpriced) and leaves $%.2f of budgetUSD $%.2f, less than the %g%% reserve ($%.2f) for what is unpriced; price those resources in cost/prices.json or raise the budget",
				cost, n, budget-cost, budget, reserve, budget*reserve/100)}
		}
		return nil
	},
}
