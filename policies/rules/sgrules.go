package rules

import (
	"fmt"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// sgRule is one security group rule in any of its four shapes: inline ingress/egress on
// aws:ec2/securityGroup, aws:ec2/securityGroupRule, and the aws:vpc ingress/egress rule
// resources.
type sgRule struct {
	owner   Resource // the resource that declares the rule
	prefix  string   // "ingress[0]." for inline rules, "" for rule resources
	ingress bool
	// field names differ between shapes
	cidrPaths   []string // CIDR inputs (lists or single strings)
	prefixPaths []string // prefix list inputs
	sourcePaths []string // security-group sources (incl. self)
	protoPath   string
	groupPath   string // securityGroupId on rule resources, "" inline
}

func (g sgRule) path(field string) string { return g.prefix + field }

func (g sgRule) where() string {
	if g.prefix == "" {
		return g.owner.label()
	}
	return g.owner.label() + " " + strings.TrimSuffix(g.prefix, ".")
}

// rulesOf lists the rules a resource declares.
func rulesOf(r Resource) ([]sgRule, bool) {
	switch r.Type {
	case tokens.EC2SecurityGroup:
		var out []sgRule
		complete := true
		for _, dir := range []string{"ingress", "egress"} {
			v := r.in(dir)
			if v.IsUnknown() {
				complete = false
				continue
			}
			elems, _ := v.Array()
			for i := range elems {
				out = append(out, sgRule{
					owner: r, prefix: fmt.Sprintf("%s[%d].", dir, i), ingress: dir == "ingress",
					cidrPaths: []string{"cidrBlocks", "ipv6CidrBlocks"}, prefixPaths: []string{"prefixListIds"},
					sourcePaths: []string{"securityGroups", "self"}, protoPath: "protocol",
				})
			}
		}
		return out, complete
	case tokens.EC2SecurityGroupRule:
		t, _ := r.in("type").String()
		return []sgRule{{
			owner: r, ingress: t != "egress",
			cidrPaths: []string{"cidrBlocks", "ipv6CidrBlocks"}, prefixPaths: []string{"prefixListIds"},
			sourcePaths: []string{"sourceSecurityGroupId", "self"}, protoPath: "protocol", groupPath: "securityGroupId",
		}}, true
	case tokens.VPCSecurityGroupIngressRule, tokens.VPCSecurityGroupEgressRule:
		return []sgRule{{
			owner: r, ingress: r.Type == tokens.VPCSecurityGroupIngressRule,
			cidrPaths: []string{"cidrIpv4", "cidrIpv6"}, prefixPaths: []string{"prefixListId"},
			sourcePaths: []string{"referencedSecurityGroupId"}, protoPath: "ipProtocol", groupPath: "securityGroupId",
		}}, true
	}
	return nil, true
}

// cidrs returns the rule's CIDRs; Unknown if any is computed.
func (g sgRule) cidrs() ([]string, State) {
	var out []string
	st := Known
	for _, p := range g.cidrPaths {
		l, s := g.owner.in(g.path(p)).StringList()
		if s == Unknown {
			st = Unknown
		}
		out = append(out, l...)
	}
	return out, st
}

func (g sgRule) hasPrefixList() bool {
	for _, p := range g.prefixPaths {
		if l, st := g.owner.in(g.path(p)).StringList(); st == Unknown || len(l) > 0 {
			return true
		}
	}
	return false
}

func (g sgRule) hasSource() bool {
	for _, p := range g.sourcePaths {
		v := g.owner.in(g.path(p))
		if b, ok := v.Bool(); ok {
			if b {
				return true
			}
			continue
		}
		if l, st := v.StringList(); st == Unknown || len(l) > 0 {
			return true
		}
	}
	return false
}

// ports returns the covered port range; all is set for protocol -1/all or 0-65535.
func (g sgRule) ports() (from, to float64, all bool, st State) {
	proto := g.owner.in(g.path(g.protoPath))
	if proto.IsUnknown() {
		return 0, 0, false, Unknown
	}
	if p, _ := proto.String(); p == "-1" || strings.EqualFold(p, "all") {
		return 0, 65535, true, Known
	}
	if n, ok := proto.Number(); ok && n == -1 {
		return 0, 65535, true, Known
	}
	if p, _ := proto.String(); strings.HasPrefix(strings.ToLower(p), "icmp") || p == "1" || p == "58" {
		return -1, -1, false, Known // ICMP types, not ports
	}
	fv, tv := g.owner.in(g.path("fromPort")), g.owner.in(g.path("toPort"))
	if fv.IsUnknown() || tv.IsUnknown() {
		return 0, 0, false, Unknown
	}
	from, _ = fv.Number()
	to, _ = tv.Number()
	return from, to, from <= 0 && to >= 65535, Known
}

func isOpenCIDR(c string) bool {
	c = strings.TrimSpace(c)
	return c == "0.0.0.0/0" || c == "::/0"
}

// cidrDisplay renders CIDRs for a message, hiding them if any input is secret.
func (g sgRule) cidrDisplay(cidrs []string) string {
	for _, p := range append(g.cidrPaths, g.prefixPaths...) {
		if g.owner.in(g.path(p)).Secret() {
			return "[secret]"
		}
	}
	return fmt.Sprintf("%q", cidrs)
}
