package plan

import (
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Lookup walks a dotted path with optional indexes ("spec.template.spec.containers[0].image")
// through maps and arrays. Secret wrappers are looked through. It reports false when a
// segment is missing, out of range, or the walk reaches a computed value before the end
// (the value is then returned, so callers can tell unknown from missing with IsComputed).
func Lookup(m property.Map, path string) (property.Value, bool) {
	cur := property.New(m)
	for _, seg := range splitPath(path) {
		if cur.IsComputed() {
			return cur, false
		}
		switch {
		case seg.index >= 0:
			if !cur.IsArray() || seg.index >= cur.AsArray().Len() {
				return property.Value{}, false
			}
			cur = cur.AsArray().Get(seg.index)
		default:
			if !cur.IsMap() {
				return property.Value{}, false
			}
			v, ok := cur.AsMap().GetOk(seg.key)
			if !ok {
				return property.Value{}, false
			}
			cur = v
		}
	}
	return cur, true
}

// Input looks a path up in the resource's inputs; the zero Value (null) when missing.
func (r *Resource) Input(path string) property.Value {
	v, _ := Lookup(r.Inputs, path)
	return v
}

// Output looks a path up in the resource's outputs; the zero Value (null) when missing.
func (r *Resource) Output(path string) property.Value {
	v, _ := Lookup(r.Outputs, path)
	return v
}

type segment struct {
	key   string
	index int
}

func splitPath(path string) []segment {
	var out []segment
	for _, part := range strings.Split(path, ".") {
		for part != "" {
			open := strings.IndexByte(part, '[')
			if open < 0 {
				out = append(out, segment{key: part, index: -1})
				break
			}
			if open > 0 {
				out = append(out, segment{key: part[:open], index: -1})
			}
			end := strings.IndexByte(part[open:], ']')
			if end < 0 {
				out = append(out, segment{key: part[open:], index: -1})
				break
			}
			n, err := strconv.Atoi(part[open+1 : open+end])
			if err != nil {
				out = append(out, segment{key: part[open+1 : open+end], index: -1})
			} else {
				out = append(out, segment{index: n})
			}
			part = part[open+end+1:]
		}
	}
	return out
}
