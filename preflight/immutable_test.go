package preflight_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/preflight"
)

func TestImmutableSettingsAreRefused(t *testing.T) {
	temporal := node{typ: "platform:temporal:Temporal", name: "temporal"}
	vpc := node{typ: tVpc, name: "vpc", inputs: map[string]any{"cidrBlock": "10.0.0.0/16"}}
	subnet := node{typ: tSubnet, name: "subnet-a", inputs: map[string]any{"cidrBlock": "10.0.1.0/24"}}
	const (
		shards = "platform:temporalHistoryShards"
		cidr   = "platform:vpcCidr"
		zones  = "platform:availabilityZones"
	)
	cases := []struct {
		name       string
		deployed   []node // what the base has
		base, head map[string]string
		want       []preflight.Refusal // Key, Old, New and URN; Message and Source checked apart
	}{
		{name: "more history shards", deployed: []node{temporal},
			base: map[string]string{shards: "512"}, head: map[string]string{shards: "1024"},
			want: []preflight.Refusal{{Kind: "immutable-setting", Key: shards, Old: "512", New: "1024", URN: urnOf(temporal.typ, "temporal")}}},
		{name: "the default, then a value", deployed: []node{temporal},
			base: map[string]string{}, head: map[string]string{shards: "2048"},
			want: []preflight.Refusal{{Kind: "immutable-setting", Key: shards, Old: "512", New: "2048", URN: urnOf(temporal.typ, "temporal")}}},
		{name: "the default written out is no change", deployed: []node{temporal},
			base: map[string]string{}, head: map[string]string{shards: "512"}},
		{name: "nothing deployed yet: any value is free",
			base: map[string]string{shards: "512"}, head: map[string]string{shards: "1024"}},
		{name: "another VPC CIDR", deployed: []node{vpc},
			base: map[string]string{cidr: "10.30.0.0/16"}, head: map[string]string{cidr: "10.31.0.0/16"},
			want: []preflight.Refusal{{Kind: "immutable-setting", Key: cidr, Old: "10.30.0.0/16", New: "10.31.0.0/16", URN: urnOf(tVpc, "vpc")}}},
		{name: "a dr stack switching its restore source", deployed: []node{{typ: tokens.RDSInstance, name: "database"}},
			base: map[string]string{"platform:restoreSnapshotId": "platform-prod-dr-drill"}, head: map[string]string{"platform:restoreSnapshotId": "platform-prod-2026-12-01"},
			want: []preflight.Refusal{{Kind: "immutable-setting", Key: "platform:restoreSnapshotId", Old: "platform-prod-dr-drill", New: "platform-prod-2026-12-01",
				URN: urnOf(tokens.RDSInstance, "database")}}},
		{name: "a zone appended", deployed: []node{subnet},
			base: map[string]string{zones: `["us-east-1a","us-east-1b"]`}, head: map[string]string{zones: `["us-east-1a","us-east-1b","us-east-1c"]`}},
		{name: "zones reordered", deployed: []node{subnet},
			base: map[string]string{zones: `["us-east-1a","us-east-1b"]`}, head: map[string]string{zones: `["us-east-1b","us-east-1a"]`},
			want: []preflight.Refusal{{Kind: "immutable-setting", Key: zones, Old: `["us-east-1a","us-east-1b"]`, New: `["us-east-1b","us-east-1a"]`,
				URN: urnOf(tSubnet, "subnet-a")}}},
		{name: "a zone removed", deployed: []node{subnet},
			base: map[string]string{zones: `["us-east-1a","us-east-1b","us-east-1c"]`}, head: map[string]string{zones: `["us-east-1a","us-east-1b"]`},
			want: []preflight.Refusal{{Kind: "immutable-setting", Key: zones, Old: `["us-east-1a","us-east-1b","us-east-1c"]`, New: `["us-east-1a","us-east-1b"]`,
				URN: urnOf(tSubnet, "subnet-a")}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base, head := graph(t, tc.deployed...), graph(t, tc.deployed...)
			base.Config, head.Config = tc.base, tc.head
			d := preflight.Compare(base, head, "base.json")
			var got []preflight.Refusal
			for _, x := range d.Refusals {
				require.Contains(t, x.Message, x.Key+" cannot change after the first deploy ("+x.Old+" -> "+x.New+")")
				require.Contains(t, x.Source, "https://", "each refusal names its source")
				got = append(got, preflight.Refusal{Kind: x.Kind, Key: x.Key, Old: x.Old, New: x.New, URN: x.URN})
			}
			require.Equal(t, tc.want, got)
			head.AttachDiff(d)
			require.Equal(t, len(tc.want) == 0, (&preflight.Document{Reports: []*preflight.Report{head}}).Pass())
		})
	}
}
