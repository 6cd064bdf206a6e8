package cost

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/plan"
)

// state is the three-state result of reading an input: the models must tell "not set"
// (provider default) from "not known until apply" (preview).
type state int

const (
	missing state = iota
	unknown
	known
)

func read(m property.Map, path string) (property.Value, state) {
	v, ok := plan.Lookup(m, path)
	switch {
	case v.IsComputed():
		return v, unknown
	case !ok || v.IsNull():
		return v, missing
	}
	return v, known
}

// str reads a string input; a non-string value counts as unknown.
func str(r *plan.Resource, path string) (string, state) {
	v, st := read(r.Inputs, path)
	if st != known {
		return "", st
	}
	if !v.IsString() {
		return "", unknown
	}
	return v.AsString(), known
}

// strOr reads a string input, def when it is not set.
func strOr(r *plan.Resource, path, def string) (string, state) {
	s, st := str(r, path)
	if st == missing {
		return def, known
	}
	return s, st
}

// num reads a number input; numeric strings (launch templates send some) count too.
func num(r *plan.Resource, path string) (float64, state) {
	return numIn(r.Inputs, path)
}

func numIn(m property.Map, path string) (float64, state) {
	v, st := read(m, path)
	if st != known {
		return 0, st
	}
	switch {
	case v.IsNumber():
		return v.AsNumber(), known
	case v.IsString():
		if f, ok := parseFloat(v.AsString()); ok {
			return f, known
		}
	}
	return 0, unknown
}

// numOr reads a number input, def when it is not set.
func numOr(r *plan.Resource, path string, def float64) (float64, state) {
	f, st := num(r, path)
	if st == missing {
		return def, known
	}
	return f, st
}

// boolean reads a bool input (or "true"/"false"), def when it is not set.
func boolean(r *plan.Resource, path string, def bool) (bool, state) {
	v, st := read(r.Inputs, path)
	switch {
	case st == missing:
		return def, known
	case st == unknown:
		return false, unknown
	case v.IsBool():
		return v.AsBool(), known
	case v.IsString() && (v.AsString() == "true" || v.AsString() == "false"):
		return v.AsString() == "true", known
	}
	return false, unknown
}

// arr reads an array input.
func arr(r *plan.Resource, path string) ([]property.Value, state) {
	return arrIn(r.Inputs, path)
}

func arrIn(m property.Map, path string) ([]property.Value, state) {
	v, st := read(m, path)
	if st != known {
		return nil, st
	}
	if !v.IsArray() {
		return nil, unknown
	}
	return v.AsArray().AsSlice(), known
}

// annotation reads a Kubernetes annotation (keys contain dots, so no path walk).
func annotation(r *plan.Resource, key string) (string, state) {
	return mapEntry(r.Inputs, "metadata.annotations", key)
}

func mapEntry(m property.Map, path, key string) (string, state) {
	v, st := read(m, path)
	if st != known {
		return "", st
	}
	if !v.IsMap() {
		return "", unknown
	}
	e, ok := v.AsMap().GetOk(key)
	switch {
	case !ok || e.IsNull():
		return "", missing
	case !e.IsString():
		return "", unknown
	}
	return e.AsString(), known
}

// dependsOn returns the resources of type typ an input property was computed from.
func dependsOn(p *plan.Plan, r *plan.Resource, prop, typ string) []*plan.Resource {
	var out []*plan.Resource
	for _, urn := range r.PropertyDependencies[prop] {
		if d := p.Resource(urn); d != nil && d.Type == typ {
			out = append(out, d)
		}
	}
	return out
}

// hasPrefixAny reports whether s starts with one of the prefixes.
func hasPrefixAny(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// hasSuffixAny reports whether s ends with one of the suffixes.
func hasSuffixAny(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
