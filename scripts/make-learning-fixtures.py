#!/usr/bin/env python3
"""Writes the PyTorch parity fixture of SightlineLearning: Tests/SightlineLearningTests/Fixtures/learning.json.

Run once (the output is committed):
    python3 -m venv .venv-torch
    .venv-torch/bin/pip install torch numpy
    .venv-torch/bin/python scripts/make-learning-fixtures.py

Every layer and loss of the module is built here with torch.nn / torch.nn.functional on small fixed
inputs and weights (float32 values, so Swift reads them exactly), evaluated in float64, and its loss
or output and every gradient stored; then the small two-tower model is run end to end with the three
losses, clipped and stepped once with AdamW. Dropout masks come from the same SplitMix64 draws as
Swift's `Dropout`, so the masks match too.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "SightlineLearningTests", "Fixtures", "learning.json")
MASK = (1 << 64) - 1
torch.set_default_dtype(torch.float64)


class SplitMix64:
    """SightlineData.SplitMix64 and SightlineLearning's 24-bit unit draw."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def unit(self):
        return (self.next() >> 40) / float(1 << 24)


def dropout_mask(generator, shape, p):
    p32 = float(np.float32(p))
    keep = float(np.float32(1) / (np.float32(1) - np.float32(p)))
    count = int(np.prod(shape))
    return torch.tensor([0.0 if generator.unit() < p32 else keep for _ in range(count)]).reshape(shape)


rng = np.random.default_rng(20260415)


def leaf(*shape, scale=1.0):
    """A float32-valued float64 tensor that requires grad."""
    values = (rng.standard_normal(shape) * scale).astype(np.float32).astype(np.float64)
    return torch.tensor(values, requires_grad=True)


def unit_rows(*shape):
    x = rng.standard_normal(shape)
    x /= np.linalg.norm(x, axis=-1, keepdims=True)
    return torch.tensor(x.astype(np.float32).astype(np.float64), requires_grad=True)


def t(x, digits=10):
    x = x.detach().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    return {"shape": list(x.shape), "data": [float("%.*g" % (digits, v)) for v in x.reshape(-1)]}


def exact(x):
    """An input: float32 values, written so that they parse back to the same float."""
    return t(x, 9)


def with_upstream(output, *tensors):
    """Backpropagates a fixed random upstream gradient; returns it."""
    upstream = leaf(*output.shape).detach()
    (output * upstream).sum().backward()
    return upstream


fixture = {}

# Linear
x, w, b = leaf(5, 6), leaf(4, 6, scale=0.4), leaf(4, scale=0.4)
y = F.linear(x, w, b)
up = with_upstream(y)
fixture["linear"] = {"input": exact(x), "weight": exact(w), "bias": exact(b), "upstream": exact(up), "output": t(y),
                     "grad_input": t(x.grad), "grad_weight": t(w.grad), "grad_bias": t(b.grad)}

# LayerNorm
x, w, b = leaf(5, 8, scale=2.0), leaf(8), leaf(8)
y = F.layer_norm(x, (8,), w, b, eps=1e-5)
up = with_upstream(y)
fixture["layer_norm"] = {"input": exact(x), "weight": exact(w), "bias": exact(b), "upstream": exact(up), "output": t(y),
                         "grad_input": t(x.grad), "grad_weight": t(w.grad), "grad_bias": t(b.grad)}

# GELU (erf)
x = leaf(3, 7, scale=2.0)
y = F.gelu(x)
up = with_upstream(y)
fixture["gelu"] = {"input": exact(x), "upstream": exact(up), "output": t(y), "grad_input": t(x.grad)}

# Dropout, SplitMix64 seed 11, p 0.3
x = leaf(4, 6)
mask = dropout_mask(SplitMix64(11), (4, 6), 0.3)
y = x * mask
up = with_upstream(y)
fixture["dropout"] = {"input": exact(x), "probability": 0.3, "seed": 11, "upstream": exact(up), "output": t(y),
                      "grad_input": t(x.grad)}

