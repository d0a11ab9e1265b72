#!/usr/bin/env bash
# Crash check: N runs into one output folder, alternating plain runs and
# --force replaces with differing seeds, each killed with SIGKILL at a
# random moment. After each, the snapshot must be absent or whole (its
# files exactly the manifest's); a run that ends by itself must leave no
# staging folder and no lock file. At the end one normal run must clean up
# after the killed ones and its snapshot must pass `synthpipe validate`.
# Usage: tools/crash-check.sh [N]   (N default 50; RECORDS default 200000)
# Exits non-zero on any violation.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
records=${RECORDS:-200000}
work=$(mktemp -d "${TMPDIR:-/tmp}/crash-check.XXXX")
trap 'rm -rf "$work"' EXIT
bin=$work/synthpipe
go build -o "$bin" ./cmd/synthpipe
out=$work/out
target=$out/v0.2
manifest=$target/snapshot_manifest_v0_2.json
violations=0

fail() { echo "VIOLATION: $*" >&2; violations=$((violations + 1)); }

run() { "$bin" --quiet --log-level error run -c configs/v0.2.yaml --records "$records" --output-dir "$out" "$@"; }

# seed of the snapshot at the target, or "none".
current_seed() {
  if [ -f "$target/metadata_v0_2.json" ]; then
    grep -o '"seed": [0-9]*' "$target/metadata_v0_2.json" | grep -o '[0-9]*$'
  else
    echo none
  fi
}

# whole: the target's files are exactly the manifest's, each with its SHA-256.
whole() {
  [ -f "$manifest" ] || { echo "no manifest"; return 1; }
  local want got
  want=$(paste -d' ' <(grep -o '"sha256": "[0-9a-f]*"' "$manifest" | cut -d'"' -f4) \
    <(grep -o '"name": "[^"]*"' "$manifest" | cut -d'"' -f4 | sed 's/^/ /') | sort -k2)
  got=$(cd "$target" && sha256sum -- * | grep -v ' snapshot_manifest_v0_2.json$' | sort -k2)
  [ "$want" = "$got" ] || { echo "files differ from the manifest"; return 1; }
}

leftovers() { (cd "$out" 2>/dev/null && ls -A | grep -E '^\.v0\.2\.(staging-|lock$|replaced$)|^v0\.2\.replaced$' || true); }

# How long an uninterrupted replace takes (the longest kind of run): kills
# land in [0, 1.5 × that], so some land after the commit.
rm -rf "$out"
run --seed 1 >/dev/null
t0=$(date +%s%N)
run --seed 2 --force >/dev/null
dur_ms=$((($(date +%s%N) - t0) / 1000000))
max_ms=$((dur_ms * 3 / 2))
echo "crash-check: N=$n, $records persons per run, one replace ≈ ${dur_ms} ms, kill -9 after 0–${max_ms} ms"
rm -rf "$out"

declare -A count=()
started=$(date +%s)
for i in $(seq 1 "$n"); do
  before=$(current_seed)
  if [ $((i % 2)) -eq 1 ]; then
    # plain: the same config as the snapshot there (unchanged, after checking
    # its files), or a new one where there is none (created)
    mode=plain
    seed=$before; [ "$seed" = none ] && seed=$((1 + RANDOM % 4))
    args=(--seed "$seed")
  else
    mode=force
    seed=$((1 + RANDOM % 4)); [ "$seed" = "$before" ] && seed=$((seed % 4 + 1))
    args=(--seed "$seed" --force)
  fi
  sleep_ms=$((RANDOM * max_ms / 32767))
  # The binary itself in the background (not a function's subshell), so
  # the kill reaches it.
  "$bin" --quiet --log-level error run -c configs/v0.2.yaml --records "$records" --output-dir "$out" "${args[@]}" >/dev/null 2>"$work/stderr" &
  pid=$!
  sleep "$(printf '%d.%03d' $((sleep_ms / 1000)) $((sleep_ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then killed=1; else killed=0; fi
  set +e
  { wait "$pid"; } 2>/dev/null # no "Killed" job notice
  code=$?
  set -e
  after=$(current_seed)
  if [ "$code" -eq 137 ] && [ "$killed" -eq 1 ]; then
    if [ "$after" != "$before" ]; then
      outcome="killed after commit"
    elif [ "$mode" = plain ] && [ "$before" != none ]; then
      outcome="killed (unchanged run, nothing to commit)"
    else
      outcome="killed before commit"
    fi
  else
    outcome="finished ($mode, exit $code)"
    [ "$code" -eq 0 ] || fail "iteration $i: $mode run exited $code: $(cat "$work/stderr")"
    left=$(leftovers)
    [ -z "$left" ] || fail "iteration $i: a run that finished left: $left"
  fi
  count[$outcome]=$((${count[$outcome]:-0} + 1))
  if [ -e "$target" ]; then
    why=$(whole) || fail "iteration $i ($mode, $outcome): snapshot not whole: $why"
  fi
  if [ "$after" != none ] && [ "$after" != "$before" ] && [ "$after" != "$seed" ]; then
    fail "iteration $i: snapshot of seed $after appeared, neither the old ($before) nor this run's ($seed)"
  fi
  # Other entries than the target and our hidden leftovers are a violation.
  extra=$( (cd "$out" 2>/dev/null && ls -A | grep -vE '^(v0\.2|\.v0\.2\.(staging-.*|lock|replaced))$') || true)
  [ -z "$extra" ] || fail "iteration $i: unexpected entries in the output folder: $extra"
done
loop_s=$(($(date +%s) - started))

staged=$(leftovers | tr '\n' ' ')
echo "after the loop (${loop_s} s), left by killed runs: ${staged:-nothing}"
seed=$(current_seed); [ "$seed" = none ] && seed=1
run --seed "$seed" >/dev/null || fail "final run failed"
left=$(leftovers)
[ -z "$left" ] || fail "final run left: $left"
why=$(whole) || fail "final snapshot not whole: $why"
"$bin" validate "$target" >"$work/validate" || fail "final snapshot does not validate: $(tail -5 "$work/validate")"

echo "outcomes of $n runs:"
for k in "${!count[@]}"; do printf '  %3d  %s\n' "${count[$k]}" "$k"; done | sort -k2
echo "final run cleaned up, snapshot (seed $seed) validates: $([ "$violations" -eq 0 ] && echo yes || echo NO)"
if [ "$violations" -ne 0 ]; then
  echo "crash-check: $violations violation(s)" >&2
  exit 1
fi
echo "crash-check: ok"
