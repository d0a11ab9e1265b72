#!/usr/bin/env bash
# Load run of `synthpipe serve` from a second process on loopback: requests/s,
# latency percentiles and errors (hey) for one record by id and for 1,000
# generated persons as NDJSON, and the server's RSS before and after.
# Usage: tools/bench-serve.sh [SECONDS]   (default 30; needs hey: apt-get install hey)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
command -v hey >/dev/null || { echo "needs hey: apt-get install hey" >&2; exit 1; }
go build -o bin/synthpipe ./cmd/synthpipe
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
SYNTHPIPE_RECORDS=50000000 bin/synthpipe serve -c configs/v0.2.yaml --addr "127.0.0.1:$port" --log-level warn >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 200); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status"; }
echo "server pid $pid on :$port (50,000,000 persons), RSS at start: $(rss)"
run() { # name concurrency url
  echo
  echo "== $1 ($2 clients)"
  hey -z "${secs}s" -c "$2" "$3" | grep -E 'Requests/sec|Average|50%|99%|^ *\[[0-9]{3}\]|Error'
  echo "server RSS after: $(rss)"
}
run "one person by id, id 10" 32 "http://127.0.0.1:$port/persons/PER-0000000010"
run "one person by id, id 50,000,000" 32 "http://127.0.0.1:$port/persons/PER-0050000000"
run "one person with its vehicles and profile" 32 "http://127.0.0.1:$port/persons/PER-0049999999?include=vehicles,profiles"
# The server streams at most 2×GOMAXPROCS generations at once (429 beyond):
# as many clients as that measure throughput; more measure the refusals.
run "1,000 persons as NDJSON" 4 "http://127.0.0.1:$port/generate/persons?records=1000&format=ndjson"
run "1,000 persons as NDJSON, past the cap" 32 "http://127.0.0.1:$port/generate/persons?records=1000&format=ndjson"
