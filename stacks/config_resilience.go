package stacks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Disruption is one kind of failure the resilience targets are set for. The preflight
// resilience model (preflight/resilience*.go, docs/resilience.md) estimates the RTO and
// RPO of every stateful component for each of them and fails the report on a miss.
type Disruption struct {
	ID    string // stable id in reports: pod-loss, node-loss, ...
	Label string // what happened, for people
	Name  string // stem of the two config keys: rto<Name>Minutes, rpo<Name>Minutes
}

// RTOKey and RPOKey are the short config keys of the disruption's targets.
func (d Disruption) RTOKey() string { return "rto" + d.Name + "Minutes" }
func (d Disruption) RPOKey() string { return "rpo" + d.Name + "Minutes" }

// Disruptions are the disruptions with targets, in report order: the first four grow
// in blast radius, the last two are failures of our own making.
var Disruptions = []Disruption{
	{"pod-loss", "a pod lost", "PodLoss"},
	{"node-loss", "a node lost", "NodeLoss"},
	{"az-loss", "an availability zone lost", "AzLoss"},
	{"region-loss", "the region lost", "RegionLoss"},
	{"bad-deploy", "a bad deploy", "BadDeploy"},
	{"data-corruption", "corrupted data", "DataCorruption"},
}

// RecoveryTarget is how long a recovery may take (RTO) and how much recent data it may
// lose (RPO, 0 = none), in minutes.
type RecoveryTarget struct {
	RTOMinutes int
	RPOMinutes int
}

// ResilienceConfig holds the stack's resilience targets: requirements from the SRE's
// side, which the preflight model checks the plan against (never the other way round).
type ResilienceConfig struct {
	// AvailabilityPercent is platform:availabilityTarget, the monthly availability every
	// component must reach in the model (e.g. 99.9).
	AvailabilityPercent float64
	// Targets maps a Disruption ID to its targets.
	Targets map[string]RecoveryTarget
	// AcceptedRisks are "<disruption>/<component>" misses the stack accepts
	// (platform:resilienceAcceptedRisks): reported as exempted, not blocking.
	AcceptedRisks []string
}

// Accepts reports whether the stack accepts missing a target of disruption (a
// Disruption ID or "availability") for component.
func (rc ResilienceConfig) Accepts(disruption, component string) bool {
	return slices.Contains(rc.AcceptedRisks, disruption+"/"+component)
}

// Bounds of the targets. An RTO is at least a minute (nothing recovers in no time); a
// week is the longest horizon a target of this platform may name.
const (
	maxTargetMinutes   = 7 * 24 * 60
	minAvailability    = 90.0
	maxAvailability    = 99.999
	strictAvailability = 99.9 // the seed plan's uptime target, the floor for prod and dr
)

// loadResilience reads availabilityTarget and the rto*/rpo* keys. They have no defaults,
// so every stack states its targets; prod and dr may not go below the seed's 99.9 %.
func loadResilience(r *reader, environment string) ResilienceConfig {
	rc := ResilienceConfig{Targets: map[string]RecoveryTarget{}}
	rc.AvailabilityPercent = availability(r, environment)
	rc.AcceptedRisks = r.list("resilienceAcceptedRisks")
	for _, a := range rc.AcceptedRisks {
		d, comp, ok := strings.Cut(a, "/")
		if !ok || comp == "" || !(d == "availability" || slices.ContainsFunc(Disruptions, func(x Disruption) bool { return x.ID == d })) {
			r.errs.add("resilienceAcceptedRisks", a, "is not \"<disruption>/<component>\" (allowed disruptions: availability, %s; components as the report names them, e.g. region-loss/Redis queue)", disruptionIDs())
		}
	}
	for _, d := range Disruptions {
		rc.Targets[d.ID] = RecoveryTarget{
			RTOMinutes: r.integer(d.RTOKey(), 1, maxTargetMinutes),
			RPOMinutes: r.integer(d.RPOKey(), 0, maxTargetMinutes),
		}
	}
	return rc
}

func availability(r *reader, environment string) float64 {
	v, ok := r.value("availabilityTarget")
	if !ok {
		return 0
	}
	allowed := fmt.Sprintf("(allowed: a percentage from %g to %g with at most three decimals, e.g. \"99.9\")", minAvailability, maxAvailability)
	s := strings.TrimSuffix(strings.TrimSpace(v), "%")
	p, err := strconv.ParseFloat(s, 64)
	_, frac, _ := strings.Cut(s, ".")
	switch {
	case err != nil:
		r.errs.add("availabilityTarget", v, "is not a number %s", allowed)
	case p < minAvailability || p > maxAvailability || len(frac) > 3:
		r.errs.add("availabilityTarget", v, "is out of range %s", allowed)
	case (environment == "prod" || environment == "dr") && p < strictAvailability:
		r.errs.add("availabilityTarget", v, "is below the production floor (allowed in prod and dr: %g or more, the seed plan's uptime target)", strictAvailability)
	}
	return p
}

// LoadResilience reads only the resilience targets of a stack's raw configuration (full
// keys), for readers of a captured plan such as the preflight report. Its problems are
// the ones Load reports for these keys.
func LoadResilience(stack string, all map[string]string) (ResilienceConfig, error) {
	errs := problems{}
	raw := map[string]string{}
	for k, v := range all {
		if name, ok := strings.CutPrefix(k, Namespace+":"); ok {
			raw[name] = v
		}
	}
	rc := loadResilience(&reader{raw: raw, errs: &errs}, raw["environment"])
	return rc, errs.err(stack)
}

func disruptionIDs() string {
	ids := make([]string, 0, len(Disruptions))
	for _, d := range Disruptions {
		ids = append(ids, d.ID)
	}
	return strings.Join(ids, ", ")
}
