package preflight

import (
	"fmt"
	"io"
	"strings"
)

func writeTextRehearsal(w io.Writer, r Rehearsal) {
	t := r.Time
	fmt.Fprintf(w, "\nREHEARSAL first deploy on an empty account: %s modeled (bootstrap %s + operator steps %s + deploy %s); one run today: %s\n",
		minutes(t.TotalMinutes), minutes(t.BootstrapMinutes), minutes(t.OperatorMinutes), minutes(t.DeployMinutes), minutes(t.SingleRunMinutes))
	fmt.Fprintf(w, "  resources: %s\n", phaseCounts(r))
	for _, x := range r.Executors {
		fmt.Fprintf(w, "  executor %s: %s\n", x.Name, x.Description)
	}
	for _, e := range r.Endpoints {
		fmt.Fprintf(w, "  EKS API %s: %s\n", shortURN(e.Cluster), e.Access)
		for _, x := range e.Reach {
			fmt.Fprintf(w, "    %-10s %s: %s\n", x.Executor, map[bool]string{true: "reaches it", false: "CANNOT reach it"}[x.Reachable], x.Why)
		}
	}
	for i, p := range r.Phases {
		fmt.Fprintf(w, "  %d. %-17s %-10s %-9s %s  %s\n", i+1, p.Name, p.Executor, phaseWord(p), minutes(p.Minutes), p.Provides)
		if p.Note != "" {
			fmt.Fprintf(w, "       note:    %s\n", p.Note)
		}
		for _, c := range p.Run {
			fmt.Fprintf(w, "       run:     %s\n", c)
		}
		for _, c := range p.Verify {
			fmt.Fprintf(w, "       verify:  %s\n", c)
		}
		for _, pr := range p.Problems {
			fmt.Fprintf(w, "       %s: %s\n", pr.Rule, pr.Message)
		}
	}
}

// phaseCounts is "bootstrap creates 339, runner-webhook creates 1, deploy creates 85".
func phaseCounts(r Rehearsal) string {
	var parts []string
	for _, p := range r.Phases {
		if p.Resources > 0 {
			parts = append(parts, fmt.Sprintf("%s creates %d", p.Name, p.Resources))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// phaseWord is the status with the rules that decide it when not ok.
func phaseWord(p RehearsalPhase) string {
	if len(p.Problems) == 0 || p.Status == StatusOK || p.Status == StatusNA {
		return p.Status
	}
	var ids []string
	for _, pr := range p.Problems {
		if !strings.Contains(strings.Join(ids, ","), pr.Rule) {
			ids = append(ids, pr.Rule)
		}
	}
	return strings.ToUpper(p.Status) + " (" + strings.Join(ids, ", ") + ")"
}
