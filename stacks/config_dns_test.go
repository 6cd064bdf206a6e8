package stacks

import (
	"errors"
	"maps"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
)

// TestParentZoneConfig: where a stack's zone is delegated from is stated in every stack
// file, and a value that would leave a child zone undelegated is refused, naming the key,
// the value and what is allowed, before anything is registered.
func TestParentZoneConfig(t *testing.T) {
	cases := []struct {
		name, stack string
		set         map[string]string
		drop        []string
		contains    []string
	}{
		{"missing", "staging", nil, []string{"platform:parentDnsZoneId"}, []string{"platform:parentDnsZoneId: is required", "no default"}},
		{"child without delegation", "staging", map[string]string{"platform:parentDnsZoneId": "none"}, nil,
			[]string{`platform:parentDnsZoneId: "none" leaves staging.generic-corp.io undelegated`, "pulumi stack output dnsZoneId -s prod", "none only for a two-label apex"}},
		{"not a zone id", "dr", map[string]string{"platform:parentDnsZoneId": "generic-corp.io"}, nil,
			[]string{`platform:parentDnsZoneId: "generic-corp.io" is not allowed`, "Route 53 hosted zone id", "or none"}},
		{"adopted zone", "staging", map[string]string{"platform:dnsZoneId": "Z0STAGINGZONE0001"}, nil,
			[]string{`"ZREPLACEWITHPRODZONEID" is not allowed with dnsZoneId "Z0STAGINGZONE0001"`, "allowed: none"}},
		{"apex with a parent", "prod", map[string]string{"platform:parentDnsZoneId": "Z0SOMEZONE0001"}, nil,
			[]string{`"Z0SOMEZONE0001" is not allowed for the apex generic-corp.io`, "allowed: none"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := maps.Clone(stackConfig(t, tc.stack))
			maps.Copy(raw, tc.set)
			for _, k := range tc.drop {
				delete(raw, k)
			}
			_, err := Load(tc.stack, raw)
			var cerr *ConfigError
			require.True(t, errors.As(err, &cerr), "want a ConfigError, got %v", err)
			require.True(t, cerr.Has("parentDnsZoneId"), "%v", err)
			for _, s := range tc.contains {
				require.Contains(t, err.Error(), s)
			}

			// A directory without stack files: the keys dropped above must stay dropped.
			p, err := plan.Capture(Deploy, plan.Options{Stack: tc.stack, Config: raw, Mode: plan.Preview, RootDirectory: t.TempDir()})
			require.Error(t, err)
			require.Empty(t, p.Resources, "nothing is registered with a bad configuration")
		})
	}
}

func TestCommittedParentZones(t *testing.T) {
	for stack, want := range map[string]string{"prod": "", "staging": ParentZoneStandIn, "dr": ParentZoneStandIn} {
		cfg, err := Load(stack, stackConfig(t, stack))
		require.NoError(t, err, stack)
		require.Equal(t, want, cfg.Edge.ParentZoneID, stack)
	}
}
