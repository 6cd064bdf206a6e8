package preflight

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
)

func writeTextResilience(w io.Writer, rs Resilience) {
	fmt.Fprintf(w, "\nRESILIENCE %s (targets from the stack config, constants from %s; docs/resilience.md)\n", resilienceHeadline(rs), rs.ConstantsSource)
	for _, p := range rs.Problems {
		fmt.Fprintf(w, "  PROBLEM: %s\n", p)
	}
	if len(rs.Problems) > 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  \tDISRUPTION\tTARGET RTO / RPO\tWORST RTO / RPO")
	for _, d := range rs.Disruptions {
		mark := "ok"
		switch {
		case !d.Pass && rs.onlyAccepted(d.ID):
			mark = "accepted"
		case !d.Pass:
			mark = "MISSED"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s / %s\t%s / %s\n", mark, d.Label, minutes(float64(d.TargetRTOMinutes)), minutes(float64(d.TargetRPOMinutes)), d.WorstRTO, d.WorstRPO)
	}
	_ = tw.Flush()
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "  COMPONENT")
	for _, d := range rs.Disruptions {
		fmt.Fprintf(tw, "\t%s", resilienceColumn(d.ID))
	}
	fmt.Fprintf(tw, "\tAVAILABILITY (target %s)\n", percentText(rs.AvailabilityTarget))
	for _, c := range rs.Components {
		fmt.Fprintf(tw, "  %s", c.Name)
		for _, d := range rs.Disruptions {
			fmt.Fprintf(tw, "\t%s", resilienceCell(rs, d.ID, c.Name))
		}
		fmt.Fprintf(tw, "\t%s%s\n", percentText(c.AvailabilityPercent), missMark(c.MeetsAvailability))
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "  cells: RTO/RPO in minutes; ∞ unbounded; - no data at stake; n/a cannot touch it; ! misses its target")
	fmt.Fprintf(w, "  region lost: %s\n", rs.Region.Basis)
	for _, m := range rs.Misses { // the full reasons are in the POLICY findings
		word := "MISSED"
		if m.Accepted {
			word = "missed"
		}
		fmt.Fprintf(w, "  %s %s\n", word, m.short())
	}
}

// resilienceHeadline is "all targets met" or "3 target(s) missed".
func resilienceHeadline(rs Resilience) string {
	switch {
	case len(rs.Problems) > 0:
		return "not assessed"
	case len(rs.Misses) == 0:
		return "all targets met"
	case rs.open() == 0:
		return fmt.Sprintf("all targets met but %d accepted risk(s)", len(rs.Misses))
	}
	return fmt.Sprintf("%d target(s) missed", rs.open())
}

// resilienceColumn is a short column title per disruption.
func resilienceColumn(id string) string {
	titles := map[string]string{"pod-loss": "POD", "node-loss": "NODE", "az-loss": "AZ", "region-loss": "REGION", "bad-deploy": "DEPLOY", "data-corruption": "DATA"}
	if t, ok := titles[id]; ok {
		return t
	}
	return id
}

// resilienceCell is "2/0", "107.6/∞!" or "n/a" for one component and disruption.
func resilienceCell(rs Resilience, disruption, component string) string {
	for _, e := range rs.Estimates {
		if e.Disruption == disruption && e.Component == component {
			return figureCell(e.RTO) + "/" + figureCell(e.RPO) + missMark(e.MeetsRTO && e.MeetsRPO)
		}
	}
	return "n/a"
}

func figureCell(f Figure) string {
	switch {
	case f.Unbounded:
		return "∞"
	case f.NoData:
		return "-"
	}
	return strconv.FormatFloat(math.Round(f.Minutes*10)/10, 'f', -1, 64)
}

func missMark(ok bool) string {
	if ok {
		return ""
	}
	return "!"
}
