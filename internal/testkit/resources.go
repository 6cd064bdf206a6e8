package testkit

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

// One requires exactly one captured resource of the type and returns it.
func One(t testing.TB, p *plan.Plan, typ string) *plan.Resource {
	t.Helper()
	rs := p.ByType(typ)
	require.Len(t, rs, 1, "want exactly one %s", typ)
	return rs[0]
}

// TagsOf returns a resource's input tags (non-string values read as "").
func TagsOf(r *plan.Resource) map[string]string {
	out := map[string]string{}
	if v := r.Input("tags"); v.IsMap() {
		for k, e := range v.AsMap().All {
			out[k] = StrOr(e)
		}
	}
	return out
}

// DependsOn reports whether input prop of r was computed from the resource with urn.
func DependsOn(r *plan.Resource, prop, urn string) bool {
	return slices.Contains(r.PropertyDependencies[prop], urn)
}

// WaitsFor reports whether r depends on the resource with urn at all.
func WaitsFor(r *plan.Resource, urn string) bool {
	return slices.Contains(r.Dependencies, urn)
}

// RequireNoCloud fails when the plan registers any AWS or random resource: the
// in-cluster modes must only talk to Kubernetes.
func RequireNoCloud(t testing.TB, p *plan.Plan) {
	t.Helper()
	for _, r := range p.Resources {
		require.False(t, strings.HasPrefix(r.Type, "aws:") || strings.HasPrefix(r.Type, "random:"), "%s registered", r.URN)
	}
}

// ExternalSecretType is the captured type token of an External Secrets ExternalSecret.
const ExternalSecretType = tokens.K8sExternalSecret

// ExternalSecretsByTarget maps each ExternalSecret's target Secret name to the object.
func ExternalSecretsByTarget(t testing.TB, p *plan.Plan) map[string]*plan.Resource {
	t.Helper()
	out := map[string]*plan.Resource{}
	for _, e := range p.ByType(ExternalSecretType) {
		out[Str(t, e.Input("spec.target.name"))] = e
	}
	return out
}
