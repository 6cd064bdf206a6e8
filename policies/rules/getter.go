package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// State is what a getter knows about a value.
type State int

// The three states: a value that is absent (or null), one that is computed and so not
// known during a preview, and one that is known.
const (
	Missing State = iota
	Unknown
	Known
)

func (s State) String() string {
	switch s {
	case Unknown:
		return "unknown"
	case Known:
		return "known"
	default:
		return "missing"
	}
}

// Value is the result of Get: a property value with its state and whether any part of
// the path to it was secret. Printing a Value with fmt never shows a secret.
type Value struct {
	state  State
	v      property.Value
	secret bool
}

// Get reads path ("a.b[0].c", `labels["app.kubernetes.io/name"]`) from m. A computed value
// anywhere on the path yields Unknown; an absent key, a null, an index out of range or a
// path that runs into a scalar yields Missing.
func Get(m property.Map, path string) Value {
	return valueOf(property.New(m)).Get(path)
}

func valueOf(v property.Value) Value {
	switch {
	case v.IsComputed():
		return Value{state: Unknown, secret: v.Secret()}
	case v.IsNull():
		return Value{state: Missing, secret: v.Secret()}
	}
	return Value{state: Known, v: v, secret: v.Secret()}
}

// Get reads a sub-path of v.
func (v Value) Get(path string) Value {
	segs, err := parsePath(path)
	if err != nil {
		return Value{state: Missing}
	}
	cur := v
	for _, s := range segs {
		if cur.state != Known {
			return cur
		}
		var next property.Value
		switch {
		case s.isIndex && cur.v.IsArray():
			a := cur.v.AsArray()
			if s.index >= a.Len() {
				return Value{state: Missing, secret: cur.secret}
			}
			next = a.Get(s.index)
		case !s.isIndex && cur.v.IsMap():
			next = cur.v.AsMap().Get(s.key)
		default:
			return Value{state: Missing, secret: cur.secret}
		}
		nv := valueOf(next)
		nv.secret = nv.secret || cur.secret
		cur = nv
	}
	return cur
}

// State reports Missing, Unknown or Known.
func (v Value) State() State { return v.state }

// IsKnown, IsUnknown and IsMissing test the state.
func (v Value) IsKnown() bool   { return v.state == Known }
func (v Value) IsUnknown() bool { return v.state == Unknown }
func (v Value) IsMissing() bool { return v.state == Missing }

// Secret reports whether the value, any part of it, or any container on its path is
// secret.
func (v Value) Secret() bool { return v.secret || v.v.HasSecrets() }

// Raw returns the underlying property value (null unless Known).
func (v Value) Raw() property.Value { return v.v }

// Complete reports a known value with no computed part nested inside it.
func (v Value) Complete() bool { return v.state == Known && !v.v.HasComputed() }

// String returns a known string.
func (v Value) String() (string, bool) {
	if v.state != Known || !v.v.IsString() {
		return "", false
	}
	return v.v.AsString(), true
}

// Bool returns a known bool. The strings "true" and "false" count as bools because some
// AWS inputs (launch template EBS `encrypted`) are typed as strings.
func (v Value) Bool() (bool, bool) {
	if v.state != Known {
		return false, false
	}
	if v.v.IsBool() {
		return v.v.AsBool(), true
	}
	if v.v.IsString() {
		b, err := strconv.ParseBool(v.v.AsString())
		return b, err == nil
	}
	return false, false
}

// Number returns a known number. Numeric strings count (parameter group values are
// strings).
func (v Value) Number() (float64, bool) {
	if v.state != Known {
		return 0, false
	}
	if v.v.IsNumber() {
		return v.v.AsNumber(), true
	}
	if v.v.IsString() {
		f, err := strconv.ParseFloat(strings.TrimSpace(v.v.AsString()), 64)
		return f, err == nil
	}
	return 0, false
}

// Map returns a known map (it may still contain unknowns).
func (v Value) Map() (property.Map, bool) {
	if v.state != Known || !v.v.IsMap() {
		return property.Map{}, false
	}
	return v.v.AsMap(), true
}

