package preflight

import (
	"fmt"
	"io"
	"strings"
)

// DOT renders a graph in Graphviz syntax: components as clusters, stateful resources as
// cylinders, protected ones bold, the critical path red.
type DOT struct{}

// Render implements GraphRenderer.
func (DOT) Render(w io.Writer, g *Graph) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "digraph %s {\n", dotID(g.Title))
	fmt.Fprintln(ew, "  rankdir=LR;")
	fmt.Fprintln(ew, `  graph [fontname="Helvetica", fontsize=11, compound=true];`)
	fmt.Fprintln(ew, `  node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];`)
	fmt.Fprintln(ew, `  edge [color="#888888", arrowsize=0.6];`)
	order, members := g.groups()
	for i, grp := range order {
		indent := "  "
		if grp != "" {
			fmt.Fprintf(ew, "  subgraph cluster_%d {\n    label=%s;\n    style=\"rounded\";\n    color=\"#bbbbbb\";\n", i, dotID(grp))
			indent = "    "
		}
		for _, n := range members[grp] {
			fmt.Fprintf(ew, "%s%s [%s];\n", indent, dotID(n.ID), dotNodeAttrs(n))
		}
		if grp != "" {
			fmt.Fprintln(ew, "  }")
		}
	}
	for _, e := range g.Edges {
		var attrs []string
		if e.Count > 1 {
			attrs = append(attrs, fmt.Sprintf("label=%q", fmt.Sprint(e.Count)))
		}
		if e.Critical {
			attrs = append(attrs, `color="#d33333"`, "penwidth=2")
		}
		suffix := ""
		if len(attrs) > 0 {
			suffix = " [" + strings.Join(attrs, ", ") + "]"
		}
		fmt.Fprintf(ew, "  %s -> %s%s;\n", dotID(e.From), dotID(e.To), suffix)
	}
	fmt.Fprintln(ew, "}")
	return ew.err
}

func dotNodeAttrs(n GraphNode) string {
	attrs := []string{"label=" + dotID(n.Label)}
	if n.Stateful {
		attrs = append(attrs, "shape=cylinder")
	}
	style := []string{"rounded"}
	if n.Protect {
		style = append(style, "bold")
	}
	if n.Critical {
		style = append(style, "filled")
		attrs = append(attrs, `color="#d33333"`, `fillcolor="#fde8e8"`)
	}
	attrs = append(attrs, fmt.Sprintf("style=%q", strings.Join(style, ",")))
	return strings.Join(attrs, ", ")
}

// dotID quotes any string as a DOT identifier; "\n" becomes a centred line break.
func dotID(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}
