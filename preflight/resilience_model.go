package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// resilient is one stateful component of the model. estimate returns false when the
// disruption cannot touch the component (a pod lost, for RDS).
type resilient interface {
	public() ResilienceComponent
	estimate(m *resilienceModel, disruption string) (ResilienceEstimate, bool)
	availability(m *resilienceModel) (float64, string)
}

// resilienceModel is what every estimate shares: the report, the constants, and the
// plan-wide facts (node AZs, paging, the region rebuild).
type resilienceModel struct {
	r    *Report
	t    *Timings
	c    *resilienceData
	home string // the stack's region
	// regions maps explicit AWS providers to their regions.
	regions map[string]string
	byURN   map[string]*Resource
	// nodeZones are the AZs of the subnets the EKS node groups use.
	nodeZones []string
	// detect is how long a bad release takes to page someone; detectBasis says how.
	detect      Figure
	detectBasis string
	region      RegionRebuild
}

func newResilienceModel(r *Report, t *Timings, c *resilienceData) *resilienceModel {
	m := &resilienceModel{r: r, t: t, c: c, home: r.Config["aws:region"], regions: providerRegions(r), byURN: map[string]*Resource{}}
	for i := range r.Resources {
		m.byURN[r.Resources[i].URN] = &r.Resources[i]
	}
	m.nodeZones = m.nodeGroupZones()
	m.detect, m.detectBasis = m.paging()
	m.region = m.regionRebuild()
	return m
}

// components lists the stateful components the plan has, in report order: the data
// tier (system of record first, derived data last), the workloads, the edge.
func (m *resilienceModel) components() []resilient {
	var out, derived []resilient
	for i := range m.r.Resources {
		res := &m.r.Resources[i]
		if res.Type == tokens.RDSInstance && !isSet(res.Inputs["replicateSourceDb"]) { // a read replica is not the system of record
			out = append(out, &postgres{res: res})
		}
	}
	for i := range m.r.Resources {
		if res := &m.r.Resources[i]; res.Type == tokens.ElastiCacheReplicationGroup {
			if g := newRedis(res); g.derived {
				derived = append(derived, g)
			} else {
				out = append(out, g)
			}
		}
	}
	out = append(append(out, derived...), m.workloads()...)
	out = append(out, m.frontends()...)
	if s := m.secrets(); s != nil {
		out = append(out, s)
	}
	return out
}

// region returns the AWS region a resource lives in.
func (m *resilienceModel) regionOf(res *Resource) string {
	if p, ok := m.regions[res.Provider]; ok {
		return p
	}
	return m.home
}

// dependsOn reports whether res waits for urn, through any input or dependsOn.
func dependsOn(res *Resource, urn string) bool {
	if slices.Contains(res.Dependencies, urn) {
		return true
	}
	for _, deps := range res.PropertyDependencies {
		if slices.Contains(deps, urn) {
			return true
		}
	}
	return false
}

// nodeGroupZones are the distinct AZs of the subnets the node groups depend on.
func (m *resilienceModel) nodeGroupZones() []string {
	var zones []string
	for _, ng := range m.r.Resources {
		if ng.Type != tokens.EKSNodeGroup {
			continue
		}
		for _, dep := range ng.Dependencies {
			sn := m.byURN[dep]
			if sn == nil || sn.Type != tokens.EC2Subnet {
				continue
			}
			if az, ok := sn.Inputs["availabilityZone"].(string); ok && !slices.Contains(zones, az) {
				zones = append(zones, az)
			}
		}
	}
	slices.Sort(zones)
	return zones
}

// estimate builds an estimate, recording the constants it used.
func est(rto, rpo Figure, basis string, constants ...string) (ResilienceEstimate, bool) {
	return ResilienceEstimate{RTO: rto, RPO: rpo, Basis: basis, Constants: constants}, true
}

// Plain-value helpers over the report's JSON inputs.

// isSet: present and not empty ("[unknown]" is set: to a value computed at apply).
func isSet(v any) bool { return v != nil && v != "" }

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// number reads a JSON number (or an integer-valued string), with a fallback.
func number(v any, fallback float64) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case string:
		var f float64
		if _, err := fmt.Sscanf(strings.TrimSpace(x), "%g", &f); err == nil {
			return f
		}
	}
	return fallback
}

func boolean(v any) bool { b, _ := v.(bool); return b }

func at(m map[string]any, p string) any {
	v, _ := lookupPlain(m, p)
	return v
}
