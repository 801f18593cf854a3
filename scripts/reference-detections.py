"""YOLOX-Nano vehicle detections through onnxruntime, written as a MOTChallenge det.txt.

The reference a tracker is measured on until the native detector lands, done as Megvii's
YOLOX demo does it (demo/ONNXRuntime/onnx_inference.py, yolox/utils/demo_utils.py): letterbox
to 416 x 416 (top-left, cv2.INTER_LINEAR, padding 114), BGR 0-255, decode strides 8/16/32 with
exp sizes, score = objectness x class score with each anchor's best class (as YOLOX's
postprocess does), then class-aware NMS at 0.45 among the vehicle classes car 2, motorcycle 3,
bus 5, truck 7. Boxes down to --score (0.1, ByteTrack's low bound) are kept, so the tracker's
second pass sees the low-score ones.

Output lines: frame, -1, left, top, width, height, score, class (the COCO index), where
frame is the number in the file name (CityFlow's img1/000001.jpg is frame 1).
"""
import argparse
import pathlib
import sys

import cv2
import numpy as np
import onnxruntime

VEHICLES = (2, 3, 5, 7)


def letterbox(image, size):
    padded = np.full((size, size, 3), 114, dtype=np.uint8)
    r = min(size / image.shape[0], size / image.shape[1])
    resized = cv2.resize(image, (int(image.shape[1] * r), int(image.shape[0] * r)), interpolation=cv2.INTER_LINEAR)
    padded[: resized.shape[0], : resized.shape[1]] = resized
    return np.ascontiguousarray(padded.transpose(2, 0, 1), dtype=np.float32)[None], r


def decode(output, size):
    grids, strides = [], []
    for stride in (8, 16, 32):
        n = size // stride
        xv, yv = np.meshgrid(np.arange(n), np.arange(n))
        grids.append(np.stack((xv, yv), 2).reshape(-1, 2))
        strides.append(np.full((n * n, 1), stride))
    grids, strides = np.concatenate(grids), np.concatenate(strides)
    out = output.copy()
    out[:, :2] = (out[:, :2] + grids) * strides
    out[:, 2:4] = np.exp(out[:, 2:4]) * strides
    return out


def nms(boxes, scores, threshold):
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = scores.argsort()[::-1]
    keep = []
    while order.size > 0:
        i = order[0]
        keep.append(i)
        xx1 = np.maximum(x1[i], x1[order[1:]])
        yy1 = np.maximum(y1[i], y1[order[1:]])
        xx2 = np.minimum(x2[i], x2[order[1:]])
        yy2 = np.minimum(y2[i], y2[order[1:]])
        inter = np.maximum(0, xx2 - xx1) * np.maximum(0, yy2 - yy1)
        iou = inter / (areas[i] + areas[order[1:]] - inter)
        order = order[1:][iou <= threshold]
    return keep


def detect(session, image, size, score_threshold, nms_threshold):
    blob, r = letterbox(image, size)
    output = decode(session.run(None, {session.get_inputs()[0].name: blob})[0][0], size)
    cx, cy, w, h = output[:, 0], output[:, 1], output[:, 2], output[:, 3]
    boxes = np.stack((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), 1) / r
    class_scores = output[:, 5:] * output[:, 4:5]
    classes = class_scores.argmax(1)
    scores = class_scores[np.arange(len(classes)), classes]
    found = []
    for c in VEHICLES:
        mask = (classes == c) & (scores > score_threshold)
        if not mask.any():
            continue
        b, s = boxes[mask], scores[mask]
        for i in nms(b, s, nms_threshold):
            found.append((b[i], float(s[i]), c))
    found.sort(key=lambda d: -d[1])
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="yolox_nano.onnx")
    parser.add_argument("--frames", required=True, help="folder of <frame>.jpg (CityFlow's img1)")
    parser.add_argument("--out", required=True, help="det.txt to write")
    parser.add_argument("--size", type=int, default=416)
    parser.add_argument("--score", type=float, default=0.1)
    parser.add_argument("--nms", type=float, default=0.45)
    args = parser.parse_args()
    session = onnxruntime.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    frames = sorted(pathlib.Path(args.frames).glob("*.jpg"))
    if not frames:
        sys.exit(f"{args.frames}: no .jpg frames")
    lines = []
    for path in frames:
        image = cv2.imread(str(path))
        if image is None:
            sys.exit(f"{path}: cannot decode")
        for box, score, c in detect(session, image, args.size, args.score, args.nms):
            x1, y1, x2, y2 = box
            lines.append(f"{int(path.stem)},-1,{x1:.2f},{y1:.2f},{x2 - x1:.2f},{y2 - y1:.2f},{score:.4f},{c}\n")
    pathlib.Path(args.out).write_text("".join(lines))
    print(f"{len(frames)} frames, {len(lines)} detections: wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
