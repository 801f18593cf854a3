#!/usr/bin/env bash
# Scores MOTChallenge result files against ground truth with motmetrics and TrackEval, in the
# venv of scripts/mot-venv.sh. Arguments: see scripts/mot-eval.py --help. Example:
#   scripts/mot-eval.sh --name S01/c003 --gt ../shared/data/cityflow-sample/train/S01/c003/gt/gt.txt \
#       --result out/c003-mot.txt --detections out/c003-det.txt
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="$("$here/mot-venv.sh")"
exec "$python" "$here/mot-eval.py" "$@"
