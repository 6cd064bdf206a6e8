package apicidrs

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAddressUnion: the union merges overlapping and adjacent ranges, so an address
// listed twice counts once.
func TestAddressUnion(t *testing.T) {
	t.Parallel()
	p := netip.MustParsePrefix
	for _, tc := range []struct {
		name     string
		prefixes []netip.Prefix
		want     uint64
	}{
		{"none", nil, 0},
		{"one address", []netip.Prefix{p("203.0.113.7/32")}, 1},
		{"disjoint", []netip.Prefix{p("203.0.113.0/24"), p("198.51.100.0/25")}, 384},
		{"nested", []netip.Prefix{p("203.0.113.128/25"), p("203.0.113.0/24"), p("203.0.113.7/32")}, 256},
		{"duplicates", []netip.Prefix{p("81.2.0.0/20"), p("81.2.0.0/20")}, 4096},
		{"adjacent", []netip.Prefix{p("81.2.8.0/21"), p("81.2.0.0/21")}, 4096},
		{"the whole space", []netip.Prefix{p("0.0.0.0/1"), p("128.0.0.0/1"), p("10.0.0.0/8")}, 1 << 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, AddressUnion(tc.prefixes))
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		cidrs []string
		want  string // a fragment of the only problem; "" means none
	}{
		{"empty list: a private endpoint", nil, ""},
		{"an office and a VPN", []string{"203.0.113.10/32", "198.51.100.0/24"}, ""},
		{"the internet", []string{"0.0.0.0/0"}, "opens the Kubernetes API to the internet"},
		{"the internet in halves", []string{"0.0.0.0/1", "128.0.0.0/1"}, "is too broad"},
		{"private range", []string{"10.0.0.0/24"}, "never reaches a public endpoint"},
		{"seventeen /20s", seventeen(), "admit 69632 addresses together"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := Check(tc.cidrs)
			if tc.want == "" {
				require.Empty(t, ps)
				return
			}
			require.NotEmpty(t, ps)
			require.Contains(t, ps[len(ps)-1].Reason, tc.want)
		})
	}
}

func seventeen() []string {
	var out []string
	for i := 0; i < 17; i++ {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{81, byte(i), 0, 0}), 20).String())
	}
	return out
}
