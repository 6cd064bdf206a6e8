package preflight

import (
	"fmt"
	"io"
	"strings"
)

// Mermaid renders a graph as a Mermaid flowchart, which GitHub draws inside a
// ```mermaid block of a comment. Node ids are positional (n0, n1...) because Mermaid
// ids cannot hold URNs.
type Mermaid struct{}

// Render implements GraphRenderer.
func (Mermaid) Render(w io.Writer, g *Graph) error {
	ew := &errWriter{w: w}
	fmt.Fprintln(ew, "flowchart LR")
	ids := make(map[string]string, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[n.ID] = fmt.Sprintf("n%d", i)
	}
	order, members := g.groups()
	var critical, stateful []string
	for gi, grp := range order {
		indent := "  "
		if grp != "" {
			fmt.Fprintf(ew, "  subgraph g%d [%s]\n", gi, mermaidText(grp))
			indent = "    "
		}
		for _, n := range members[grp] {
			open, close := "[", "]"
			if n.Stateful {
				open, close = "[(", ")]"
			}
			label := n.Label
			if n.Protect {
				label += "\n🔒 protected"
			}
			fmt.Fprintf(ew, "%s%s%s%s%s\n", indent, ids[n.ID], open, mermaidText(label), close)
			if n.Critical {
				critical = append(critical, ids[n.ID])
			}
			if n.Stateful {
				stateful = append(stateful, ids[n.ID])
			}
		}
		if grp != "" {
			fmt.Fprintln(ew, "  end")
		}
	}
	var criticalEdges []string
	for i, e := range g.Edges {
		arrow := "-->"
		if e.Count > 1 {
			arrow = fmt.Sprintf("-->|%d|", e.Count)
		}
		fmt.Fprintf(ew, "  %s %s %s\n", ids[e.From], arrow, ids[e.To])
		if e.Critical {
			criticalEdges = append(criticalEdges, fmt.Sprint(i))
		}
	}
	fmt.Fprintln(ew, "  classDef critical stroke:#d33333,stroke-width:3px,fill:#fde8e8")
	fmt.Fprintln(ew, "  classDef stateful fill:#eef4ff")
	if len(stateful) > 0 {
		fmt.Fprintf(ew, "  class %s stateful\n", strings.Join(stateful, ","))
	}
	if len(critical) > 0 {
		fmt.Fprintf(ew, "  class %s critical\n", strings.Join(critical, ","))
	}
	if len(criticalEdges) > 0 {
		fmt.Fprintf(ew, "  linkStyle %s stroke:#d33333,stroke-width:3px\n", strings.Join(criticalEdges, ","))
	}
	return ew.err
}

// mermaidText quotes a label; quotes become #quot; and line breaks <br/>.
func mermaidText(s string) string {
	s = strings.ReplaceAll(s, `"`, "#quot;")
	s = strings.ReplaceAll(s, "\n", "<br/>")
	return `"` + s + `"`
}
