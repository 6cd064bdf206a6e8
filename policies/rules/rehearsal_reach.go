package rules

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// Reachability of the EKS API: the endpoint the cluster declares against the executor of
// every phase that creates or reads Kubernetes objects.

// Endpoint is what one EKS cluster's API endpoint admits, with AWS's defaults applied
// (endpointPrivateAccess false, endpointPublicAccess true, publicAccessCidrs 0.0.0.0/0).
type Endpoint struct {
	Cluster       Resource
	PrivateAccess bool
	PublicAccess  bool
	// PublicCIDRs are the addresses the public endpoint admits; nil when it is open.
	PublicCIDRs []string
	// Unknown names the input not known yet ("" when everything is known).
	Unknown string
	// Runner is the in-VPC executor the plan creates (the CodeBuild project), nil when
	// none qualifies; RunnerWhy says why not, RunnerUnresolved that a join was unknown.
	Runner           *Resource
	RunnerVia        string // the ingress rule that admits it on 443
	RunnerWhy        []string
	RunnerUnresolved bool
}

// Open reports a public endpoint that admits any address.
func (e Endpoint) Open() bool { return e.PublicAccess && e.PublicCIDRs == nil }

func endpointOf(s Stack, cluster Resource) Endpoint {
	e := Endpoint{Cluster: cluster, PublicAccess: true}
	for path, dst := range map[string]*bool{"vpcConfig.endpointPrivateAccess": &e.PrivateAccess, "vpcConfig.endpointPublicAccess": &e.PublicAccess} {
		v := cluster.in(path)
		if v.IsUnknown() && e.Unknown == "" {
			e.Unknown = path
		}
		if b, ok := v.Bool(); ok {
			*dst = b
		}
	}
	if e.PublicAccess {
		cidrs, st := cluster.in("vpcConfig.publicAccessCidrs").StringList()
		if st == Unknown && e.Unknown == "" {
			e.Unknown = "vpcConfig.publicAccessCidrs"
		}
		if len(cidrs) > 0 && !slices.ContainsFunc(cidrs, isOpenCIDR) {
			e.PublicCIDRs = cidrs
		}
	}
	e.Runner, e.RunnerVia, e.RunnerWhy, e.RunnerUnresolved = runnerOf(s, cluster)
	return e
}

// Reach says whether an executor reaches the endpoint, and why.
func (e Endpoint) Reach(x Executor) (bool, string) {
	if x.InVPC && e.Runner == nil {
		return false, "the plan creates no in-VPC runner (" + strings.Join(e.RunnerWhy, "; ") + ")"
	}
	switch {
	case e.PrivateAccess && x.InVPC:
		return true, "private endpoint, from " + e.Runner.label() + " admitted on 443 by " + e.RunnerVia
	case e.Open() && x.InternetEgress:
		return true, "public endpoint open to 0.0.0.0/0"
	case e.PublicAccess && e.PublicCIDRs != nil && len(x.EgressCIDRs) > 0 && cidrsWithin(x.EgressCIDRs, e.PublicCIDRs):
		return true, "public endpoint admits its egress CIDRs " + strings.Join(x.EgressCIDRs, ", ")
	case e.PublicAccess && e.PublicCIDRs != nil:
		return false, fmt.Sprintf("the public endpoint admits only %s and %s has no fixed egress CIDR among them%s",
			strings.Join(e.PublicCIDRs, ", "), x.Name, map[bool]string{true: "; private access is off", false: ""}[!e.PrivateAccess])
	case !e.PublicAccess && !x.InVPC:
		return false, "the endpoint is private (endpointPublicAccess false) and " + x.Name + " runs outside the VPC"
	}
	return false, "private access is off and the public endpoint does not admit it"
}

// Describe renders the endpoint for messages and the report.
func (e Endpoint) Describe() string {
	var parts []string
	if e.PrivateAccess {
		parts = append(parts, "private")
	}
	switch {
	case e.Open():
		parts = append(parts, "public to 0.0.0.0/0")
	case e.PublicAccess:
		parts = append(parts, "public to "+strings.Join(e.PublicCIDRs, ", "))
	}
	if len(parts) == 0 {
		return "no access"
	}
	return strings.Join(parts, " + ")
}

func cidrsWithin(inner, outer []string) bool {
	for _, c := range inner {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return false
		}
		if !slices.ContainsFunc(outer, func(o string) bool {
			op, err := netip.ParsePrefix(o)
			return err == nil && op.Bits() <= p.Bits() && op.Contains(p.Addr())
		}) {
			return false
		}
	}
	return true
}

// runnerOf finds a CodeBuild project that runs inside the cluster's VPC, in subnets with a
// NAT default route, whose security group the cluster's security group admits on 443.
func runnerOf(s Stack, cluster Resource) (*Resource, string, []string, bool) {
	projects := s.ofType(tokens.CodeBuildProject)
	if len(projects) == 0 {
		return nil, "", []string{"no " + tokens.CodeBuildProject + " in the plan"}, false
	}
	var vpcs []Resource
	unresolved := false
	subnets, u := referenced(s, cluster, "vpcConfig.subnetIds", tokens.EC2Subnet, "id")
	unresolved = unresolved || u
	for _, sub := range subnets {
		vs, u := referenced(s, sub, "vpcId", tokens.EC2VPC, "id")
		unresolved = unresolved || u
		for _, v := range vs {
			if !slices.ContainsFunc(vpcs, func(x Resource) bool { return x.URN == v.URN }) {
				vpcs = append(vpcs, v)
			}
		}
	}
	clusterGroups := clusterSecurityGroups(s, cluster)
	var why []string
	for i := range projects {
		p := projects[i]
		via, reason, u := runnerEvidence(s, p, vpcs, clusterGroups)
		unresolved = unresolved || u
		if reason == "" {
			return &p, via, nil, unresolved
		}
		why = append(why, p.label()+": "+reason)
	}
	return nil, "", why, unresolved
}

