// Package apicidrs judges an allow-list of CIDRs for a public Kubernetes API endpoint:
// stacks.Load refuses a bad clusterPublicAccessCidrs with it, and the eks-endpoint-private
// policy applies the same limits to the plan, so a cluster built outside the stack file
// cannot open the API to the internet in pieces either.
package apicidrs

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Limits of a public API allow-list. The list names the public egress points people
// reach the cluster API from (an office's NAT, a VPN concentrator): a handful of /32 to
// /24. A /20 is already more public address space than most companies own, so a wider
// entry is a provider's or ISP's pool, not an egress; and a total cap stops the internet
// being listed in narrow pieces.
const (
	WidestBits   = 20      // each entry admits at most 4,096 addresses
	MaxAddresses = 1 << 16 // the whole list at most 65,536, a /16's worth
)

// nonPublicRanges are the IPv4 special-purpose ranges (IANA registry) that never appear
// as a source address at a public endpoint, so listing them admits nobody: usually a
// VPN's inside network given instead of its public egress. The documentation ranges
// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) stay allowed for examples and tests.
var nonPublicRanges = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network", RFC 791`},
	{netip.MustParsePrefix("10.0.0.0/8"), "private, RFC 1918"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT, RFC 6598"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback, RFC 1122"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local, RFC 3927"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private, RFC 1918"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private, RFC 1918"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking, RFC 2544"},
	{netip.MustParsePrefix("224.0.0.0/3"), "multicast and reserved, RFC 5771 and RFC 1112"},
}

// Problem is one refused entry (or the whole list): the value and why, phrased to follow
// the value ("is too broad ...") with what is allowed.
type Problem struct {
	Value  string
	Reason string
}

// Check refuses every entry that is not a narrow public IPv4 range, an entry another one
// already covers, and a list whose union (with overlaps merged) admits more than
// MaxAddresses addresses. An empty list has no problems (a private endpoint).
func Check(cidrs []string) []Problem {
	var out []Problem
	add := func(value, format string, args ...any) {
		out = append(out, Problem{Value: value, Reason: fmt.Sprintf(format, args...)})
	}
	var sound []netip.Prefix
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		switch {
		case err != nil:
			hint := "e.g. 203.0.113.10/32"
			if a, aerr := netip.ParseAddr(c); aerr == nil && a.Is4() {
				hint = "a single address is " + c + "/32"
			}
			add(c, "is not a CIDR (allowed: IPv4 CIDRs of your office or VPN egress; %s)", hint)
		case !p.Addr().Is4():
			add(c, "is an IPv6 CIDR (allowed: IPv4 only: the cluster is IPv4, and EKS takes IPv6 CIDRs only on IPv6 clusters)")
		case p.Masked() != p:
			add(c, "has host bits set (did you mean %s?)", p.Masked())
		case p.Bits() == 0:
			add(c, "opens the Kubernetes API to the internet (allowed: IPv4 CIDRs of your office or VPN egress, /%d to /32, or an empty list for a private endpoint)", WidestBits)
		case p.Bits() < WidestBits:
			add(c, "is too broad for the Kubernetes API: it admits %d addresses (allowed: /%d to /32 per entry, at most %d addresses: the egress of an office or VPN, not a provider's range)",
				uint64(1)<<(32-p.Bits()), WidestBits, 1<<(32-WidestBits))
		default:
			if what, in := nonPublic(p); in != "" {
				add(c, "is in %s (%s), which never reaches a public endpoint (allowed: the public egress address of your office or VPN, not its inside network; "+
					"from inside the VPC the private endpoint needs no entry)", in, what)
				continue
			}
			sound = append(sound, p)
		}
	}
	// Prefixes nest or are disjoint: an entry inside a wider one, or after an equal one, adds nothing.
	for i, p := range sound {
		for j, q := range sound {
			if j != i && q.Contains(p.Addr()) && (q.Bits() < p.Bits() || q.Bits() == p.Bits() && j < i) {
				add(p.String(), "is already covered by %s (allowed: each address once)", q)
				break
			}
		}
	}
	if n := AddressUnion(sound); n > MaxAddresses {
		add(strings.Join(cidrs, ", "), "admit %d addresses together (allowed: at most %d, a /16's worth: an allow-list names a few egress points, not the internet in pieces)", n, MaxAddresses)
	}
	return out
}

// nonPublic returns the special-purpose range p overlaps and what it is.
func nonPublic(p netip.Prefix) (what, in string) {
	for _, r := range nonPublicRanges {
		if r.prefix.Overlaps(p) {
			return r.what, r.prefix.String()
		}
	}
	return "", ""
}

// AddressUnion counts the IPv4 addresses the prefixes admit together, merging ranges
// that overlap or touch so that no address counts twice.
func AddressUnion(prefixes []netip.Prefix) uint64 {
	type span struct{ lo, hi uint64 } // [lo, hi)
	spans := make([]span, 0, len(prefixes))
	for _, p := range prefixes {
		b := p.Masked().Addr().As4()
		lo := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
		spans = append(spans, span{lo, lo + uint64(1)<<(32-p.Bits())})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	var total, end uint64
	for _, s := range spans {
		if s.lo < end {
			s.lo = end
		}
		if s.hi > s.lo {
			total += s.hi - s.lo
			end = s.hi
		}
	}
	return total
}
