package testkit

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/plainvalue"
)

// Unknown is what PlainMarked puts where a value is not known yet (a preview).
const Unknown = "<computed>"

// Plain turns a captured value into what encoding/json would produce for it: secrets are
// unwrapped, unknowns (preview) become nil.
func Plain(v property.Value) any { return plainWith(v, nil) }

// PlainMarked is Plain with unknowns turned into the Unknown marker, for comparisons
// where "not known yet" must not look like "absent".
func PlainMarked(v property.Value) any { return plainWith(v, Unknown) }

func plainWith(v property.Value, unknown any) any {
	return plainvalue.Convert(v, plainvalue.Placeholders{Unknown: unknown})
}

// Str requires a known string (secret or not) and returns it.
func Str(t testing.TB, v property.Value) string {
	t.Helper()
	require.True(t, v.IsString(), "want a known string, got %#v", v)
	return v.AsString()
}

// StrOr returns the string, or "" when the value is not a known string.
func StrOr(v property.Value) string {
	if !v.IsString() {
		return ""
	}
	return v.AsString()
}

// Strs requires an array of known strings.
func Strs(t testing.TB, v property.Value) []string {
	t.Helper()
	require.True(t, v.IsArray(), "want an array, got %#v", v)
	var out []string
	for _, e := range v.AsArray().AsSlice() {
		out = append(out, Str(t, e))
	}
	return out
}

// StrsOr returns the array's elements through StrOr, or nil when it is not an array.
func StrsOr(v property.Value) []string {
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.AsArray().AsSlice() {
		out = append(out, StrOr(e))
	}
	return out
}

// Num requires a known number.
func Num(t testing.TB, v property.Value) float64 {
	t.Helper()
	require.True(t, v.IsNumber(), "want a known number, got %#v", v)
	return v.AsNumber()
}

// Int requires a known number and truncates it to an int.
func Int(t testing.TB, v property.Value) int {
	t.Helper()
	return int(Num(t, v))
}

// Bool requires a known bool.
func Bool(t testing.TB, v property.Value) bool {
	t.Helper()
	require.True(t, v.IsBool(), "want a bool, got %#v", v)
	return v.AsBool()
}

// Key reads one entry of a map value whose keys contain dots (labels, annotations),
// which a plan.Lookup path cannot address.
func Key(t testing.TB, v property.Value, k string) property.Value {
	t.Helper()
	require.True(t, v.IsMap(), "want a map, got %#v", v)
	e, ok := v.AsMap().GetOk(k)
	require.True(t, ok, "missing key %q", k)
	return e
}

// JSONDoc parses a document captured as a JSON string (an IAM or key policy).
func JSONDoc(t testing.TB, v property.Value) map[string]any {
	t.Helper()
	require.True(t, v.IsString(), "policy is %v", v)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(v.AsString()), &doc))
	return doc
}
