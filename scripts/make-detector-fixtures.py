#!/usr/bin/env python3
"""Generates the vehicle detector's parity fixtures with onnxruntime on the bundled YOLOX-Nano file.

Run once (outputs are committed):
    python3 -m venv .venv-onnx
    .venv-onnx/bin/pip install onnx onnxruntime numpy pillow
    .venv-onnx/bin/python scripts/make-detector-fixtures.py

Writes Tests/SightlineEngineTests/Fixtures/street-frame.jpg (frame 60 of
../shared/data/video/street-640x352.mp4, MIT, extracted with Debian's ffmpeg) and
Tests/SightlineEngineTests/Fixtures/yolox-nano.json: for that frame, a synthetic image and three CityFlow frames
(S01/c003, numbers only, no pixels), a checksum of the letterboxed input, selected rows of the raw [3549 x 85]
output, and the final vehicle detections. The letterbox here (half-pixel bilinear resize with rounding, top-left
placement, grey 114, BGR 0-255) and the decoding and class-aware NMS mirror VehicleDetector.
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "data")
MODEL = os.path.join(ROOT, "Sources", "SightlineEngine", "Resources", "yolox-nano", "yolox_nano.onnx")
FIXTURES = os.path.join(ROOT, "Tests", "SightlineEngineTests", "Fixtures")
SIZE = 416
STRIDES = (8, 16, 32)
VEHICLES = {2: "car", 3: "motorcycle", 5: "bus", 7: "truck"}
CITYFLOW = ["000028.jpg", "000060.jpg", "000120.jpg"]


def resize(rgb, width, height):
    """Half-pixel-centre bilinear resize with rounding, as RGBImage.resizedBilinear (float32, same order)."""
    h, w, _ = rgb.shape
    src = rgb.astype(np.float32)
    out = np.zeros((height, width, 3), np.float32)
    sx, sy = np.float32(w) / np.float32(width), np.float32(h) / np.float32(height)
    fx = np.maximum(np.float32(0), (np.arange(width, dtype=np.float32) + np.float32(0.5)) * sx - np.float32(0.5))
    x0 = np.minimum(fx.astype(np.int64), w - 1)
    x1 = np.minimum(x0 + 1, w - 1)
    wx = (fx - x0.astype(np.float32))[:, None]
    for y in range(height):
        fy = max(np.float32(0), (np.float32(y) + np.float32(0.5)) * sy - np.float32(0.5))
        y0 = min(int(fy), h - 1)
        y1 = min(y0 + 1, h - 1)
        wy = fy - np.float32(y0)
        top = src[y0, x0] + (src[y0, x1] - src[y0, x0]) * wx
        bottom = src[y1, x0] + (src[y1, x1] - src[y1, x0]) * wx
        out[y] = top + (bottom - top) * wy
    return np.clip(np.floor(out + np.float32(0.5)), 0, 255).astype(np.uint8)


def letterbox(rgb):
    h, w, _ = rgb.shape
    r = min(SIZE / h, SIZE / w)
    nw, nh = min(SIZE, max(1, int(w * r))), min(SIZE, max(1, int(h * r)))
    padded = np.full((SIZE, SIZE, 3), 114, np.uint8)
    padded[:nh, :nw] = resize(rgb, nw, nh)
    return padded, r


def checksum(padded):
    """Sum of the bytes and sum of byte x (index mod 65521), to check that both sides letterbox alike."""
    flat = padded.reshape(-1).astype(np.int64)
    return [int(flat.sum()), int((flat * (np.arange(flat.size) % 65521)).sum())]


def iou(a, b):
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def detections(out, r, width, height, score_threshold=0.1, iou_threshold=0.45):
    candidates = []
    row = 0
    for s in STRIDES:
        side = SIZE // s
        for gy in range(side):
            for gx in range(side):
                o = out[row].astype(np.float64)
                row += 1
                best = int(np.argmax(out[row - 1, 5:]))
                score = float(np.float32(out[row - 1, 4]) * np.float32(out[row - 1, 5 + best]))
                if score < score_threshold or best not in VEHICLES:
                    continue
                cx, cy = (o[0] + gx) * s, (o[1] + gy) * s
                bw, bh = np.exp(o[2]) * s, np.exp(o[3]) * s
                box = [(cx - bw / 2) / r, (cy - bh / 2) / r, bw / r, bh / r]
                candidates.append((score, len(candidates), box, VEHICLES[best]))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    kept = []
    for score, _, box, label in candidates:
        if all(k[2] != label or iou(k[1], box) <= iou_threshold for k in kept):
            kept.append((score, box, label))
    result = []
    for score, box, label in kept:
        x0, y0 = max(0.0, box[0]), max(0.0, box[1])
        x1, y1 = min(float(width), box[0] + box[2]), min(float(height), box[1] + box[3])
        if x1 > x0 and y1 > y0:
            result.append({"box": [x0, y0, x1 - x0, y1 - y0], "score": score, "label": label})
    return result


def case(session, name, rgb, source):
    padded, r = letterbox(rgb)
    x = padded[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32)
    out = session.run(None, {"images": x})[0][0]
    top = np.argsort(-out[:, 4], kind="stable")[:12]
    rows = sorted(set(int(i) for i in top) | {0, 1, 2703, 2704, 3379, 3380, 3548})
    dets = detections(out, r, rgb.shape[1], rgb.shape[0])
    print(f"{name}: {len(dets)} vehicles, max objectness {out[:, 4].max():.3f}", file=sys.stderr)
    return {"name": name, "source": source, "width": int(rgb.shape[1]), "height": int(rgb.shape[0]),
            "checksum": checksum(padded), "rows": rows, "values": [[float("%.7g" % v) for v in out[i]] for i in rows],
            "detections": dets}


def street_frame():
    path = os.path.join(FIXTURES, "street-frame.jpg")
    if not os.path.exists(path):
        video = os.path.join(SHARED, "video", "street-640x352.mp4")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", video, "-vf", "select=eq(n\\,60)", "-frames:v", "1", "-q:v", "3", path],
                       check=True)
    return np.asarray(Image.open(path).convert("RGB"))


def synthetic():
    """A 300 x 200 image of coloured rectangles on a gradient: exercises the letterbox on an odd size."""
    y, x = np.mgrid[0:200, 0:300]
    rgb = np.stack([(x * 255 // 299), (y * 255 // 199), ((x + y) * 255 // 498)], axis=-1).astype(np.uint8)
    rgb[60:140, 40:200] = (200, 30, 30)
    rgb[100:130, 60:90] = (20, 20, 20)
    rgb[100:130, 150:180] = (20, 20, 20)
    return rgb


def main():
    session = ort.InferenceSession(MODEL, providers=["CPUExecutionProvider"])
    cases = [case(session, "street", street_frame(), "street-frame.jpg"),
             case(session, "synthetic", synthetic(), "synthetic")]
    frames = os.path.join(SHARED, "cityflow-sample", "frames", "train", "S01", "c003", "img1")
    for name in CITYFLOW:
        rgb = np.asarray(Image.open(os.path.join(frames, name)).convert("RGB"))
        cases.append(case(session, "cityflow-" + name, rgb, "cityflow-sample/frames/train/S01/c003/img1/" + name))
    with open(os.path.join(FIXTURES, "yolox-nano.json"), "w") as f:
        json.dump({"model": "yolox_nano.onnx", "cases": cases}, f)


if __name__ == "__main__":
    main()
