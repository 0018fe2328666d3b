#!/usr/bin/env python3
"""Sanity checks of the exported ``mnist-edm`` files; writes ``samples_edm18.png`` and ``sanity.json``.

1. ONNX vs PyTorch: ``denoiser.onnx`` and ``denoiser_jvp.onnx`` (run by ONNX Runtime through
   ``OrtRun.java``) against the PyTorch EMA model and its dual twin on random inputs over sigma in
   [0.002, 80] (max abs differences).
2. Sampling: 18-step EDM Heun (Karras et al. 2022 Alg. 2 without churn; sigma_min 0.002, sigma_max 80,
   rho 7; 35 NFE) from seeded noise, ``--samples`` digits in PyTorch; the first 64 are also sampled with
   the exported ``denoiser.onnx`` from the same noise and compared; a PNG grid of the 64 PyTorch samples.
3. FID: features of the generated digits (clipped to [-1, 1]) from ``features.onnx`` against
   ``features_ref.json``; for scale, also the FID of 2,000 real digits (every 5th) against the same stats.

Run (after train/export): ``nice -n 10 /usr/bin/python3 sanity_check.py [--samples 2000] [--seed 1]``.
"""
import argparse
import json
import os
import struct
import sys
import time
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mnist_data  # noqa: E402
import ort_check  # noqa: E402
import unet  # noqa: E402
from export_mnist import DualUNet, load_model  # noqa: E402
from artexport import DualEDMPrecond  # noqa: E402  (path set up by export_mnist)


