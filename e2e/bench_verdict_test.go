package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBenchVerdict judges saved benchmark output with scripts/bench-engine.sh --from (no
// tools needed): a fixed start-up cost that makes small programs dearer per resource, and
// the noise of a shared machine, are linear growth; a cost per resource that climbs with
// size is not.
func TestBenchVerdict(t *testing.T) {
	for _, tc := range []struct {
		name         string
		captureNs    [3]int // 1, 4 and 16 cells of 93 resources
		wantExit     int
		wantVerdict  string
		wantMarginal string
	}{
		// Measured 2026-12-04 in CI runs: 545, 411 and 391 us per resource; 419, 292, 316.
		{name: "fixed start-up cost", captureNs: [3]int{50684620, 152768199, 581893468}, wantVerdict: "linear: cost per resource x0.75 from 1 to 4 cells, x0.95 from 4 to 16", wantMarginal: "366 us (1 to 4 cells), 385 us (4 to 16 cells)"},
		{name: "noisy middle run", captureNs: [3]int{38986389, 108649400, 469552395}, wantVerdict: "linear: cost per resource x0.70 from 1 to 4 cells, x1.08 from 4 to 16", wantMarginal: "250 us (1 to 4 cells), 323 us (4 to 16 cells)"},
		{name: "quadratic", captureNs: [3]int{40000000, 160000000, 2560000000}, wantExit: 3, wantVerdict: "NOT linear: cost per resource x1.00 from 1 to 4 cells, x4.00 from 4 to 16", wantMarginal: "430 us (1 to 4 cells), 2151 us (4 to 16 cells)"},
		{name: "quadratic from the start", captureNs: [3]int{40000000, 640000000, 10240000000}, wantExit: 3, wantVerdict: "NOT linear: cost per resource x4.00 from 1 to 4 cells, x4.00 from 4 to 16", wantMarginal: "2151 us (1 to 4 cells), 8602 us (4 to 16 cells)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := []string{"BenchmarkInClusterLayer/engine-preview-2 \t 3\t 2000000000 ns/op\t 21505376 ns/resource\t 93.00 resources"}
			for i, cells := range []int{1, 4, 16} {
				n := 93 * cells
				lines = append(lines, fmt.Sprintf("BenchmarkInClusterLayer/capture-cells-%d-2 \t 3\t %d ns/op\t %d ns/resource\t %d resources", cells, tc.captureNs[i], tc.captureNs[i]/n, n))
			}
			saved := filepath.Join(t.TempDir(), "bench.txt")
			require.NoError(t, os.WriteFile(saved, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
			out, err := exec.Command("bash", filepath.Join("..", "scripts", "bench-engine.sh"), "--from", saved).CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tc.wantExit, code, "%s", out)
			require.Contains(t, string(out), tc.wantVerdict)
			require.Contains(t, string(out), tc.wantMarginal)
			require.Contains(t, string(out), "engine preview 2.00 s vs offline capture")
		})
	}
}
