package network

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// The subnet layout, relative to the VPC prefix length P so it works the same for any
// VPC from /16 to /20. Think of the VPC as 64 equal slots of size /(P+6):
//
//	slots  0..47  private tier: six /(P+3) blocks (8 slots each), one per AZ index 0..5
//	slots 48..53  public tier:  six /(P+6) blocks, one per AZ index
//	slots 54..55  spare
//	slots 56..61  data tier:    six /(P+6) blocks, one per AZ index
//	slots 62..63  spare
//
// For 10.0.0.0/16 that is private 10.0.0.0/19, 10.0.32.0/19, ... (8,187 usable addresses
// per AZ: EKS with the VPC CNI gives every pod a VPC address, so this tier gets most of
// the space), public 10.0.192.0/22, 10.0.196.0/22, ... (only load balancers and NAT
// gateways) and data 10.0.224.0/22, 10.0.228.0/22, ... (RDS and ElastiCache).
//
// The position of a subnet depends only on its AZ index, never on how many AZs there
// are, so adding a third AZ later adds subnets without moving (replacing) existing ones.
// /20 is the smallest VPC accepted: it leaves private /23s (507 pod addresses per AZ)
// and public and data /26s; anything smaller cannot run the platform.
const (
	minVpcPrefix = 16 // AWS's largest VPC
	maxVpcPrefix = 20 // smallest VPC that still fits the layout usefully
	privateBits  = 3  // private subnet = /(P+3)
	slotBits     = 6  // public and data subnets = /(P+6)
	publicSlot0  = 48
	dataSlot0    = 56
)

// subnetPlan is the carved layout: one CIDR per tier per AZ, in AZ order.
type subnetPlan struct {
	Public, Private, Data []string
}

// carve lays out azCount AZs in vpcCidr as documented above.
func carve(vpcCidr string, azCount int) (subnetPlan, error) {
	vpc, err := parseCIDR(vpcCidr)
	if err != nil {
		return subnetPlan{}, err
	}
	p := vpc.Bits()
	if p < minVpcPrefix || p > maxVpcPrefix {
		return subnetPlan{}, fmt.Errorf("%q has prefix /%d; allowed /%d to /%d (a /%d VPC would leave private subnets of /%d, too small for EKS pod addresses)",
			vpcCidr, p, minVpcPrefix, maxVpcPrefix, p, p+privateBits)
	}
	if azCount < 1 || azCount > maxAZs {
		return subnetPlan{}, fmt.Errorf("the layout holds 1 to %d availability zones, not %d", maxAZs, azCount)
	}
	var out subnetPlan
	for i := range azCount {
		out.Private = append(out.Private, nth(vpc, p+privateBits, i).String())
		out.Public = append(out.Public, nth(vpc, p+slotBits, publicSlot0+i).String())
		out.Data = append(out.Data, nth(vpc, p+slotBits, dataSlot0+i).String())
	}
	return out, nil
}

// nth returns the index-th block of size /bits inside vpc.
func nth(vpc netip.Prefix, bits, index int) netip.Prefix {
	base := vpc.Addr().As4()
	n := binary.BigEndian.Uint32(base[:]) + uint32(index)<<(32-bits)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return netip.PrefixFrom(netip.AddrFrom4(b), bits)
}
