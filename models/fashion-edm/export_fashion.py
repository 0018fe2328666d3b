#!/usr/bin/env python3
"""Exports the trained ``fashion-edm`` denoiser to ``denoiser.onnx`` + ``denoiser_jvp.onnx`` (+ ``model.json``).

Builds ``unet.EDMDenoiser`` from the EMA state_dict ``denoiser_ema.pt`` and its dual-number twin (``DualCondUNet``
below, sharing the weights). ``artexport.export_denoiser`` checks the JVP against an fp64 central finite
difference of the plain model, on 11 points that cover every class label 0..9 and the null label 10. Then it
writes both float32 graphs:

- ``denoiser.onnx``: ``x`` float32 [B,1,28,28], ``sigma`` float32 [B], ``class_labels`` int64 [B] -> ``denoised``;
- ``denoiser_jvp.onnx``: ``x``, ``sigma``, ``x_tangent``, ``sigma_tangent``, ``class_labels`` -> ``denoised``,
  ``denoised_tangent`` (the labels are constants of the JVP).

Metadata: ``art.sigma_min`` 0.002, ``art.sigma_max`` 80, ``art.sigma_data`` 0.5, ``art.model_id`` fashion-edm.
``model.json`` also records the conditioning (10 classes, null class 10 for classifier-free guidance).

Run (after ``train_denoiser.py``): ``/usr/bin/python3 export_fashion.py``.
"""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "export"))
import fashion_data  # noqa: E402
import unet  # noqa: E402
from artexport import (  # noqa: E402
    DualAvgPool2d, DualConv2d, DualEDMPrecond, DualGroupNorm, DualLinear, DualModule, DualPositionalEmbedding,
    DualSiLU, DualUpsample, EDMPrecond, dual_add, dual_cat, export_denoiser, sha256_of,
)

MODEL_ID = "fashion-edm"
SIGMA_MIN = 0.002
SIGMA_MAX = 80.0


class DualResBlock(DualModule):
    """Dual twin of ``unet.ResBlock``: forward((p, t), (emb, emb_t)) -> (p', t')."""

    def __init__(self, block):
        super().__init__()
        self.norm1 = DualGroupNorm.from_module(block.norm1)
        self.conv1 = DualConv2d.from_module(block.conv1)
        self.emb = DualLinear.from_module(block.emb)
        self.norm2 = DualGroupNorm.from_module(block.norm2)
        self.conv2 = DualConv2d.from_module(block.conv2)
        self.skip = None if block.skip is None else DualConv2d.from_module(block.skip)
        self.act = DualSiLU()

    def forward(self, x, emb):
        h = self.conv1(*self.act(*self.norm1(*x)))
        ep, et = self.emb(*emb)
        h = (h[0] + ep[:, :, None, None], h[1] + et[:, :, None, None])
        h = self.conv2(*self.act(*self.norm2(*h)))
        return dual_add(h, x if self.skip is None else self.skip(*x))


class DualCondUNet(DualModule):
    """Dual twin of ``unet.UNet``: forward((x, x_t), (c_noise, c_noise_t), class_labels) -> (F, F_t)."""

    def __init__(self, net):
        super().__init__()
        self.pos = DualPositionalEmbedding.from_module(net.pos)
        self.emb1 = DualLinear.from_module(net.emb1)
        self.emb2 = DualLinear.from_module(net.emb2)
        self.label = net.label
        self.act = DualSiLU()
        self.conv_in = DualConv2d.from_module(net.conv_in)
        for name in ("enc0", "enc1", "enc2", "mid", "dec2", "dec1", "dec0"):
            setattr(self, name, DualResBlock(getattr(net, name)))
        self.pool = DualAvgPool2d.from_module(net.pool)
        self.up = DualUpsample.from_module(net.up)
        self.norm_out = DualGroupNorm.from_module(net.norm_out)
        self.conv_out = DualConv2d.from_module(net.conv_out)

    def forward(self, x, c_noise, class_labels):
        ep, et = self.emb2(*self.act(*self.emb1(*self.pos(*c_noise))))
        emb = self.act(ep + self.label(class_labels), et)   # the label embedding has no tangent
        h0 = self.enc0(self.conv_in(*x), emb)
        h1 = self.enc1(self.pool(*h0), emb)
        h2 = self.enc2(self.pool(*h1), emb)
        m = self.mid(h2, emb)
        d2 = self.dec2(dual_cat([m, h2]), emb)
        d1 = self.dec1(dual_cat([self.up(*d2), h1]), emb)
        d0 = self.dec0(dual_cat([self.up(*d1), h0]), emb)
        return self.conv_out(*self.act(*self.norm_out(*d0)))


