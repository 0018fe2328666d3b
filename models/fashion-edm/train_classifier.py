#!/usr/bin/env python3
"""Trains the FID feature extractor of ``fashion-edm``: a small CNN classifier on the 60,000 Fashion-MNIST
training images, exports its penultimate features to ONNX and writes the reference feature statistics of the
60,000 training images (the data the denoiser learned).

Architecture (``mnist-edm``'s extractor at half the conv widths, to fit a CPU budget of minutes): clamp to
[-1, 1] (generated samples are clipped inside the graph; a no-op on real images), [Conv3x3(1->16) ReLU
Conv3x3(16->16) ReLU MaxPool2] [Conv3x3(16->32) ReLU Conv3x3(32->32) ReLU MaxPool2] Flatten Linear(1568->64) =
features (before the ReLU, so no feature is
identically zero) ReLU Dropout(0.3) Linear(64->10) = logits.

Data: Debian's ``dataset-fashion-mnist`` (``fashion_data.py``), pixels in [-1, 1]; trained on the 60,000
training images, accuracy on the 10,000 test images. Adam lr 1e-3 (cosine to 0), batch 128, ``--epochs``
(default 6) with random horizontal flips, seed 7, one CPU thread.

Outputs (this folder): ``features.onnx`` (input ``x`` float32 [B,1,28,28] in [-1,1]; outputs ``features`` float32
[B,64] and ``logits`` float32 [B,10]; opset 13; metadata ``art.feature_dim``, ``art.input_range``),
``features_ref.json`` (``art-fid-stats/1``: mean and unbiased covariance, accumulated in float64, of the float32
features of the 60,000 training images), ``classifier.pt`` and ``classifier.json`` (accuracy, seed, sha256s).

Run: ``nice -n 10 /usr/bin/python3 train_classifier.py [--epochs 6]``.
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
import fashion_data  # noqa: E402

FEATURES = 64


class Classifier(nn.Module):
    """Small CNN; ``forward`` clamps its input to [-1, 1] and returns ``(features, logits)``."""

    def __init__(self, features=FEATURES):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, features))
        self.head = nn.Sequential(nn.ReLU(), nn.Dropout(0.3), nn.Linear(features, 10))

    def forward(self, x):
        f = self.body(torch.clamp(x, -1.0, 1.0))
        return f, self.head(f)


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
                       ("art.input_shape", "1,28,28"), ("art.model", "fashion-mnist-classifier")):
        entry = m.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(m)
    onnx.save(m, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="Train the Fashion-MNIST feature extractor for FID.")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    started = time.time()

    xs, ys = fashion_data.load("train")
    xt, yt = fashion_data.load("test")
    x_tr, y_tr = torch.from_numpy(xs), torch.from_numpy(ys)
    x_te, y_te = torch.from_numpy(xt), torch.from_numpy(yt)
    n = x_tr.shape[0]

    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(args.seed + 1)
    total = args.epochs * math.ceil(n / args.batch)
    step = 0
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(n, generator=gen)
        running = 0.0
        for i in range(0, n, args.batch):
            for g in opt.param_groups:
                g["lr"] = 1e-3 * 0.5 * (1 + math.cos(math.pi * step / total))
            idx = order[i:i + args.batch]
            xb = x_tr[idx]
            flip = torch.rand(idx.shape[0], generator=gen) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            _, logits = model(xb)
            loss = nn.functional.cross_entropy(logits, y_tr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            running += float(loss) * idx.shape[0]
            step += 1
            if step % 100 == 0:
                print(f"step {step}/{total} loss {float(loss):.4f} t {time.time() - started:.0f}s", flush=True)
        _, lg = run(model, x_te)
        acc = float((lg.argmax(1) == y_te).float().mean())
        print(f"epoch {epoch + 1} loss {running / n:.4f} test acc {acc:.4f} t {time.time() - started:.0f}s",
              flush=True)

    model.eval()
    _, lg = run(model, x_te)
    test_acc = float((lg.argmax(1) == y_te).float().mean())
    feats, lg_tr = run(model, x_tr)
    train_acc = float((lg_tr.argmax(1) == y_tr).float().mean())

    onnx_path = os.path.join(args.out, "features.onnx")
    export(model, onnx_path)
    torch.save(model.state_dict(), os.path.join(args.out, "classifier.pt"))
    f = feats.numpy().astype(np.float64)
    mean = f.mean(axis=0)
    cov = np.cov(f, rowvar=False, ddof=1)
    cov = 0.5 * (cov + cov.T)
    ref_path = os.path.join(args.out, "features_ref.json")
    with open(ref_path, "w") as fh:
        json.dump({"format": "art-fid-stats/1", "dim": int(f.shape[1]), "count": int(f.shape[0]),
                   "extractor": "features.onnx",
                   "data": "Debian dataset-fashion-mnist, the 60000 training images, [-1, 1]",
                   "mean": mean.tolist(), "cov": cov.tolist()}, fh)
    eig = np.linalg.eigvalsh(cov)
    report = {
        "id": "fashion-mnist-classifier", "purpose": "FID feature extractor (and class check) for fashion-edm",
        "architecture": "clamp(-1, 1), 2x[Conv3x3 ReLU Conv3x3 ReLU MaxPool2] (16, 32 ch), Linear(1568->64) = "
                        "features, ReLU Dropout(0.3) Linear(64->10) = logits",
        "parameters": sum(p.numel() for p in model.parameters()), "feature_dim": FEATURES,
        "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "optimizer": "Adam lr 1e-3 cosine",
        "augmentation": "random horizontal flips",
        "split": {"train": "the 60000 training images", "test": "the 10000 test images"},
        "test_accuracy": test_acc, "train_accuracy": train_acc,
        "reference_stats": {"count": int(f.shape[0]), "cov_eig_min": float(eig.min()),
                            "cov_eig_max": float(eig.max()), "cov_trace": float(np.trace(cov))},
        "train_seconds": round(time.time() - started, 1), "torch": torch.__version__,
        "sha256": {"features.onnx": sha256(onnx_path), "features_ref.json": sha256(ref_path),
                   "classifier.pt": sha256(os.path.join(args.out, "classifier.pt"))},
    }
    with open(os.path.join(args.out, "classifier.json"), "w") as fh:
        json.dump(report, fh, indent=2)
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    main()
