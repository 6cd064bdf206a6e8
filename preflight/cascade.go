package preflight

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// Cascade says why a change follows from other resources' replacement. A replaced
// resource's id, ARN and name are unknown until it exists again, so every input computed
// from them changes: an input that forces replacement replaces the dependent too, any
// other input updates it.
type Cascade struct {
	// Property is the top-level input computed from the replaced resources, or
	// "(provider)" when the resource's provider is the one replaced.
	Property string `json:"property"`
	// From are the replaced resources the input depends on, sorted.
	From []string `json:"from"`
	// Replaces is true when the input forces a replacement.
	Replaces bool `json:"replaces"`
	// Bound, for an input the provider could update in place, says what AWS (or the
	// provider) refuses instead, with its Source (cascade_bound.go).
	Bound  string `json:"bound,omitempty"`
	Source string `json:"source,omitempty"`
}

// vpcType is where a move to another VPC starts.
const vpcType = tokens.EC2VPC

// providerCascade is why a resource goes with its provider: the engine replaces every
// resource whose provider is replaced (pulumi/pulumi pkg/resource/deploy/step_generator.go).
const providerCascade = "a resource whose provider is replaced is replaced with it"

// cascader follows head's property dependencies from the replaced resources.
type cascader struct {
	head   *Report
	byURN  map[string]*Resource
	inBase map[string]bool
	// replaced holds the resources that will be replaced; newVPC those of them that will
	// live in another VPC: a VPC, or anything replaced that depends on one of them.
	replaced, newVPC map[string]bool
}

// cascade adds to changes (head URN -> change, for resources in base and head) the
// replacements and updates that follow from the replacements already there, to a fixed
// point, and returns how many replacements it added. It reads head only: a base written
// by an older preflight has no property dependencies.
func cascade(head *Report, inBase map[string]bool, changes map[string]*Change) int {
	cs := &cascader{head: head, byURN: map[string]*Resource{}, inBase: inBase,
		replaced: map[string]bool{}, newVPC: map[string]bool{}}
	for i := range head.Resources {
		cs.byURN[head.Resources[i].URN] = &head.Resources[i]
	}
	for urn, c := range changes {
		if c.Action == "replace" {
			cs.replaced[urn] = true
			cs.newVPC[urn] = c.Type == vpcType
		}
	}
	for grew := true; grew; {
		grew = false
		for i := range head.Resources {
			r := &head.Resources[i]
			if !inBase[r.URN] {
				continue
			}
			if !cs.replaced[r.URN] && forces(cs.causes(r)) {
				cs.replaced[r.URN], grew = true, true
			}
			if cs.replaced[r.URN] && !cs.newVPC[r.URN] && cs.dependsOnNewVPC(r) {
				cs.newVPC[r.URN], grew = true, true
			}
		}
	}
	added := 0
	for i := range head.Resources {
		r := &head.Resources[i]
		if !inBase[r.URN] {
			continue
		}
		causes := cs.causes(r)
		if len(causes) == 0 {
			continue
		}
		c := changes[r.URN]
		if c == nil {
			fresh := change(r, "update")
			fresh.Cascaded = true
			c = &fresh
			changes[r.URN] = c
		}
		c.CascadeFrom = causes
		if cs.replaced[r.URN] && c.Action != "replace" {
			c.Action, c.Cascaded = "replace", true
			added++
		}
	}
	return added
}

// refusedInPlace prefixes a VPC-bound input's effect: the provider would try an update,
// which AWS refuses, so the run fails unless the resource is rebuilt; the diff counts it
// with the replacements because rebuilding it is the only way through.
const refusedInPlace = "AWS refuses this in place, so the run fails unless it is rebuilt: "

// causes lists, input by input, what r depends on that is replaced.
func (cs *cascader) causes(r *Resource) []Cascade {
	var out []Cascade
	props := make([]string, 0, len(r.PropertyDependencies))
	for p := range r.PropertyDependencies {
		props = append(props, p)
	}
	sort.Strings(props)
	for _, p := range props {
		if slices.Contains(r.IgnoreChanges, p) {
			continue // the engine keeps the old value
		}
		var from []string
		for _, u := range r.PropertyDependencies[p] {
			if cs.replaced[u] && u != r.URN {
				from = append(from, u)
			}
		}
		if len(from) == 0 {
			continue
		}
		c := Cascade{Property: p, From: from, Replaces: replacesOn(r, p)}
		if b, ok := boundTo(r, cs.head, p); ok && !c.Replaces && cs.reaches(b, from) {
			c.Replaces, c.Bound, c.Source = true, b.Why, b.Source
		}
		out = append(out, c)
	}
	if r.Provider != "" && cs.replaced[r.Provider] {
		out = append(out, Cascade{Property: "(provider)", From: []string{r.Provider}, Replaces: true,
			Bound: providerCascade, Source: "pulumi/pulumi pkg/resource/deploy/step_generator.go"})
	}
	return out
}

// reaches reports whether the binding holds for these replaced sources.
func (cs *cascader) reaches(b boundInput, from []string) bool {
	for _, u := range from {
		if b.To == toVPC && cs.newVPC[u] {
			return true
		}
		if src := cs.byURN[u]; src != nil && src.Type == b.To {
			return true
		}
	}
	return false
}

func (cs *cascader) dependsOnNewVPC(r *Resource) bool {
	for _, urns := range r.PropertyDependencies {
		for _, u := range urns {
			if cs.newVPC[u] && u != r.URN {
				return true
			}
		}
	}
	return false
}

// replacesOn reports whether a change of top-level input prop replaces r: it is (or holds)
// a replace-on-change property, as the type's table or the resource's own option says.
func replacesOn(r *Resource, prop string) bool {
	for _, p := range slices.Concat(ReplaceProperties(r.Type), r.ReplaceOnChanges) {
		if p == "*" || topKey(p) == prop {
			return true
		}
	}
	return false
}

// topKey is the first segment of a property path: "vpcConfig" of "vpcConfig.subnetIds".
func topKey(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

func forces(cs []Cascade) bool {
	return slices.ContainsFunc(cs, func(c Cascade) bool { return c.Replaces })
}

// Reasons says why a change replaces its resource: its own replace-on-change properties,
// then each input that depends on a replaced resource ("vpcConfig <- ec2.Subnet
// private-a replaced"). Empty for an update.
func (c Change) Reasons() []string {
	if c.Action != "replace" {
		return nil
	}
	out := slices.Clone(c.ReplaceBecause)
	for _, cc := range c.CascadeFrom {
		if !cc.Replaces {
			continue
		}
		from := shortURN(cc.From[0])
		if n := len(cc.From) - 1; n > 0 {
			from += fmt.Sprintf(" (+%d)", n)
		}
		out = append(out, fmt.Sprintf("%s <- %s replaced", cc.Property, from))
	}
	return out
}
