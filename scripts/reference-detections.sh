#!/usr/bin/env bash
# Runs YOLOX-Nano through onnxruntime over a folder of frames and writes MOTChallenge
# detections, in the venv of scripts/mot-venv.sh. Arguments: see scripts/reference-detections.py --help.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="$("$here/mot-venv.sh")"
exec "$python" "$here/reference-detections.py" "$@"
