#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: initdb in a temporary folder, a server on
# 127.0.0.1 at a free port, one database, SIGHTLINE_TEST_POSTGRES_URL exported for the command;
# the server is stopped and its folder deleted when the command ends, whatever its outcome.
#   scripts/with-postgres.sh swift test --filter SightlineIndexTests
#   scripts/with-postgres.sh --optional swift test   (runs the command without a server when none can start)
# PostgreSQL refuses to run as root: as root the server runs as the 'postgres' user (created by
# Debian's postgresql package; a system user is made when it is missing).
set -euo pipefail
optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi
[ $# -gt 0 ] || { echo "usage: $0 [--optional] command [args...]" >&2; exit 2; }

# skip_or_fail MESSAGE COMMAND...: with --optional, runs the command without a server.
skip_or_fail() {
    local message="$1"
    shift
    if [ "$optional" = 1 ]; then
        echo "with-postgres.sh: $message; running without PostgreSQL (its tests skip)" >&2
        trap - EXIT
        rm -rf "${dir:-/nonexistent}"
        exec "$@"
    fi
    echo "with-postgres.sh: $message" >&2
    exit 1
}

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] || skip_or_fail "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" "$@"

as_user=()
if [ "$(id -u)" -eq 0 ]; then
    pguser=postgres
    id "$pguser" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pguser"
    if command -v runuser >/dev/null; then as_user=(runuser -u "$pguser" --); else as_user=(su -s /bin/sh "$pguser" -c); fi
fi
run_pg() {
    if [ ${#as_user[@]} -eq 0 ]; then "$@"
    elif [ "${as_user[0]}" = runuser ]; then "${as_user[@]}" "$@"
    else "${as_user[@]}" "$(printf '%q ' "$@")"
    fi
}

dir="$(mktemp -d /tmp/sightline-pg.XXXXXX)"
chmod 755 "$dir"
[ "$(id -u)" -ne 0 ] || chown "$pguser" "$dir"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((40000 + RANDOM % 20000)))"

cleanup() {
    run_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT

if ! run_pg "$bindir/initdb" -D "$dir/data" -U sightline --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    skip_or_fail "initdb failed" "$@"
fi
if ! run_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
        start >/dev/null; then
    cat "$dir/server.log" >&2 || true
    skip_or_fail "the server did not start" "$@"
fi
run_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U sightline sightline_test
export SIGHTLINE_TEST_POSTGRES_URL="postgres://sightline@127.0.0.1:$port/sightline_test"
echo "with-postgres.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $SIGHTLINE_TEST_POSTGRES_URL" >&2
set +e
"$@"
status=$?
set -e
exit $status
