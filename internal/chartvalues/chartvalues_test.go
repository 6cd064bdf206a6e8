package chartvalues

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

func TestToMapConvertsEveryLevel(t *testing.T) {
	out := ToMap(map[string]any{
		"replicas": 2,
		"enabled":  true,
		"name":     "temporal",
		"input":    pulumi.String("already"),
		"nested":   map[string]any{"list": []any{"a", 1, map[string]any{"x": false}}},
	})
	require.Equal(t, pulumi.Int(2), out["replicas"])
	require.Equal(t, pulumi.Bool(true), out["enabled"])
	require.Equal(t, pulumi.String("temporal"), out["name"])
	require.Equal(t, pulumi.String("already"), out["input"])
	nested := out["nested"].(pulumi.Map)
	list := nested["list"].(pulumi.Array)
	require.Equal(t, pulumi.Array{pulumi.String("a"), pulumi.Int(1), pulumi.Map{"x": pulumi.Bool(false)}}, list)
}

func TestToMapPanicsOnUnsupportedLeaves(t *testing.T) {
	require.PanicsWithValue(t, "chartvalues: bug, please report: unsupported chart value float64", func() {
		ToMap(map[string]any{"ratio": 0.5})
	})
}
