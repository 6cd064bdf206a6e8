package preflight

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

//go:embed resilience.json
var resilienceJSON []byte

// ResilienceSource names the embedded constants in reports.
const ResilienceSource = "preflight/resilience.json"

// ResilienceConstant is one sourced value of the resilience model.
type ResilienceConstant struct {
	ID     string  `json:"id"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"` // minutes | seconds | count | percent
	Range  string  `json:"range,omitempty"`
	Basis  string  `json:"basis"`
	Source string  `json:"source"`
}

// resilienceData is the parsed table; the model reads it only through minutes, count
// and percent, which never miss because parseResilience checks every id they are
// asked for.
type resilienceData struct {
	About     string               `json:"about"`
	Reviewed  string               `json:"reviewed"`
	Constants []ResilienceConstant `json:"constants"`
	byID      map[string]*ResilienceConstant
}

// resilienceIDs are the constants the model uses, by unit.
var resilienceIDs = map[string][]string{
	"minutes": {"rds-multi-az-failover", "rds-multi-az-data-loss", "rds-log-upload-interval", "rds-backup-replication",
		"elasticache-failover", "elasticache-snapshot-interval", "s3-multi-az", "secrets-manager-multi-az",
		"rollback-decision", "restore-cutover", "frontend-redeploy", "secret-version-restore"},
	"seconds": {"elasticache-async-loss", "k8s-node-monitor-grace", "k8s-default-unreachable-toleration", "k8s-pod-startup", "k8s-probe-period",
		"prometheus-evaluation-interval", "alertmanager-group-wait"},
	"count": {"k8s-probe-failure-threshold"},
	"percent": {"sla-rds-multi-az", "sla-rds-single-az", "sla-elasticache-multi-az", "sla-elasticache-single-az",
		"sla-ec2-region", "sla-ec2-instance", "sla-cloudfront", "sla-secrets-manager"},
}

func parseResilience(data []byte) (*resilienceData, error) {
	var d resilienceData
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("%s: %w", ResilienceSource, err)
	}
	d.byID = make(map[string]*ResilienceConstant, len(d.Constants))
	units := []string{"minutes", "seconds", "count", "percent"}
	for i := range d.Constants {
		c := &d.Constants[i]
		switch {
		case c.ID == "":
			return nil, fmt.Errorf("%s: constant %d has no id", ResilienceSource, i)
		case d.byID[c.ID] != nil:
			return nil, fmt.Errorf("%s: %s appears twice", ResilienceSource, c.ID)
		case c.Basis == "" || c.Source == "":
			return nil, fmt.Errorf("%s: %s needs a basis and a source", ResilienceSource, c.ID)
		case !slices.Contains(units, c.Unit):
			return nil, fmt.Errorf("%s: %s has unit %q (allowed: %v)", ResilienceSource, c.ID, c.Unit, units)
		case c.Value < 0 || (c.Unit == "percent" && c.Value > 100):
			return nil, fmt.Errorf("%s: %s has value %v out of range", ResilienceSource, c.ID, c.Value)
		}
		d.byID[c.ID] = c
	}
	for _, unit := range slices.Sorted(maps.Keys(resilienceIDs)) { // the same first error every run
		for _, id := range resilienceIDs[unit] {
			c := d.byID[id]
			if c == nil {
				return nil, fmt.Errorf("%s: the model needs %s (%s), which is missing", ResilienceSource, id, unit)
			}
			if c.Unit != unit {
				return nil, fmt.Errorf("%s: %s must be in %s, not %s", ResilienceSource, id, unit, c.Unit)
			}
		}
	}
	return &d, nil
}

// minutes returns a time constant in minutes (seconds are converted).
func (d *resilienceData) minutes(id string) float64 {
	c := d.get(id, "minutes", "seconds")
	if c.Unit == "seconds" {
		return c.Value / 60
	}
	return c.Value
}

func (d *resilienceData) count(id string) float64   { return d.get(id, "count").Value }
func (d *resilienceData) percent(id string) float64 { return d.get(id, "percent").Value }

// get returns a constant that parseResilience has checked; asking for another one is a
// bug in the model, not a data problem.
func (d *resilienceData) get(id string, units ...string) *ResilienceConstant {
	c := d.byID[id]
	if c == nil || !slices.Contains(units, c.Unit) {
		panic(fmt.Sprintf("preflight: resilience constant %s (%v) is not declared in resilienceIDs; please report", id, units))
	}
	return c
}
