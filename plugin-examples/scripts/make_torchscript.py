"""Exports the 2-D Gaussian-mixture benchmark denoiser as TorchScript for the DJL host example.

Same model as models/mixture2d/denoiser.onnx (models/export/artexport/analytic.py), traced with Debian's torch.
Run from the repository root:  /usr/bin/python3 plugin-examples/scripts/make_torchscript.py
Writes plugin-examples/src/main/resources/djl/mixture2d.pt (inputs x [B, 2] float32, sigma [B] float32).
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "models", "export"))

from artexport.analytic import mixture_2d  # noqa: E402


def main():
    model, _ = mixture_2d()
    model.eval()
    x = torch.randn(4, 2)
    sigma = torch.tensor([0.5, 1.0, 2.0, 8.0])
    with torch.no_grad():
        traced = torch.jit.trace(model, (x, sigma))
        x2 = torch.randn(7, 2)
        s2 = torch.rand(7) * 5 + 0.01
        err = (traced(x2, s2) - model(x2, s2)).abs().max().item()
    assert err < 1e-6, f"traced model differs from eager by {err}"
    out = os.path.join(HERE, "..", "src", "main", "resources", "djl", "mixture2d.pt")
    traced.save(out)
    print(f"wrote {os.path.normpath(out)} (max trace error {err:.2g})")


if __name__ == "__main__":
    main()
