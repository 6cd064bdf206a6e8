package preflight

import (
	"fmt"
	"math"
	"strings"

	"github.com/generic-corp/platform/stacks"
)

// Resilience is the resilience assessment (docs/resilience.md): for each disruption and
// each stateful component, the RTO and RPO the plan's own inputs give, with the modeled
// availability of each component, against the stack's targets. A miss is a blocking
// finding (rule resilience-target).
type Resilience struct {
	// AvailabilityTarget is platform:availabilityTarget, percent.
	AvailabilityTarget float64               `json:"availabilityTarget"`
	Disruptions        []DisruptionResult    `json:"disruptions"`
	Components         []ResilienceComponent `json:"components"`
	// Estimates has one entry per disruption and component it can touch (a disruption
	// that cannot touch a component, such as a pod lost for RDS, has none).
	Estimates []ResilienceEstimate `json:"estimates"`
	// Region is how the region-loss RTO is made up.
	Region RegionRebuild    `json:"region"`
	Misses []ResilienceMiss `json:"misses"`
	// ConstantsSource names the sourced constants the estimates use.
	ConstantsSource string `json:"constantsSource"`
	// Problems are why the assessment could not be made (they block, too).
	Problems []string `json:"problems,omitempty"`
}

// DisruptionResult is one disruption with its targets and the worst estimate over the
// components: the service is back when its slowest component is.
type DisruptionResult struct {
	ID               string `json:"id"`
	Label            string `json:"label"`
	TargetRTOMinutes int    `json:"targetRtoMinutes"`
	TargetRPOMinutes int    `json:"targetRpoMinutes"`
	RTOKey           string `json:"rtoKey"`
	RPOKey           string `json:"rpoKey"`
	WorstRTO         Figure `json:"worstRto"`
	WorstRPO         Figure `json:"worstRpo"`
	Pass             bool   `json:"pass"`
}

// ResilienceComponent is one stateful component and its modeled availability.
type ResilienceComponent struct {
	Name string `json:"name"`
	// Kind is postgres, redis, workload, temporal, frontend or secrets.
	Kind                string  `json:"kind"`
	URN                 string  `json:"urn,omitempty"`
	AvailabilityPercent float64 `json:"availabilityPercent"`
	AvailabilityBasis   string  `json:"availabilityBasis"`
	MeetsAvailability   bool    `json:"meetsAvailability"`
}

// ResilienceEstimate is the RTO and RPO of one component in one disruption.
type ResilienceEstimate struct {
	Disruption string `json:"disruption"`
	Component  string `json:"component"`
	RTO        Figure `json:"rto"`
	RPO        Figure `json:"rpo"`
	// Basis says how the figures follow from the plan's inputs and the constants.
	Basis string `json:"basis"`
	// Constants are the ids (preflight/resilience.json) the figures use.
	Constants []string `json:"constants,omitempty"`
	MeetsRTO  bool     `json:"meetsRto"`
	MeetsRPO  bool     `json:"meetsRpo"`
}

// Figure is an estimated duration. Unbounded: nothing in the plan bounds it (no copy
// outside the region, no backups). NoData: the component holds no data the disruption
// can lose (stateless, or derived data that refills), so any RPO target is met.
type Figure struct {
	Minutes   float64 `json:"minutes"`
	Unbounded bool    `json:"unbounded,omitempty"`
	NoData    bool    `json:"noData,omitempty"`
}

// RegionRebuild is the region-loss RTO: the rebuild's modeled critical path with the
// database restored, plus the runbook's people steps.
type RegionRebuild struct {
	RebuildMinutes float64      `json:"rebuildMinutes"`
	ManualMinutes  float64      `json:"manualMinutes"`
	RTOMinutes     float64      `json:"rtoMinutes"`
	ManualSteps    []ManualStep `json:"manualSteps"`
	Basis          string       `json:"basis"`
}

