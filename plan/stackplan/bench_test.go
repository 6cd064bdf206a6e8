package stackplan_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
)

// BenchmarkCaptureProd measures the offline capture of the prod stack, the core of every
// preflight (budget: the whole preflight of prod under 2 s warm).
func BenchmarkCaptureProd(b *testing.B) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		b.Run(mode.String(), func(b *testing.B) {
			for b.Loop() {
				p, err := stackplan.Capture("../..", "prod", mode)
				require.NoError(b, err)
				require.NotEmpty(b, p.Resources)
			}
		})
	}
}

func TestCaptureFindsTheProjectRoot(t *testing.T) {
	root, err := stackplan.ProjectRoot()
	require.NoError(t, err)
	p, err := stackplan.Capture(root, "staging", plan.Preview)
	require.NoError(t, err)
	require.Equal(t, "staging", p.Stack)
	require.NotEmpty(t, p.ByType(tokens.RDSInstance))
}

func TestCaptureOfAMissingStackNamesTheFile(t *testing.T) {
	_, err := stackplan.Capture("../..", "nope", plan.Preview)
	require.ErrorContains(t, err, "Pulumi.nope.yaml")
}
