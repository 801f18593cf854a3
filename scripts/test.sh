#!/usr/bin/env bash
# Installs the dependencies (idempotent) and runs the whole test suite.
# Tests that read ../shared skip with a message where it is absent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install.sh --no-build
swift test "$@"
