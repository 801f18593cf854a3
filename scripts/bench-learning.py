#!/usr/bin/env python3
"""The PyTorch side of `sightline bench learning`: the same two-tower model, batch and training step
(InfoNCE + circle + triplet, global-norm clipping, AdamW) in float32 on the CPU, one JSON row per case.

    SIGHTLINE_TORCH_VENV=.venv-torch sightline bench learning   # runs this script with that venv's python
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Head(nn.Module):
    def __init__(self, inputs, hidden, outputs, dropout):
        super().__init__()
        self.fc1, self.norm, self.fc2 = nn.Linear(inputs, hidden), nn.LayerNorm(hidden), nn.Linear(hidden, outputs)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.fc2(self.dropout(F.gelu(self.norm(self.fc1(x)))))


class Trajectory(nn.Module):
    def __init__(self, features, channels, kernel):
        super().__init__()
        self.conv1 = nn.Conv1d(features, channels, kernel, padding=kernel // 2)
        self.conv2 = nn.Conv1d(channels, channels, kernel, padding=kernel // 2)

    def forward(self, x):
        h = F.gelu(self.conv2(F.gelu(self.conv1(x.transpose(1, 2)))))
        return torch.cat([h.mean(2), h.amax(2)], 1)


class TwoTowers(nn.Module):
    """SightlineLearning.TwoTowers with its default configuration."""

    def __init__(self, features=8, channels=64, kernel=5, text=384, hidden=256, embedding=256, dropout=0.1):
        super().__init__()
        self.trajectory = Trajectory(features, channels, kernel)
        self.track_head = Head(2 * channels, hidden, embedding, dropout)
        self.text_head = Head(text, hidden, embedding, dropout)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


def circle_direction(s, gamma=48.0, m=0.35):
    n = s.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    sp, sn = s[eye], s[~eye].reshape(n, n - 1)
    ap, an = torch.clamp_min(1 + m - sp.detach(), 0), torch.clamp_min(sn.detach() + m, 0)
    return F.softplus(torch.logsumexp(gamma * an * (sn - m), 1) - gamma * ap * (sp - (1 - m))).mean()


def losses(model, trajectories, texts, others, has_other):
    n = texts.shape[0]
    tracks = F.normalize(model.track_head(model.trajectory(trajectories)), dim=1)
    text_all = F.normalize(model.text_head(torch.cat([texts, others])), dim=1)
    text, other = text_all[:n], text_all[n:]
    s = tracks @ text.t()
    labels = torch.arange(n)
    logits = model.logit_scale.exp() * s
    info = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2
    circle = (circle_direction(s) + circle_direction(s.t())) / 2
    with torch.no_grad():
        d = torch.cdist(tracks, text)
        d.fill_diagonal_(float("inf"))
        hardest = d.argmin(1)
    negatives = torch.where(has_other[:, None], other, text[hardest])
    d_ap = F.pairwise_distance(tracks, text, eps=1e-6)
    d_an = F.pairwise_distance(tracks, negatives, eps=1e-6)
    triplet = torch.clamp_min(d_ap - d_an, 0).mean()
    return info + circle + triplet


def measure(seconds, body):
    body()
    start, passes = time.perf_counter(), 0
    while True:
        body()
        passes += 1
        if time.perf_counter() - start >= seconds:
            return passes / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = TwoTowers()
    decayed = [p for p in model.parameters() if p.dim() >= 2]
    plain = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": 1e-2}, {"params": plain, "weight_decay": 0.0}], lr=1e-3)
    trajectories = torch.rand(args.batch, args.steps, 8) * 2 - 1
    texts, others = torch.rand(args.batch, 384) * 2 - 1, torch.rand(args.batch, 384) * 2 - 1
    has_other = torch.arange(args.batch) % 2 == 0

    def step():
        optimizer.zero_grad(set_to_none=True)
        losses(model, trajectories, texts, others, has_other).backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        with torch.no_grad():
            model.logit_scale.clamp_(max=math.log(100))

    encoder = model.trajectory
    upstream = torch.full((args.batch, 128), 1e-3)

    def encoder_pass():
        encoder.zero_grad(set_to_none=True)
        (encoder(trajectories) * upstream).sum().backward()

    for name, body in (("two-tower step", step), ("trajectory encoder fwd+bwd", encoder_pass)):
        print(json.dumps({"runtime": "pytorch", "case": name, "batch": args.batch, "per_second": measure(args.seconds, body)}))


if __name__ == "__main__":
    main()
