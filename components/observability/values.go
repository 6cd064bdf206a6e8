package observability

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// toMap turns nested plain chart values into Pulumi inputs level by level, so an unknown
// leaf (a bucket name or role ARN in a preview) leaves the rest of the values known.
func toMap(m map[string]any) pulumi.Map {
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
		return toMap(x)
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
		panic(fmt.Sprintf("observability: bug, please report: unsupported chart value %T", v))
	}
}