def edm_sigmas(steps, sigma_min=0.002, sigma_max=80.0, rho=7.0):
    """Karras et al. (2022) eq. 5 grid with a final 0: ``steps + 1`` values."""
    i = np.arange(steps, dtype=np.float64)
    s = (sigma_max ** (1 / rho) + i / (steps - 1) * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    return np.append(s, 0.0)


def heun(denoise, x, sigmas):
    """EDM Heun sampler on numpy/torch-agnostic ``denoise(x, sigma_scalar) -> D``; returns (x, nfe)."""
    nfe = 0
    for i in range(len(sigmas) - 1):
        t, t_next = sigmas[i], sigmas[i + 1]
        d = (x - denoise(x, t)) / t
        nfe += 1
        x_next = x + (t_next - t) * d
        if t_next > 0:
            d2 = (x_next - denoise(x_next, t_next)) / t_next
            nfe += 1
            x_next = x + (t_next - t) * 0.5 * (d + d2)
        x = x_next
    return x, nfe


def write_png(path, images, cols=8, scale=2, pad=2):
    """Writes [N, 28, 28] images in [-1, 1] as an 8-bit greyscale PNG grid (pure zlib, no imaging library)."""
    n, h, w = images.shape
    rows = (n + cols - 1) // cols
    cell_h, cell_w = h * scale + pad, w * scale + pad
    canvas = np.full((rows * cell_h + pad, cols * cell_w + pad), 40, dtype=np.uint8)
    pix = np.clip((images + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
    for k in range(n):
        r, c = divmod(k, cols)
        big = np.kron(pix[k], np.ones((scale, scale), dtype=np.uint8))
        canvas[pad + r * cell_h: pad + r * cell_h + h * scale, pad + c * cell_w: pad + c * cell_w + w * scale] = big
    raw = b"".join(b"\x00" + canvas[y].tobytes() for y in range(canvas.shape[0]))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", canvas.shape[1], canvas.shape[0], 8, 0, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
                + chunk(b"IEND", b""))


def sqrtm_psd(a):
    """Symmetric PSD square root via eigh (negative round-off eigenvalues clipped to 0)."""
    w, v = np.linalg.eigh(0.5 * (a + a.T))
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def fid(mean1, cov1, mean2, cov2):
    """Frechet distance ||m1 - m2||^2 + tr(C1 + C2 - 2 (C1^1/2 C2 C1^1/2)^1/2)."""
    s1 = sqrtm_psd(cov1)
    middle = np.linalg.eigvalsh(0.5 * (s1 @ cov2 @ s1 + (s1 @ cov2 @ s1).T))
    cross = float(np.sum(np.sqrt(np.clip(middle, 0.0, None))))
    diff = mean1 - mean2
    return float(diff @ diff + np.trace(cov1) + np.trace(cov2) - 2.0 * cross)


def features(images, batch=1000):
    out = []
    for i in range(0, images.shape[0], batch):
        out.append(ort_check.run(os.path.join(HERE, "features.onnx"),
                                 {"x": images[i:i + batch].astype(np.float32)})["features"].astype(np.float64))
    return np.concatenate(out)


def stats(f):
    return f.mean(axis=0), np.cov(f, rowvar=False, ddof=1)


def main():
    ap = argparse.ArgumentParser(description="Sanity checks of the exported mnist-edm model.")
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--dir", default=HERE, help="folder with denoiser_ema.pt, train_denoiser.json, the two "
                    "denoiser graphs; receives samples_edm18.png and sanity.json (default: this folder)")
    args = ap.parse_args()
    d = args.dir
    torch.set_num_threads(1)
    started = time.time()
    train = {}
    if os.path.isfile(os.path.join(d, "train_denoiser.json")):
        with open(os.path.join(d, "train_denoiser.json"), encoding="utf-8") as f:
            train = json.load(f)
    model = load_model(os.path.join(d, "denoiser_ema.pt"), train.get("channels"))
    dual = DualEDMPrecond(DualUNet(model.net), unet.SIGMA_DATA).eval()
    report = {"seed": args.seed}

    # 1. ONNX vs PyTorch on random inputs.
    g = torch.Generator().manual_seed(args.seed)
    sigma = torch.exp(torch.linspace(np.log(0.002), np.log(80.0), 8))
    x = torch.randn(8, 1, 28, 28, generator=g) * (1.0 + sigma.reshape(-1, 1, 1, 1))
    xt = torch.randn(8, 1, 28, 28, generator=g)
    st = torch.randn(8, generator=g) * sigma
    with torch.no_grad():
        ref = model(x, sigma).numpy()
        dref, dtan = (v.numpy() for v in dual(x, sigma, xt, st))
    den = ort_check.run(os.path.join(d, "denoiser.onnx"), {"x": x.numpy(), "sigma": sigma.numpy()})
    jvp = ort_check.run(os.path.join(d, "denoiser_jvp.onnx"),
                        {"x": x.numpy(), "sigma": sigma.numpy(), "x_tangent": xt.numpy(), "sigma_tangent": st.numpy()})
    report["onnx_vs_torch"] = {
        "denoised_max_abs": float(np.abs(den["denoised"] - ref).max()),
        "jvp_denoised_max_abs": float(np.abs(jvp["denoised"] - dref).max()),
        "jvp_tangent_max_abs": float(np.abs(jvp["denoised_tangent"] - dtan).max()),
        "jvp_tangent_scale": float(np.abs(dtan).max()),
    }
    print(json.dumps(report["onnx_vs_torch"]), flush=True)

    # 2. Sampling with 18-step EDM Heun.
    sigmas = edm_sigmas(18)
    rng = np.random.default_rng(args.seed)
    noise = rng.standard_normal((args.samples, 1, 28, 28)).astype(np.float32)

    def torch_denoise(xb, s):
        with torch.no_grad():
            return model(xb, torch.full((xb.shape[0],), float(s), dtype=torch.float32))

    samples = []
    for i in range(0, args.samples, args.batch):
        x0 = torch.from_numpy(noise[i:i + args.batch]) * float(sigmas[0])
        out, nfe = heun(torch_denoise, x0, sigmas)
        samples.append(out.numpy())
        print(f"sampled {i + x0.shape[0]}/{args.samples} ({time.time() - started:.0f}s)", flush=True)
    samples = np.concatenate(samples)
    write_png(os.path.join(d, "samples_edm18.png"), np.clip(samples[:64, 0], -1, 1))

    def onnx_denoise(xb, s):
        return ort_check.run(os.path.join(d, "denoiser.onnx"),
                             {"x": xb, "sigma": np.full((xb.shape[0],), s, dtype=np.float32)})["denoised"]

    onnx64, _ = heun(onnx_denoise, noise[:64] * np.float32(sigmas[0]), sigmas.astype(np.float32))
    report["sampling"] = {"solver": "heun", "steps": 18, "nfe": nfe, "grid": "edm rho 7, 0.002..80",
                          "samples": args.samples, "pixel_mean": float(samples.mean()),
                          "pixel_std": float(samples.std()), "fraction_outside_[-1.05,1.05]":
                          float(np.mean(np.abs(samples) > 1.05)),
                          "onnx_vs_torch_64_samples_max_abs": float(np.abs(onnx64 - samples[:64]).max())}
    print(json.dumps(report["sampling"]), flush=True)

    # 3. FID against the reference statistics.
    with open(os.path.join(HERE, "features_ref.json"), encoding="utf-8") as f:
        ref_stats = json.load(f)
    m_ref, c_ref = np.asarray(ref_stats["mean"]), np.asarray(ref_stats["cov"])
    gen_f = features(np.clip(samples, -1.0, 1.0))
    fid_gen = fid(*stats(gen_f), m_ref, c_ref)
    images, labels = mnist_data.load()
    real_f = features(images[::5])
    fid_real = fid(*stats(real_f), m_ref, c_ref)
    logits = ort_check.run(os.path.join(HERE, "features.onnx"), {"x": np.clip(samples, -1, 1)[:1000]})["logits"]
    counts = np.bincount(logits.argmax(axis=1), minlength=10)
    report["fid"] = {"generated": fid_gen, "generated_count": int(samples.shape[0]),
                     "real_every_5th_2000": fid_real, "reference_count": ref_stats["count"],
                     "class_histogram_first_1000": counts.tolist()}
    report["wall_seconds"] = round(time.time() - started, 1)
    print(json.dumps(report["fid"]), flush=True)
    with open(os.path.join(d, "sanity.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
