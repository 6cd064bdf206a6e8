package network

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NetworkArgs configure one VPC.
type NetworkArgs struct {
	// NamePrefix starts every physical name and Name tag, e.g. "platform-prod". Required;
	// the rule of argcheck.NamePrefix.
	NamePrefix string
	// VpcCidr is the VPC's IPv4 CIDR, e.g. "10.0.0.0/16". Required. The prefix length
	// must be between /16 (the largest AWS allows) and /20 (the smallest that still gives
	// each AZ a private subnet big enough for EKS pod IPs); see carve for the layout.
	VpcCidr string
	// AvailabilityZones are the zone names to spread over, e.g. ["us-east-1a",
	// "us-east-1b"]. Required, 2 to 6 distinct zones of one region. The region is taken
	// from these names (for endpoint service names), so no look-up is needed.
	AvailabilityZones []string
	// NatGatewayCount is how many NAT gateways to run: 1 (one shared gateway, cheaper,
	// for staging) or len(AvailabilityZones) (one per AZ, so losing an AZ does not cut
	// the others off the internet). Default 0 means one per AZ.
	NatGatewayCount int
	// ClusterName is the EKS cluster that uses this VPC. When set, public and private
	// subnets get the kubernetes.io/cluster/<name>=shared tag the AWS Load Balancer
	// Controller uses for subnet discovery. Default "" (no cluster tag).
	ClusterName string
	// FlowLogRetentionDays is how long VPC flow logs are kept, in days; must be a value
	// CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
	// 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Default 90.
	FlowLogRetentionDays int
	// LogsKmsKeyArn is the customer-managed KMS key that encrypts the flow-log group. Its
	// key policy must allow the logs.<region>.amazonaws.com service principal. Required.
	LogsKmsKeyArn pulumi.StringInput
	// InterfaceEndpoints are the AWS service short names that get an interface VPC
	// endpoint with private DNS in the private subnets, e.g. "ecr.api", "ecr.dkr",
	// "secretsmanager", "sts", "logs". Default none. The S3 gateway endpoint is always
	// created and must not be listed here.
	InterfaceEndpoints []string
	// Tags is the stack-level tag set applied to every taggable resource.
	Tags tags.Set
}

// Defaults, named so the docs above and the code cannot drift apart.
const (
	DefaultFlowLogRetentionDays = 90
	minAZs, maxAZs              = 2, 6
)

// logRetentionDays are the only values CloudWatch Logs accepts for retentionInDays.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
	1096, 1827, 2192, 2557, 2922, 3288, 3653}

var (
	azPattern       = regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$`)
	servicePattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	clusterNameRule = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`)
)

// withDefaults returns a copy with every documented default filled in. It is the only
// place defaults are applied.
func (a NetworkArgs) withDefaults() NetworkArgs {
	if a.NatGatewayCount == 0 {
		a.NatGatewayCount = len(a.AvailabilityZones)
	}
	if a.FlowLogRetentionDays == 0 {
		a.FlowLogRetentionDays = DefaultFlowLogRetentionDays
	}
	a.AvailabilityZones = slices.Clone(a.AvailabilityZones)
	a.InterfaceEndpoints = slices.Clone(a.InterfaceEndpoints)
	return a
}

// validate rejects arguments AWS would reject or that would build a broken network,
// naming the field, the bad value and what is allowed. It runs after withDefaults and
// before anything is registered.
func (a NetworkArgs) validate() error {
	p := argcheck.New("network")
	bad := p.Addf

	p.NamePrefix(a.NamePrefix)
	if _, err := carve(a.VpcCidr, max(len(a.AvailabilityZones), 1)); err != nil {
		bad("VpcCidr: %v", err)
	}

	if n := len(a.AvailabilityZones); n < minAZs || n > maxAZs {
		bad("AvailabilityZones has %d zones %v; need %d to %d distinct zones of one region", n, a.AvailabilityZones, minAZs, maxAZs)
	}
	seen := map[string]bool{}
	region := ""
	for _, az := range a.AvailabilityZones {
		m := azPattern.FindStringSubmatch(az)
		switch {
		case m == nil:
			bad("AvailabilityZones entry %q is not an availability-zone name like \"us-east-1a\"", az)
		case seen[az]:
			bad("AvailabilityZones lists %q twice; each zone may appear once", az)
		case region != "" && m[1] != region:
			bad("AvailabilityZones entry %q is in region %s, the zones before it in %s; all zones must be in one region", az, m[1], region)
		}
		if m != nil && region == "" {
			region = m[1]
		}
		seen[az] = true
	}

	if n := a.NatGatewayCount; n != 1 && n != len(a.AvailabilityZones) {
		bad("NatGatewayCount is %d; allowed: 1 (single shared NAT) or %d (one per availability zone)", n, len(a.AvailabilityZones))
	}
	if a.ClusterName != "" && !clusterNameRule.MatchString(a.ClusterName) {
		bad("ClusterName %q is not a valid EKS cluster name (1-100 letters, digits, '-' or '_', starting with a letter or digit)", a.ClusterName)
	}
	if !slices.Contains(logRetentionDays, a.FlowLogRetentionDays) {
		bad("FlowLogRetentionDays is %d; allowed: %v", a.FlowLogRetentionDays, logRetentionDays)
	}
	if a.LogsKmsKeyArn == nil {
		bad("LogsKmsKeyArn is required: flow logs are encrypted with a customer-managed KMS key")
	}

	seenSvc := map[string]bool{}
	for _, svc := range a.InterfaceEndpoints {
		switch {
		case !servicePattern.MatchString(svc) || strings.HasPrefix(svc, "com.amazonaws."):
			bad("InterfaceEndpoints entry %q must be a service short name like \"ecr.api\" or \"sts\" (not the full com.amazonaws.<region>.<service> name)", svc)
		case svc == "s3":
			bad("InterfaceEndpoints must not list \"s3\": the S3 gateway endpoint is always created and is free")
		case seenSvc[svc]:
			bad("InterfaceEndpoints lists %q twice", svc)
		}
		seenSvc[svc] = true
	}

	return p.Err()
}

// region returns the region the (validated) zones belong to.
func (a NetworkArgs) region() string {
	return azPattern.FindStringSubmatch(a.AvailabilityZones[0])[1]
}

// parseCIDR parses an IPv4 network address with no host bits set.
func parseCIDR(cidr string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(cidr)
	switch {
	case err != nil:
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block like \"10.0.0.0/16\"", cidr)
	case !p.Addr().Is4():
		return netip.Prefix{}, fmt.Errorf("%q is not IPv4; the VPC's primary CIDR must be IPv4", cidr)
	case p.Masked() != p:
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; did you mean %q?", cidr, p.Masked().String())
	}
	return p, nil
}
