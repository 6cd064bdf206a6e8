package tests

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

// A mutation flips one security or cost property of a copy of the prod plan; the rule
// named must then report a finding, or the mutation "survives" (a hole in the pack).
type mutation struct {
	name  string
	rule  string
	apply func(p *plan.Plan) error
}

// clonePlan copies the resource structs so that a mutation never touches the shared
// capture (property maps are immutable: Set returns a new map).
func clonePlan(p *plan.Plan) *plan.Plan {
	out := &plan.Plan{Project: p.Project, Stack: p.Stack, Mode: p.Mode, Outputs: p.Outputs}
	for _, r := range p.Resources {
		c := *r
		out.Resources = append(out.Resources, &c)
	}
	return out
}

func pick(p *plan.Plan, typ, nameContains string) (*plan.Resource, error) {
	for _, r := range p.Resources {
		if r.Type == typ && strings.Contains(r.Name, nameContains) {
			return r, nil
		}
	}
	return nil, fmt.Errorf("no %s named like %q in the plan", typ, nameContains)
}

func pv(x any) property.Value {
	switch t := x.(type) {
	case nil:
		return property.New(property.Null)
	case int:
		return property.New(float64(t))
	case []any:
		arr := make([]property.Value, len(t))
		for i, e := range t {
			arr[i] = pv(e)
		}
		return property.New(arr)
	case map[string]any:
		m := map[string]property.Value{}
		for k, e := range t {
			m[k] = pv(e)
		}
		return property.New(m)
	}
	v, err := property.Any(x)
	if err != nil {
		panic(err)
	}
	return v
}

// set writes v at path ("a.b[0].c") in m, creating maps on the way.
func set(m property.Map, path string, v property.Value) property.Map {
	return setIn(property.New(m), splitPath(path), v).AsMap()
}

func setIn(cur property.Value, segs []string, v property.Value) property.Value {
	if len(segs) == 0 {
		return v
	}
	seg := segs[0]
	if strings.HasPrefix(seg, "[") {
		i, _ := strconv.Atoi(strings.Trim(seg, "[]"))
		arr := []property.Value{}
		if cur.IsArray() {
			arr = cur.AsArray().AsSlice()
		}
		for len(arr) <= i {
			arr = append(arr, property.New(property.Map{}))
		}
		arr[i] = setIn(arr[i], segs[1:], v)
		return property.New(arr)
	}
	m := property.Map{}
	if cur.IsMap() {
		m = cur.AsMap()
	}
	return property.New(m.Set(seg, setIn(m.Get(seg), segs[1:], v)))
}

func splitPath(path string) []string {
	var out []string
	for _, part := range strings.Split(path, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				out = append(out, part)
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part, ']')
			out = append(out, part[i:j+1])
			part = part[j+1:]
		}
	}
	return out
}

// Mutation builders.

func setInput(typ, name, path string, value any) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := pick(p, typ, name)
		if err != nil {
			return err
		}
		r.Inputs = set(r.Inputs, path, pv(value))
		return nil
	}
}

func deleteInput(typ, name, key string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := pick(p, typ, name)
		if err != nil {
			return err
		}
		if _, ok := r.Inputs.GetOk(key); !ok {
			return fmt.Errorf("%s %s has no input %s to delete", typ, name, key)
		}
		r.Inputs = r.Inputs.Delete(key)
		return nil
	}
}

func unprotect(typ, name string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := pick(p, typ, name)
		if err != nil {
			return err
		}
		r.Protect = false
		return nil
	}
}

func removeAll(typ string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		kept := p.Resources[:0:0]
		n := 0
		for _, r := range p.Resources {
			if r.Type == typ {
				n++
				continue
			}
			kept = append(kept, r)
		}
		if n == 0 {
			return fmt.Errorf("no %s to remove", typ)
		}
		p.Resources = kept
		return nil
	}
}

// addCopy adds a copy of an existing resource under a new name, with inputs changed.
func addCopy(typ, name, newName string, changes map[string]any) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := pick(p, typ, name)
		if err != nil {
			return err
		}
		c := *r
		c.Name = newName
		c.URN = strings.TrimSuffix(r.URN, r.Name) + newName
		for path, v := range changes {
			c.Inputs = set(c.Inputs, path, pv(v))
		}
		p.Resources = append(p.Resources, &c)
		return nil
	}
}

// setParam changes one entry of a parameter-group style list ([{name, value}]).
func setParam(typ, name, param, value string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := pick(p, typ, name)
		if err != nil {
			return err
		}
		list := r.Input("parameters")
		if !list.IsArray() {
			return fmt.Errorf("%s %s has no parameters", typ, name)
		}
		items := list.AsArray().AsSlice()
		for i, it := range items {
			if it.IsMap() && it.AsMap().Get("name").IsString() && it.AsMap().Get("name").AsString() == param {
				items[i] = property.New(it.AsMap().Set("value", property.New(value)))
				r.Inputs = r.Inputs.Set("parameters", property.New(items))
				return nil
			}
		}
		return fmt.Errorf("%s %s has no parameter %s", typ, name, param)
	}
}

// editContainer changes the first container of a Deployment's pod template.
func editContainer(name, path string, value any) func(*plan.Plan) error {
	return setInput(tokens.K8sDeployment, name, "spec.template.spec.containers[0]."+path, value)
}
