#!/usr/bin/env python3
"""onnxruntime's side of `sightline bench detector`: YOLOX-Nano frames/s on the frames the Swift side measured.

    python3 -m venv .venv-onnx && .venv-onnx/bin/pip install onnxruntime numpy opencv-python-headless
    SIGHTLINE_ONNX_VENV=.venv-onnx sightline bench detector   # runs this script with that venv's python

'network' is session.run on a letterboxed 1x3x416x416 input; 'detect' adds YOLOX's own demo pipeline around it:
preproc (cv2.resize INTER_LINEAR into a 114 canvas), the grid decoding and class-aware NMS in numpy. Prints one
JSON row per measurement, at 1 and 2 intra-op threads.
"""
import argparse
import json
import time

import cv2
import numpy as np
import onnxruntime as ort

SIZE = 416
STRIDES = (8, 16, 32)
VEHICLES = np.array([2, 3, 5, 7])


def preproc(bgr):
    padded = np.full((SIZE, SIZE, 3), 114, np.uint8)
    r = min(SIZE / bgr.shape[0], SIZE / bgr.shape[1])
    resized = cv2.resize(bgr, (int(bgr.shape[1] * r), int(bgr.shape[0] * r)), interpolation=cv2.INTER_LINEAR)
    padded[:resized.shape[0], :resized.shape[1]] = resized
    return np.ascontiguousarray(padded.transpose(2, 0, 1)[None], dtype=np.float32), r


def grids():
    parts, strides = [], []
    for s in STRIDES:
        side = SIZE // s
        ys, xs = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
        parts.append(np.stack((xs, ys), 2).reshape(-1, 2))
        strides.append(np.full((side * side, 1), s))
    return np.concatenate(parts).astype(np.float32), np.concatenate(strides).astype(np.float32)


GRID, STRIDE = grids()


def nms(boxes, scores, threshold):
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = scores.argsort()[::-1]
    keep = []
    while order.size > 0:
        i = order[0]
        keep.append(i)
        xx1 = np.maximum(x1[i], x1[order[1:]]); yy1 = np.maximum(y1[i], y1[order[1:]])
        xx2 = np.minimum(x2[i], x2[order[1:]]); yy2 = np.minimum(y2[i], y2[order[1:]])
        inter = np.maximum(0.0, xx2 - xx1) * np.maximum(0.0, yy2 - yy1)
        order = order[np.where(inter / (areas[i] + areas[order[1:]] - inter) <= threshold)[0] + 1]
    return keep


def postprocess(out, r, width, height, score_threshold=0.1, iou_threshold=0.45):
    xy = (out[:, :2] + GRID) * STRIDE
    wh = np.exp(out[:, 2:4]) * STRIDE
    boxes = np.concatenate((xy - wh / 2, xy + wh / 2), 1) / r
    best = out[:, 5:].argmax(1)
    scores = out[:, 4] * out[np.arange(len(out)), 5 + best]
    mask = (scores >= score_threshold) & np.isin(best, VEHICLES)
    result = []
    for c in VEHICLES:
        chosen = np.where(mask & (best == c))[0]
        for i in nms(boxes[chosen], scores[chosen], iou_threshold):
            b = boxes[chosen[i]]
            result.append((np.clip(b, 0, [width, height, width, height]), scores[chosen[i]], c))
    return result


def per_second(seconds, body):
    body()
    start, passes = time.perf_counter(), 0
    while True:
        body()
        passes += 1
        if time.perf_counter() - start >= seconds:
            return passes / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--frame", action="append", default=[], help="NAME:WIDTH:HEIGHT:PATH of raw RGB bytes")
    args = parser.parse_args()
    frames = []
    for spec in args.frame:
        name, width, height, path = spec.split(":", 3)
        rgb = np.fromfile(path, np.uint8).reshape(int(height), int(width), 3)
        frames.append((name, np.ascontiguousarray(rgb[:, :, ::-1])))
    for threads in (1, 2):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
        x, _ = preproc(frames[0][1])
        rows = [("network", "416x416", per_second(args.seconds, lambda: session.run(None, {"images": x})))]
        for name, bgr in frames:
            def detect(bgr=bgr):
                tensor, r = preproc(bgr)
                postprocess(session.run(None, {"images": tensor})[0][0], r, bgr.shape[1], bgr.shape[0])
            rows.append(("detect", name, per_second(args.seconds, detect)))
        for case, frame, rate in rows:
            print(json.dumps({"runtime": "onnxruntime", "case": case, "frame": frame, "threads": threads, "per_second": rate}))


if __name__ == "__main__":
    main()
