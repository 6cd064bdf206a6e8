package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// cisFilter is a metric filter on the trail's log group, with its parsed pattern.
type cisFilter struct {
	r                    Resource
	pattern              patternNode
	namespace, metric    string
	value                string // metricTransformation.value
	unknownMetricOrValue bool
}

// controlFindings reads the group's metric filters once and judges every control.
func controlFindings(s Stack, group Resource) []Finding {
	var filters []cisFilter
	var unreadable []string
	undecidedFilter := false
	for _, f := range s.ofType(tLogMetricFilter) {
		switch filterOn(f, group) {
		case joinUnknown:
			undecidedFilter = true
			continue
		case joinNo:
			continue
		}
		pat, ok := f.in("pattern").String()
		if !ok {
			undecidedFilter = true
			continue
		}
		n, err := parseFilterPattern(pat)
		if err != nil {
			// A term pattern ("ERROR") is valid CloudWatch syntax; it just implements no control.
			unreadable = append(unreadable, fmt.Sprintf("%s: %v", f.label(), err))
			continue
		}
		cf := cisFilter{r: f, pattern: n}
		var okNS, okName, okValue bool
		cf.namespace, okNS = f.in("metricTransformation.namespace").String()
		cf.metric, okName = f.in("metricTransformation.name").String()
		cf.value, okValue = f.in("metricTransformation.value").String()
		cf.unknownMetricOrValue = !okNS || !okName || !okValue
		filters = append(filters, cf)
	}
	var out []Finding
	for _, c := range cisControls {
		out = append(out, controlFinding(s, group, c, filters, unreadable, undecidedFilter)...)
	}
	return out
}

// filterOn says whether a filter reads the group. A known logGroupName decides by value
// (a dependency on the group does not make another name read it); an unknown one by the
// dependency.
func filterOn(f, group Resource) join {
	v := f.in("logGroupName")
	if name, ok := v.String(); ok {
		if contains(identities(group, "name"), name) {
			return joinYes
		}
		return joinNo
	}
	if !v.IsUnknown() {
		return joinNo
	}
	if contains(f.PropertyDependencies["logGroupName"], group.URN) {
		return joinYes
	}
	if len(f.depsOfType("logGroupName", tokens.CloudWatchLogGroup)) > 0 {
		return joinNo
	}
	return joinUnknown
}

// controlFinding is nothing when some filter implements the control and an alarm on its
// metric fires on one event; otherwise the closest miss, named by the sample records.
func controlFinding(s Stack, group Resource, c cisControl, filters []cisFilter, unreadable []string, undecided bool) []Finding {
	what := fmt.Sprintf("CIS %s (%s)", c.id, c.title)
	// The closest filter matches the most of the control's records, then the fewest others.
	var closest, implementer *cisFilter
	var closestMissed, closestExtra, notAlarmed []string
	alarmUnknown := false
	for i := range filters {
		f := &filters[i]
		missed, extra := c.judge(f.pattern)
		if len(missed)+len(extra) > 0 {
			if closest == nil || len(missed) < len(closestMissed) || (len(missed) == len(closestMissed) && len(extra) < len(closestExtra)) {
				closest, closestMissed, closestExtra = f, missed, extra
			}
			continue
		}
		why, unk := alarmed(s, *f)
		if why == "" && !unk {
			return nil
		}
		implementer, alarmUnknown = f, alarmUnknown || unk
		if why != "" {
			notAlarmed = append(notAlarmed, why)
		}
	}
	switch {
	case implementer != nil && alarmUnknown:
		return []Finding{unknown(implementer.r, "metricTransformation or an alarm's inputs", "whether an alarm with an action watches "+what)}
	case implementer != nil:
		return []Finding{fail(implementer.r, "implements %s, but %s; add an alarm on its metric with actionsEnabled, an SNS alarmAction "+
			"and a threshold one event reaches (>= 1 over one period)", what, strings.Join(notAlarmed, "; "))}
	case undecided:
		return []Finding{unknown(group, "a metric filter's logGroupName or pattern", "whether a filter on the trail's log group implements "+what)}
	}
	msg := fmt.Sprintf("no metric filter on this log group implements %s", what)
	if closest != nil {
		msg += fmt.Sprintf("; the closest, %s, %s", closest.r.label(), summarise(append(closestMissed, closestExtra...)))
	}
	if len(unreadable) > 0 {
		msg += "; patterns that are not JSON filter patterns: " + strings.Join(unreadable, "; ")
	}
	return []Finding{fail(group, "%s; add a filter with the CIS pattern and an alarm on its metric", msg)}
}

// summarise names the first three wrong samples.
func summarise(miss []string) string {
	if len(miss) <= 3 {
		return strings.Join(miss, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(miss[:3], ", "), len(miss)-3)
}

// alarmed says why no alarm on the filter's metric would notify on one matching event
// ("" when one does), or that an input it needs is unknown.
func alarmed(s Stack, f cisFilter) (string, bool) {
	if f.unknownMetricOrValue {
		return "", true
	}
	value, err := strconv.ParseFloat(f.value, 64)
	if err != nil || value <= 0 {
		return fmt.Sprintf("its metricTransformation.value is %q, not a positive count (CIS: 1)", f.value), false
	}
	metric := f.namespace + "/" + f.metric
	var whys []string
	unk := false
	for _, a := range s.ofType(tokens.CloudWatchMetricAlarm) {
		ns, _ := a.in("namespace").String()
		name, _ := a.in("metricName").String()
		if ns != f.namespace || name != f.metric {
			continue
		}
		why, u := firesOnOne(a, value)
		switch {
		case why == "" && !u:
			return "", false
		case u:
			unk = true
		default:
			whys = append(whys, a.label()+" "+why)
		}
	}
	if unk {
		return "", true
	}
	if len(whys) == 0 {
		return "no alarm watches " + metric, false
	}
	return strings.Join(whys, "; "), false
}

// firesOnOne: actions enabled, an alarm action, and one datapoint of value reaches the
// threshold.
func firesOnOne(a Resource, value float64) (string, bool) {
	if on, ok := a.in("actionsEnabled").Bool(); ok && !on {
		return "has actionsEnabled false", false
	}
	actions := a.in("alarmActions")
	if list, st := actions.StringList(); st == Missing || (st == Known && len(list) == 0) {
		return "has no alarmActions", false
	}
	op, opKnown := a.in("comparisonOperator").String()
	thV := a.in("threshold")
	th, thKnown := thV.Number()
	if thV.IsUnknown() || a.in("comparisonOperator").IsUnknown() {
		return "", true
	}
	if !opKnown || !thKnown {
		return "has no comparisonOperator or threshold", false
	}
	switch {
	case op == "GreaterThanOrEqualToThreshold" && th <= value, op == "GreaterThanThreshold" && th < value:
	default:
		return fmt.Sprintf("is %s %g, which one event (value %g) does not reach", op, th, value), false
	}
	points := a.in("datapointsToAlarm")
	if points.IsMissing() {
		points = a.in("evaluationPeriods")
	}
	if n, ok := points.Number(); ok && n > 1 {
		return fmt.Sprintf("needs %g breaching periods, so one event never fires it", n), false
	}
	return "", points.IsUnknown()
}
