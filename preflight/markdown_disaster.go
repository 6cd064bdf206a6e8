package preflight

import (
	"fmt"
	"io"
)

// mdDR renders the DR rehearsal: what the rebuild needs from the failed region (nothing,
// when it passes), where the data comes from and the steps left to people.
func mdDR(w io.Writer, d *DRRehearsal, prefix string) {
	if d == nil {
		return
	}
	mark := "✅"
	if len(d.Problems) > 0 {
		mark = "❌"
	}
	mdOpen(w, fmt.Sprintf("%s%s DR rehearsal, surviving the loss of %s: modeled RTO %s", prefix, mark, d.FailedRegion, minutes(d.RTOMinutes)))
	fmt.Fprintf(w, "Rebuild %s + manual steps %s. Created in %s: **%d**; inputs pointing into it: **%d**. Restore source: %s.\n\n",
		minutes(d.RebuildMinutes), minutes(d.RTOMinutes-d.RebuildMinutes), d.FailedRegion, len(d.InFailedRegion), len(d.NamingFailedRegion), mdInline(orNone(d.RestoreSource)))
	for _, p := range d.Problems {
		fmt.Fprintf(w, "- ❌ %s\n", mdInline(p))
	}
	for _, p := range d.Preconditions {
		fmt.Fprintf(w, "- ⚠️ before a disaster: %s\n", mdInline(p))
	}
	for _, x := range d.InFailedRegion {
		fmt.Fprintf(w, "- created in the failed region: `%s`\n", shortURN(x.URN))
	}
	for _, x := range d.NamingFailedRegion {
		fmt.Fprintf(w, "- points into the failed region: `%s` `%s`\n", shortURN(x.URN), x.Path)
	}
	if n := len(d.PreProvisioned); n > 0 {
		fmt.Fprintf(w, "- %d inputs use what prod keeps ready in %s for CloudFront (certificate, web ACL)\n", n, d.FailedRegion)
	}
	fmt.Fprintf(w, "- AWS resources by region: %s; global services: %s\n", regionCounts(d.ByRegion), regionCounts(d.GlobalServices))
	fmt.Fprintln(w, "\n| Manual step | Minutes (estimate) |\n|---|---:|")
	for _, s := range d.ManualSteps {
		fmt.Fprintf(w, "| %s | %.0f |\n", mdInline(s.Step), s.Minutes)
	}
	mdClose(w)
}
