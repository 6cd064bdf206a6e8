package preflight

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

//go:embed provisioning.json
var provisioningJSON []byte

// TimingsSource names the embedded data in reports.
const TimingsSource = "preflight/provisioning.json"

// Timing is the modeled creation time of one resource type, with why it is plausible.
type Timing struct {
	Type    string  `json:"type"`
	Minutes float64 `json:"minutes"`
	Range   string  `json:"range,omitempty"`
	Basis   string  `json:"basis"`
	Source  string  `json:"source,omitempty"`
	// Variants replace Minutes when their condition holds on the resource's inputs; the
	// first match wins (e.g. a Multi-AZ or restored RDS instance).
	Variants []Variant `json:"variants,omitempty"`
}

// Variant is a conditional creation time.
type Variant struct {
	When    Condition `json:"when"`
	Minutes float64   `json:"minutes"`
	Range   string    `json:"range,omitempty"`
	Basis   string    `json:"basis"`
	Source  string    `json:"source,omitempty"`
}

// Condition tests one input path: Set (present and not null) or Equals a JSON value.
type Condition struct {
	Path   string `json:"path"`
	Set    bool   `json:"set,omitempty"`
	Equals any    `json:"equals,omitempty"`
}

// Timings is the parsed provisioning table.
type Timings struct {
	About    string `json:"about"`
	Reviewed string `json:"reviewed"`
	Default  struct {
		Minutes float64 `json:"minutes"`
		Basis   string  `json:"basis"`
	} `json:"default"`
	Types  []Timing `json:"types"`
	byType map[string]*Timing
}

// LoadTimings parses the embedded table and checks that every entry has a basis, and a
// source when it costs time.
func LoadTimings() (*Timings, error) { return parseTimings(provisioningJSON) }

func parseTimings(data []byte) (*Timings, error) {
	var t Timings
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %w", TimingsSource, err)
	}
	if t.Default.Basis == "" || t.Default.Minutes < 0 {
		return nil, fmt.Errorf("%s: the default needs a basis and non-negative minutes", TimingsSource)
	}
	t.byType = make(map[string]*Timing, len(t.Types))
	for i := range t.Types {
		e := &t.Types[i]
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("%s: %w", TimingsSource, err)
		}
		if t.byType[e.Type] != nil {
			return nil, fmt.Errorf("%s: type %s appears twice", TimingsSource, e.Type)
		}
		t.byType[e.Type] = e
	}
	return &t, nil
}

func (e *Timing) check() error {
	switch {
	case e.Type == "":
		return fmt.Errorf("an entry has no type")
	case e.Minutes < 0:
		return fmt.Errorf("%s: negative minutes %v", e.Type, e.Minutes)
	case e.Basis == "":
		return fmt.Errorf("%s: no basis says where %v minutes comes from", e.Type, e.Minutes)
	case e.Minutes > 0.5 && e.Source == "":
		return fmt.Errorf("%s: %v minutes needs a source", e.Type, e.Minutes)
	}
	for _, v := range e.Variants {
		if v.When.Path == "" || (!v.When.Set && v.When.Equals == nil) {
			return fmt.Errorf("%s: a variant needs when.path and when.set or when.equals", e.Type)
		}
		if v.Basis == "" || v.Source == "" || v.Minutes < 0 {
			return fmt.Errorf("%s: variant on %s needs minutes, a basis and a source", e.Type, v.When.Path)
		}
	}
	return nil
}

// Minutes returns the modeled creation time of a resource. Platform components take no
// time of their own (they finish when their children do).
func (t *Timings) Minutes(r *Resource) float64 {
	if strings.HasPrefix(r.Type, "platform:") {
		return 0
	}
	e := t.byType[r.Type]
	if e == nil {
		if !r.Custom {
			return 0 // other components are grouping only
		}
		return t.Default.Minutes
	}
	for _, v := range e.Variants {
		if v.When.holds(r.Inputs) {
			return v.Minutes
		}
	}
	return e.Minutes
}

// Lookup returns the entry for a type, or nil when the default applies.
func (t *Timings) Lookup(typ string) *Timing { return t.byType[typ] }

func (c Condition) holds(inputs map[string]any) bool {
	v, ok := lookupPlain(inputs, c.Path)
	if c.Set {
		return ok && v != nil && v != ""
	}
	return ok && reflect.DeepEqual(v, c.Equals)
}

// lookupPlain walks a dotted path through plain JSON maps.
func lookupPlain(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, seg := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[seg]; !ok {
			return nil, false
		}
	}
	return cur, true
}
