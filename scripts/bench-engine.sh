#!/usr/bin/env bash
# Measures, in one run, the real engine's `pulumi preview` of prod's in-cluster layer against
# the e2e tier's API server and the offline capture of the same layer, then the capture at
# 1, 4 and 16 cells (copies of the layer in one program); prints the engine/capture ratio and
# whether the capture grows linearly.
#
# Usage: scripts/bench-engine.sh [benchtime]      (default 3x)
#        scripts/bench-engine.sh --from FILE      judge saved `go test -bench` output
# Linear means no step (1 to 4 cells, 4 to 16) raises the cost per resource by more than 25%:
# a quadratic capture would raise it 4-fold at each step. A cost per resource that falls is
# the capture's fixed start-up cost being spread, not growth, so the test is one-sided.
# Exit status: 0 measured and linear; 3 measured but not linear (a finding, or a noisy
# machine); anything else, the benchmark itself failed.
# Needs the e2e tools (scripts/pulumi-tools.sh builds them; this script calls it).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == --from ]]; then
	out="$(cat "${2:?--from needs a file}")"
else
	benchtime="${1:-3x}"
	tools_env="$(scripts/pulumi-tools.sh)"
	eval "$tools_env"
	out="$(PLATFORM_E2E_REQUIRED=1 go test -tags e2e -run '^$' -bench 'BenchmarkInClusterLayer' -benchtime "$benchtime" ./e2e/)"
fi
echo "$out" | grep -E '^(Benchmark|goos|cpu)|^(ok|FAIL).*\/e2e'

echo "$out" | awk '
/^BenchmarkInClusterLayer\// {
	split($1, name, "/"); sub(/-[0-9]+$/, "", name[2])
	ns[name[2]] = $3; perres[name[2]] = $5; res[name[2]] = $7
}
END {
	for (c = 1; c <= 16; c *= 4) if (!(("capture-cells-" c) in ns)) { print "missing benchmark results"; exit 1 }
	if (!("engine-preview" in ns)) { print "missing benchmark results"; exit 1 }
	printf "\nengine preview %.2f s vs offline capture %.1f ms of the same %d-resource layer: %.0fx\n",
		ns["engine-preview"] / 1e9, ns["capture-cells-1"] / 1e6, res["capture-cells-1"], ns["engine-preview"] / ns["capture-cells-1"]
	for (c = 1; c <= 16; c *= 4) {
		k = "capture-cells-" c
		printf "capture, %2d cell(s): %5d resources, %7.1f ms, %6.0f us/resource\n", c, res[k], ns[k] / 1e6, perres[k] / 1e3
	}
	small = (ns["capture-cells-4"] - ns["capture-cells-1"]) / (res["capture-cells-4"] - res["capture-cells-1"])
	large = (ns["capture-cells-16"] - ns["capture-cells-4"]) / (res["capture-cells-16"] - res["capture-cells-4"])
	printf "marginal cost per added resource: %.0f us (1 to 4 cells), %.0f us (4 to 16 cells)\n", small / 1e3, large / 1e3
	up4 = perres["capture-cells-4"] / perres["capture-cells-1"]; up16 = perres["capture-cells-16"] / perres["capture-cells-4"]
	worst = (up4 > up16 ? up4 : up16)
	printf "%s: cost per resource x%.2f from 1 to 4 cells, x%.2f from 4 to 16 (linear: neither above x1.25)\n",
		(worst <= 1.25 ? "linear" : "NOT linear"), up4, up16
	if (worst > 1.25) exit 3
}'
