#!/usr/bin/env bash
# The synthpipe demo, end to end (`go tool -modfile=tools/go.mod task demo`):
# build bin/synthpipe, generate the governed snapshot (a committed one is
# reported `unchanged`), validate it, preview a few households, then start
# `synthpipe serve` on a free loopback port and walk its API (health, generate,
# a record by id, the snapshots, the manifest and a file download checked
# against its ETag and the manifest's SHA-256, a conditional GET answered 304),
# and stop the server.
#
# Needs Go and curl, nothing else. Any failing step fails the demo with a
# message naming it; the server is stopped (by its pid) whatever happens,
# Ctrl-C included. The server always runs with a bearer token: the one in
# SYNTHPIPE_API_TOKEN if set, else a fresh random one for this run, sent from
# a file so it never shows in `ps`. The narrated version of the same story is
# docs/demo/runbook.md.
set -euo pipefail
cd "$(dirname "$0")/.."

now() { if [[ -n ${EPOCHREALTIME:-} ]]; then echo "${EPOCHREALTIME/,/.}"; else date +%s; fi; }
t0=$(now)
# elapsed [SINCE]: seconds since SINCE (default: the start), one decimal.
elapsed() { awk -v a="${1:-$t0}" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

bin=bin/synthpipe
snap=data/snapshots/v0.2
steps=9
n=0
current="start"
server_pid=""
work=$(mktemp -d "${TMPDIR:-/tmp}/synthpipe-demo.XXXXXX")

step() {
  n=$((n + 1))
  current="[$n/$steps] $1"
  printf '\n==> %s\n' "$current"
}

fail() {
  printf '\ndemo: FAILED at %s: %s\n' "$current" "$*" >&2
  exit 1
}

# indent FILE [LINES]: the first LINES (default 6) lines of FILE, indented,
# each cut to fit 80 columns (the demo is shown on 80-column terminals).
indent() { head -n "${2:-6}" "$1" | awk '{ if (length($0) > 76) $0 = substr($0, 1, 75) "…"; print "    " $0 }'; }

# short HASH: the first 32 hex digits of a SHA-256, for 80 columns (the
# script compares all 64).
short() { printf '%s…' "${1:0:32}"; }

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# stop_server: SIGTERM to the server's pid (it finishes in-flight requests and
# exits 0), SIGKILL after 10 s, then reap it. Returns the server's exit code.
stop_server() {
  [[ -n $server_pid ]] || return 0
  local pid=$server_pid rc=0 i
  server_pid=""
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "demo: the server did not stop within 10 s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  return "$rc"
}

cleanup() {
  local rc=$?
  set +e
  if [[ -n $server_pid ]]; then
    echo "demo: stopping the server (pid $server_pid)" >&2
    stop_server
  fi
  if [[ $rc -ne 0 && -s $work/serve.log ]]; then
    echo "demo: last lines of the server's log:" >&2
    tail -n 5 "$work/serve.log" | cut -c1-300 >&2
  fi
  rm -rf "$work"
  if [[ $rc -ne 0 ]]; then
    case $rc in
    130 | 143) echo "demo: stopped at $current" >&2 ;;
    esac
    echo "demo: exit $rc after $(elapsed) s" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'current="$current (interrupted)"; exit 130' INT
trap 'current="$current (terminated)"; exit 143' TERM

for tool in go curl; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH (the demo needs Go and curl)"
done

# The governed snapshot is the config's alone: a setting from the caller's
# environment (SYNTHPIPE_RECORDS …) would make another one. The token stays.
for var in $(compgen -e); do
  if [[ $var == SYNTHPIPE_* && $var != SYNTHPIPE_API_TOKEN ]]; then
    echo "demo: ignoring $var from the environment" >&2
    unset "$var"
  fi
done

# --- the CLI ---------------------------------------------------------------

step "Build the binary: go build -o $bin ./cmd/synthpipe"
go build -o "$bin" ./cmd/synthpipe || fail "go build failed"
"$bin" version | sed 's/^/    /'
build_time=$(elapsed)
t1=$(now)
echo "    built in $build_time s (a fresh clone compiles everything once; then a few seconds)"

step "Generate the governed snapshot: $bin run -c configs/v0.2.yaml"
"$bin" --quiet --log-level error run -c configs/v0.2.yaml >"$work/run.out" 2>&1 ||
  fail "run exited $?: $(cat "$work/run.out")"
# The file list, one line a file: name, records, bytes.
awk 'NF >= 5 && $3 == "records" { n = split($1, p, "/"); printf "    %-32s %7d records %9d bytes\n", p[n], $2, $4; next } { print "    " $0 }' "$work/run.out"
if grep -q ': unchanged$' "$work/run.out"; then
  echo "    (unchanged: made again from config and seed, the committed bytes)"
fi

step "Prove it: $bin validate $snap"
"$bin" validate "$snap" >"$work/validate.out" 2>&1 || fail "validate exited $?: $(cat "$work/validate.out")"
indent "$work/validate.out" 20

step "Look at two households: $bin preview --records 5 --preview 2"
# Straight to the terminal, not through a file: preview colours only there
# (NO_COLOR=1 or a pipe gives plain text) and lays itself out in 80 columns.
"$bin" --log-level warn preview --records 5 --preview 2 2>"$work/preview.err" ||
  fail "preview exited $?: $(cat "$work/preview.err")"

# --- the API ---------------------------------------------------------------

step "Start the API: $bin serve --addr 127.0.0.1:0 (any free port)"
if [[ -n ${SYNTHPIPE_API_TOKEN:-} ]]; then
  token=$SYNTHPIPE_API_TOKEN
  echo "    token: SYNTHPIPE_API_TOKEN from the environment"
else
  token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  echo "    token: a random one for this run (set SYNTHPIPE_API_TOKEN to choose it)"
fi
(umask 077 && printf 'Authorization: Bearer %s\n' "$token" >"$work/auth")
: >"$work/serve.log" # exists before the background job's redirection runs
SYNTHPIPE_API_TOKEN=$token "$bin" serve -c configs/v0.2.yaml --addr 127.0.0.1:0 --snapshots data/snapshots \
  2>"$work/serve.log" >/dev/null &
server_pid=$!
base=""
for ((i = 0; i < 150; i++)); do
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited at start: $(tail -n 3 "$work/serve.log")"
  base=$(sed -n 's/.*"url":"\(http:[^"]*\)".*/\1/p' "$work/serve.log" | head -n 1)
  [[ -n $base ]] && break
  sleep 0.1
done
[[ -n $base ]] || fail "the server logged no address within 15 s"
healthy=""
for ((i = 0; i < 50; i++)); do
  if curl -q --noproxy '*' -fsS --max-time 2 -o /dev/null "$base/healthz" 2>"$work/healthz.err"; then
    healthy=yes
    break
  fi
  sleep 0.1
done
[[ -n $healthy ]] || fail "$base/healthz did not answer 200 within 5 s (curl: $(tail -n 1 "$work/healthz.err"))"
echo "    serving at $base (pid $server_pid)"

# request [--no-token] [-H HEADER]... STATUS PATH: one GET to the server,
# printed as the request and a short answer (status, type, size, first
# lines); fails the demo unless the status is STATUS. The body is left in
# $work/body and the headers in $work/headers. Every curl here starts with
# -q: a ~/.curlrc (say, with --fail) must not change what the demo sees; and
# --noproxy '*': an http_proxy setting must not send loopback requests away.
request() {
  local auth=(-H "@$work/auth") extra=() shown=""
  if [[ $1 == --no-token ]]; then
    auth=()
    shown=" (no token)"
    shift
  fi
  while [[ $1 == -H ]]; do
    extra+=(-H "$2")
    shown+=$'\n        '"${2:0:30}…" # on a line of its own: 80 columns
    shift 2
  done
  local want=$1 url=$base$2 code type size
  printf '  → GET %s%s\n' "$url" "$shown"
  rm -f "$work/headers" "$work/body" # curl leaves -o untouched when there is no body
  code=$(curl -q --noproxy '*' -sS --max-time 30 -D "$work/headers" -o "$work/body" -w '%{http_code}' \
    ${auth[@]+"${auth[@]}"} ${extra[@]+"${extra[@]}"} "$url") || fail "GET $url: curl exited $?"
  touch "$work/body"
  type=$(header Content-Type)
  size=$(wc -c <"$work/body" | tr -d ' ')
  printf '  ← %s%s, %s bytes\n' "$code" "${type:+ $type}" "$size"
  case $type in
  *parquet* | *octet-stream*) [[ $size -eq 0 ]] || echo "    (binary)" ;;
  *) indent "$work/body" 3 ;;
  esac
  [[ $code == "$want" ]] || fail "GET $url answered $code, expected $want: $(head -c 300 "$work/body")"
}

