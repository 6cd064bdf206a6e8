// Package plan runs a Pulumi program offline against an in-process resource monitor and
// captures everything it registers: the one source of truth for tests, policies, cost and
// the preflight report. It never talks to a cloud.
package plan

import (
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Mode says which engine pass the capture imitates.
type Mode int

const (
	// Preview imitates `pulumi preview`: provider-computed outputs (ids, ARNs, endpoints)
	// are unknown, as they are for a stack that does not exist yet.
	Preview Mode = iota
	// Update imitates `pulumi up`: computed outputs get deterministic fake values, so
	// inputs that depend on them are filled in.
	Update
)

func (m Mode) String() string {
	if m == Update {
		return "update"
	}
	return "preview"
}

// Plan is the captured resource graph of one program run.
type Plan struct {
	Project string
	Stack   string
	Mode    Mode
	// Resources sorted by URN (registration order is not deterministic: the SDK registers
	// from goroutines as inputs resolve). The root stack resource is not included.
	Resources []*Resource
	// Outputs are the stack outputs, secrets and unknowns preserved.
	Outputs property.Map

	byURN map[string]*Resource
}

// Resource is one registered resource, custom or component, as the engine would see it.
type Resource struct {
	URN    string
	Type   string // type token, e.g. aws:rds/instance:Instance
	Name   string // logical name
	Custom bool   // false for component resources (and providers are custom)
	Parent string // parent URN ("" for the root stack)
	// Provider is the provider reference ("urn::id") for custom resources, "" for the default provider.
	Provider string
	// Inputs as sent to the engine: unknowns stay computed, secrets stay secret.
	Inputs property.Map
	// Outputs as the capture's fake provider returned them (inputs plus computed values in
	// Update mode; only inputs in Preview mode).
	Outputs property.Map
	// ID is the fake physical id ("" in Preview mode).
	ID string
	// Dependencies are the URNs this resource depends on (DependsOn plus input dependencies).
	Dependencies []string
	// PropertyDependencies maps an input property to the URNs it was computed from.
	PropertyDependencies map[string][]string

	Protect                 bool
	RetainOnDelete          bool
	DeleteBeforeReplace     bool
	IgnoreChanges           []string
	ReplaceOnChanges        []string
	AdditionalSecretOutputs []string
	Aliases                 []string
	DeletedWith             string
	ImportID                string
}

// Resource returns the resource with the given URN, or nil.
func (p *Plan) Resource(urn string) *Resource {
	if p.byURN == nil {
		p.index()
	}
	return p.byURN[urn]
}

// ByType returns the resources of one type token, in registration order.
func (p *Plan) ByType(typ string) []*Resource {
	var out []*Resource
	for _, r := range p.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Named returns the first resource with this type and logical name, or nil.
func (p *Plan) Named(typ, name string) *Resource {
	for _, r := range p.Resources {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// Children returns the direct children of the resource with the given URN.
func (p *Plan) Children(urn string) []*Resource {
	var out []*Resource
	for _, r := range p.Resources {
		if r.Parent == urn {
			out = append(out, r)
		}
	}
	return out
}

// Component returns the outermost ancestor (or the resource itself) whose type token has
// the given prefix, e.g. "platform:": the top-level component that owns a resource.
func (p *Plan) Component(r *Resource, prefix string) *Resource {
	var owner *Resource
	for cur := r; cur != nil; cur = p.Resource(cur.Parent) {
		if strings.HasPrefix(cur.Type, prefix) {
			owner = cur
		}
	}
	return owner
}

// Types returns the distinct type tokens in the plan, sorted.
func (p *Plan) Types() []string {
	seen := map[string]bool{}
	for _, r := range p.Resources {
		seen[r.Type] = true
	}
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

func (p *Plan) index() {
	p.byURN = make(map[string]*Resource, len(p.Resources))
	for _, r := range p.Resources {
		p.byURN[r.URN] = r
	}
}
