#!/usr/bin/env bash
# Load over HTTP: starts `sightline serve` on an index or a track file, runs wrk POSTing /search
# with real CityFlow-NL queries and prints p50/p99 latency and requests/s.
#   scripts/bench-http.sh --tracks ../shared/data/cityflow-nl/2022/test-tracks.json
#   scripts/bench-http.sh --db index.sqlite [--duration 20s] [--connections 16] [--threads 2] [--top 10]
# Environment: SIGHTLINE_BIN (default .build/release/sightline, built when missing),
# SIGHTLINE_QUERIES (default ../shared/data/cityflow-nl/2022/test-queries.json).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

source_args=()
duration=10s connections=8 threads=2 top=10 port=""
while (($#)); do
    case "$1" in
        --tracks|--db|--frames-root) source_args+=("$1" "$2"); shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --top) top="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        *) echo "bench-http.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
((${#source_args[@]})) || { echo "bench-http.sh: give --tracks FILE or --db PATH" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench-http.sh: wrk is not installed (scripts/install.sh --no-build installs it)" >&2; exit 1; }

bin="${SIGHTLINE_BIN:-$root/.build/release/sightline}"
if [ ! -x "$bin" ]; then
    echo "bench-http.sh: building $bin (release)" >&2
    swift build -c release --product sightline >&2
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

source "$root/scripts/serve-common.sh"
write_query_bodies bench-http.sh
start_server bench-http.sh

echo "server: sightline serve ${source_args[*]} (pid $server_pid, port $port)"
echo "load:   wrk -t$threads -c$connections -d$duration, POST /search, top $top, $(wc -l < "$work/bodies.jsonl") query bodies"
SIGHTLINE_BODIES="$work/bodies.jsonl" wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s \
    -s "$root/scripts/wrk-search.lua" "http://127.0.0.1:$port" | sed -n '/^requests /,$p'
