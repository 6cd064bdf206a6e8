package stacks

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCommittedParentZones: prod is the apex, staging and dr carry the stand-in until an
// operator sets prod's zone id (the malformed values are cases of TestMalformedConfigs).

func TestCommittedParentZones(t *testing.T) {
	for stack, want := range map[string]string{"prod": "", "staging": ParentZoneStandIn, "dr": ParentZoneStandIn} {
		cfg, err := Load(stack, stackConfig(t, stack))
		require.NoError(t, err, stack)
		require.Equal(t, want, cfg.Edge.ParentZoneID, stack)
	}
}
