#!/usr/bin/env bash
# Measures, in one run, the real engine's `pulumi preview` of prod's in-cluster layer against
# the e2e tier's API server and the offline capture of the same layer, then the capture at
# 1, 4 and 16 cells (copies of the layer in one program); prints the engine/capture ratio and
# whether the capture's cost per resource stays flat (linear growth).
#
# Usage: scripts/bench-engine.sh [benchtime]      (default 3x)
# Exit status: 0 measured and linear; 3 measured but not linear (more than 25% apart per
# resource: a finding, or a noisy machine); anything else, the benchmark itself failed.
# Needs the e2e tools (scripts/pulumi-tools.sh builds them; this script calls it).
set -euo pipefail
cd "$(dirname "$0")/.."

benchtime="${1:-3x}"
tools_env="$(scripts/pulumi-tools.sh)"
eval "$tools_env"

out="$(PLATFORM_E2E_REQUIRED=1 go test -tags e2e -run '^$' -bench 'BenchmarkInClusterLayer' -benchtime "$benchtime" ./e2e/)"
echo "$out" | grep -E '^(Benchmark|ok|FAIL|goos|cpu)'

echo "$out" | awk '
/^BenchmarkInClusterLayer\// {
	split($1, name, "/"); sub(/-[0-9]+$/, "", name[2])
	ns[name[2]] = $3; perres[name[2]] = $5; res[name[2]] = $7
}
END {
	if (!("engine-preview" in ns) || !("capture-cells-1" in ns)) { print "missing benchmark results"; exit 1 }
	printf "\nengine preview %.2f s vs offline capture %.1f ms of the same %d-resource layer: %.0fx\n",
		ns["engine-preview"] / 1e9, ns["capture-cells-1"] / 1e6, res["capture-cells-1"], ns["engine-preview"] / ns["capture-cells-1"]
	base = perres["capture-cells-1"]; worst = 0
	for (c = 1; c <= 16; c *= 4) {
		k = "capture-cells-" c
		r = perres[k] / base; d = (r > 1 ? r - 1 : 1 - r); if (d > worst) worst = d
		printf "capture, %2d cell(s): %5d resources, %7.1f ms, %6.0f us/resource (%.2fx of 1 cell)\n", c, res[k], ns[k] / 1e6, perres[k] / 1e3, r
	}
	printf "%s: cost per resource varies by at most %.0f%% from 1 to 16 cells\n", (worst <= 0.25 ? "linear" : "NOT linear"), worst * 100
	if (worst > 0.25) exit 3
}'
