package instanceclass

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

//go:embed classes.json
var classesJSON []byte

// Source is where a group of facts was read, and when.
type Source struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Collected string `json:"collected"` // YYYY-MM-DD
	Note      string `json:"note"`
}

// RDS is one DB instance class.
type RDS struct {
	Class     string  `json:"class"`
	VCPU      int     `json:"vcpu"`
	MemoryGiB float64 `json:"memoryGiB"`
	// PerformanceInsights: RDS for PostgreSQL runs Performance Insights on the class.
	PerformanceInsights       bool   `json:"performanceInsights"`
	Source                    string `json:"source"`
	PerformanceInsightsSource string `json:"performanceInsightsSource"`
}

// MaxConnectionsFormula are the inputs of RDS for PostgreSQL's default
// max_connections = LEAST({DBInstanceClassMemory/BytesPerConnection}, Cap).
type MaxConnectionsFormula struct {
	BytesPerConnection float64 `json:"bytesPerConnection"`
	Cap                int     `json:"cap"`
	Source             string  `json:"source"`
	// UsableMemoryPercent models DBInstanceClassMemory as a share of the nominal memory
	// (an assumption: AWS does not publish the reserve; UsableMemoryWhy says why 90).
	UsableMemoryPercent float64 `json:"usableMemoryPercent"`
	UsableMemoryWhy     string  `json:"usableMemoryWhy"`
}

// Choices are the classes an environment may choose, all of them priced.
type Choices struct {
	RDS   []string `json:"rds"`
	Cache []string `json:"cache"`
	Nodes []string `json:"nodes"`
	Why   string   `json:"why"`
}

type file struct {
	About               string                `json:"about"`
	Sources             []Source              `json:"sources"`
	MaxConnections      MaxConnectionsFormula `json:"maxConnections"`
	PerformanceInsights struct {
		FreeRetentionDays int    `json:"freeRetentionDays"`
		Source            string `json:"source"`
	} `json:"performanceInsights"`
	RDS     []RDS              `json:"rds"`
	Choices map[string]Choices `json:"choices"`
}

// facts parses the embedded table once; parse failures are a broken build (the package
// tests parse it), so they panic.
var facts = sync.OnceValue(func() *file {
	f, err := parse(classesJSON)
	if err != nil {
		panic(err)
	}
	return f
})

func parse(data []byte) (*file, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("instanceclass: classes.json: %w", err)
	}
	var errs []string
	sources := map[string]bool{}
	for _, s := range f.Sources {
		if _, err := time.Parse(time.DateOnly, s.Collected); err != nil || !strings.HasPrefix(s.URL, "https://") || sources[s.ID] {
			errs = append(errs, fmt.Sprintf("source %q needs a unique id, an https URL and a YYYY-MM-DD collection date", s.ID))
		}
		sources[s.ID] = true
	}
	cited := func(what, id string) {
		if !sources[id] {
			errs = append(errs, fmt.Sprintf("%s cites unknown source %q", what, id))
		}
	}
	m := f.MaxConnections
	if m.BytesPerConnection <= 0 || m.Cap <= 0 || m.UsableMemoryPercent <= 0 || m.UsableMemoryPercent > 100 || m.UsableMemoryWhy == "" {
		errs = append(errs, "maxConnections needs bytesPerConnection, cap, usableMemoryPercent in (0, 100] and why")
	}
	cited("maxConnections", m.Source)
	if f.PerformanceInsights.FreeRetentionDays <= 0 {
		errs = append(errs, "performanceInsights.freeRetentionDays must be positive")
	}
	cited("performanceInsights", f.PerformanceInsights.Source)
	known := map[string]bool{}
	for _, c := range f.RDS {
		if known[c.Class] || !strings.HasPrefix(c.Class, "db.") || c.VCPU <= 0 || c.MemoryGiB <= 0 {
			errs = append(errs, fmt.Sprintf("rds class %q needs a unique db.* name, vCPUs and memory", c.Class))
		}
		known[c.Class] = true
		cited(c.Class, c.Source)
		cited(c.Class+" Performance Insights", c.PerformanceInsightsSource)
	}
	for env, ch := range f.Choices {
		for _, c := range ch.RDS {
			if !known[c] {
				errs = append(errs, fmt.Sprintf("choices.%s.rds: %s is not in the rds table (its memory is needed for max_connections)", env, c))
			}
		}
		if len(ch.RDS) == 0 || len(ch.Cache) == 0 || len(ch.Nodes) == 0 || ch.Why == "" {
			errs = append(errs, fmt.Sprintf("choices.%s needs rds, cache and nodes classes and a why", env))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("instanceclass: classes.json: %s", strings.Join(errs, "; "))
	}
	return &f, nil
}

// RDSClass returns the facts of one DB instance class.
func RDSClass(class string) (RDS, bool) {
	for _, c := range facts().RDS {
		if c.Class == class {
			return c, true
		}
	}
	return RDS{}, false
}

// RDSClasses lists the DB instance classes the table knows, sorted.
func RDSClasses() []string {
	out := make([]string, 0, len(facts().RDS))
	for _, c := range facts().RDS {
		out = append(out, c.Class)
	}
	slices.Sort(out)
	return out
}

// RDSMemoryGiB maps every known DB instance class to its memory.
func RDSMemoryGiB() map[string]float64 {
	out := map[string]float64{}
	for _, c := range facts().RDS {
		out[c.Class] = c.MemoryGiB
	}
	return out
}

// Formula returns the inputs of the default max_connections.
func Formula() MaxConnectionsFormula { return facts().MaxConnections }

// DefaultMaxConnections is LEAST({DBInstanceClassMemory/BytesPerConnection}, Cap) with
// DBInstanceClassMemory = usablePercent of memoryGiB.
func DefaultMaxConnections(memoryGiB, usablePercent float64) int {
	f := Formula()
	usable := memoryGiB * (1 << 30) * usablePercent / 100
	return min(int(math.Floor(usable/f.BytesPerConnection)), f.Cap)
}

// MaxConnections is the default max_connections of a DB instance class, modelled with
// Formula().UsableMemoryPercent. Examples: db.t4g.medium 405, db.m6g.large 811,
// db.r6g.large 1622; 64 GiB and up the cap, 5000.
func MaxConnections(class string) (int, error) {
	c, ok := RDSClass(class)
	if !ok {
		return 0, fmt.Errorf("instance class %q has no known memory size (supported: %s)", class, strings.Join(RDSClasses(), ", "))
	}
	return DefaultMaxConnections(c.MemoryGiB, Formula().UsableMemoryPercent), nil
}

// PerformanceInsightsFreeRetentionDays is the retention Performance Insights keeps at no
// charge (also its default).
func PerformanceInsightsFreeRetentionDays() int { return facts().PerformanceInsights.FreeRetentionDays }

// ChoicesFor returns the classes an environment (staging, prod, dr) may choose.
func ChoicesFor(environment string) (Choices, bool) {
	c, ok := facts().Choices[environment]
	return c, ok
}

// Environments lists the environments that have choices, sorted.
func Environments() []string {
	out := make([]string, 0, len(facts().Choices))
	for env := range facts().Choices {
		out = append(out, env)
	}
	slices.Sort(out)
	return out
}
