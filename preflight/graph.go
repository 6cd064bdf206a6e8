package preflight

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Graph is a drawable dependency graph: resources (or components) and "must exist
// before" edges, the critical path marked. Renderers: DOT (dot.go) and Mermaid
// (mermaid.go).
type Graph struct {
	Title string
	Nodes []GraphNode
	Edges []GraphEdge
}

// GraphNode is one box.
type GraphNode struct {
	ID       string // stable identifier (a URN, or a component name)
	Label    string
	Group    string // component drawn as a cluster ("" for none)
	Critical bool   // on the critical path
	Stateful bool
	Protect  bool
}

// GraphEdge says From must exist before To.
type GraphEdge struct {
	From, To string
	Count    int // resource edges folded into this one (component graphs)
	Critical bool
}

// Graph levels for --graph-level.
const (
	LevelResource  = "resource"
	LevelComponent = "component"
)

// GraphRenderer writes a graph in one syntax.
type GraphRenderer interface {
	Render(w io.Writer, g *Graph) error
}

var (
	_ GraphRenderer = DOT{}
	_ GraphRenderer = Mermaid{}
)

// BuildGraph draws a report at the given level.
func BuildGraph(r *Report, level string) (*Graph, error) {
	switch level {
	case LevelResource:
		return resourceGraph(r), nil
	case LevelComponent:
		return componentGraph(r), nil
	}
	return nil, fmt.Errorf("unknown graph level %q (allowed: %s, %s)", level, LevelComponent, LevelResource)
}

// resourceGraph has one node per cloud resource, clustered by component. Providers are
// drawn too: the Kubernetes provider is how workloads wait for the cluster.
func resourceGraph(r *Report) *Graph {
	g := &Graph{Title: r.Project + "-" + r.Stack}
	drawn := map[string]bool{}
	critical := criticalSet(r)
	for _, res := range r.Resources {
		if !res.Custom && !strings.HasPrefix(res.Type, "kubernetes:helm.sh/") {
			continue
		}
		drawn[res.URN] = true
		g.Nodes = append(g.Nodes, GraphNode{ID: res.URN, Label: ShortType(res.Type) + "\n" + res.Name, Group: res.Component,
			Critical: critical[res.URN], Stateful: StatefulTypes[res.Type], Protect: res.Protect})
	}
	chainEdge := map[[2]string]bool{}
	for i := 1; i < len(r.CriticalPath.Chain); i++ {
		chainEdge[[2]string{r.CriticalPath.Chain[i-1].URN, r.CriticalPath.Chain[i].URN}] = true
	}
	for _, res := range r.Resources {
		if !drawn[res.URN] {
			continue
		}
		for _, d := range waits(res) {
			if drawn[d] && d != res.URN {
				g.Edges = append(g.Edges, GraphEdge{From: d, To: res.URN, Count: 1, Critical: chainEdge[[2]string{d, res.URN}]})
			}
		}
	}
	return g
}

// componentGraph folds resources into their components: an edge A -> B when something
// in B waits for something in A.
func componentGraph(r *Report) *Graph {
	g := &Graph{Title: r.Project + "-" + r.Stack}
	comp := map[string]string{}
	count := map[string]int{}
	types := map[string]string{}
	for _, res := range r.Resources {
		comp[res.URN] = res.Component
		if res.Custom {
			count[res.Component]++
		}
		if res.Parent == "" && strings.HasPrefix(res.Type, "platform:") {
			types[res.Name] = res.Type
		}
	}
	critical := map[string]bool{}
	for _, s := range r.CriticalPath.Chain {
		critical[comp[s.URN]] = true
	}
	for _, c := range sortedKeys(count) {
		label := fmt.Sprintf("%s\n%d resources", c, count[c])
		if t := types[c]; t != "" {
			label = fmt.Sprintf("%s\n%s\n%d resources", c, t, count[c])
		}
		if usdv, ok := r.Cost.ByComponent[c]; ok && usdv > 0 {
			label += " · " + usd(usdv) + "/mo"
		}
		g.Nodes = append(g.Nodes, GraphNode{ID: c, Label: label, Critical: critical[c]})
	}
	edges := map[[2]string]int{}
	for _, res := range r.Resources {
		for _, d := range waits(res) {
			from, to := comp[d], res.Component
			if from != "" && from != to {
				edges[[2]string{from, to}]++
			}
		}
	}
	keys := make([][2]string, 0, len(edges))
	for k := range edges {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		g.Edges = append(g.Edges, GraphEdge{From: k[0], To: k[1], Count: edges[k], Critical: critical[k[0]] && critical[k[1]]})
	}
	return g
}

// waits lists what a resource waits for: dependencies and its explicit provider.
func waits(r Resource) []string {
	out := slices.Clone(r.Dependencies)
	if r.Provider != "" && !slices.Contains(out, r.Provider) {
		out = append(out, r.Provider)
	}
	return out
}

func criticalSet(r *Report) map[string]bool {
	out := map[string]bool{}
	for _, s := range r.CriticalPath.Chain {
		out[s.URN] = true
	}
	return out
}

// groups returns the node groups in first-seen order, with their members.
func (g *Graph) groups() ([]string, map[string][]GraphNode) {
	var order []string
	members := map[string][]GraphNode{}
	for _, n := range g.Nodes {
		if _, ok := members[n.Group]; !ok {
			order = append(order, n.Group)
		}
		members[n.Group] = append(members[n.Group], n)
	}
	sort.Strings(order)
	return order, members
}
