#!/usr/bin/env bash
# Swift vs ONNX Runtime vs PyTorch throughput of the engine's models, one table.
# Needs: scripts/fetch-models.sh, the fixture venv and ONNX exports (scripts/make-engine-fixtures.py).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
threads="${THREADS:-$(nproc)}"
scratch="${SCRATCH:-.build}"
swift build -c release --scratch-path "$scratch" --product sightline >&2
swift_rows="$("$scratch/release/sightline" bench engine --json --threads "$threads" --seconds "${SECONDS_PER_CASE:-3}")"
echo "$swift_rows" | THREADS="$threads" .venv-fixtures/bin/python scripts/bench-engine.py
