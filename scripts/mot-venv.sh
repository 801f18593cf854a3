#!/usr/bin/env bash
# Prints the python of the virtual environment that only the MOT scripts use (mot-eval.sh,
# reference-detections.sh), creating it on first use: $SIGHTLINE_MOT_VENV, else <repo>/.venv-mot
# (git-ignored). It holds PyPI's motmetrics (CLEAR MOT and identity metrics), TrackEval (HOTA;
# installed without its plotting and COCO dependencies), onnxruntime and OpenCV. motmetrics 1.4
# still calls numpy 1 functions, hence the pins.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SIGHTLINE_MOT_VENV:-$root/.venv-mot}"
stamp="$venv/.sightline-mot-1"
if [ ! -f "$stamp" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q "motmetrics==1.4.0" "numpy<2" "pandas<3" scipy "onnxruntime>=1.17" "opencv-python-headless<4.11" >&2
    "$venv/bin/pip" install -q --no-deps "trackeval==1.3.0" >&2
    touch "$stamp"
fi
echo "$venv/bin/python"
