package preflight

import (
	"fmt"
	"io"
	"strings"
)

// mdResilience is the resilience table: one row per component, one column per
// disruption (RTO/RPO in minutes), the targets above it and the misses below. The
// misses are blocking findings too, so they also appear in the CAUTION alert.
func mdResilience(w io.Writer, rs Resilience, prefix string) {
	mark := "✅"
	if rs.open() > 0 || len(rs.Problems) > 0 {
		mark = "❌"
	}
	mdOpen(w, fmt.Sprintf("%s%s resilience: %s", prefix, mark, resilienceHeadline(rs)))
	for _, p := range rs.Problems {
		fmt.Fprintf(w, "- ❌ %s\n", mdInline(p))
	}
	if len(rs.Problems) > 0 {
		mdClose(w)
		return
	}
	head, rule, targets := []string{"Component"}, []string{"---"}, []string{"**target**"}
	for _, d := range rs.Disruptions {
		icon := "✅"
		if !d.Pass {
			icon = "❌"
		}
		head = append(head, icon+" "+d.Label)
		rule = append(rule, "---:")
		targets = append(targets, fmt.Sprintf("**%d/%d**", d.TargetRTOMinutes, d.TargetRPOMinutes))
	}
	head = append(head, "Availability")
	rule = append(rule, "---:")
	targets = append(targets, "**"+percentText(rs.AvailabilityTarget)+"**")
	fmt.Fprintf(w, "| %s |\n| %s |\n| %s |\n", strings.Join(head, " | "), strings.Join(rule, " | "), strings.Join(targets, " | "))
	for _, c := range rs.Components {
		row := []string{mdInline(c.Name)}
		for _, d := range rs.Disruptions {
			row = append(row, mdCell(resilienceCell(rs, d.ID, c.Name)))
		}
		row = append(row, mdCell(percentText(c.AvailabilityPercent)+missMark(c.MeetsAvailability)))
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
	fmt.Fprintln(w, "\nRTO/RPO in minutes; ∞ unbounded; - no data at stake; n/a the disruption cannot touch it; **bold!** misses its target.")
	fmt.Fprintf(w, "Region lost: %s.\n", mdInline(rs.Region.Basis))
	if len(rs.Misses) > 0 {
		fmt.Fprintln(w)
		for _, m := range rs.Misses {
			icon := "❌"
			if m.Accepted {
				icon = "⚠️"
			}
			fmt.Fprintf(w, "- %s %s\n", icon, mdInline(m.short()))
		}
	}
	mdClose(w)
}

// mdCell bolds a cell that misses its target.
func mdCell(s string) string {
	if strings.HasSuffix(s, "!") {
		return "**" + s + "**"
	}
	return s
}
