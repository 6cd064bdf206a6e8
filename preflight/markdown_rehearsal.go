package preflight

import (
	"fmt"
	"io"
	"strings"
)

var phaseIcons = map[string]string{StatusOK: "✅", StatusBlocked: "❌", StatusUnknown: "❔", StatusAdvisory: "⚠️", StatusNA: "➖"}

// mdRehearsal renders the first deploy as a checklist; the compact level keeps the table
// of phases and leaves the commands to the text and JSON reports.
func mdRehearsal(w io.Writer, r Rehearsal, prefix string, level int) {
	mark := "✅"
	for _, p := range r.Phases {
		if p.Status == StatusBlocked {
			mark = "❌"
		}
	}
	t := r.Time
	mdOpen(w, fmt.Sprintf("%s%s rehearsal of the first deploy: %s modeled (one run today: %s)", prefix, mark, minutes(t.TotalMinutes), minutes(t.SingleRunMinutes)))
	fmt.Fprintf(w, "Bootstrap %s + operator steps %s + deploy %s; %s. ", minutes(t.BootstrapMinutes),
		minutes(t.OperatorMinutes), minutes(t.DeployMinutes), phaseCounts(r))
	fmt.Fprintln(w, "Operator minutes are estimates, see \"Rehearsal\" in docs/preflight.md.")
	fmt.Fprintln(w)
	for _, e := range r.Endpoints {
		fmt.Fprintf(w, "- EKS API `%s`: %s\n", shortURN(e.Cluster), mdInline(e.Access))
		for _, x := range e.Reach {
			fmt.Fprintf(w, "  - %s `%s`: %s\n", map[bool]string{true: "✅", false: "❌"}[x.Reachable], x.Executor, mdInline(x.Why))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| # | Phase | Executor | Status | Minutes | Provides |\n|---:|---|---|---|---:|---|")
	for i, p := range r.Phases {
		fmt.Fprintf(w, "| %d | `%s` | %s | %s %s | %s | %s |\n", i+1, p.Name, p.Executor, phaseIcons[p.Status], mdInline(phaseWord(p)),
			minutes(p.Minutes), mdInline(p.Provides))
	}
	fmt.Fprintln(w)
	for _, p := range r.Phases {
		for _, pr := range p.Problems {
			fmt.Fprintf(w, "- %s `%s` blocks `%s`: %s\n", phaseIcons[p.Status], pr.Rule, p.Name, mdInline(pr.Message))
		}
	}
	if level == mdCompact {
		fmt.Fprintln(w, "\nThe commands of each phase are in the text and JSON reports.")
		mdClose(w)
		return
	}
	fmt.Fprintln(w)
	for i, p := range r.Phases {
		box := " "
		if p.Status == StatusNA {
			box = "x"
		}
		line := fmt.Sprintf("- [%s] **%d. %s** (%s)", box, i+1, p.Name, p.Executor)
		if p.Note != "" {
			line += ": " + mdInline(p.Note)
		}
		fmt.Fprintln(w, line)
		if len(p.Run)+len(p.Verify) == 0 {
			continue
		}
		fmt.Fprintln(w, "  ```sh")
		if len(p.Run) > 0 {
			fmt.Fprintln(w, "  # run")
		}
		for _, c := range p.Run {
			if strings.HasPrefix(c, "console:") || strings.HasPrefix(c, "registrar:") {
				c = "# " + c
			}
			fmt.Fprintf(w, "  %s\n", c)
		}
		if len(p.Verify) > 0 {
			fmt.Fprintln(w, "  # verify")
		}
		for _, c := range p.Verify {
			fmt.Fprintf(w, "  %s\n", c)
		}
		fmt.Fprintln(w, "  ```")
	}
	mdClose(w)
}
