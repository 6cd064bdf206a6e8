package preflight

import (
	"fmt"
	"io"
)

// mdRollout lists every flow at the full level; compact lists only flows that are
// blocked or admitted by an ipBlock alone (the rest are counted).
func mdRollout(w io.Writer, r Rollout, prefix string, level int) {
	mark := "✅"
	if r.Blocked > 0 || len(r.Deadlocks) > 0 {
		mark = "❌"
	}
	mdOpen(w, fmt.Sprintf("%s%s rollout: %d flows needed, %d blocked, %d readiness deadlock(s)", prefix, mark, len(r.Flows), r.Blocked, len(r.Deadlocks)))
	for _, d := range r.Deadlocks {
		fmt.Fprintf(w, "- ❌ deadlock: %s\n", mdInline(d))
	}
	if len(r.Deadlocks) > 0 {
		fmt.Fprintln(w)
	}
	flows := r.Flows
	if level == mdCompact {
		flows = nil
		for _, f := range r.Flows {
			if flowMark(f) != "ok" {
				flows = append(flows, f)
			}
		}
		fmt.Fprintf(w, "%d of %d flows allowed by selectors at both layers; the full matrix is in the text and JSON reports.\n\n",
			len(r.Flows)-len(flows), len(r.Flows))
		if len(flows) == 0 {
			mdClose(w)
			return
		}
	}
	fmt.Fprintln(w, "| | From | To | Port | Why | Egress | Ingress | Security groups |\n|---|---|---|---|---|---|---|---|")
	for _, f := range flows {
		icon := map[string]string{"ok": "✅", "ipBlock": "⚠️", "BLOCKED": "❌", "unjudged": "❔"}[flowMark(f)]
		fmt.Fprintf(w, "| %s | %s | %s | %d/%s | %s | %s | %s | %s |\n", icon, mdInline(f.From), mdInline(f.To), f.Port, f.Protocol,
			mdInline(f.Why), mdInline(f.Egress), mdInline(f.Ingress), mdInline(dash(f.SecurityGroups)))
	}
	mdClose(w)
}