// Array returns the elements of a known array, each as a Value that inherits secrecy.
func (v Value) Array() ([]Value, bool) {
	if v.state != Known || !v.v.IsArray() {
		return nil, false
	}
	var out []Value
	for _, e := range v.v.AsArray().AsSlice() {
		ev := valueOf(e)
		ev.secret = ev.secret || v.secret
		out = append(out, ev)
	}
	return out, true
}

// StringList returns a list of strings. The state is Missing for an absent list, Unknown
// if the list or any element is computed, Known otherwise; a lone string counts as a
// one-element list (IAM's Action/Resource shape). Non-string elements are skipped.
func (v Value) StringList() ([]string, State) {
	if v.state != Known {
		return nil, v.state
	}
	if s, ok := v.String(); ok {
		return []string{s}, Known
	}
	elems, ok := v.Array()
	if !ok {
		return nil, Missing
	}
	out := []string{}
	for _, e := range elems {
		if e.IsUnknown() {
			return out, Unknown
		}
		if s, ok := e.String(); ok {
			out = append(out, s)
		}
	}
	return out, Known
}

// Display renders the value for a message: "[secret]" for anything secret, "<unknown>",
// "<not set>", or a compact form of the value.
func (v Value) Display() string {
	if v.Secret() {
		return "[secret]"
	}
	switch v.state {
	case Unknown:
		return "<unknown>"
	case Missing:
		return "<not set>"
	}
	return render(v.v)
}

// Format makes fmt print Display, so a Value can never leak a secret through %v.
func (v Value) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(v.Display())) }

func render(v property.Value) string {
	switch {
	case v.IsComputed():
		return "<unknown>"
	case v.IsNull():
		return "null"
	case v.IsString():
		return strconv.Quote(v.AsString())
	case v.IsBool():
		return strconv.FormatBool(v.AsBool())
	case v.IsNumber():
		return strconv.FormatFloat(v.AsNumber(), 'f', -1, 64)
	case v.IsArray():
		parts := []string{}
		for _, e := range v.AsArray().AsSlice() {
			parts = append(parts, render(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case v.IsMap():
		parts := []string{}
		for k, e := range v.AsMap().AllStable {
			parts = append(parts, k+": "+render(e))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "<value>"
}

type pathSeg struct {
	key     string
	index   int
	isIndex bool
}

// parsePath splits "a.b[0].c" and `a["x.y"]` into segments.
func parsePath(path string) ([]pathSeg, error) {
	var segs []pathSeg
	i := 0
	for i < len(path) {
		switch path[i] {
		case '.':
			i++
		case '[':
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed [ in %q", path)
			}
			inner := path[i+1 : i+end]
			if uq, err := strconv.Unquote(inner); err == nil {
				segs = append(segs, pathSeg{key: uq})
			} else {
				n, err := strconv.Atoi(inner)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("bad index %q in %q", inner, path)
				}
				segs = append(segs, pathSeg{index: n, isIndex: true})
			}
			i += end + 1
		default:
			j := i
			for j < len(path) && path[j] != '.' && path[j] != '[' {
				j++
			}
			segs = append(segs, pathSeg{key: path[i:j]})
			i = j
		}
	}
	return segs, nil
}

// toGo converts a property value to plain Go values (map[string]any, []any, string,
// float64, bool, nil) for JSON round trips. Secrets are unwrapped; computed values become
// nil and are reported through the returned flag.
func toGo(v property.Value) (any, bool) {
	switch {
	case v.IsComputed():
		return nil, true
	case v.IsNull():
		return nil, false
	case v.IsString():
		return v.AsString(), false
	case v.IsBool():
		return v.AsBool(), false
	case v.IsNumber():
		return v.AsNumber(), false
	case v.IsArray():
		out := []any{}
		unknown := false
		for _, e := range v.AsArray().AsSlice() {
			g, u := toGo(e)
			unknown = unknown || u
			if !e.IsComputed() {
				out = append(out, g)
			}
		}
		return out, unknown
	case v.IsMap():
		out := map[string]any{}
		unknown := false
		for k, e := range v.AsMap().All {
			g, u := toGo(e)
			unknown = unknown || u
			if !e.IsComputed() {
				out[k] = g
			}
		}
		return out, unknown
	case v.IsResourceReference():
		if id, ok := v.AsResourceReference().IDString(); ok {
			return id, false
		}
		return nil, true
	}
	return nil, false
}
