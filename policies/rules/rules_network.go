package rules

import (
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

var sgNoPublicAdmin = Rule{
	ID: "sg-no-public-admin", Number: 34, Severity: High, Anchors: "CRP, CK_AWS_24/25, TV",
	Description:   "No ingress from 0.0.0.0/0 or ::/0 to an admin port (22, 3389 by default) or to all ports, in inline rules or rule resources.",
	ResourceTypes: []string{tokens.EC2SecurityGroup, tokens.EC2SecurityGroupRule, tokens.VPCSecurityGroupIngressRule},
	Params:        []ParamSpec{{Name: "adminPorts", Type: ParamNumberList, Default: []float64{22, 3389}, Description: "ports that must never be open to the internet"}},
	CheckResource: func(r Resource, p Params) []Finding {
		rules, complete := rulesOf(r)
		var out []Finding
		if !complete {
			out = append(out, unknown(r, "ingress", "the inline ingress rules"))
		}
		for _, g := range rules {
			if !g.ingress {
				continue
			}
			cidrs, st := g.cidrs()
			open := ""
			for _, c := range cidrs {
				if isOpenCIDR(c) {
					open = c
				}
			}
			if open == "" {
				if st == Unknown {
					out = append(out, unknown(r, g.path(g.cidrPaths[0]), "whether the rule is open to the internet"))
				}
				continue
			}
			from, to, all, pst := g.ports()
			if pst == Unknown {
				out = append(out, unknown(r, g.path("fromPort"), "which ports are open to "+open))
				continue
			}
			if all {
				out = append(out, fail(r, "%sadmits %s on all ports; allow only the needed ports, from a security group or known CIDRs", pathNote(g), open))
				continue
			}
			for _, port := range p.NumberList("adminPorts") {
				if from <= port && port <= to {
					out = append(out, fail(r, "%sadmits %s to port %g (ports %g-%g); remove it and use SSM Session Manager or a bastion security group", pathNote(g), open, port, from, to))
				}
			}
		}
		return out
	},
}

// pathNote prefixes a message with the inline rule's path.
func pathNote(g sgRule) string {
	if g.prefix == "" {
		return ""
	}
	return strings.TrimSuffix(g.prefix, ".") + " "
}

var sgDataTierFromSG = Rule{
	ID: "sg-data-tier-from-sg", Number: 35, Severity: High, Anchors: "own",
	Description: "Security groups attached to RDS instances (vpcSecurityGroupIds) and ElastiCache replication groups " +
		"(securityGroupIds) admit ingress only from referenced security groups (or self), never from CIDRs or prefix lists.",
	ResourceTypes: []string{tokens.RDSInstance, tokens.ElastiCacheReplicationGroup, tokens.EC2SecurityGroup, tokens.EC2SecurityGroupRule, tokens.VPCSecurityGroupIngressRule},
	CheckStack: func(s Stack, _ Params) []Finding {
		var out []Finding
		data := map[string]Resource{} // SG URN -> a data resource using it
		var order []string
		for _, use := range []struct{ typ, path string }{{tokens.RDSInstance, "vpcSecurityGroupIds"}, {tokens.ElastiCacheReplicationGroup, "securityGroupIds"}} {
			for _, r := range s.ofType(use.typ) {
				found, unresolved := referenced(s, r, use.path, tokens.EC2SecurityGroup, "id")
				if unresolved && len(found) == 0 {
					out = append(out, unknown(r, use.path, "which security groups guard the data tier"))
				}
				if r.in(use.path).IsMissing() {
					out = append(out, fail(r, "%s is not set, so the VPC default security group applies; attach a dedicated security group", use.path))
				}
				for _, sg := range found {
					if _, seen := data[sg.URN]; !seen {
						order = append(order, sg.URN)
					}
					data[sg.URN] = r
				}
			}
		}
		for _, urn := range order {
			sg := s.find(urn)
			user := data[urn]
			var rules []sgRule
			own, complete := rulesOf(sg)
			if !complete {
				out = append(out, unknown(sg, "ingress", "the inline ingress rules of a data-tier group"))
			}
			rules = append(rules, own...)
			for _, typ := range []string{tokens.EC2SecurityGroupRule, tokens.VPCSecurityGroupIngressRule} {
				found, _ := referrers(s, sg, typ, "securityGroupId", "id")
				for _, rr := range found {
					more, _ := rulesOf(rr)
					rules = append(rules, more...)
				}
			}
			for _, g := range rules {
				if !g.ingress {
					continue
				}
				cidrs, st := g.cidrs()
				switch {
				case len(cidrs) > 0 || g.hasPrefixList():
					out = append(out, fail(g.owner, "%sadmits CIDRs/prefix lists %s into data-tier group %s (used by %s); "+
						"replace them with sourceSecurityGroupId/referencedSecurityGroupId of the client tier", pathNote(g), g.cidrDisplay(cidrs), sg.label(), user.label()))
				case st == Unknown:
					out = append(out, unknown(g.owner, g.path(g.cidrPaths[0]), "whether a data-tier rule admits CIDRs"))
				case !g.hasSource():
					out = append(out, fail(g.owner, "%shas no source security group (data-tier group %s, used by %s); reference the client tier's security group",
						pathNote(g), sg.label(), user.label()))
				}
			}
		}
		return out
	},
}

// find returns the resource with a URN (zero Resource if absent).
func (s Stack) find(urn string) Resource {
	for _, r := range s.Resources {
		if r.URN == urn {
			return r
		}
	}
	return Resource{}
}

var sgDescriptions = Rule{
	ID: "sg-descriptions", Number: 36, Severity: Low, Anchors: "CRP, CK_AWS_23, TV",
	Description:   "Security groups (not the provider default \"Managed by Pulumi\"), their inline rules and rule resources have a description.",
	ResourceTypes: []string{tokens.EC2SecurityGroup, tokens.EC2SecurityGroupRule, tokens.VPCSecurityGroupIngressRule, tokens.VPCSecurityGroupEgressRule},
	CheckResource: func(r Resource, _ Params) []Finding {
		var out []Finding
		check := func(path string, forbidDefault bool) {
			v := r.in(path)
			s, _ := v.String()
			switch {
			case v.IsUnknown():
				out = append(out, unknown(r, path, "the description"))
			case strings.TrimSpace(s) == "" || (forbidDefault && s == "Managed by Pulumi"):
				out = append(out, fail(r, "%s is %s; say what the group or rule allows and why", path, v.Display()))
			}
		}
		if r.Type == tokens.EC2SecurityGroup {
			check("description", true)
			rules, _ := rulesOf(r)
			for _, g := range rules {
				check(g.path("description"), false)
			}
			return out
		}
		check("description", false)
		return out
	},
}

var vpcFlowLogs = Rule{
	ID: "vpc-flow-logs", Number: 37, Severity: Medium, Anchors: "CK2_AWS_11, TV",
	Description:   "Every VPC has a flow log (aws.ec2.FlowLog with vpcId).",
	ResourceTypes: []string{tokens.EC2VPC, tokens.EC2FlowLog},
	CheckStack: func(s Stack, _ Params) []Finding {
		var out []Finding
		for _, v := range s.ofType(tokens.EC2VPC) {
			found, unresolved := referrers(s, v, tokens.EC2FlowLog, "vpcId", "id")
			switch {
			case len(found) > 0:
			case unresolved:
				out = append(out, unknownJoin(v, shortType(tokens.EC2FlowLog)))
			default:
				out = append(out, fail(v, "no FlowLog has vpcId referring to this VPC; add an aws.ec2.FlowLog (trafficType ALL) to CloudWatch Logs or S3"))
			}
		}
		return out
	},
}

var subnetNoAutoPublicIP = Rule{
	ID: "subnet-no-auto-public-ip", Number: 38, Severity: Medium, Anchors: "CK_AWS_130, TV",
	Description: "Subnets outside the public tier do not auto-assign public IPs. A subnet is public when its logical " +
		"name, Name tag or tier tag matches publicSubnetPatterns.",
	ResourceTypes: []string{tokens.EC2Subnet},
	Params: []ParamSpec{{Name: "publicSubnetPatterns", Type: ParamStringList, Default: []string{"*public*"},
		Description: "globs on a subnet's logical name, tags.Name or tags.tier that mark the public tier"}},
	CheckResource: func(r Resource, p Params) []Finding {
		pats := p.StringList("publicSubnetPatterns")
		for _, cand := range []string{r.Name, strOf(r.in("tags.Name")), strOf(r.in("tags.tier"))} {
			if cand != "" && globAny(pats, strings.ToLower(cand)) {
				return nil
			}
		}
		v := r.in("mapPublicIpOnLaunch")
		if v.IsUnknown() {
			return []Finding{unknown(r, "mapPublicIpOnLaunch", "public IP auto-assignment")}
		}
		if b, _ := v.Bool(); b {
			return []Finding{fail(r, "mapPublicIpOnLaunch is true on a non-public subnet; set it to false (or tag the subnet tier \"public\" if it is one)")}
		}
		return nil
	},
}
