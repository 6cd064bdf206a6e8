package preflight

import (
	"fmt"
	"io"
	"strings"
)

// The diff's refusals and cascades, as the text and markdown diffs render them.

// writeTextDiffAlerts puts what the diff refuses, and the data it destroys, before the
// list of changes, which a cascade can make long.
func writeTextDiffAlerts(w io.Writer, d *Diff) {
	for _, x := range d.Refusals {
		fmt.Fprintf(w, "  !! REFUSED (%s): %s\n", x.Kind, x.Message)
		if x.Source != "" {
			fmt.Fprintf(w, "     source: %s\n", x.Source)
		}
	}
	if d.Replacements == 0 {
		return
	}
	fmt.Fprintf(w, "  replaces %d resource(s), %d of them only because what they are built from is replaced; %d stateful\n",
		d.Replacements, d.CascadedReplacements, d.StatefulReplacements)
	var stateful []string
	for _, c := range d.Changed {
		if c.Action == "replace" && c.Stateful {
			stateful = append(stateful, ShortType(c.Type)+" "+c.Name)
		}
	}
	if len(stateful) > 0 {
		fmt.Fprintf(w, "  !! STATEFUL REPLACEMENTS (the new ones start empty): %s\n", strings.Join(stateful, ", "))
	}
}

// writeTextCascade lists a change's inputs that depend on replaced resources.
func writeTextCascade(w io.Writer, c Change) {
	for _, cc := range c.CascadeFrom {
		effect := "updates it"
		switch {
		case cc.Bound == providerCascade:
			effect = "forces replacement: " + cc.Bound
		case cc.Bound != "":
			effect = refusedInPlace + cc.Bound
		case cc.Replaces:
			effect = "forces replacement"
		}
		fmt.Fprintf(w, "      %s <- %s replaced (%s)\n", cc.Property, cascadeSources(cc, 3), effect)
	}
}

// cascadeSources names up to n replaced sources and counts the rest.
func cascadeSources(cc Cascade, n int) string {
	names := make([]string, 0, n+1)
	for i, u := range cc.From {
		if i == n {
			names = append(names, fmt.Sprintf("+%d more", len(cc.From)-n))
			break
		}
		names = append(names, shortURN(u))
	}
	return strings.Join(names, ", ")
}
