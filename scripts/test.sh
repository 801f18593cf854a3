#!/usr/bin/env bash
# Installs the dependencies (idempotent) and runs the whole test suite.
# Tests that read ../shared skip with a message where it is absent. A throwaway PostgreSQL server
# runs beside the tests (scripts/with-postgres.sh) so the index suite also runs against it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install.sh --no-build
scripts/with-postgres.sh --optional swift test "$@"
