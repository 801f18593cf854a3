# Shared by bench-http.sh and load-run.sh (sourced): query bodies for wrk and a server on loopback.
# Needs $root, $work, $bin, $top and source_args set; sets server_pid and port.

# Writes one JSON search body per CityFlow-NL query of $SIGHTLINE_QUERIES to $work/bodies.jsonl
# (empty, so wrk-search.lua sends one fixed query, when the file or python3 is missing).
write_query_bodies() {
    local name="$1" queries="${SIGHTLINE_QUERIES:-$root/../shared/data/cityflow-nl/2022/test-queries.json}"
    if [ -f "$queries" ] && command -v python3 >/dev/null; then
        python3 - "$queries" "$top" > "$work/bodies.jsonl" <<'PY'
import json, sys
for q in json.load(open(sys.argv[1])).values():
    nl = q["nl"] if isinstance(q, dict) else q
    print(json.dumps({"text": "\n".join(nl), "top": int(sys.argv[2])}))
PY
    else
        echo "$name: no $queries (or no python3): one fixed query" >&2
        : > "$work/bodies.jsonl"
    fi
}

# Starts `sightline serve` on 127.0.0.1:$port (a random port when unset) and waits for /health.
start_server() {
    local name="$1"
    port="${port:-$(( 20000 + RANDOM % 20000 ))}"
    "$bin" serve "${source_args[@]}" --host 127.0.0.1 --port "$port" --cache "$work/cache" > "$work/serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
        sleep 0.1
    done
    curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "$name: server did not come up" >&2; cat "$work/serve.log" >&2; exit 1; }
}
