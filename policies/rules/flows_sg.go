package rules

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// sgModel answers whether the node security groups (pods share their node's ENIs under
// the VPC CNI) may reach a data store on a port, and whether the store's groups admit
// them. Security groups made by Pulumi have no default egress, so both directions count.
type sgModel struct {
	g      *readiness
	addr   addresses
	nodes  []string // URNs of the node security groups
	rules  []sgFlowRule
	noNode bool
}

type sgFlowRule struct {
	owner      Resource
	group      string // URN of the group the rule belongs to
	ingress    bool
	peerGroup  string // URN of the referenced group, "" for CIDR rules
	cidrs      []netip.Prefix
	allPorts   bool
	from, to   int
	protocolOK bool
}

func newSGModel(s Stack, g *readiness) *sgModel {
	m := &sgModel{g: g, addr: newAddresses(s)}
	for _, lt := range s.ofType(tokens.EC2LaunchTemplate) {
		m.nodes = append(m.nodes, lt.PropertyDependencies["vpcSecurityGroupIds"]...)
	}
	m.noNode = len(m.nodes) == 0
	for _, r := range s.ofType(tokens.VPCSecurityGroupIngressRule, tokens.VPCSecurityGroupEgressRule, tokens.EC2SecurityGroupRule) {
		m.rules = append(m.rules, m.ruleOf(r))
	}
	return m
}

func (m *sgModel) ruleOf(r Resource) sgFlowRule {
	first := func(key string) string {
		if deps := r.PropertyDependencies[key]; len(deps) > 0 {
			return deps[0]
		}
		return ""
	}
	rule := sgFlowRule{owner: r, group: first("securityGroupId"), ingress: r.Type == tokens.VPCSecurityGroupIngressRule}
	proto, _ := r.in("ipProtocol").String()
	cidrKey, peerKey := "cidrIpv4", "referencedSecurityGroupId"
	if r.Type == tokens.EC2SecurityGroupRule {
		t, _ := r.in("type").String()
		rule.ingress = t != "egress"
		proto, _ = r.in("protocol").String()
		cidrKey, peerKey = "cidrBlocks", "sourceSecurityGroupId"
	}
	rule.peerGroup = first(peerKey)
	if self, _ := r.in("self").Bool(); self {
		rule.peerGroup = rule.group
	}
	proto = strings.ToLower(proto)
	rule.allPorts = proto == "-1" || proto == "all"
	rule.protocolOK = rule.allPorts || proto == "tcp" || proto == "6"
	from, _ := r.in("fromPort").Number()
	to, _ := r.in("toPort").Number()
	rule.from, rule.to = int(from), int(to)
	v := r.in(cidrKey)
	texts, _ := v.StringList()
	if s, ok := v.String(); ok {
		texts = []string{s}
	}
	for _, c := range texts {
		if p, err := netip.ParsePrefix(c); err == nil {
			rule.cidrs = append(rule.cidrs, p)
		}
	}
	if v.IsUnknown() && slices.ContainsFunc(r.PropertyDependencies[cidrKey], func(u string) bool { return urnType(u) == tokens.EC2VPC }) {
		rule.cidrs = append(rule.cidrs, m.addr.vpc) // the VPC's CIDR, known after apply
	}
	return rule
}

func (r sgFlowRule) admits(port int, peerGroups []string, ip string) bool {
	if !r.protocolOK || (!r.allPorts && (port < r.from || port > r.to)) {
		return false
	}
	if r.peerGroup != "" && slices.Contains(peerGroups, r.peerGroup) {
		return true
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(r.cidrs, func(p netip.Prefix) bool { return p.Contains(addr) })
}

// allows reports whether node pods reach store on port, and which rules decide.
func (m *sgModel) allows(store Resource, port int) (bool, string) {
	if m.noNode {
		return false, "no node security group in the plan (launch template vpcSecurityGroupIds)"
	}
	key := "vpcSecurityGroupIds"
	if store.Type == tokens.ElastiCacheReplicationGroup {
		key = "securityGroupIds"
	}
	groups := store.PropertyDependencies[key]
	var egress, ingress string
	for _, r := range m.rules {
		switch {
		case !r.ingress && egress == "" && slices.Contains(m.nodes, r.group) && r.admits(port, groups, m.addr.store):
			egress = r.owner.label()
		case r.ingress && ingress == "" && slices.Contains(groups, r.group) && r.admits(port, m.nodes, m.addr.pod):
			ingress = r.owner.label()
		}
	}
	switch {
	case egress == "":
		return false, "denied: no egress rule of the node security group admits it"
	case ingress == "":
		return false, "denied: no ingress rule of " + store.label() + "'s security groups admits the nodes"
	}
	return true, "allowed by " + egress + " and " + ingress
}
