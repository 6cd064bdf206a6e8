package tests

import (
	"fmt"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
)

// Captures are shared across tests: a stack is captured once per mode per test binary.
var (
	capMu    sync.Mutex
	captured = map[string]*plan.Plan{}
)

func capture(t testing.TB, stack string, mode plan.Mode) *plan.Plan {
	t.Helper()
	capMu.Lock()
	defer capMu.Unlock()
	key := fmt.Sprintf("%s/%s", stack, mode)
	if p, ok := captured[key]; ok {
		return p
	}
	root, err := stackplan.ProjectRoot()
	require.NoError(t, err)
	p, err := stackplan.Capture(root, stack, mode)
	require.NoError(t, err, "capturing %s", key)
	captured[key] = p
	return p
}

func one(t testing.TB, p *plan.Plan, typ string, pick func(*plan.Resource) bool) *plan.Resource {
	t.Helper()
	var found []*plan.Resource
	for _, r := range p.ByType(typ) {
		if pick == nil || pick(r) {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "want exactly one %s", typ)
	return found[0]
}

func str(v property.Value) string {
	if v.IsString() {
		return v.AsString()
	}
	return ""
}

func num(v property.Value) float64 {
	if v.IsNumber() {
		return v.AsNumber()
	}
	return -1
}

func strs(v property.Value) []string {
	var out []string
	if v.IsArray() {
		for _, e := range v.AsArray().AsSlice() {
			out = append(out, str(e))
		}
	}
	return out
}

// params turns a parameter list ([{name, value}]) into a map.
func params(r *plan.Resource) map[string]string {
	out := map[string]string{}
	v := r.Input("parameters")
	if !v.IsArray() {
		return out
	}
	for _, p := range v.AsArray().AsSlice() {
		if p.IsMap() {
			out[str(p.AsMap().Get("name"))] = str(p.AsMap().Get("value"))
		}
	}
	return out
}

var stacksUnderTest = []string{"staging", "prod", "dr"}
