#!/usr/bin/env bash
# Measures, in one run, the real engine's `pulumi preview` of prod's in-cluster layer against
# the e2e tier's API server and the offline capture of the same layer, then the capture at
# 1, 4 and 16 cells (copies of the layer in one program); prints the engine/capture ratio and
# whether the capture grows linearly.
#
# Usage: scripts/bench-engine.sh [benchtime]      (default 3x)
#        scripts/bench-engine.sh --from FILE      judge saved `go test -bench` output
# Linear means a constant cost per added resource: the marginal cost from 4 to 16 cells is
# within 25% of the one from 1 to 4. (The cost per resource itself falls as the program
# grows, since the capture's fixed start-up cost is spread; that is not growth.)
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
	fixed = ns["capture-cells-1"] - small * res["capture-cells-1"]
	r = large / small; d = (r > 1 ? r - 1 : 1 - r)
	printf "marginal cost per resource: %.0f us (1 to 4 cells), %.0f us (4 to 16 cells), %.2fx; fixed cost about %.1f ms\n",
		small / 1e3, large / 1e3, r, fixed / 1e6
	printf "%s: the cost of an added resource varies by %.0f%% as the program grows 16-fold\n", (d <= 0.25 ? "linear" : "NOT linear"), d * 100
	if (d > 0.25) exit 3
}'
