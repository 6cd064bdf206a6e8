package chartvalues

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ToMap converts level by level, so an unknown leaf (a bucket name, a role ARN or a
// database address in a preview) leaves the rest of the values known. Leaves may be
// pulumi.Input, string, int or bool; anything else is a bug in the caller and panics.
func ToMap(m map[string]any) pulumi.Map {
	out := pulumi.Map{}
	for k, v := range m {
		out[k] = toInput(v)
	}
	return out
}

func toInput(v any) pulumi.Input {
	switch x := v.(type) {
	case pulumi.Input:
		return x
	case map[string]any:
		return ToMap(x)
	case []any:
		arr := pulumi.Array{}
		for _, e := range x {
			arr = append(arr, toInput(e))
		}
		return arr
	case string:
		return pulumi.String(x)
	case int:
		return pulumi.Int(x)
	case bool:
		return pulumi.Bool(x)
	default:
		panic(fmt.Sprintf("chartvalues: bug, please report: unsupported chart value %T", v))
	}
}
