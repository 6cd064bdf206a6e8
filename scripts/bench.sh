#!/usr/bin/env bash
# Prints the preflight performance figures against the DESIGN.md budget (the full
# offline preflight of prod, warm, in at most 2 s):
#   1. Go benchmarks: plan capture of prod (plan/stackplan), full preflight of prod and
#      of all stacks, and the diff (preflight);
#   2. wall time of `go run ./cmd/preflight --stack prod` and of the built binary after
#      a warm-up build (hyperfine when installed, else bash's time over a few runs).
#
# Usage: scripts/bench.sh [benchtime]      (default 10x; e.g. 3s or 50x)
set -euo pipefail
cd "$(dirname "$0")/.."

benchtime="${1:-10x}"
budget_ms=2000
runs=5

echo "== Go benchmarks (benchtime ${benchtime})"
go test -run XXX -bench . -benchtime "${benchtime}" -benchmem ./plan/stackplan ./preflight |
  awk '/^Benchmark/ { printf "  %-40s %10.1f ms/op %8.1f MB/op\n", $1, $3 / 1e6, $5 / 1048576 } /^(ok|FAIL)/ { print "  " $0 }'

echo
echo "== go run ./cmd/preflight --stack prod (after a warm-up build)"
# One untimed run: go (>= 1.24) caches the executable go run links, so later runs only
# hash their inputs; that warm figure is what the budget is about.
go run ./cmd/preflight --stack prod > /dev/null
bin="$(mktemp -d)/preflight"
trap 'rm -rf "$(dirname "${bin}")"' EXIT
go build -o "${bin}" ./cmd/preflight

if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs "${runs}" --export-json "$(dirname "${bin}")/h.json" \
    "go run ./cmd/preflight --stack prod" "${bin} --stack prod" --output=null
  worst_ms=$(python3 -c 'import json,sys; print(int(max(r["mean"] for r in json.load(open(sys.argv[1]))["results"])*1000))' "$(dirname "${bin}")/h.json" 2> /dev/null || echo 0)
else
  time_ms() { # mean wall time of a command over $runs runs, in ms
    local start end
    start=$(date +%s%N)
    for _ in $(seq "${runs}"); do "$@" > /dev/null; done
    end=$(date +%s%N)
    echo $(((end - start) / runs / 1000000))
  }
  go_run_ms=$(time_ms go run ./cmd/preflight --stack prod)
  bin_ms=$(time_ms "${bin}" --stack prod)
  printf "  %-40s %6d ms (mean of %d)\n" "go run ./cmd/preflight --stack prod" "${go_run_ms}" "${runs}"
  printf "  %-40s %6d ms (mean of %d)\n" "built binary --stack prod" "${bin_ms}" "${runs}"
  worst_ms=${go_run_ms}
fi

echo
if [ "${worst_ms}" -le "${budget_ms}" ]; then
  echo "budget: full prod preflight ${worst_ms} ms <= ${budget_ms} ms: OK"
else
  echo "budget: full prod preflight ${worst_ms} ms > ${budget_ms} ms: OVER BUDGET"
  exit 1
fi
