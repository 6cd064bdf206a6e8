package preflight

import (
	"fmt"
	"io"
	"text/tabwriter"
)

func writeTextRollout(w io.Writer, r Rollout) {
	fmt.Fprintf(w, "\nROLLOUT %d flows needed, %d blocked; %d readiness deadlock(s)\n", len(r.Flows), r.Blocked, len(r.Deadlocks))
	for _, d := range r.Deadlocks {
		fmt.Fprintf(w, "  DEADLOCK: %s\n", d)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  \tFROM\tTO\tPORT\tEGRESS\tINGRESS\tSECURITY GROUPS")
	for _, f := range r.Flows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d/%s\t%s\t%s\t%s\n", flowMark(f), f.From, f.To, f.Port, f.Protocol, f.Egress, f.Ingress, dash(f.SecurityGroups))
	}
	_ = tw.Flush()
}

func flowMark(f Flow) string {
	switch {
	case f.Unresolved:
		return "unjudged"
	case !f.Allowed:
		return "BLOCKED"
	case !f.SelectorsOnly:
		return "ipBlock"
	}
	return "ok"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
