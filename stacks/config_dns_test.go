package stacks

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCommittedZones: prod is the apex; staging carries the stand-in parent until an
// operator sets prod's zone id; dr adopts prod's zone itself (its records and the
// validation records of the certificate prod keeps for it live there), so it carries the
// stand-in as dnsZoneId and delegates nothing. The malformed values are cases of
// TestMalformedConfigs.
func TestCommittedZones(t *testing.T) {
	for stack, want := range map[string]struct{ parent, zone string }{
		"prod": {"", ""}, "staging": {ParentZoneStandIn, ""}, "dr": {"", ParentZoneStandIn},
	} {
		cfg, err := Load(stack, stackConfig(t, stack))
		require.NoError(t, err, stack)
		require.Equal(t, want.parent, cfg.Edge.ParentZoneID, stack)
		require.Equal(t, want.zone, cfg.Edge.ZoneID, stack)
	}
	dr, err := Load("dr", stackConfig(t, "dr"))
	require.NoError(t, err)
	require.Equal(t, EdgeCertificateStandIn, dr.DR.EdgeCertificateArn, "the preflight lists the stand-ins as preconditions")
	require.Equal(t, CloudFrontWebAclStandIn, dr.DR.CloudFrontWebAclArn)
}

// TestDRStackMatchesProd: the dr stack survives the region prod runs in, sits where
// prod replicates its images and secrets, and serves the domain prod keeps a
// certificate for.
func TestDRStackMatchesProd(t *testing.T) {
	prod, err := Load("prod", stackConfig(t, "prod"))
	require.NoError(t, err)
	dr, err := Load("dr", stackConfig(t, "dr"))
	require.NoError(t, err)
	require.Equal(t, prod.Region, dr.DR.FailedRegion, "dr survives prod's region")
	require.Equal(t, prod.DRRegion, dr.Region, "dr runs where prod replicates")
	require.Equal(t, prod.DR.StandbyDomain, dr.Edge.Domain, "prod keeps the certificate of dr's domain")
	require.NotEqual(t, dr.DR.FailedRegion, dr.DRRegion)
}
