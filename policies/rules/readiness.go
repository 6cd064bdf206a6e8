package rules

import (
	"slices"
	"strings"
)

// The readiness model: "X needs Y before X can become ready" (Kubernetes semantics) joined
// with the engine's order "X is created only after Y is ready" (dependsOn, property
// dependencies, a dependency on a component waiting for all its descendants). A need
// that the engine can only meet after the needer is ready is a deadlock: `pulumi up`
// waits for X's readiness forever (until its timeout) while Y waits for X.

// need is one readiness requirement: from cannot become ready until to exists (and, for
// an ExternalSecret, has synced).
type need struct {
	to  string // URN
	why string // "env secretKeyRef grafana-admin"
}

// readiness holds the two graphs of one stack.
type readiness struct {
	s     Stack
	byURN map[string]Resource
	// waits are the engine's direct edges: URN -> URNs it is created after.
	waits map[string][]string
	needs map[string][]need
}

func newReadiness(s Stack) *readiness {
	g := &readiness{s: s, byURN: map[string]Resource{}, waits: map[string][]string{}, needs: map[string][]need{}}
	children := map[string][]string{}
	for _, r := range s.Resources {
		g.byURN[r.URN] = r
		if r.Parent != "" {
			children[r.Parent] = append(children[r.Parent], r.URN)
		}
	}
	var descendants func(urn string, out *[]string)
	descendants = func(urn string, out *[]string) {
		for _, c := range children[urn] {
			*out = append(*out, c)
			descendants(c, out)
		}
	}
	for _, r := range s.Resources {
		var direct []string
		direct = append(direct, r.Dependencies...)
		for _, deps := range r.PropertyDependencies {
			direct = append(direct, deps...)
		}
		var edges []string
		for _, d := range direct {
			edges = append(edges, d)
			if dep, ok := g.byURN[d]; ok && !dep.Custom {
				descendants(d, &edges) // a component is ready when all of it is
			}
		}
		slices.Sort(edges)
		g.waits[r.URN] = slices.Compact(edges)
	}
	for _, r := range s.Resources {
		g.needs[r.URN] = g.needsOf(r)
	}
	return g
}

// waitPath returns the engine-order path from `from` to `to` (from waits for ... for
// to), or nil when from does not wait for to.
func (g *readiness) waitPath(from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, next := range g.waits[cur] {
			if _, seen := prev[next]; seen {
				continue
			}
			prev[next] = cur
			if next == to {
				path := []string{to}
				for p := cur; p != ""; p = prev[p] {
					path = append([]string{p}, path...)
				}
				return path
			}
			queue = append(queue, next)
		}
	}
	return nil
}

// chainStep is one hop of a need chain.
type chainStep struct {
	urn, why string
}

// deadlock is a need chain whose last object waits for the needer.
type deadlock struct {
	needer string
	chain  []chainStep // needs, from the needer's first need to the blocked object
	wait   []string    // the blocked object's engine path back to the needer
}

// deadlocks walks every need chain from every object (breadth first, each object once
// per needer) and reports the first chain of each needer that loops back through the
// engine order.
func (g *readiness) deadlocks() []deadlock {
	var out []deadlock
	for _, r := range g.s.Resources {
		type item struct {
			urn   string
			chain []chainStep
		}
		seen := map[string]bool{r.URN: true}
		queue := []item{{urn: r.URN}}
	walk:
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for _, n := range g.needs[cur.urn] {
				if seen[n.to] {
					continue
				}
				seen[n.to] = true
				chain := append(slices.Clone(cur.chain), chainStep{urn: n.to, why: n.why})
				if path := g.waitPath(n.to, r.URN); path != nil {
					out = append(out, deadlock{needer: r.URN, chain: chain, wait: path})
					break walk
				}
				queue = append(queue, item{urn: n.to, chain: chain})
			}
		}
	}
	return out
}

// describe renders a deadlock for a finding message.
func (g *readiness) describe(d deadlock) string {
	var b strings.Builder
	b.WriteString(g.byURN[d.needer].label())
	for _, step := range d.chain {
		b.WriteString(" needs (" + step.why + ") " + g.byURN[step.urn].label())
	}
	b.WriteString(", which the engine creates only after ")
	var hops []string
	for _, urn := range d.wait[1:] {
		hops = append(hops, g.byURN[urn].label())
	}
	b.WriteString(strings.Join(hops, " → "))
	return b.String()
}

// Deadlocks describes every readiness deadlock of a stack, for the preflight report.
func Deadlocks(s Stack) []string {
	g := newReadiness(s)
	var out []string
	for _, d := range g.deadlocks() {
		out = append(out, g.describe(d))
	}
	return out
}
