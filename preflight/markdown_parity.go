package preflight

import (
	"fmt"
	"io"
	"strings"
)

// mdParity renders the environment-parity section of a several-stack comment.
func mdParity(w io.Writer, p *Parity) {
	mdOpen(w, fmt.Sprintf("environment parity (%s): %d config keys, %d resources and %d settings differ besides sizes",
		strings.Join(p.Stacks, " / "), len(p.Config), len(p.Presence), len(p.Settings)))
	head := "| " + strings.Join(p.Stacks, " | ") + " |"
	sep := strings.Repeat("---|", len(p.Stacks))
	fmt.Fprintf(w, "**Config keys that differ**\n\n| Key %s\n|---|%s\n", head, sep)
	for _, c := range p.Config {
		fmt.Fprintf(w, "| `%s` |", c.Key)
		for _, s := range p.Stacks {
			fmt.Fprintf(w, " %s |", mdCode(truncate(c.Values[s], 40)))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "\n**Resources not in every stack**")
	fmt.Fprintln(w)
	if len(p.Presence) == 0 {
		fmt.Fprintln(w, "None: every stack has the same resources.")
	}
	for i, r := range p.Presence {
		if i == mdMaxRows {
			fmt.Fprintf(w, "- … and %d more\n", len(p.Presence)-i)
			break
		}
		fmt.Fprintf(w, "- `%s` %s: only in %s\n", ShortType(r.Type), mdInline(r.Name), strings.Join(r.In, ", "))
	}
	fmt.Fprintf(w, "\n**Settings that differ** (other than sizes)\n\n| Type | Property | Resources %s\n|---|---|---:|%s\n", head, sep)
	for i, s := range p.Settings {
		if i == mdMaxRows {
			fmt.Fprintf(w, "\n… and %d more (see `--format json`).\n", len(p.Settings)-i)
			break
		}
		fmt.Fprintf(w, "| `%s` | `%s` | %d |", ShortType(s.Type), s.Path, len(s.Resources))
		for _, st := range p.Stacks {
			fmt.Fprintf(w, " %s |", mdCode(truncate(valueText(s.Values[st]), 40)))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nLeft out: %s.\n", mdInline(strings.Join(p.Ignored, "; ")))
	mdClose(w)
}
