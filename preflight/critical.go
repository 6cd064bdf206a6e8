package preflight

import (
	"math"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// KeystoneTypes are the slow resources a full rebuild must be able to create in
// parallel (DESIGN.md, "no false serialisation").
var KeystoneTypes = []string{
	tokens.RDSInstance,
	tokens.ElastiCacheReplicationGroup,
	tokens.EKSCluster,
	tokens.CloudFrontDistribution,
}

// graph is the "must finish before" relation over a report's resources:
//   - a resource starts when its dependencies and its explicit provider have finished
//     (the Kubernetes provider waits for the cluster through its kubeconfig);
//   - a component takes no time itself and finishes when its children have finished,
//     so depending on a component waits for everything in it.
type graph struct {
	nodes    []*node
	byURN    map[string]*node
	children map[string][]*node
}

type node struct {
	r       *Resource
	minutes float64
	deps    []*node // start after these finish
	// results of the walk
	start, finish float64
	pred          *node // what decided finish: the child or the dependency that finished last
	state         uint8 // 0 new, 1 on the stack, 2 done
}

func newGraph(resources []Resource, t *Timings) *graph {
	g := &graph{byURN: make(map[string]*node, len(resources)), children: map[string][]*node{}}
	for i := range resources {
		n := &node{r: &resources[i], minutes: t.Minutes(&resources[i])}
		g.nodes = append(g.nodes, n)
		g.byURN[n.r.URN] = n
	}
	for _, n := range g.nodes {
		if p := g.byURN[n.r.Parent]; p != nil {
			g.children[p.r.URN] = append(g.children[p.r.URN], n)
		}
		for _, d := range n.r.Dependencies {
			if dn := g.byURN[d]; dn != nil && dn != n {
				n.deps = append(n.deps, dn)
			}
		}
		if pn := g.byURN[n.r.Provider]; pn != nil {
			n.deps = append(n.deps, pn)
		}
	}
	return g
}

// waitsFor returns what must finish before n finishes: its dependencies and, for a
// component, its children.
func (g *graph) waitsFor(n *node) []*node {
	if n.r.Custom {
		return n.deps
	}
	return append(slices.Clone(n.deps), g.children[n.r.URN]...)
}

// walk computes start and finish of every node (longest path, memoised). A cycle
// (impossible under the engine, but a capture bug must not hang the report) is cut at
// the back edge.
func (g *graph) walk(n *node) float64 {
	switch n.state {
	case 2:
		return n.finish
	case 1:
		return 0
	}
	n.state = 1
	for _, d := range n.deps {
		f := g.walk(d)
		if d.state != 2 {
			continue // a back edge of a cycle
		}
		if n.pred == nil || f > n.start {
			n.start, n.pred = f, d
		}
	}
	n.finish = n.start + n.minutes
	if !n.r.Custom {
		for _, c := range g.children[n.r.URN] {
			if f := g.walk(c); c.state == 2 && f > n.finish {
				n.finish, n.pred = f, c
			}
		}
	}
	n.state = 2
	return n.finish
}

// analyse computes the critical path, the keystones' start times and any false
// serialisation between keystones.
func analyse(resources []Resource, t *Timings) CriticalPath {
	g := newGraph(resources, t)
	var last *node
	for _, n := range g.nodes {
		if f := g.walk(n); last == nil || f > last.finish {
			last = n
		}
	}
	cp := CriticalPath{TimingsSource: TimingsSource, Chain: []Step{}, Keystones: []Keystone{}, Serialised: []Serialisation{}}
	if last == nil {
		return cp
	}
	cp.Minutes = round1(last.finish)
	onChain := map[*node]bool{}
	for n := last; n != nil && !onChain[n]; n = n.pred {
		onChain[n] = true
		if n.r.Custom || n.minutes > 0 {
			cp.Chain = append(cp.Chain, Step{URN: n.r.URN, Type: n.r.Type, Name: n.r.Name, Minutes: n.minutes,
				StartMinutes: round1(n.start), FinishMinutes: round1(n.start + n.minutes)})
		}
	}
	slices.Reverse(cp.Chain)
	for _, n := range g.nodes {
		if slices.Contains(KeystoneTypes, n.r.Type) {
			cp.Keystones = append(cp.Keystones, Keystone{URN: n.r.URN, Type: n.r.Type, Name: n.r.Name,
				StartMinutes: round1(n.start), FinishMinutes: round1(n.finish)})
			cp.Serialised = append(cp.Serialised, g.keystoneDeps(n)...)
		}
	}
	return cp
}

// keystoneDeps walks breadth-first from a keystone through everything it waits for and
// reports the first keystone reached on each branch, with the path to it.
func (g *graph) keystoneDeps(from *node) []Serialisation {
	prev := map[*node]*node{from: nil}
	queue := []*node{from}
	var out []Serialisation
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, d := range g.waitsFor(n) {
			if _, seen := prev[d]; seen {
				continue
			}
			prev[d] = n
			if slices.Contains(KeystoneTypes, d.r.Type) {
				var via []string
				for p := d; p != nil; p = prev[p] {
					via = append(via, p.r.URN)
				}
				slices.Reverse(via)
				out = append(out, Serialisation{URN: from.r.URN, DependsOn: d.r.URN, Via: via})
				continue
			}
			queue = append(queue, d)
		}
	}
	slices.SortFunc(out, func(a, b Serialisation) int { return strings.Compare(a.DependsOn, b.DependsOn) })
	return out
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
