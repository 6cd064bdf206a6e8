package tests

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

// leaks walks a value and returns the paths where a generated secret value appears
// without a secret mark on it or on any value around it.
func leaks(path string, v property.Value, underSecret bool) []string {
	underSecret = underSecret || v.Secret()
	switch {
	case v.IsString():
		if !underSecret && strings.Contains(v.AsString(), plan.FakeSecretPrefix) {
			return []string{path}
		}
	case v.IsMap():
		var out []string
		for k, e := range v.AsMap().All {
			out = append(out, leaks(path+"."+k, e, underSecret)...)
		}
		return out
	case v.IsArray():
		var out []string
		for i, e := range v.AsArray().All {
			out = append(out, leaks(path+"["+itoa(i)+"]", e, underSecret)...)
		}
		return out
	}
	return nil
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+i%10))) }

func TestNoSecretInPlaintext(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			seen := 0
			var bad []string
			for _, r := range p.Resources {
				bad = append(bad, leaks(r.URN+" inputs", property.New(r.Inputs), false)...)
				bad = append(bad, leaks(r.URN+" outputs", property.New(r.Outputs), false)...)
				for _, v := range r.Inputs.All {
					if strings.Contains(v.GoString(), plan.FakeSecretPrefix) {
						seen++
					}
				}
			}
			bad = append(bad, leaks("stack outputs", property.New(p.Outputs), false)...)
			require.Empty(t, bad, "generated secret values in plaintext")
			require.Positive(t, seen, "the walk must actually meet generated secrets (the test would be vacuous otherwise)")
		})
	}
}

func TestStackOutputs(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			for _, k := range []string{"vpcId", "clusterName", "kubeconfig", "dbEndpoint", "redisEndpoints", "secretArns", "DATABASE_URL", "DATABASE_URL_POOLED"} {
				_, ok := p.Outputs.GetOk(k)
				require.True(t, ok, "stack output %s", k)
			}
			for _, k := range []string{"kubeconfig", "DATABASE_URL", "DATABASE_URL_POOLED"} {
				require.True(t, p.Outputs.Get(k).Secret(), "%s must be a secret output", k)
			}
			require.Contains(t, p.Outputs.Get("DATABASE_URL_POOLED").AsString(), "pgbouncer")
		})
	}
}

func TestPreviewCapturesWithUnknowns(t *testing.T) {
	p := capture(t, "prod", plan.Preview)
	db := one(t, p, tokens.RDSInstance, isPrimaryDB)
	require.True(t, db.Input("kmsKeyId").IsComputed(), "in a preview the key ARN is not known yet")
	require.True(t, db.Input("multiAz").AsBool())
}
