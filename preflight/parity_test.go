package preflight_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

func setting(p *preflight.Parity, typ, path string) *preflight.SettingDiff {
	for i := range p.Settings {
		if p.Settings[i].Type == typ && p.Settings[i].Path == path {
			return &p.Settings[i]
		}
	}
	return nil
}

func TestParityOfTheStacks(t *testing.T) {
	reports := []*preflight.Report{report(t, "staging", plan.Preview), report(t, "prod", plan.Preview), report(t, "dr", plan.Preview)}
	p := preflight.ComputeParity(reports)
	require.Equal(t, []string{"staging", "prod", "dr"}, p.Stacks)

	multiAz := setting(p, rdsType, "multiAz")
	require.NotNil(t, multiAz, "staging runs single-AZ: a difference besides size")
	require.Equal(t, map[string]any{"staging": false, "prod": true, "dr": true}, multiAz.Values)
	require.Equal(t, []string{"database"}, multiAz.Resources)

	require.Nil(t, setting(p, rdsType, "instanceClass"), "sizes are left out")
	require.Nil(t, setting(p, rdsType, "allocatedStorage"), "sizes are left out")
	require.Nil(t, setting(p, rdsType, "identifier"), "names derived from the stack are normalised")
	require.Nil(t, setting(p, tokens.EC2Subnet, "cidrBlock"), "addressing is left out")
	for _, s := range p.Settings {
		require.NotContains(t, s.Path, "-staging", "map keys embedding the stack name are normalised: %s", s.Path)
	}

	var keys []string
	for _, c := range p.Config {
		keys = append(keys, c.Key)
	}
	require.Contains(t, keys, "platform:dbMultiAz")
	require.NotContains(t, keys, "platform:dbInstanceClass", "identical in every stack")

	var nat []string
	for _, pr := range p.Presence {
		if pr.Type == tokens.EC2NatGateway {
			nat = append(nat, strings.Join(pr.In, ","))
		}
	}
	require.NotEmpty(t, nat, "staging runs one NAT gateway, prod and dr one per AZ")
	for _, in := range nat {
		require.Equal(t, "prod,dr", in)
	}
}

func TestParityRendering(t *testing.T) {
	reports := []*preflight.Report{report(t, "staging", plan.Preview), report(t, "prod", plan.Preview)}
	d := &preflight.Document{Reports: reports, Parity: preflight.ComputeParity(reports)}
	text := string(render(t, preflight.TextFormat{}, d))
	require.Contains(t, text, "PARITY (staging / prod): what differs besides sizes")
	require.Contains(t, text, "rds.Instance multiAz (1): staging=false  prod=true")
	require.True(t, strings.HasPrefix(text, "STACK "), "several stacks start with a side-by-side table")
	md := string(render(t, preflight.MarkdownFormat{}, d))
	require.Contains(t, md, "environment parity (staging / prod)")
	require.Contains(t, md, "| `staging` | ✅ pass |")
	require.Contains(t, md, "| `prod` | ✅ pass |")
}

// TestParityNormalisation: names derived from a stack's config compare equal, words
// that merely contain a stack name do not, and constant map keys are left alone even
// when one stack's domain is a suffix of them.
func TestParityNormalisation(t *testing.T) {
	mk := func(stack, domain, product string) *preflight.Report {
		return &preflight.Report{Stack: stack,
			Config: map[string]string{"platform:environment": stack, "platform:domain": domain},
			Resources: []preflight.Resource{{
				URN: "urn:" + stack, Type: tokens.S3BucketV2, Name: "platform-" + stack + "-assets",
				Inputs: map[string]any{
					"bucket": "platform-" + stack + "-assets." + domain,
					"tags":   map[string]any{"platform.generic-corp.io/tier": "web", "kubernetes.io/cluster/platform-" + stack: "owned"},
					"note":   product,
				},
			}}}
	}
	p := preflight.ComputeParity([]*preflight.Report{
		mk("staging", "staging.generic-corp.io", "production line"),
		mk("prod", "generic-corp.io", "production line"),
	})
	require.Empty(t, p.Presence, "logical names match once the stack name is substituted")
	require.Empty(t, p.Settings, "%+v", p.Settings)

	p = preflight.ComputeParity([]*preflight.Report{
		mk("staging", "staging.generic-corp.io", "staging notes"),
		mk("prod", "generic-corp.io", "production notes"),
	})
	require.Len(t, p.Settings, 1)
	require.Equal(t, "note", p.Settings[0].Path)
	require.Equal(t, "production notes", p.Settings[0].Values["prod"], `"prod" inside "production" is not a stack name`)
}