def load_model(weights, channels=None):
    """The ``EDMDenoiser`` with the EMA weights of ``weights``."""
    model = unet.build(channels or unet.DEFAULT_CHANNELS)
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description="Export fashion-edm to ONNX (denoiser + JVP graph).")
    ap.add_argument("--weights", default=os.path.join(HERE, "denoiser_ema.pt"))
    ap.add_argument("--train-report", default=os.path.join(HERE, "train_denoiser.json"))
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    torch.set_num_threads(1)
    train = {}
    if os.path.isfile(args.train_report):
        with open(args.train_report, encoding="utf-8") as f:
            train = json.load(f)
    model = load_model(args.weights, train.get("channels"))
    plain = EDMPrecond(model.net, unet.SIGMA_DATA).eval()
    dual = DualEDMPrecond(DualCondUNet(model.net), unet.SIGMA_DATA).eval()

    g = torch.Generator().manual_seed(5)
    x = torch.randn(4, 1, 28, 28, generator=g) * 3.0
    sigma = torch.tensor([0.002, 0.3, 2.0, 80.0])
    labels = torch.tensor([0, 3, 9, unet.NULL_CLASS])
    with torch.no_grad():
        primal, _ = dual(x, sigma, torch.zeros_like(x), torch.zeros_like(sigma), labels)
        direct = model(x, sigma, labels)
        same = plain(x, sigma, labels)
    primal_err = float((primal - direct).abs().max())
    if primal_err > 1e-4 or float((same - direct).abs().max()) > 1e-5:
        raise ValueError(f"dual primal vs plain model: expected max abs difference <= 1e-4, found {primal_err:.3g}")

    extra = {
        "description": "Class-conditional EDM-preconditioned UNet trained on the 60,000 Fashion-MNIST training "
                       "images of Debian's dataset-fashion-mnist (pixels in [-1, 1], 1x28x28) with 10% label "
                       "dropout; EMA weights",
        "parameters": unet.parameter_count(model),
        "classes": fashion_data.CLASSES,
        "nullClass": unet.NULL_CLASS,
        "guidance": "classifier-free: D_w = D(x; s, 10) + w (D(x; s, c) - D(x; s, 10))",
        "architecture": {"channels": list(train.get("channels", unet.DEFAULT_CHANNELS)),
                         "emb_freq": unet.DEFAULT_EMB_FREQ, "emb_dim": unet.DEFAULT_EMB_DIM,
                         "label_embedding": "Embedding(11, emb_dim) added to the noise embedding",
                         "c_noise": "ln(sigma)/4", "sigma_data": unet.SIGMA_DATA},
        "training": {k: train[k] for k in ("seed", "steps", "epochs", "train_seconds", "batch", "lr", "ema_decay",
                                           "label_dropout", "p_mean", "p_std", "final_train_loss_last500",
                                           "eval_loss_ema_test1k_cond", "eval_loss_ema_test1k_uncond", "data")
                     if k in train},
        "weights": {"file": os.path.basename(args.weights), "sha256": sha256_of(args.weights)},
        "float32PrimalMaxAbsErr": primal_err,
        "featureExtractor": {"file": "features.onnx", "stats": "features_ref.json"},
    }
    info = export_denoiser(plain, dual, (1, 28, 28), args.out, SIGMA_MIN, SIGMA_MAX, unet.SIGMA_DATA, MODEL_ID,
                           extra=extra, conditioning={"class_labels": torch.arange(unet.NUM_CLASSES + 1)},
                           check_batch=unet.NUM_CLASSES + 1)
    print(json.dumps({k: info[k] for k in ("id", "files", "jvpCheck", "parameters", "conditioning")}, indent=2))


if __name__ == "__main__":
    main()
