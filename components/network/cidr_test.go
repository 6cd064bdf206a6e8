package network

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCarveLayout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		cidr                  string
		azs                   int
		public, private, data []string
	}{
		{
			name:    "/16 over three AZs",
			cidr:    "10.0.0.0/16",
			azs:     3,
			private: []string{"10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"},
			public:  []string{"10.0.192.0/22", "10.0.196.0/22", "10.0.200.0/22"},
			data:    []string{"10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"},
		},
		{
			name:    "/16 at a non-zero base over two AZs",
			cidr:    "172.20.0.0/16",
			azs:     2,
			private: []string{"172.20.0.0/19", "172.20.32.0/19"},
			public:  []string{"172.20.192.0/22", "172.20.196.0/22"},
			data:    []string{"172.20.224.0/22", "172.20.228.0/22"},
		},
		{
			name:    "/20, the smallest VPC, over two AZs",
			cidr:    "10.1.16.0/20",
			azs:     2,
			private: []string{"10.1.16.0/23", "10.1.18.0/23"},
			public:  []string{"10.1.28.0/26", "10.1.28.64/26"},
			data:    []string{"10.1.30.0/26", "10.1.30.64/26"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := carve(tt.cidr, tt.azs)
			require.NoError(t, err)
			require.Equal(t, tt.private, got.Private)
			require.Equal(t, tt.public, got.Public)
			require.Equal(t, tt.data, got.Data)
		})
	}
}

// Every subnet of every tier for the maximum six AZs lies inside the VPC and overlaps no
// other, for every accepted prefix length.
func TestCarveNeverOverlaps(t *testing.T) {
	t.Parallel()
	for bits := minVpcPrefix; bits <= maxVpcPrefix; bits++ {
		vpc := netip.PrefixFrom(netip.MustParseAddr("10.64.0.0"), bits).Masked()
		got, err := carve(vpc.String(), maxAZs)
		require.NoError(t, err, vpc)
		var all []netip.Prefix
		for _, c := range append(append(got.Public, got.Private...), got.Data...) {
			p := netip.MustParsePrefix(c)
			require.True(t, vpc.Contains(p.Addr()) && p.Bits() > vpc.Bits(), "%s outside %s", p, vpc)
			require.LessOrEqual(t, p.Bits(), 28, "AWS subnets are at least /28")
			for _, q := range all {
				require.False(t, p.Overlaps(q), "%s overlaps %s in %s", p, q, vpc)
			}
			all = append(all, p)
		}
		require.Len(t, all, 3*maxAZs)
	}
}

// A subnet's CIDR depends only on its AZ index, so adding an AZ never moves (replaces)
// the subnets that exist.
func TestCarveIsStableWhenAZsAreAdded(t *testing.T) {
	t.Parallel()
	two, err := carve("10.0.0.0/16", 2)
	require.NoError(t, err)
	three, err := carve("10.0.0.0/16", 3)
	require.NoError(t, err)
	require.Equal(t, two.Private, three.Private[:2])
	require.Equal(t, two.Public, three.Public[:2])
	require.Equal(t, two.Data, three.Data[:2])
}

func TestCarveRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cidr, want string
	}{
		{"10.0.0.0/24", "prefix /24; allowed /16 to /20"},
		{"10.0.0.0/21", "prefix /21"},
		{"10.0.0.0/8", "prefix /8"},
		{"10.0.1.0/16", `has host bits set; did you mean "10.0.0.0/16"`},
		{"fd00::/56", "not IPv4"},
		{"ten.zero/16", "is not a CIDR block"},
		{"", "is not a CIDR block"},
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			t.Parallel()
			_, err := carve(tt.cidr, 2)
			require.ErrorContains(t, err, tt.want)
		})
	}
}
