package rules

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
)

// ParamType is the JSON type a rule parameter accepts from the policy config.
type ParamType string

// Parameter types.
const (
	ParamString     ParamType = "string"
	ParamNumber     ParamType = "number"
	ParamInteger    ParamType = "integer"
	ParamBool       ParamType = "boolean"
	ParamStringList ParamType = "stringList" // JSON array of strings
	ParamNumberList ParamType = "numberList" // JSON array of numbers
	ParamNumberMap  ParamType = "numberMap"  // JSON object of numbers
)

// ParamSpec declares one rule parameter.
type ParamSpec struct {
	Name        string
	Type        ParamType
	Description string
	// Default applies on every stack without an entry in StackDefaults. nil with
	// Optional set means "unset unless configured".
	Default any
	// StackDefaults overrides Default per stack name ("staging", "prod", "dr"). A stack
	// name outside the catalogue uses the "prod" entry.
	StackDefaults map[string]any
	// Optional parameters may stay unset; the rule checks Params.Has.
	Optional bool
}

// defaultFor returns the default for a stack, falling back to prod then Default.
func (s ParamSpec) defaultFor(stack string) any {
	if v, ok := s.StackDefaults[stack]; ok {
		return v
	}
	if !slices.Contains(Stacks, stack) {
		if v, ok := s.StackDefaults[StackProd]; ok {
			return v
		}
	}
	return s.Default
}

// Params are a rule's resolved parameter values (defaults for the stack plus config
// overrides), already converted to Go types: string, float64, bool, []string,
// map[string]float64.
type Params struct {
	vals map[string]any
}

// NewParams resolves the parameters of rule for a stack: defaults, then overrides
// (raw JSON-decoded values keyed by parameter name). It returns an error naming the rule,
// the parameter, the bad value and the expected type.
func NewParams(rule Rule, stack string, overrides map[string]any) (Params, error) {
	p := Params{vals: map[string]any{}}
	for _, spec := range rule.Params {
		if d := spec.defaultFor(stack); d != nil {
			v, err := convertParam(spec, d)
			if err != nil {
				return Params{}, fmt.Errorf("rule %s: default of %q is bad (please report): %w", rule.ID, spec.Name, err)
			}
			p.vals[spec.Name] = v
		}
	}
	keys := slices.Sorted(maps.Keys(overrides))
	for _, k := range keys {
		spec, ok := rule.param(k)
		if !ok {
			return Params{}, fmt.Errorf("rule %s: unknown parameter %q (known: %v)", rule.ID, k, rule.paramNames())
		}
		v, err := convertParam(spec, overrides[k])
		if err != nil {
			return Params{}, fmt.Errorf("rule %s: parameter %q: %w", rule.ID, k, err)
		}
		p.vals[k] = v
	}
	return p, nil
}

// Has reports whether a parameter has a value (default or configured).
func (p Params) Has(name string) bool { _, ok := p.vals[name]; return ok }

// String returns a string parameter ("" when unset).
func (p Params) String(name string) string { s, _ := p.vals[name].(string); return s }

// Number returns a number parameter (0 when unset).
func (p Params) Number(name string) float64 { f, _ := p.vals[name].(float64); return f }

// Int returns an integer parameter (0 when unset).
func (p Params) Int(name string) int { return int(p.Number(name)) }

// Bool returns a boolean parameter (false when unset).
func (p Params) Bool(name string) bool { b, _ := p.vals[name].(bool); return b }

// StringList returns a list parameter (nil when unset).
func (p Params) StringList(name string) []string { l, _ := p.vals[name].([]string); return l }

// NumberList returns a number list parameter (nil when unset).
func (p Params) NumberList(name string) []float64 { l, _ := p.vals[name].([]float64); return l }

// NumberMap returns a map parameter (nil when unset).
func (p Params) NumberMap(name string) map[string]float64 {
	m, _ := p.vals[name].(map[string]float64)
	return m
}

func convertParam(spec ParamSpec, raw any) (any, error) {
	bad := func() error {
		return fmt.Errorf("value %s is not of type %s", renderAny(raw), spec.Type)
	}
	switch spec.Type {
	case ParamString:
		s, ok := raw.(string)
		if !ok {
			return nil, bad()
		}
		return s, nil
	case ParamBool:
		b, ok := raw.(bool)
		if !ok {
			return nil, bad()
		}
		return b, nil
	case ParamNumber, ParamInteger:
		f, ok := toFloat(raw)
		if !ok || (spec.Type == ParamInteger && f != math.Trunc(f)) {
			return nil, bad()
		}
		return f, nil
	case ParamStringList:
		switch l := raw.(type) {
		case []string:
			return slices.Clone(l), nil
		case []any:
			out := make([]string, 0, len(l))
			for _, e := range l {
				s, ok := e.(string)
				if !ok {
					return nil, bad()
				}
				out = append(out, s)
			}
			return out, nil
		}
		return nil, bad()
	case ParamNumberList:
		switch l := raw.(type) {
		case []float64:
			return slices.Clone(l), nil
		case []int:
			out := make([]float64, 0, len(l))
			for _, e := range l {
				out = append(out, float64(e))
			}
			return out, nil
		case []any:
			out := make([]float64, 0, len(l))
			for _, e := range l {
				f, ok := toFloat(e)
				if !ok {
					return nil, bad()
				}
				out = append(out, f)
			}
			return out, nil
		}
		return nil, bad()
	case ParamNumberMap:
		switch m := raw.(type) {
		case map[string]float64:
			return maps.Clone(m), nil
		case map[string]any:
			out := make(map[string]float64, len(m))
			for k, e := range m {
				f, ok := toFloat(e)
				if !ok {
					return nil, bad()
				}
				out[k] = f
			}
			return out, nil
		}
		return nil, bad()
	}
	return nil, fmt.Errorf("unsupported parameter type %q (please report)", spec.Type)
}

func toFloat(raw any) (float64, bool) {
	switch n := raw.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func renderAny(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return fmt.Sprintf("object with keys %v", keys)
	}
	return fmt.Sprintf("%v", v)
}
