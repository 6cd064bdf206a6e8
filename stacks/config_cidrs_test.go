package stacks

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// cidrList is a clusterPublicAccessCidrs value as ReadStackFile renders a YAML list.
func cidrList(cidrs ...string) string {
	b, _ := json.Marshal(cidrs)
	return string(b)
}

// slash20s returns n disjoint public /20s (81.2.0.0/20, 81.2.16.0/20, ...).
func slash20s(n int) []string {
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, fmt.Sprintf("81.%d.%d.0/20", 2+i/16, (i%16)*16))
	}
	return out
}

// TestPublicAccessCidrsTooBroad: an allow-list of the cluster API names a few egress
// points; anything that admits a provider's range, the internet in pieces, or addresses
// that never reach a public endpoint is refused with the key, the value and the limit.
func TestPublicAccessCidrsTooBroad(t *testing.T) {
	t.Parallel()
	const key = "platform:clusterPublicAccessCidrs"
	cases := []badConfig{
		{name: "the internet", stack: "prod", set: map[string]string{key: cidrList("0.0.0.0/0")},
			key: key, contains: []string{`"0.0.0.0/0" opens the Kubernetes API to the internet`}},
		{name: "the internet in two halves", stack: "prod", set: map[string]string{key: cidrList("0.0.0.0/1", "128.0.0.0/1")},
			key: key, contains: []string{`"0.0.0.0/1" is too broad`, `"128.0.0.0/1" is too broad`, "/20 to /32"}},
		{name: "many /8s", stack: "prod", set: map[string]string{key: cidrList("1.0.0.0/8", "2.0.0.0/8", "3.0.0.0/8")},
			key: key, contains: []string{`"3.0.0.0/8" is too broad`, "16777216 addresses"}},
		{name: "a /16 entry", stack: "staging", set: map[string]string{key: cidrList("81.2.0.0/16")},
			key: key, contains: []string{`"81.2.0.0/16" is too broad`, "at most 4096"}},
		{name: "narrow pieces that add up", stack: "prod", set: map[string]string{key: cidrList(slash20s(17)...)},
			key: key, contains: []string{"admit 69632 addresses together", "at most 65536", "81.2.0.0/20, 81.2.16.0/20"}},
		{name: "IPv6", stack: "prod", set: map[string]string{key: cidrList("2001:db8::/48")},
			key: key, contains: []string{`"2001:db8::/48" is an IPv6 CIDR`, "IPv4 only"}},
		{name: "IPv6 internet", stack: "prod", set: map[string]string{key: cidrList("::/0")},
			key: key, contains: []string{`"::/0" is an IPv6 CIDR`}},
		{name: "a VPN's inside network", stack: "prod", set: map[string]string{key: cidrList("10.8.0.0/24")},
			key: key, contains: []string{`"10.8.0.0/24" is in 10.0.0.0/8 (private, RFC 1918)`, "public egress"}},
		{name: "carrier-grade NAT", stack: "prod", set: map[string]string{key: cidrList("100.64.3.0/24")},
			key: key, contains: []string{`"100.64.3.0/24" is in 100.64.0.0/10 (carrier-grade NAT`}},
		{name: "loopback", stack: "staging", set: map[string]string{key: cidrList("127.0.0.1/32")},
			key: key, contains: []string{"is in 127.0.0.0/8 (loopback"}},
		{name: "multicast", stack: "staging", set: map[string]string{key: cidrList("239.1.1.0/24")},
			key: key, contains: []string{"is in 224.0.0.0/3 (multicast and reserved"}},
		{name: "host bits", stack: "prod", set: map[string]string{key: cidrList("203.0.113.7/24")},
			key: key, contains: []string{`"203.0.113.7/24" has host bits set (did you mean 203.0.113.0/24?)`}},
		{name: "an address without a length", stack: "prod", set: map[string]string{key: cidrList("203.0.113.7")},
			key: key, contains: []string{`"203.0.113.7" is not a CIDR`, "203.0.113.7/32"}},
		{name: "listed twice", stack: "prod", set: map[string]string{key: cidrList("203.0.113.0/24", "203.0.113.0/24")},
			key: key, contains: []string{`"203.0.113.0/24" is already covered by 203.0.113.0/24`}},
		{name: "inside another entry", stack: "prod", set: map[string]string{key: cidrList("203.0.113.128/25", "203.0.113.0/24")},
			key: key, contains: []string{`"203.0.113.128/25" is already covered by 203.0.113.0/24`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tc.stack, tc.config(t))
			requireRefused(t, err, tc)
		})
	}
}

// TestPublicAccessCidrsAccepted: what an SRE really lists (office NAT and VPN egress, a
// partner's /24) loads, up to the limits themselves.
func TestPublicAccessCidrsAccepted(t *testing.T) {
	t.Parallel()
	for name, cidrs := range map[string][]string{
		"office and VPN egress":       {"203.0.113.10/32", "198.51.100.0/24", "192.0.2.64/26"},
		"a /20, the widest entry":     {"81.2.0.0/20"},
		"65536 addresses, the most":   slash20s(16),
		"empty: a private endpoint":   {},
		"adjacent entries, no repeat": {"81.2.0.0/21", "81.2.8.0/21"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw := stackConfig(t, "prod")
			raw["platform:clusterPublicAccessCidrs"] = cidrList(cidrs...)
			cfg, err := Load("prod", raw)
			require.NoError(t, err)
			require.Equal(t, cidrs, cfg.Cluster.PublicAccessCidrs)
		})
	}
}