# Conv1d on [batch, time, channels]
x, w, b = leaf(2, 7, 3), leaf(4, 3, 5, scale=0.4), leaf(4, scale=0.4)
y = F.conv1d(x.transpose(1, 2), w, b, padding=2).transpose(1, 2)
up = with_upstream(y)
fixture["conv1d"] = {"input": exact(x), "weight": exact(w), "bias": exact(b), "upstream": exact(up), "output": t(y),
                     "grad_input": t(x.grad), "grad_weight": t(w.grad), "grad_bias": t(b.grad)}

# Temporal pooling: mean ‖ max over time
x = leaf(2, 6, 4)
y = torch.cat([x.mean(1), x.amax(1)], 1)
up = with_upstream(y)
fixture["temporal_pooling"] = {"input": exact(x), "upstream": exact(up), "output": t(y), "grad_input": t(x.grad)}


def trajectory_encoder(x, p, prefix):
    h = F.gelu(F.conv1d(x.transpose(1, 2), p[prefix + "conv1.weight"], p[prefix + "conv1.bias"],
                        padding=p[prefix + "conv1.weight"].shape[2] // 2))
    h = F.gelu(F.conv1d(h, p[prefix + "conv2.weight"], p[prefix + "conv2.bias"], padding=p[prefix + "conv2.weight"].shape[2] // 2))
    return torch.cat([h.mean(2), h.amax(2)], 1)


# Trajectory encoder
p = {"conv1.weight": leaf(5, 3, 3, scale=0.5), "conv1.bias": leaf(5, scale=0.3),
     "conv2.weight": leaf(5, 5, 3, scale=0.4), "conv2.bias": leaf(5, scale=0.3)}
x = leaf(2, 9, 3)
y = trajectory_encoder(x, p, "")
up = with_upstream(y)
fixture["trajectory_encoder"] = {"input": exact(x), "parameters": {k: exact(v) for k, v in p.items()}, "upstream": exact(up),
                                 "output": t(y), "grad_input": t(x.grad),
                                 "grad_parameters": {k: t(v.grad) for k, v in p.items()}}

# L2 normalisation
x = leaf(4, 6)
y = F.normalize(x, dim=1)
up = with_upstream(y)
fixture["l2_normalize"] = {"input": exact(x), "upstream": exact(up), "output": t(y), "grad_input": t(x.grad)}


def info_nce(s, log_scale):
    logits = log_scale.exp() * s
    labels = torch.arange(s.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


def circle_direction(s, gamma, m):
    n = s.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    sp = s[eye]
    sn = s[~eye].reshape(n, n - 1)
    ap = torch.clamp_min(1 + m - sp.detach(), 0)
    an = torch.clamp_min(sn.detach() + m, 0)
    logit_p = -gamma * ap * (sp - (1 - m))
    logit_n = gamma * an * (sn - m)
    return F.softplus(torch.logsumexp(logit_n, 1) + logit_p).mean()


def circle(s, gamma=48.0, m=0.35):
    return (circle_direction(s, gamma, m) + circle_direction(s.t(), gamma, m)) / 2


def similarities(n, d, agreement):
    a, b = rng.standard_normal((n, d)), rng.standard_normal((n, d))
    b = agreement * a + b
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    return torch.tensor((a @ b.T).astype(np.float32).astype(np.float64), requires_grad=True)


# Symmetric InfoNCE with a learnable log-scale
s = similarities(6, 8, 1.0)
log_scale = torch.tensor(float(np.float32(math.log(1 / 0.07))), requires_grad=True)
loss = info_nce(s, log_scale)
loss.backward()
fixture["info_nce"] = {"similarities": exact(s), "log_scale": float(np.float32(log_scale.item())), "loss": loss.item(),
                       "grad_similarities": t(s.grad), "grad_log_scale": log_scale.grad.item()}

# Circle loss, gamma 48, m 0.35
s = similarities(6, 8, 1.0)
loss = circle(s)
loss.backward()
fixture["circle"] = {"similarities": exact(s), "gamma": 48, "margin": 0.35, "loss": loss.item(), "grad_similarities": t(s.grad)}


def triplet(anchors, positives, negatives, margin=0.0):
    """torch.nn.TripletMarginLoss's formula (p 2, eps 1e-6, mean), which refuses margin 0 as a module."""
    d_ap = F.pairwise_distance(anchors, positives, p=2, eps=1e-6)
    d_an = F.pairwise_distance(anchors, negatives, p=2, eps=1e-6)
    return torch.clamp_min(d_ap - d_an + margin, 0).mean()


def hardest_negatives(a, p, given, has):
    """Each anchor's negative: the given one where it has one, else the nearest other positive."""
    eps = 1e-6
    rows, hardest = [], []
    for i in range(a.shape[0]):
        if has[i]:
            rows.append(given[i])
            hardest.append(None)
            continue
        d = [(torch.norm(a[i] - p[j] + eps).item(), j) for j in range(a.shape[0]) if j != i]
        j = min(d)[1]
        rows.append(p[j])
        hardest.append(j)
    return torch.stack(rows), hardest


# Triplet loss, margin 0, other-view negatives where present
a, pos, neg = unit_rows(6, 8), unit_rows(6, 8), unit_rows(6, 8)
has = [True, False, True, False, False, True]
negatives, hardest = hardest_negatives(a, pos, neg, has)
loss = triplet(a, pos, negatives)
loss.backward()
fixture["triplet"] = {"anchors": exact(a), "positives": exact(pos), "negatives": exact(neg), "has_negative": has,
                      "loss": loss.item(), "hardest": hardest,
                      "grad_anchors": t(a.grad), "grad_positives": t(pos.grad), "grad_negatives": t(neg.grad)}

# The two-tower model end to end: forward, the three losses, backward, clipping, one AdamW step
config = {"trajectory_features": 4, "channels": 6, "kernel": 3, "text_features": 12, "hidden": 10, "embedding": 8, "dropout": 0.1}
c = config


def head(prefix, inputs, outputs):
    return {prefix + "fc1.weight": leaf(c["hidden"], inputs, scale=1 / math.sqrt(inputs)),
            prefix + "fc1.bias": leaf(c["hidden"], scale=0.1),
            prefix + "norm.weight": leaf(c["hidden"], scale=0.1),
            prefix + "norm.bias": leaf(c["hidden"], scale=0.1),
            prefix + "fc2.weight": leaf(outputs, c["hidden"], scale=1 / math.sqrt(c["hidden"])),
            prefix + "fc2.bias": leaf(outputs, scale=0.1)}


params = {"trajectory.conv1.weight": leaf(c["channels"], c["trajectory_features"], c["kernel"], scale=0.4),
          "trajectory.conv1.bias": leaf(c["channels"], scale=0.1),
          "trajectory.conv2.weight": leaf(c["channels"], c["channels"], c["kernel"], scale=0.3),
          "trajectory.conv2.bias": leaf(c["channels"], scale=0.1)}
params.update(head("track_head.", 2 * c["channels"], c["embedding"]))
params.update(head("text_head.", c["text_features"], c["embedding"]))
with torch.no_grad():
    for key in ("track_head.norm.weight", "text_head.norm.weight"):
        params[key] += 1.0
params["logit_scale"] = torch.tensor(float(np.float32(math.log(1 / 0.07))), requires_grad=True)
initial = {k: v.detach().clone() for k, v in params.items()}

n, time = 6, 8
trajectories = leaf(n, time, c["trajectory_features"]).detach()
texts = leaf(n, c["text_features"]).detach()
other_views = leaf(n, c["text_features"]).detach()
has_other = [True, False, False, True, False, True]
seed = 5
generator = SplitMix64(seed)


def run_head(prefix, x, mask):
    h = F.linear(x, params[prefix + "fc1.weight"], params[prefix + "fc1.bias"])
    h = F.layer_norm(h, (c["hidden"],), params[prefix + "norm.weight"], params[prefix + "norm.bias"], eps=1e-5)
    h = F.gelu(h) * mask
    return F.linear(h, params[prefix + "fc2.weight"], params[prefix + "fc2.bias"])


track_mask = dropout_mask(generator, (n, c["hidden"]), c["dropout"])
text_mask = dropout_mask(generator, (2 * n, c["hidden"]), c["dropout"])
tracks = F.normalize(run_head("track_head.", trajectory_encoder(trajectories, params, "trajectory."), track_mask), dim=1)
text_all = F.normalize(run_head("text_head.", torch.cat([texts, other_views]), text_mask), dim=1)
text_emb, other_emb = text_all[:n], text_all[n:]
sim = tracks @ text_emb.t()
l_info, l_circle = info_nce(sim, params["logit_scale"]), circle(sim)
_, chosen = hardest_negatives(tracks.detach(), text_emb.detach(), other_emb.detach(), has_other)
picked = [other_emb[i] if has_other[i] else text_emb[j] for i, j in enumerate(chosen)]
l_triplet = triplet(tracks, text_emb, torch.stack(picked))
total = l_info + l_circle + l_triplet
total.backward()
grads = {k: v.grad.detach().clone() for k, v in params.items()}
max_norm = 0.5
norm = torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm).item()
assert norm > max_norm, "the fixture should exercise clipping"
schedule = {"base_rate": 1e-2, "warmup_steps": 2, "decay_every": 10, "gamma": 0.5}
rate = schedule["base_rate"] * 1 / schedule["warmup_steps"]
rate = float(np.float32(rate))
decayed = [v for v in params.values() if v.dim() >= 2]
plain = [v for v in params.values() if v.dim() < 2]
optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": 1e-2}, {"params": plain, "weight_decay": 0.0}],
                              lr=rate, betas=(0.9, 0.999), eps=1e-8)
optimizer.step()
with torch.no_grad():
    params["logit_scale"].clamp_(max=math.log(100))
fixture["two_towers"] = {
    "configuration": config, "seed": seed, "has_other_view": has_other,
    "trajectories": exact(trajectories), "texts": exact(texts), "other_views": exact(other_views),
    "parameters": {k: exact(v) for k, v in initial.items()},
    "losses": {"info_nce": l_info.item(), "circle": l_circle.item(), "triplet": l_triplet.item(), "total": total.item()},
    "gradients": {k: t(v) for k, v in grads.items()},
    "gradient_norm": norm, "max_gradient_norm": max_norm, "schedule": schedule, "learning_rate": rate,
    "after_step": {k: t(v) for k, v in params.items()},
}

# The image branch (ImageFusion): a projection head over the frozen image features of the rows that
# have them, added to the trajectory features; dropout over the present rows only, from one seed.
fusion_config = {"in_features": 7, "hidden": 6, "out_features": 5, "dropout": 0.1}
fc = fusion_config
fusion = {"head.fc1.weight": leaf(fc["hidden"], fc["in_features"], scale=1 / math.sqrt(fc["in_features"])),
          "head.fc1.bias": leaf(fc["hidden"], scale=0.1),
          "head.norm.weight": leaf(fc["hidden"], scale=0.1),
          "head.norm.bias": leaf(fc["hidden"], scale=0.1),
          "head.fc2.weight": leaf(fc["out_features"], fc["hidden"], scale=1 / math.sqrt(fc["hidden"])),
          "head.fc2.bias": leaf(fc["out_features"], scale=0.1)}
with torch.no_grad():
    fusion["head.norm.weight"] += 1.0
features, images = leaf(4, fc["out_features"]), leaf(4, fc["in_features"])
present = [True, False, True, True]
rows = [i for i, p in enumerate(present) if p]
fusion_mask = dropout_mask(SplitMix64(9), (len(rows), fc["hidden"]), fc["dropout"])
h = F.linear(images[rows], fusion["head.fc1.weight"], fusion["head.fc1.bias"])
h = F.layer_norm(h, (fc["hidden"],), fusion["head.norm.weight"], fusion["head.norm.bias"], eps=1e-5)
projected = F.linear(F.gelu(h) * fusion_mask, fusion["head.fc2.weight"], fusion["head.fc2.bias"])
y = features.index_add(0, torch.tensor(rows), projected)
up = with_upstream(y)
fixture["image_fusion"] = {"configuration": fusion_config, "seed": 9, "present": present,
                           "features": exact(features), "images": exact(images), "upstream": exact(up),
                           "parameters": {k: exact(v) for k, v in fusion.items()}, "output": t(y),
                           "grad_features": t(features.grad), "grad_images": t(images.grad),
                           "gradients": {k: t(v.grad) for k, v in fusion.items()}}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(fixture, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes; two-tower loss {total.item():.6f}, gradient norm {norm:.4f}")
