#!/usr/bin/env bash
# End-to-end benchmark: wall time, persons/s and peak RSS of whole runs
# (GNU time). Usage: tools/bench-e2e.sh [RUNS]  — RUNS per case, default 1;
# with 3 the median is the figure to quote.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
go build -o bin/synthpipe ./cmd/synthpipe
out=$(mktemp -d out-bench.XXXX)
trap 'rm -rf "$out"' EXIT

bench() { # name records env... -- args...
  local name=$1 records=$2; shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  for _ in $(seq "$runs"); do
    rm -rf "$out/snap"
    local t
    t=$( { env "${envs[@]}" /usr/bin/time -f "%e %M" bin/synthpipe run "$@" --records "$records" --output-dir "$out/snap" --log-level warn --quiet >/dev/null; } 2>&1 | tail -1)
    awk -v n="$name" -v r="$records" -v t="$t" 'BEGIN { split(t, a, " "); printf "%-28s %12d persons %8.2f s %12.0f persons/s %8.1f MB peak RSS\n", n, r, a[1], r / a[1], a[2] / 1024 }'
  done
}

echo "case                               records        wall           throughput          memory"
bench "all formats, 1M"            1000000  GOGC=100 -- -c configs/v0.2.yaml
# 10M persons in every format write 28 GB and hold about 40 GB at the peak
# (the JSON dataset's spools are joined at close): skip it, saying so,
# where the disk has less room.
free_kb=$(df -Pk "$out" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -ge $((40 * 1024 * 1024)) ]; then
  bench "all formats, 10M"          10000000  GOGC=100 -- -c configs/v0.2.yaml
else
  echo "all formats, 10M: skipped, needs about 40 GB free here, has $((free_kb / 1024 / 1024)) GB"
fi
bench "one core, CSV alone, 1M"    1000000  GOMAXPROCS=1 -- -c configs/variants/csv-only.yaml --workers 1
# The same run without the validate stage: what checking every record costs
# on one core, beside what making and writing them costs.
grep -v -- '- type: validate$' configs/variants/csv-only.yaml >"$out/csv-unchecked.yaml"
bench "one core, CSV, no validate" 1000000  GOMAXPROCS=1 -- -c "$out/csv-unchecked.yaml" --workers 1
