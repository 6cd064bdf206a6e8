package preflight

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// JSONFormat is the stable machine-readable report (docs/preflight.md). One stack
// renders as a Report object; several as {"schemaVersion", "stacks": [Report...],
// "parity", "notes"}.
type JSONFormat struct{}

// Name implements Format.
func (JSONFormat) Name() string { return "json" }

// multiDoc is the JSON shape of several stacks.
type multiDoc struct {
	SchemaVersion int       `json:"schemaVersion"`
	Stacks        []*Report `json:"stacks"`
	Parity        *Parity   `json:"parity,omitempty"`
	Notes         []string  `json:"notes,omitempty"`
}

// Write implements Format.
func (JSONFormat) Write(w io.Writer, d *Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if len(d.Reports) == 1 && d.Parity == nil {
		r := *d.Reports[0]
		r.Notes = append(append([]string(nil), r.Notes...), d.Notes...)
		return enc.Encode(&r)
	}
	return enc.Encode(multiDoc{SchemaVersion: SchemaVersion, Stacks: d.Reports, Parity: d.Parity, Notes: d.Notes})
}

// ReadJSON parses a saved JSON report (one stack or several) and returns the reports
// by stack name.
func ReadJSON(data []byte) (map[string]*Report, error) {
	var probe struct {
		SchemaVersion *int            `json:"schemaVersion"`
		Stack         string          `json:"stack"`
		Stacks        json.RawMessage `json:"stacks"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a preflight JSON report: %w", err)
	}
	if probe.SchemaVersion == nil {
		return nil, fmt.Errorf("not a preflight JSON report: no schemaVersion")
	}
	if *probe.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("report schemaVersion %d is newer than this preflight understands (%d)", *probe.SchemaVersion, SchemaVersion)
	}
	out := map[string]*Report{}
	dec := func(raw []byte) (*Report, error) {
		var r Report
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		return &r, nil
	}
	if len(probe.Stacks) > 0 {
		var m multiDoc
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("not a preflight JSON report: %w", err)
		}
		for _, r := range m.Stacks {
			out[r.Stack] = r
		}
		return out, nil
	}
	r, err := dec(data)
	if err != nil {
		return nil, fmt.Errorf("not a preflight JSON report: %w", err)
	}
	if r.Stack == "" {
		return nil, fmt.Errorf("not a preflight JSON report: no stack")
	}
	out[r.Stack] = r
	return out, nil
}

// ReadJSONFile reads a saved report from a file.
func ReadJSONFile(path string) (map[string]*Report, error) {
	data, err := os.ReadFile(path) //nolint:gosec // the operator names the file
	if err != nil {
		return nil, err
	}
	rs, err := ReadJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rs, nil
}