# header NAME: the value of a response header of the last request.
header() { awk -v h="$1" 'tolower($1) == tolower(h) ":" { sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print; exit }' "$work/headers"; }

# unquote: an ETag without its quotes.
unquote() { tr -d '"'; }

step "Walk the API: health, the token, generate, a record by id"
request --no-token 200 /healthz
request --no-token 401 /snapshots
echo "    (every route but /healthz needs the token: without it, 401)"
request 200 /readyz
request 200 '/generate/persons?records=3&format=csv'
rows=$(wc -l <"$work/body" | tr -d ' ')
head -n "$rows" "$snap/persons_v0_2.csv" | cmp -s - "$work/body" ||
  fail "generated persons differ from the first $rows lines of $snap/persons_v0_2.csv"
echo "    (whole households: the first $((rows - 1)) rows of persons_v0_2.csv, byte for byte)"
request 200 '/persons/PER-0000000002?include=vehicles'
first=$(sed -n 3p "$snap/persons_v0_2.csv" | cut -d, -f3)
last=$(sed -n 3p "$snap/persons_v0_2.csv" | cut -d, -f4)
grep -q "\"first_name\":\"$first\",\"last_name\":\"$last\"" "$work/body" ||
  fail "PER-0000000002 is not $first $last, the person of row 2 of $snap/persons_v0_2.csv"
