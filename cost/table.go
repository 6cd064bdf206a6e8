package cost

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

//go:embed prices.json
var pricesJSON []byte

// Price is one entry of the price table.
type Price struct {
	Key string `json:"key"`
	// Price in USD per Unit; nil when no citable source was found (resources that need
	// it are Unknown).
	Price *float64 `json:"price"`
	Unit  string   `json:"unit"`
	// Source is the URL the number was read from ("" when Price is nil).
	Source string `json:"source"`
	Note   string `json:"note"`
}

// assumptionEntry is one usage assumption of prices.json: a default value, optional
// per-stack values, and why it is plausible.
type assumptionEntry struct {
	Key     string         `json:"key"`
	Value   any            `json:"value"`
	ByStack map[string]any `json:"byStack"`
	Unit    string         `json:"unit"`
	Why     string         `json:"why"`
}

// Table is the embedded, dated price table.
type Table struct {
	Region    string
	Currency  string
	Collected string // date the prices were collected, YYYY-MM-DD
	prices    map[string]Price
	order     []string
	assume    []assumptionEntry
}

type tableFile struct {
	Region      string            `json:"region"`
	Currency    string            `json:"currency"`
	Collected   string            `json:"collected"`
	About       string            `json:"about"`
	Items       []Price           `json:"items"`
	Assumptions []assumptionEntry `json:"assumptions"`
}

// Load parses the embedded price table and checks that it is well formed: unique keys,
// a unit on every item, a source URL on every priced item, a justification on every
// assumption.
func Load() (*Table, error) {
	return parseTable(pricesJSON)
}

func parseTable(data []byte) (*Table, error) {
	var f tableFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("cost: prices.json: %w", err)
	}
	if f.Region == "" || f.Currency != "USD" || len(f.Collected) != len("2006-01-02") {
		return nil, fmt.Errorf("cost: prices.json: region %q, currency %q, collected %q: want a region, USD and a YYYY-MM-DD date",
			f.Region, f.Currency, f.Collected)
	}
	t := &Table{Region: f.Region, Currency: f.Currency, Collected: f.Collected,
		prices: map[string]Price{}, assume: f.Assumptions}
	for _, p := range f.Items {
		switch {
		case p.Key == "":
			return nil, fmt.Errorf("cost: prices.json: an item has no key")
		case t.prices[p.Key].Key != "":
			return nil, fmt.Errorf("cost: prices.json: item %q appears twice", p.Key)
		case p.Unit == "":
			return nil, fmt.Errorf("cost: prices.json: item %q has no unit", p.Key)
		case p.Price != nil && !isURL(p.Source):
			return nil, fmt.Errorf("cost: prices.json: item %q has price %v but source %q is not a URL", p.Key, *p.Price, p.Source)
		case p.Price != nil && *p.Price < 0:
			return nil, fmt.Errorf("cost: prices.json: item %q has negative price %v", p.Key, *p.Price)
		case p.Price == nil && p.Note == "":
			return nil, fmt.Errorf("cost: prices.json: item %q has no price and no note saying why", p.Key)
		}
		t.prices[p.Key] = p
		t.order = append(t.order, p.Key)
	}
	seen := map[string]bool{}
	for _, a := range f.Assumptions {
		if a.Key == "" || a.Why == "" || a.Unit == "" || seen[a.Key] {
			return nil, fmt.Errorf("cost: prices.json: assumption %q needs a unique key, a unit and a justification", a.Key)
		}
		seen[a.Key] = true
	}
	if _, err := t.assumptionsFor(""); err != nil {
		return nil, err
	}
	return t, nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// Price returns the table entry for key and whether the key exists.
func (t *Table) Price(key string) (Price, bool) {
	p, ok := t.prices[key]
	return p, ok
}

// Keys returns every price key in file order.
func (t *Table) Keys() []string { return append([]string(nil), t.order...) }
