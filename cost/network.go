package cost

import (
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

const (
	keyNATHour     = "nat.gateway.hour"
	keyNATData     = "nat.gateway.data_processed"
	keyIPv4        = "vpc.public_ipv4.hour"
	keyALBHour     = "alb.hour"
	keyALBLCU      = "alb.lcu_hour"
	keyEndpointAZ  = "vpc.interface_endpoint.hour_per_az"
	keyEndpointGB  = "vpc.interface_endpoint.data_processed"
	keyFlowLogsCWL = "vpc.flow_logs.to_cloudwatch_logs"
)

// natGateway: gateway-hours plus the data-processed assumption. Its public IPv4 is the
// Elastic IP, priced on the Eip.
func natGateway(_ *estimator, r *plan.Resource, c *calc) {
	if ct, _ := str(r, "connectivityType"); ct == "private" {
		c.note("private NAT gateway: same hourly and per-GB rates, no public IPv4")
	}
	c.hours(keyNATHour, 1, "gateway")
	c.term(keyNATData, c.a.NATGBPerGateway, fmtNum(c.a.NATGBPerGateway)+" GB")
}

// eip: every public IPv4 address is billed per hour, attached or idle.
func eip(_ *estimator, r *plan.Resource, c *calc) {
	if pool, st := str(r, "publicIpv4Pool"); st == known && pool != "amazon" {
		c.zero(keyIPv4, "address from a BYOIP pool "+pool+" is not billed (see note)")
		return
	}
	c.hours(keyIPv4, 1, "IP")
}

// loadBalancer: ALB hours, the LCU assumption, and one public IPv4 per subnet when
// internet-facing. NLB and GWLB prices are not in the table.
func loadBalancer(e *estimator, r *plan.Resource, c *calc) {
	typ, st := strOr(r, "loadBalancerType", "application")
	if !c.need(st, "loadBalancerType") {
		return
	}
	if typ != "application" {
		c.unknownf("%s load balancer: the table prices Application Load Balancers only", typ)
		return
	}
	albBase(c)
	if v, st := read(r.Inputs, "minimumLoadBalancerCapacity"); st != missing && !v.IsNull() {
		c.unknownf("minimumLoadBalancerCapacity reserves LCUs; reserved capacity is not in the table")
	}
	internal, ist := boolean(r, "internal", false)
	if !c.need(ist, "internal") || internal {
		return
	}
	if ipType, _ := str(r, "ipAddressType"); ipType == "dualstack-without-public-ipv4" {
		c.note("dualstack-without-public-ipv4: no public IPv4 addresses")
		return
	}
	subnets, sst := arr(r, "subnets")
	if sst == missing {
		subnets, sst = arr(r, "subnetMappings")
	}
	n := float64(len(subnets))
	if sst != known || n == 0 {
		n = float64(c.a.ALBZones)
		c.note("subnets not known: albZones %d assumed", c.a.ALBZones)
	}
	c.hours(keyIPv4, n, "public IPs")
}

// albBase is the ALB hour and LCU charge shared by LoadBalancer and Ingress models.
func albBase(c *calc) {
	c.hours(keyALBHour, 1, "ALB")
	c.hours(keyALBLCU, c.a.ALBLCUs, "LCU")
}

// vpcEndpoint: Interface endpoints bill per AZ (one ENI per subnet) per hour plus data
// processed; Gateway endpoints (S3, DynamoDB, the default type) have no charge.
func vpcEndpoint(_ *estimator, r *plan.Resource, c *calc) {
	typ, st := strOr(r, "vpcEndpointType", "Gateway")
	if !c.need(st, "vpcEndpointType") {
		return
	}
	switch typ {
	case "Gateway":
		c.free("Gateway VPC endpoints have no hourly or data-processing charge")
		return
	case "Interface":
	default:
		c.unknownf("%s VPC endpoint: the table prices Interface endpoints only", typ)
		return
	}
	subnets, sst := arr(r, "subnetIds")
	if sst == missing {
		subnets, sst = arr(r, "subnetConfigurations")
	}
	if !c.need(sst, "subnetIds") {
		return
	}
	c.hours(keyEndpointAZ, float64(len(subnets)), "AZs")
	c.term(keyEndpointGB, c.a.EndpointGB, fmtNum(c.a.EndpointGB)+" GB")
}

// flowLog: delivery to CloudWatch Logs is billed per GB as vended logs (instead of the
// standard ingestion rate); the destination log group adds storage only.
func flowLog(_ *estimator, r *plan.Resource, c *calc) {
	dest, st := strOr(r, "logDestinationType", "cloud-watch-logs")
	if !c.need(st, "logDestinationType") {
		return
	}
	if dest != "cloud-watch-logs" {
		c.unknownf("flow logs to %s: the table prices delivery to CloudWatch Logs only", dest)
		return
	}
	c.term(keyFlowLogsCWL, c.a.FlowLogGB, fmtNum(c.a.FlowLogGB)+" GB")
	c.note("storage is priced on the destination log group")
}

// flowLogGroups returns the log groups flow logs deliver to, keyed by URN.
func (e *estimator) flowLogGroups() map[string]bool {
	if v, ok := e.shared["flowLogGroups"]; ok {
		return v.(map[string]bool)
	}
	out := map[string]bool{}
	groups := e.p.ByType(tokens.CloudWatchLogGroup)
	for _, fl := range e.p.ByType(tokens.EC2FlowLog) {
		if dest, _ := strOr(fl, "logDestinationType", "cloud-watch-logs"); dest != "cloud-watch-logs" {
			continue
		}
		dest, _ := str(fl, "logDestination")
		name, _ := str(fl, "logGroupName")
		for _, g := range groups {
			arn := ""
			if v := g.Output("arn"); v.IsString() {
				arn = v.AsString()
			}
			gname, _ := str(g, "name")
			if (dest != "" && (dest == arn || strings.TrimSuffix(dest, ":*") == strings.TrimSuffix(arn, ":*"))) || (name != "" && name == gname) {
				out[g.URN] = true
			}
		}
		for _, prop := range []string{"logDestination", "logGroupName"} {
			for _, g := range dependsOn(e.p, fl, prop, tokens.CloudWatchLogGroup) {
				out[g.URN] = true
			}
		}
	}
	e.shared["flowLogGroups"] = out
	return out
}