// ResilienceMiss is one target the model says the plan misses.
type ResilienceMiss struct {
	Disruption string `json:"disruption"` // a Disruption ID, or "availability"
	Component  string `json:"component"`
	URN        string `json:"urn,omitempty"`
	Measure    string `json:"measure"` // RTO, RPO or availability
	Estimate   string `json:"estimate"`
	Target     string `json:"target"`
	Key        string `json:"key"` // the config key of the target
	Message    string `json:"message"`
	// Accepted is set when the stack lists the miss in platform:resilienceAcceptedRisks:
	// reported, exempted, not blocking.
	Accepted bool `json:"accepted,omitempty"`
}

// short is the miss in one line, without the reasons.
func (m ResilienceMiss) short() string {
	what := m.Disruption
	for _, d := range stacks.Disruptions {
		if d.ID == m.Disruption {
			what = d.Label
		}
	}
	s := fmt.Sprintf("%s: %s %s %s, target %s (%s)", what, m.Component, m.Measure, m.Estimate, m.Target, m.Key)
	if m.Accepted {
		s += ", an accepted risk (platform:resilienceAcceptedRisks)"
	}
	return s
}

// onlyAccepted reports whether every miss of a disruption is an accepted risk.
func (rs Resilience) onlyAccepted(disruption string) bool {
	for _, m := range rs.Misses {
		if m.Disruption == disruption && !m.Accepted {
			return false
		}
	}
	return true
}

// open counts the misses the stack has not accepted: the ones that fail the report.
func (rs Resilience) open() int {
	n := 0
	for _, m := range rs.Misses {
		if !m.Accepted {
			n++
		}
	}
	return n
}

// ResilienceRule is the ID of the blocking finding a missed target adds.
const ResilienceRule = "resilience-target"

func minutesFig(x float64) Figure { return Figure{Minutes: math.Round(x*100) / 100} }
func unboundedFig() Figure        { return Figure{Unbounded: true} }
func noDataFig() Figure           { return Figure{NoData: true} }

// meets compares a figure with a target in minutes.
func (f Figure) meets(target int) bool {
	return f.NoData || (!f.Unbounded && f.Minutes <= float64(target))
}

// worse reports whether f is a longer time than g (unbounded is the longest, no data
// the shortest).
func (f Figure) worse(g Figure) bool {
	switch {
	case f.Unbounded:
		return !g.Unbounded
	case g.Unbounded:
		return false
	case f.NoData:
		return false
	case g.NoData:
		return true
	}
	return f.Minutes > g.Minutes
}

// String renders a figure for people: "2 min", "unbounded", "none held".
func (f Figure) String() string {
	switch {
	case f.Unbounded:
		return "unbounded"
	case f.NoData:
		return "none held"
	}
	return minutes(math.Round(f.Minutes*10) / 10)
}

// addResilience assesses the report's plan against its stack's targets and appends a
// blocking finding per missed target, so a miss fails the report like a mandatory rule.
func addResilience(r *Report, t *Timings) {
	r.Resilience = assessResilience(r, t)
	r.Findings = append(r.Findings, r.Resilience.findings()...)
}

