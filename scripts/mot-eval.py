"""Scores MOTChallenge tracking results against MOT ground truth, per camera and overall.

Tracking: motmetrics (CLEAR MOT: MOTA, MOTP, recall, precision, ID switches, fragmentations;
identity: IDF1, ID recall, ID precision; matches at IoU 0.5) and TrackEval's HOTA (averaged
over IoU 0.05-0.95). Detection: with --detections, each det.txt's boxes above each --det-score
are matched frame by frame at IoU 0.5 (through motmetrics, every box its own id), giving the
detector's precision and recall.

CityFlow's ground truth lists only vehicles that two or more cameras see; parked and
single-camera vehicles are unlabelled, so precision (and MOTA, through false positives) is
pessimistic. Read the recall side (recall, ID recall, ID switches, fragmentations) beside them.
"""
import argparse
import contextlib
import io
import sys

import motmetrics as mm
import numpy as np
import pandas as pd

with contextlib.redirect_stdout(io.StringIO()):  # TrackEval announces each optional dataset it cannot import
    from trackeval.datasets._base_dataset import _BaseDataset
    from trackeval.metrics import HOTA

IOU = 0.5


def load(path):
    table = pd.read_csv(path, header=None, comment="#", skip_blank_lines=True)
    table = table.iloc[:, :7]
    table.columns = ["FrameId", "Id", "X", "Y", "Width", "Height", "Confidence"]
    return table


def as_motmetrics(table):
    return table.set_index(["FrameId", "Id"])[["X", "Y", "Width", "Height", "Confidence"]]


def hota(gt, result):
    frames = sorted(set(gt.FrameId) | set(result.FrameId))
    gt_ids = {v: i for i, v in enumerate(sorted(set(gt.Id)))}
    tr_ids = {v: i for i, v in enumerate(sorted(set(result.Id)))}
    data = {"num_timesteps": len(frames), "num_gt_dets": len(gt), "num_tracker_dets": len(result),
            "num_gt_ids": len(gt_ids), "num_tracker_ids": len(tr_ids),
            "gt_ids": [], "tracker_ids": [], "similarity_scores": []}
    for f in frames:
        g, t = gt[gt.FrameId == f], result[result.FrameId == f]
        data["gt_ids"].append(np.array([gt_ids[i] for i in g.Id], dtype=int))
        data["tracker_ids"].append(np.array([tr_ids[i] for i in t.Id], dtype=int))
        data["similarity_scores"].append(_BaseDataset._calculate_box_ious(
            g[["X", "Y", "Width", "Height"]].to_numpy(float), t[["X", "Y", "Width", "Height"]].to_numpy(float), box_format="xywh"))
    return HOTA().eval_sequence(data)


def hota_figures(res):
    return [float(np.mean(res[k])) for k in ("HOTA", "DetA", "AssA")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", action="append", required=True, help="camera name (repeat per camera)")
    parser.add_argument("--gt", action="append", required=True, help="its gt.txt (repeat per camera)")
    parser.add_argument("--result", action="append", required=True, help="its tracking result (repeat per camera)")
    parser.add_argument("--detections", action="append", help="its det.txt, to score the detector (repeat per camera)")
    parser.add_argument("--det-score", type=float, action="append", help="detection score thresholds (default 0.1 and 0.5)")
    args = parser.parse_args()
    if not (len(args.name) == len(args.gt) == len(args.result)) or (args.detections and len(args.detections) != len(args.name)):
        sys.exit("give --name, --gt, --result (and --detections) once per camera")
    thresholds = args.det_score or [0.1, 0.5]

    accumulators, hotas = [], []
    for name, gt_path, result_path in zip(args.name, args.gt, args.result):
        gt, result = load(gt_path), load(result_path)
        accumulators.append(mm.utils.compare_to_groundtruth(as_motmetrics(gt), as_motmetrics(result), "iou", distth=1 - IOU))
        hotas.append(hota(gt, result))
    metrics = ["num_unique_objects", "num_frames", "recall", "precision", "mota", "motp", "idf1", "idr", "idp",
               "num_switches", "num_fragmentations", "mostly_tracked", "mostly_lost", "num_false_positives", "num_misses"]
    host = mm.metrics.create()
    summary = host.compute_many(accumulators, metrics=metrics, names=args.name, generate_overall=len(args.name) > 1)
    summary["motp"] = 1 - summary["motp"]
    summary = summary.rename(columns={"motp": "MOTP(IoU)"})
    rows = [hota_figures(h) for h in hotas]
    if len(args.name) > 1:
        rows.append(hota_figures(HOTA().combine_sequences(dict(zip(args.name, hotas)))))
    for k, key in enumerate(("HOTA", "DetA", "AssA")):
        summary[key] = [r[k] for r in rows]
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 30)
    print(f"tracking (IoU {IOU}; gt lists multi-camera vehicles only, so precision, FP and MOTA are pessimistic)")
    print(summary.round(3).to_string())

    if args.detections:
        for threshold in thresholds:
            accumulators = []
            for gt_path, det_path in zip(args.gt, args.detections):
                gt, det = load(gt_path), load(det_path)
                det = det[det.Confidence >= threshold].copy()
                det["Id"] = np.arange(1, len(det) + 1)
                accumulators.append(mm.utils.compare_to_groundtruth(as_motmetrics(gt), as_motmetrics(det), "iou", distth=1 - IOU))
            d = host.compute_many(accumulators, metrics=["num_detections", "num_objects", "recall", "precision", "num_false_positives"],
                                  names=args.name, generate_overall=len(args.name) > 1)
            print(f"\ndetections with score >= {threshold} (IoU {IOU})")
            print(d.round(3).to_string())


if __name__ == "__main__":
    main()
