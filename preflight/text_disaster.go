package preflight

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

func writeTextDR(w io.Writer, d *DRRehearsal) {
	if d == nil {
		return
	}
	verdict := "PASS"
	if len(d.Problems) > 0 {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "\nDR REHEARSAL surviving the loss of %s - %s: modeled RTO %s (rebuild %s + manual steps %s)\n",
		d.FailedRegion, verdict, minutes(d.RTOMinutes), minutes(d.RebuildMinutes), minutes(d.RTOMinutes-d.RebuildMinutes))
	fmt.Fprintf(w, "  created in %s: %d; inputs pointing into it: %d\n", d.FailedRegion, len(d.InFailedRegion), len(d.NamingFailedRegion))
	for _, x := range d.InFailedRegion {
		fmt.Fprintf(w, "    created there: %s\n", x.URN)
	}
	for _, x := range d.NamingFailedRegion {
		fmt.Fprintf(w, "    points there:  %s %s\n", x.URN, x.Path)
	}
	for _, x := range d.PreProvisioned {
		fmt.Fprintf(w, "    made ahead:    %s %s (kept ready by prod)\n", x.URN, x.Path)
	}
	fmt.Fprintf(w, "  AWS resources by region: %s\n", regionCounts(d.ByRegion))
	fmt.Fprintf(w, "  global services (control planes in us-east-1): %s\n", regionCounts(d.GlobalServices))
	fmt.Fprintf(w, "  restore source: %s\n", orNone(d.RestoreSource))
	for _, p := range d.Preconditions {
		fmt.Fprintf(w, "  before a disaster: %s\n", p)
	}
	for _, s := range d.ManualSteps {
		fmt.Fprintf(w, "  manual %-60s %s\n", s.Step, minutes(s.Minutes))
	}
	for _, p := range d.Problems {
		fmt.Fprintf(w, "  %s: %s\n", DRRehearsalRule, p)
	}
}

// regionCounts is "us-east-2 5, us-west-2 310", sorted by name.
func regionCounts(m map[string]int) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
