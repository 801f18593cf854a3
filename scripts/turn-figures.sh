#!/usr/bin/env bash
# The learned turn reading on cameras its model never saw (README "Learning"): each S02 training
# camera held out of the tower and the heads, judged with the camera's flow from all its tracks and
# from groups of five (as val's cameras, with 1-9 tracks each, have it); then val's S02 and S05
# tracks with the model trained on all of train. Needs a release build and MiniLM; writes under
# ${OUT:-/tmp/sightline-turns}.
set -euo pipefail
cd "$(dirname "$0")/.."
S=${SHARED:-../shared/data/cityflow-nl/2022}
OUT=${OUT:-/tmp/sightline-turns}
B=.build/release/sightline
mkdir -p "$OUT"

python3 - "$S" "$OUT" <<'PY'
import json, random, sys
shared, out = sys.argv[1], sys.argv[2]
camera = lambda v: "/".join(v["frames"][0].lstrip("./").split("/")[1:3])
train = json.load(open(f"{shared}/train-tracks.json"))
for cam in sorted({camera(v) for v in train.values()}):
    c = cam.split("/")[1]
    ids = sorted(k for k, v in train.items() if camera(v) == cam)
    json.dump({k: train[k] for k in ids}, open(f"{out}/held-{c}.json", "w"))
    random.Random(int(c[1:])).shuffle(ids)
    groups = {}
    for i, k in enumerate(ids):
        v = dict(train[k])
        group = "c%d%03d" % (int(c[1:]), i // 5)
        v["frames"] = [f.replace(f"/{c}/", f"/{group}/") for f in v["frames"]]
        groups[k] = v
    json.dump(groups, open(f"{out}/held-{c}-groups.json", "w"))
val = json.load(open(f"{shared}/val-tracks.json"))
for scene in ["S02", "S05"]:
    json.dump({k: v for k, v in val.items() if camera(v).startswith(scene + "/")}, open(f"{out}/val-{scene}.json", "w"))
PY

agreement() { "$B" trajectories --tracks "$1" --agreement "${@:2}" | head -1 | sed 's/^/    /'; }

echo "== each S02 camera held out of the tower and the heads"
for c in c006 c007 c008 c009; do
    M="$OUT/loco-$c.safetensors"
    "$B" train --tracks "$S/train-tracks.json" --hold-out "S02/$c" --out "$M" --cache "$OUT/text-cache" \
        --report "$OUT/loco-$c.json" 2> /dev/null | grep "turn agreement" | sed 's/^/  /'
    echo "  $c, flow from groups of five tracks"
    agreement "$OUT/held-$c-groups.json" --learned-model "$M"
    agreement "$OUT/held-$c-groups.json" --rules --learned-model "$M"
done

echo "== trained on all of train (the shipped command), judged on val"
"$B" train --tracks "$S/train-tracks.json" --val "$S/val-tracks.json" --out "$OUT/train.safetensors" \
    --cache "$OUT/text-cache" 2> /dev/null | grep "turn agreement\|turn:" | sed 's/^/  /'
for scene in S02 S05; do
    echo "  val $scene"
    agreement "$OUT/val-$scene.json" --learned-model "$OUT/train.safetensors"
    agreement "$OUT/val-$scene.json" --rules --learned-model "$OUT/train.safetensors"
done
