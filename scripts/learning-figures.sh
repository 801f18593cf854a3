#!/usr/bin/env bash
# The learned model's figures (README "Learning"): val beside the rules, leave-one-camera-out on
# train + val, the ablation. Needs a release build and MiniLM; writes under ${OUT:-/tmp/sightline-learning}.
set -euo pipefail
cd "$(dirname "$0")/.."
S=${SHARED:-../shared/data/cityflow-nl/2022}
OUT=${OUT:-/tmp/sightline-learning}
B=.build/release/sightline
mkdir -p "$OUT"
CACHE="$OUT/text-cache"

python3 - "$S" "$OUT" <<'PY'
import json, sys
shared, out = sys.argv[1], sys.argv[2]
tracks = {**json.load(open(f"{shared}/train-tracks.json")), **json.load(open(f"{shared}/val-tracks.json"))}
camera = lambda v: "/".join(v["frames"][0].split("/")[2:4])
folds = sorted({camera(v) for v in tracks.values() if camera(v).startswith("S02")}) + ["S05"]
for fold in folds:
    held = {k: v for k, v in tracks.items() if camera(v) == fold or camera(v).startswith(fold + "/")}
    json.dump(held, open(f"{out}/held-{fold.replace('/', '-')}.json", "w"))
print(" ".join(folds))
PY

train() { "$B" train --cache "$CACHE" "$@" > /dev/null; }
evaluate() { "$B" evaluate --tracks "$1" "${@:2}" | sed 's/^/    /'; }

echo "== trained on train only, judged on val (rules / learned alone / fused)"
train --tracks "$S/train-tracks.json" --val "$S/val-tracks.json" --out "$OUT/train-only.safetensors" --report "$OUT/train-only.json"
for gallery in "$S/val-tracks.json" "$OUT/held-S05.json"; do
    echo "  $gallery"
    evaluate "$gallery" --weight learned=0
    evaluate "$gallery" --learned-model "$OUT/train-only.safetensors" --terms learned
    evaluate "$gallery" --learned-model "$OUT/train-only.safetensors"
done

echo "== leave one camera out on train + val (S05: the whole scene)"
for held in "$OUT"/held-*.json; do
    fold=$(basename "$held" .json); fold=${fold#held-}
    cams=$(echo "$fold" | sed 's/-/\//')
    train --tracks "$S/train-tracks.json" --tracks "$S/val-tracks.json" --hold-out "$cams" --out "$OUT/loco-$fold.safetensors"
    echo "  $fold"
    evaluate "$held" --weight learned=0
    evaluate "$held" --learned-model "$OUT/loco-$fold.safetensors" --terms learned
    evaluate "$held" --learned-model "$OUT/loco-$fold.safetensors"
done

echo "== ablation, trained on train, judged on val (learned alone)"
for flags in "--no-mirror" "--no-circle" "--no-triplet"; do
    train --tracks "$S/train-tracks.json" --out "$OUT/ablation$flags.safetensors" $flags
    echo "  $flags"
    evaluate "$S/val-tracks.json" --learned-model "$OUT/ablation$flags.safetensors" --terms learned
done