func assessResilience(r *Report, t *Timings) Resilience {
	out := Resilience{ConstantsSource: ResilienceSource, Disruptions: []DisruptionResult{}, Components: []ResilienceComponent{},
		Estimates: []ResilienceEstimate{}, Misses: []ResilienceMiss{}, Region: RegionRebuild{ManualSteps: []ManualStep{}}}
	targets, err := stacks.LoadResilience(r.Stack, r.Config)
	if err != nil {
		out.Problems = append(out.Problems, "the resilience targets cannot be read: "+err.Error())
		return out
	}
	data, err := parseResilience(resilienceJSON)
	if err != nil {
		out.Problems = append(out.Problems, err.Error())
		return out
	}
	m := newResilienceModel(r, t, data)
	out.AvailabilityTarget = targets.AvailabilityPercent
	out.Region = m.region
	comps := m.components()
	for _, c := range comps {
		pub := c.public()
		pub.AvailabilityPercent, pub.AvailabilityBasis = c.availability(m)
		pub.MeetsAvailability = pub.AvailabilityPercent >= targets.AvailabilityPercent
		if !pub.MeetsAvailability {
			out.Misses = append(out.Misses, availabilityMiss(pub, targets.AvailabilityPercent))
		}
		out.Components = append(out.Components, pub)
	}
	for _, d := range stacks.Disruptions {
		tg := targets.Targets[d.ID]
		res := DisruptionResult{ID: d.ID, Label: d.Label, TargetRTOMinutes: tg.RTOMinutes, TargetRPOMinutes: tg.RPOMinutes,
			RTOKey: stacks.Namespace + ":" + d.RTOKey(), RPOKey: stacks.Namespace + ":" + d.RPOKey(), WorstRTO: noDataFig(), WorstRPO: noDataFig(), Pass: true}
		for _, c := range comps {
			e, ok := c.estimate(m, d.ID)
			if !ok {
				continue
			}
			pub := c.public()
			e.Disruption, e.Component = d.ID, pub.Name
			e.MeetsRTO, e.MeetsRPO = e.RTO.meets(tg.RTOMinutes), e.RPO.meets(tg.RPOMinutes)
			if !e.MeetsRTO {
				out.Misses = append(out.Misses, recoveryMiss(d, pub, "RTO", e.RTO, tg.RTOMinutes, res.RTOKey, e.Basis))
			}
			if !e.MeetsRPO {
				out.Misses = append(out.Misses, recoveryMiss(d, pub, "RPO", e.RPO, tg.RPOMinutes, res.RPOKey, e.Basis))
			}
			if e.RTO.worse(res.WorstRTO) {
				res.WorstRTO = e.RTO
			}
			if e.RPO.worse(res.WorstRPO) {
				res.WorstRPO = e.RPO
			}
			res.Pass = res.Pass && e.MeetsRTO && e.MeetsRPO
			out.Estimates = append(out.Estimates, e)
		}
		out.Disruptions = append(out.Disruptions, res)
	}
	for i, m := range out.Misses {
		out.Misses[i].Accepted = targets.Accepts(m.Disruption, m.Component)
	}
	return out
}

func recoveryMiss(d stacks.Disruption, c ResilienceComponent, measure string, est Figure, target int, key, basis string) ResilienceMiss {
	tgt := minutes(float64(target))
	return ResilienceMiss{Disruption: d.ID, Component: c.Name, URN: c.URN, Measure: measure, Estimate: est.String(), Target: tgt, Key: key,
		Message: fmt.Sprintf("%s: %s %s of %s is %s, over the target of %s (%s). %s", d.Label, measure, estimateWord(measure), c.Name, est, tgt, key, basis)}
}

func estimateWord(measure string) string {
	if measure == "RPO" {
		return "(data lost)"
	}
	return "(time to recover)"
}

func availabilityMiss(c ResilienceComponent, target float64) ResilienceMiss {
	key := stacks.Namespace + ":availabilityTarget"
	est, tgt := percentText(c.AvailabilityPercent), percentText(target)
	return ResilienceMiss{Disruption: "availability", Component: c.Name, URN: c.URN, Measure: "availability", Estimate: est, Target: tgt, Key: key,
		Message: fmt.Sprintf("modeled availability of %s is %s, under the target of %s (%s). %s", c.Name, est, tgt, key, c.AvailabilityBasis)}
}

func percentText(p float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", p), "0"), ".") + " %"
}

// findings turn the misses and problems into blocking findings.
func (rs Resilience) findings() []Finding {
	out := make([]Finding, 0, len(rs.Misses)+len(rs.Problems))
	for _, p := range rs.Problems {
		out = append(out, Finding{Rule: ResilienceRule, Severity: "high", Enforcement: "mandatory", Blocking: true,
			Message: "resilience: " + p + " (docs/resilience.md)"})
	}
	for _, m := range rs.Misses {
		f := Finding{Rule: ResilienceRule, Severity: "high", Enforcement: "mandatory", Blocking: !m.Accepted, URN: m.URN,
			Message: "resilience: " + m.Message + " (docs/resilience.md)"}
		if m.Accepted {
			f.Exempted, f.ExemptionReason = true, "accepted in platform:resilienceAcceptedRisks ("+m.Disruption+"/"+m.Component+")"
		}
		out = append(out, f)
	}
	return out
}
