#!/usr/bin/env bash
# Bounded load on loopback (stops by itself): `sightline serve` on a track file or index, then
# wrk with CONNECTIONS connections for DURATION on GET /health and on POST /search, first alone and
# then while IDLE idle sockets are held open (scripts/idle-sockets.py). Prints p50/p99 of each run
# and the server's resident memory before, at its peak (sampled every 100 ms) and after.
#   scripts/load-run.sh --tracks ../shared/data/cityflow-nl/2022/test-tracks.json
#   scripts/load-run.sh --db index.sqlite [--duration 20s] [--connections 200] [--idle 300] [--threads 2]
# Environment: SIGHTLINE_BIN (default .build/release/sightline, built when missing),
# SIGHTLINE_QUERIES (default ../shared/data/cityflow-nl/2022/test-queries.json).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

source_args=()
duration=20s connections=200 idle=300 threads=2 top=10
while (($#)); do
    case "$1" in
        --tracks|--db|--frames-root) source_args+=("$1" "$2"); shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --idle) idle="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        *) echo "load-run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
((${#source_args[@]})) || { echo "load-run.sh: give --tracks FILE or --db PATH" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load-run.sh: wrk is not installed (scripts/install.sh --no-build installs it)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "load-run.sh: needs python3 for the idle sockets and query bodies" >&2; exit 1; }
seconds="${duration%s}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "load-run.sh: --duration takes seconds, e.g. 20s" >&2; exit 2; }

# wrk, the idle sockets and the server each need a descriptor per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) > connections + idle + 256 )) || { echo "load-run.sh: ulimit -n $(ulimit -n) is too low for $connections + $idle sockets" >&2; exit 1; }

bin="${SIGHTLINE_BIN:-$root/.build/release/sightline}"
if [ ! -x "$bin" ]; then
    echo "load-run.sh: building $bin (release)" >&2
    swift build -c release --product sightline >&2
fi

work="$(mktemp -d)"
server_pid="" sampler_pid="" idle_pid=""
cleanup() {
    for pid in "$idle_pid" "$sampler_pid" "$server_pid"; do
        if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

source "$root/scripts/serve-common.sh"
write_query_bodies load-run.sh
start_server load-run.sh

rss() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status"; }
( peak=0; while kill -0 "$server_pid" 2>/dev/null; do
      now=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0)
      (( now > peak )) && { peak=$now; echo "$peak" > "$work/peak"; }
      sleep 0.1
  done ) &
sampler_pid=$!

echo "server: $bin serve ${source_args[*]} --host 127.0.0.1 --port $port (pid $server_pid)"
echo "load:   wrk -t$threads -c$connections -d$duration per run (scripts/wrk-search.lua); idle: $idle sockets held open (reopened if closed)"
echo "rss before     $(rss) MiB"

run() { # name, then the environment for wrk-search.lua
    local name="$1"; shift
    printf '%-34s' "$name"
    env "$@" SIGHTLINE_BODIES="$work/bodies.jsonl" wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s \
        -s "$root/scripts/wrk-search.lua" "http://127.0.0.1:$port" > "$work/wrk.out"
    awk '/^requests\/s/ { rps = $2 } /^latency p50/ { p50 = $3 } /^latency p99/ { p99 = $3 } /^errors/ { sub(/^errors +/, ""); errors = $0 }
         END { printf "p50 %8.2f ms  p99 %8.2f ms  %8.1f req/s  errors: %s\n", p50, p99, rps, errors }' "$work/wrk.out"
}

run "GET /health" SIGHTLINE_GET=/health
run "POST /search" SIGHTLINE_GET=
python3 "$root/scripts/idle-sockets.py" 127.0.0.1 "$port" "$idle" $(( 2 * seconds + 10 )) > "$work/idle.log" 2>&1 &
idle_pid=$!
sleep 3
run "GET /health + $idle idle sockets" SIGHTLINE_GET=/health
run "POST /search + $idle idle sockets" SIGHTLINE_GET=
echo "rss peak       $(( $(cat "$work/peak" 2>/dev/null || echo 0) / 1024 )) MiB (sampled every 100 ms)"
wait "$idle_pid" || true
idle_pid=""
sed 's/^/idle:   /' "$work/idle.log"
sleep 1
echo "rss after      $(rss) MiB"
curl -sf "http://127.0.0.1:$port/health" >/dev/null && echo "health after   ok"
