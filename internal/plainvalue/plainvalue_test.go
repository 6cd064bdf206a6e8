package plainvalue

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"
)

func TestConvert(t *testing.T) {
	m := property.NewMap(map[string]property.Value{
		"n":      property.New(2.0),
		"s":      property.New("x"),
		"b":      property.New(true),
		"null":   property.New(property.Null),
		"secret": property.New(map[string]property.Value{"k": property.New("v")}).WithSecret(true),
		"later":  property.New(property.Computed),
		"list":   property.New([]property.Value{property.New("a"), property.New(property.Computed)}),
	})
	masked := ConvertMap(m, Placeholders{MaskSecrets: true, Secret: "[secret]", Unknown: "[unknown]"})
	require.Equal(t, map[string]any{
		"n": 2.0, "s": "x", "b": true, "null": nil, "secret": "[secret]", "later": "[unknown]",
		"list": []any{"a", "[unknown]"},
	}, masked)

	unwrapped := ConvertMap(m, Placeholders{})
	require.Equal(t, map[string]any{"k": "v"}, unwrapped["secret"], "secrets are unwrapped unless masked")
	require.Nil(t, unwrapped["later"])
}