echo "    (made from its household alone: $first $last, row 2 of persons_v0_2.csv)"

step "Walk the API: the governed snapshots, the manifest and its ETag"
request 200 /snapshots
listed=$(grep -o '"path":"v0.2","manifest_sha256":"[0-9a-f]*"' "$work/body" | cut -d'"' -f8)
[[ -n $listed ]] || fail "/snapshots does not list v0.2"
request 200 /snapshots/v0.2/manifest
etag=$(header ETag | unquote)
got=$(sha256 "$work/body")
echo "    ETag                     $(short "$etag")"
echo "    sha256 of the body       $(short "$got")"
echo "    listed by /snapshots     $(short "$listed")"
[[ $etag == "$got" && $got == "$listed" ]] || fail "the manifest's ETag, body and listing disagree"
cp "$work/body" "$work/manifest.json"

step "Download a file: ETag = SHA-256 = manifest entry; If-None-Match: 304"
file=persons_v0_2.parquet
request 200 "/snapshots/v0.2/files/$file"
etag=$(header ETag | unquote)
got=$(sha256 "$work/body")
listed=$(awk -v f="\"$file\"" '$1 == "\"name\":" && $2 ~ "^" f { hit = 1 } hit && $1 == "\"sha256\":" { gsub(/[",]/, "", $2); print $2; exit }' "$work/manifest.json")
echo "    ETag                     $(short "$etag")"
echo "    sha256 of the download   $(short "$got")"
echo "    the manifest's sha256    $(short "$listed")"
[[ -n $etag && $etag == "$got" && $got == "$listed" ]] || fail "$file: the ETag, the download and the manifest disagree"
request -H "If-None-Match: \"$etag\"" 304 "/snapshots/v0.2/files/$file"
echo "    (not modified: a client that has the file downloads nothing)"

step "Stop the server: SIGTERM, in-flight requests finish, exit 0"
pid=$server_pid
rc=0
stop_server || rc=$?
[[ $rc -eq 0 ]] || fail "the server (pid $pid) exited $rc on SIGTERM"
grep -q '"message":"stopped"' "$work/serve.log" || fail "the server's log does not say it stopped"
echo "    server pid $pid stopped, exit 0; $(grep -c '"message":"request"' "$work/serve.log") requests logged"

printf '\ndemo: OK in %s s (build %s s, the rest %s s)\n' "$(elapsed)" "$build_time" "$(elapsed "$t1")"
