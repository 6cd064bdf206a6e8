package rules

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"
)

// unk marks a computed (unknown) input in test fixtures; sec wraps a secret one.
type unknownT struct{}

var unk = unknownT{}

type secretT struct{ v any }

func sec(v any) secretT { return secretT{v} }

// pv converts a fixture value to a property value.
func pv(v any) property.Value {
	switch x := v.(type) {
	case nil:
		return property.Value{}
	case unknownT:
		return property.New(property.Computed)
	case secretT:
		return pv(x.v).WithSecret(true)
	case string:
		return property.New(x)
	case bool:
		return property.New(x)
	case int:
		return property.New(float64(x))
	case float64:
		return property.New(x)
	case []string:
		out := make([]property.Value, 0, len(x))
		for _, e := range x {
			out = append(out, property.New(e))
		}
		return property.New(out)
	case []any:
		out := make([]property.Value, 0, len(x))
		for _, e := range x {
			out = append(out, pv(e))
		}
		return property.New(out)
	case map[string]any:
		out := make(map[string]property.Value, len(x))
		for k, e := range x {
			out[k] = pv(e)
		}
		return property.New(out)
	case map[string]string:
		out := make(map[string]property.Value, len(x))
		for k, e := range x {
			out[k] = property.New(e)
		}
		return property.New(out)
	case property.Value:
		return x
	}
	panic(fmt.Sprintf("pv: unsupported fixture type %T", v))
}

type opt func(*Resource)

func deps(prop string, urns ...string) opt {
	return func(r *Resource) {
		if r.PropertyDependencies == nil {
			r.PropertyDependencies = map[string][]string{}
		}
		r.PropertyDependencies[prop] = append(r.PropertyDependencies[prop], urns...)
		r.Dependencies = append(r.Dependencies, urns...)
	}
}

func withID(id string) opt { return func(r *Resource) { r.ID = id } }

var protected opt = func(r *Resource) { r.Protect = true }

func urnOf(typ, name string) string { return "urn:pulumi:prod::platform::" + typ + "::" + name }

// res builds a custom resource with inputs from fixture values.
func res(typ, name string, inputs map[string]any, opts ...opt) Resource {
	r := Resource{URN: urnOf(typ, name), Type: typ, Name: name, Inputs: pv(inputs).AsMap(), Custom: true}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func stack(name string, rs ...Resource) Stack { return Stack{Name: name, Resources: rs} }

// set returns a deep copy of m with path ("a.b[0].c") set to v; v == del removes it.
type delT struct{}

var del = delT{}

func set(m map[string]any, path string, v any) map[string]any {
	out := deepCopy(m).(map[string]any)
	segs, err := parsePath(path)
	if err != nil {
		panic(err)
	}
	var cur any = out
	for i, s := range segs {
		last := i == len(segs)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if _, isDel := v.(delT); isDel {
					delete(c, s.key)
				} else {
					c[s.key] = v
				}
				return out
			}
			if _, ok := c[s.key]; !ok {
				c[s.key] = map[string]any{}
			}
			cur = c[s.key]
		case []any:
			if last {
				c[s.index] = v
				return out
			}
			cur = c[s.index]
		default:
			panic("set: path " + path + " runs into a scalar")
		}
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// run evaluates one rule with the default config and fails the test on a config error
// or an Error finding.
func run(t *testing.T, id string, s Stack) []Finding {
	t.Helper()
	return runWith(t, id, s, Config{})
}

func runWith(t *testing.T, id string, s Stack, cfg Config) []Finding {
	t.Helper()
	rule, ok := ByID(id)
	require.True(t, ok, "rule %s not in the registry", id)
	fs, err := Run(rule, s, cfg)
	require.NoError(t, err)
	for _, f := range fs {
		require.False(t, f.Error, "rule %s errored: %s", id, f.Message)
	}
	return fs
}

func only(fs []Finding, id string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	return out
}

func messages(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.RuleID + ": " + f.Message + "\n")
	}
	return b.String()
}

// goodTags are the cost-allocation tags every taggable fixture carries.
func goodTags(extra ...string) map[string]any {
	m := map[string]any{"environment": "prod", "service": "platform", "owner": "sre", "cost-center": "cc-42", "managed-by": "pulumi"}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

const keyARN = "arn:aws:kms:us-east-1:123456789012:key/1111-2222"

func itoaT(i int) string { return strconv.Itoa(i) }
