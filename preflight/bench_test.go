package preflight_test

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

// BenchmarkPreflightProd is the full preflight of prod as `go run ./cmd/preflight --stack
// prod` does it after the build: capture, policy verdicts, cost, critical path, and
// every format rendered. Budget (DESIGN.md): under 2 s warm.
func BenchmarkPreflightProd(b *testing.B) {
	for b.Loop() {
		r, err := preflight.Run("prod", preflight.Options{Root: root, Mode: plan.Preview})
		require.NoError(b, err)
		d := &preflight.Document{Reports: []*preflight.Report{r}}
		for _, f := range []preflight.Format{preflight.TextFormat{}, preflight.MarkdownFormat{}, preflight.JSONFormat{}} {
			require.NoError(b, f.Write(io.Discard, d))
		}
	}
}

// BenchmarkPreflightAll is `--stack all`: three captures, parity and the markdown comment.
func BenchmarkPreflightAll(b *testing.B) {
	for b.Loop() {
		var rs []*preflight.Report
		for _, s := range []string{"staging", "prod", "dr"} {
			r, err := preflight.Run(s, preflight.Options{Root: root, Mode: plan.Preview})
			require.NoError(b, err)
			rs = append(rs, r)
		}
		d := &preflight.Document{Reports: rs, Parity: preflight.ComputeParity(rs)}
		require.NoError(b, preflight.MarkdownFormat{}.Write(io.Discard, d))
	}
}

// BenchmarkDiffProd is --diff on top of a report: comparing two prod reports leaf by leaf.
func BenchmarkDiffProd(b *testing.B) {
	base := report(b, "prod", plan.Preview)
	head := report(b, "prod", plan.Preview)
	b.ResetTimer()
	for b.Loop() {
		_ = preflight.Compare(base, head, "base")
	}
}
