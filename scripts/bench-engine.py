#!/usr/bin/env python3
"""ONNX Runtime and PyTorch throughput on the same inputs as `sightline bench engine`,
merged with the Swift rows (JSON lines on stdin) into one table.

Needs the fixture venv and ONNX exports of scripts/make-engine-fixtures.py.
"""
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib

fixtures = importlib.import_module("make-engine-fixtures")

THREADS = int(os.environ.get("THREADS", os.cpu_count() or 1))
SECONDS = float(os.environ.get("SECONDS_PER_CASE", "3"))


def measure(items, body):
    body()
    start = time.perf_counter()
    passes = 0
    while True:
        body()
        passes += 1
        if time.perf_counter() - start >= SECONDS:
            break
    return passes * items / (time.perf_counter() - start)


def main():
    swift_rows = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
    torch.set_num_threads(THREADS)
    torch.set_grad_enabled(False)
    options = ort.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    rows = []

    crops = os.path.join(fixtures.SHARED, "vehicle-crops", "images")
    names = sorted(os.listdir(crops))[:16]
    images = torch.stack([fixtures.image_input(os.path.join(crops, n)) for n in names])
    effnet = fixtures.lite0()
    effnet_ort = ort.InferenceSession(os.path.join(fixtures.ONNX, "efficientnet-lite0.onnx"), options, providers=["CPUExecutionProvider"])
    for batch in (1, 16):
        x = images[:batch]
        xn = x.numpy()
        rows.append({"runtime": "onnxruntime", "model": "efficientnet-lite0", "batch": batch,
                     "itemsPerSecond": measure(batch, lambda: effnet_ort.run(None, {"images": xn}))})
        rows.append({"runtime": "pytorch", "model": "efficientnet-lite0", "batch": batch,
                     "itemsPerSecond": measure(batch, lambda: effnet(x))})

    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(fixtures.MINILM_DIR, device="cpu")
    tracks = json.load(open(os.path.join(fixtures.SHARED, "cityflow-nl", "2022", "val-tracks.json")))
    texts = [tracks[k]["nl"][0] for k in sorted(tracks)]
    minilm_ort = ort.InferenceSession(os.path.join(fixtures.ONNX, "minilm.onnx"), options, providers=["CPUExecutionProvider"])
    tokenizer = st.tokenizer

    def ort_embed(batch_texts):
        enc = tokenizer(batch_texts, padding=True, truncation=True, max_length=256, return_tensors="np")
        mask = enc["attention_mask"].astype(np.int64)
        hidden = minilm_ort.run(None, {"input_ids": enc["input_ids"].astype(np.int64), "attention_mask": mask})[0]
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    for batch in (1, 32):
        cursor = [0]

        def next_texts():
            chunk = [texts[(cursor[0] + i) % len(texts)] for i in range(batch)]
            cursor[0] += batch
            return chunk

        rows.append({"runtime": "onnxruntime", "model": "minilm", "batch": batch,
                     "itemsPerSecond": measure(batch, lambda: ort_embed(next_texts()))})
        rows.append({"runtime": "pytorch", "model": "minilm", "batch": batch,
                     "itemsPerSecond": measure(batch, lambda: st.encode(next_texts(), batch_size=batch, normalize_embeddings=True))})

    rows = swift_rows + rows
    print(f"{'model':<20} {'batch':>5} {'swift':>10} {'onnxruntime':>12} {'pytorch':>10} {'swift/ort':>10} {'swift/torch':>12}   (items/s, {THREADS} threads)")
    for model, batch in [("efficientnet-lite0", 1), ("efficientnet-lite0", 16), ("minilm", 1), ("minilm", 32)]:
        rate = {r["runtime"]: r["itemsPerSecond"] for r in rows if r["model"] == model and r["batch"] == batch}
        s, o, t = rate.get("swift", float("nan")), rate.get("onnxruntime", float("nan")), rate.get("pytorch", float("nan"))
        print(f"{model:<20} {batch:>5} {s:>10.1f} {o:>12.1f} {t:>10.1f} {s / o:>10.2f} {s / t:>12.2f}")


if __name__ == "__main__":
    main()
