package testkit

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
)

// PlaintextLeaks appends to out the path of every non-secret string under v that holds
// a fake generated secret (plan.FakeSecretPrefix): a secret that lost its marking.
func PlaintextLeaks(v property.Value, path string, out *[]string) {
	if v.Secret() {
		return
	}
	switch {
	case v.IsString():
		if strings.Contains(v.AsString(), plan.FakeSecretPrefix) {
			*out = append(*out, path)
		}
	case v.IsMap():
		for k, e := range v.AsMap().All {
			PlaintextLeaks(e, path+"."+k, out)
		}
	case v.IsArray():
		for i, e := range v.AsArray().All {
			PlaintextLeaks(e, path+"["+strconv.Itoa(i)+"]", out)
		}
	}
}

// RequireNoLeaks walks every resource's inputs and outputs and the stack outputs.
func RequireNoLeaks(t testing.TB, p *plan.Plan) {
	t.Helper()
	var leaks []string
	for _, r := range p.Resources {
		PlaintextLeaks(property.New(r.Inputs), r.URN+" inputs", &leaks)
		PlaintextLeaks(property.New(r.Outputs), r.URN+" outputs", &leaks)
	}
	PlaintextLeaks(property.New(p.Outputs), "stack outputs", &leaks)
	require.Empty(t, leaks)
}