// runnerEvidence checks one project; reason is "" when it qualifies.
func runnerEvidence(s Stack, p Resource, vpcs []Resource, clusterGroups func(Resource) join) (via, reason string, unresolved bool) {
	if p.in("vpcConfig").IsMissing() {
		return "", "no vpcConfig (CodeBuild runs it outside every VPC)", false
	}
	var inVPC *Resource
	for i := range vpcs {
		switch refers(p, "vpcConfig.vpcId", vpcs[i], "id") {
		case joinYes:
			inVPC = &vpcs[i]
		case joinUnknown:
			unresolved = true
		}
	}
	if inVPC == nil {
		return "", "vpcConfig.vpcId is not the cluster's VPC", unresolved
	}
	subnets, u := referenced(s, p, "vpcConfig.subnets", tokens.EC2Subnet, "id")
	unresolved = unresolved || u
	if len(subnets) == 0 {
		return "", "vpcConfig.subnets names no subnet of the plan", unresolved
	}
	for _, sub := range subnets {
		if refers(sub, "vpcId", *inVPC, "id") != joinYes {
			return "", "subnet " + sub.Name + " is not in the cluster's VPC", unresolved
		}
		if eg := subnetEgress(s, sub); eg != "nat" {
			return "", "subnet " + sub.Name + " is not private with NAT egress (" + eg + "): the runner cannot reach GitHub", unresolved
		}
	}
	groups, u := referenced(s, p, "vpcConfig.securityGroupIds", tokens.EC2SecurityGroup, "id")
	unresolved = unresolved || u
	if len(groups) == 0 {
		return "", "vpcConfig.securityGroupIds names no security group of the plan", unresolved
	}
	for _, r := range s.ofType(tokens.VPCSecurityGroupIngressRule, tokens.EC2SecurityGroupRule) {
		rules, _ := rulesOf(r)
		if len(rules) == 0 || !rules[0].ingress || !admits443(r, rules[0]) {
			continue
		}
		switch clusterGroups(r) {
		case joinUnknown:
			unresolved = true
			continue
		case joinNo:
			continue
		}
		for _, g := range groups {
			for _, src := range rules[0].sourcePaths {
				if src != "self" && refers(r, src, g, "id") == joinYes {
					return r.label(), "", unresolved
				}
			}
		}
	}
	return "", "no ingress rule on the cluster security group admits its security group on 443", unresolved
}

// clusterSecurityGroups returns a test: is a rule's securityGroupId the cluster's own
// security group (an output of the cluster) or one of its vpcConfig.securityGroupIds?
func clusterSecurityGroups(s Stack, cluster Resource) func(Resource) join {
	extra, _ := referenced(s, cluster, "vpcConfig.securityGroupIds", tokens.EC2SecurityGroup, "id")
	return func(r Resource) join {
		out := refers(r, "securityGroupId", cluster, "vpcConfig.clusterSecurityGroupId")
		for _, g := range extra {
			if refers(r, "securityGroupId", g, "id") == joinYes {
				return joinYes
			}
		}
		return out
	}
}

func admits443(r Resource, g sgRule) bool {
	proto, _ := r.in(g.protoPath).String()
	switch strings.ToLower(proto) {
	case "-1", "all":
		return true
	case "tcp", "6":
	default:
		return false
	}
	from, ok1 := r.in("fromPort").Number()
	to, ok2 := r.in("toPort").Number()
	return ok1 && ok2 && from <= 443 && to >= 443
}

// subnetEgress is how a subnet reaches the internet: "nat" (a private subnet),
// "internet gateway" (a public one: CodeBuild's interfaces get no public address there),
// or "no default route".
func subnetEgress(s Stack, sub Resource) string {
	assocs, _ := referrers(s, sub, tokens.EC2RouteTableAssociation, "subnetId", "id")
	for _, a := range assocs {
		tables, _ := referenced(s, a, "routeTableId", tokens.EC2RouteTable, "id")
		for _, t := range tables {
			routes, _ := referrers(s, t, tokens.EC2Route, "routeTableId", "id")
			for _, r := range routes {
				if dst, _ := r.in("destinationCidrBlock").String(); dst != "0.0.0.0/0" {
					continue
				}
				if isSet(r.in("natGatewayId")) {
					return "nat"
				}
				if isSet(r.in("gatewayId")) {
					return "internet gateway"
				}
			}
			inline, _ := t.in("routes").Array()
			for _, r := range inline {
				if dst, _ := r.Get("cidrBlock").String(); dst == "0.0.0.0/0" {
					if isSet(r.Get("natGatewayId")) {
						return "nat"
					}
					return "internet gateway"
				}
			}
		}
	}
	return "no default route"
}
