package lifecycle

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Products of the table.
const (
	EKS             = "eks"               // Kubernetes minors on EKS ("1.35")
	RDSPostgres     = "rds-postgres"      // RDS for PostgreSQL majors ("16") and minors ("16.10")
	ElastiCache     = "elasticache-redis" // ElastiCache for Redis OSS versions ("7.1")
	EKSAddon        = "eks-addon"         // EKS add-on builds; Name is the add-on
	HelmChart       = "helm-chart"        // Helm charts; Name is the chart
	dateLayout      = "2006-01-02"
	RunDateVariable = "PLATFORM_RUN_DATE" // YYYY-MM-DD; overrides Today
)

//go:embed lifecycle.json
var raw []byte

// Entry is one row: a version of a product and its support dates. Dates are
// YYYY-MM-DD; an empty EndOfStandardSupport means the vendor publishes no end (yet).
type Entry struct {
	Product              string   `json:"product"`
	Name                 string   `json:"name,omitempty"`
	Version              string   `json:"version"`
	Released             string   `json:"released,omitempty"`
	EndOfStandardSupport string   `json:"endOfStandardSupport,omitempty"`
	EndOfExtendedSupport string   `json:"endOfExtendedSupport,omitempty"`
	Kubernetes           []string `json:"kubernetes,omitempty"` // minors an add-on build or chart supports
	Source               string   `json:"source"`
	Note                 string   `json:"note,omitempty"`
}

// Table is the parsed lifecycle.json.
type Table struct {
	Collected string  `json:"collected"`
	WarnDays  int     `json:"warnDays"`
	Entries   []Entry `json:"entries"`
}

var (
	once   sync.Once
	loaded *Table
	errLd  error
)

// Load returns the embedded table, validated once.
func Load() (*Table, error) {
	once.Do(func() {
		var t Table
		if err := json.Unmarshal(raw, &t); err != nil {
			errLd = fmt.Errorf("lifecycle.json: %w", err)
			return
		}
		if err := t.validate(); err != nil {
			errLd = fmt.Errorf("lifecycle.json: %w", err)
			return
		}
		loaded = &t
	})
	return loaded, errLd
}

// MustLoad is Load for callers whose tests prove the embedded file valid.
func MustLoad() *Table {
	t, err := Load()
	if err != nil {
		panic(err)
	}
	return t
}

func (t *Table) validate() error {
	if _, err := time.Parse(dateLayout, t.Collected); err != nil {
		return fmt.Errorf("collected %q is not YYYY-MM-DD", t.Collected)
	}
	if t.WarnDays <= 0 {
		return fmt.Errorf("warnDays %d must be positive", t.WarnDays)
	}
	seen := map[string]bool{}
	for i, e := range t.Entries {
		where := fmt.Sprintf("entries[%d] (%s %s %s)", i, e.Product, e.Name, e.Version)
		switch e.Product {
		case EKS, RDSPostgres, ElastiCache, EKSAddon, HelmChart:
		default:
			return fmt.Errorf("%s: unknown product %q", where, e.Product)
		}
		if e.Version == "" || e.Source == "" || !strings.HasPrefix(e.Source, "https://") {
			return fmt.Errorf("%s: version and an https source are required", where)
		}
		if (e.Product == EKSAddon || e.Product == HelmChart) != (e.Name != "") {
			return fmt.Errorf("%s: name is required for add-ons and charts and only for them", where)
		}
		for _, d := range []string{e.Released, e.EndOfStandardSupport, e.EndOfExtendedSupport} {
			if _, err := time.Parse(dateLayout, d); d != "" && err != nil {
				return fmt.Errorf("%s: date %q is not YYYY-MM-DD", where, d)
			}
		}
		if e.Product == EKS && (e.EndOfStandardSupport == "" || e.EndOfExtendedSupport == "") {
			return fmt.Errorf("%s: EKS minors have published standard and extended support ends", where)
		}
		key := e.Product + "/" + e.Name + "/" + e.Version
		if seen[key] {
			return fmt.Errorf("%s: listed twice", where)
		}
		seen[key] = true
	}
	return nil
}

// Find returns the entry of a product version (name is "" except for add-ons and charts).
func (t *Table) Find(product, name, version string) (Entry, bool) {
	for _, e := range t.Entries {
		if e.Product == product && e.Name == name && e.Version == version {
			return e, true
		}
	}
	return Entry{}, false
}

// Versions lists the versions of a product (and name) in table order.
func (t *Table) Versions(product, name string) []Entry {
	var out []Entry
	for _, e := range t.Entries {
		if e.Product == product && e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// Supports reports whether an add-on build or chart lists a Kubernetes minor.
func (e Entry) Supports(kubernetesMinor string) bool {
	return slices.Contains(e.Kubernetes, kubernetesMinor)
}

// Today is the run date: PLATFORM_RUN_DATE when set (YYYY-MM-DD), else the UTC date.
func Today() (time.Time, error) {
	if v := os.Getenv(RunDateVariable); v != "" {
		d, err := ParseDate(v)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s=%q: %w", RunDateVariable, v, err)
		}
		return d, nil
	}
	now := time.Now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), nil
}

// ParseDate reads YYYY-MM-DD as a UTC day.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want a date like 2026-12-03")
	}
	return d, nil
}

// FormatDate writes a day as YYYY-MM-DD.
func FormatDate(d time.Time) string { return d.Format(dateLayout) }
