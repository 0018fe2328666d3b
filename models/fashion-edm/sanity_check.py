#!/usr/bin/env python3
"""Sanity checks of the exported ``fashion-edm`` files; writes ``samples_cfg.png`` and ``sanity.json``.

1. ONNX vs PyTorch: ``denoiser.onnx`` and ``denoiser_jvp.onnx`` (ONNX Runtime through ``../mnist-edm/OrtRun.java``)
   against the PyTorch EMA model and its dual twin on random inputs over sigma in [0.002, 80], every label.
2. Sampling with classifier-free guidance: 18-step EDM Heun (rho 7, 0.002..80, 35 NFE; each guided NFE is one
   batch of [cond, uncond]) from seeded noise, ``--samples`` images with labels b mod 10, for each guidance weight
   in ``--guidance`` (D_w = D(x; s, 10) + w (D(x; s, c) - D(x; s, 10)); w = 1 is the plain conditional model).
3. For each weight: FID of the samples (clipped to [-1, 1]) in the ``features.onnx`` space against
   ``features_ref.json`` and the classifier's agreement with the requested labels. For scale: FID of the same
   number of real test images, and their classifier accuracy.

Run (after train/classifier/export): ``nice -n 10 /usr/bin/python3 sanity_check.py [--samples 500] [--guidance 1 3]``.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "mnist-edm")
sys.path.insert(0, HERE)
sys.path.append(MNIST)  # after this folder: its unet.py must not shadow ours
import fashion_data  # noqa: E402
import ort_check  # noqa: E402  (from ../mnist-edm)
import unet  # noqa: E402
from export_fashion import DualCondUNet, load_model  # noqa: E402
from artexport import DualEDMPrecond  # noqa: E402  (path set up by export_fashion)


def _mnist_helpers():
    """EDM grid, Heun sampler, FID and PNG writer of ``../mnist-edm/sanity_check.py`` (loaded by path)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("mnist_sanity", os.path.join(MNIST, "sanity_check.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.edm_sigmas, module.fid, module.heun, module.write_png


edm_sigmas, fid, heun, write_png = _mnist_helpers()


def features(images, batch=1000):
    feats, logits = [], []
    for i in range(0, images.shape[0], batch):
        out = ort_check.run(os.path.join(HERE, "features.onnx"), {"x": images[i:i + batch].astype(np.float32)})
        feats.append(out["features"].astype(np.float64))
        logits.append(out["logits"])
    return np.concatenate(feats), np.concatenate(logits)


def stats(f):
    return f.mean(axis=0), np.cov(f, rowvar=False, ddof=1)


def main():
    ap = argparse.ArgumentParser(description="Sanity checks of the exported fashion-edm model.")
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--guidance", type=float, nargs="+", default=[1.0, 3.0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=250)
    args = ap.parse_args()
    torch.set_num_threads(1)
    started = time.time()
    model = load_model(os.path.join(HERE, "denoiser_ema.pt"))
    dual = DualEDMPrecond(DualCondUNet(model.net), unet.SIGMA_DATA).eval()
    report = {"seed": args.seed}

    g = torch.Generator().manual_seed(args.seed)
    sigma = torch.exp(torch.linspace(np.log(0.002), np.log(80.0), 11))
    labels = torch.arange(11)
    x = torch.randn(11, 1, 28, 28, generator=g) * (1.0 + sigma.reshape(-1, 1, 1, 1))
    xt = torch.randn(11, 1, 28, 28, generator=g)
    st = torch.randn(11, generator=g) * sigma
    with torch.no_grad():
        ref = model(x, sigma, labels).numpy()
        dref, dtan = (v.numpy() for v in dual(x, sigma, xt, st, labels))
    den = ort_check.run(os.path.join(HERE, "denoiser.onnx"),
                        {"x": x.numpy(), "sigma": sigma.numpy(), "class_labels": labels.numpy()})
    jvp = ort_check.run(os.path.join(HERE, "denoiser_jvp.onnx"),
                        {"x": x.numpy(), "sigma": sigma.numpy(), "x_tangent": xt.numpy(),
                         "sigma_tangent": st.numpy(), "class_labels": labels.numpy()})
    report["onnx_vs_torch"] = {
        "denoised_max_abs": float(np.abs(den["denoised"] - ref).max()),
        "jvp_denoised_max_abs": float(np.abs(jvp["denoised"] - dref).max()),
        "jvp_tangent_max_abs": float(np.abs(jvp["denoised_tangent"] - dtan).max()),
        "jvp_tangent_scale": float(np.abs(dtan).max()),
    }
    print(json.dumps(report["onnx_vs_torch"]), flush=True)

    with open(os.path.join(HERE, "features_ref.json"), encoding="utf-8") as f:
        ref_stats = json.load(f)
    m_ref, c_ref = np.asarray(ref_stats["mean"]), np.asarray(ref_stats["cov"])
    sigmas = edm_sigmas(18)
    noise = np.random.default_rng(args.seed).standard_normal((args.samples, 1, 28, 28)).astype(np.float32)
    want = np.arange(args.samples) % 10
    report["sampling"] = {"solver": "heun", "steps": 18, "nfe": 35, "grid": "edm rho 7, 0.002..80",
                          "samples": args.samples, "labels": "b mod 10", "by_guidance": {}}
    for w in args.guidance:
        def denoise(xb, s, lab):
            n = xb.shape[0]
            sig = torch.full((n,), float(s), dtype=torch.float32)
            with torch.no_grad():
                if w == 1.0:
                    return model(xb, sig, lab)
                both = model(torch.cat([xb, xb]), torch.cat([sig, sig]),
                             torch.cat([lab, torch.full_like(lab, unet.NULL_CLASS)]))
                c, u = both[:n], both[n:]
                return u + w * (c - u)

        out = []
        for i in range(0, args.samples, args.batch):
            lab = torch.from_numpy(want[i:i + args.batch])
            x0 = torch.from_numpy(noise[i:i + args.batch]) * float(sigmas[0])
            xs, _ = heun(lambda xb, s: denoise(xb, s, lab), x0, sigmas)
            out.append(xs.numpy())
            print(f"w {w}: sampled {i + x0.shape[0]}/{args.samples} ({time.time() - started:.0f}s)", flush=True)
        samples = np.clip(np.concatenate(out), -1.0, 1.0)
        feats, logits = features(samples)
        entry = {"fid": fid(*stats(feats), m_ref, c_ref),
                 "label_agreement": float(np.mean(logits.argmax(axis=1) == want)),
                 "pixel_mean": float(samples.mean()), "pixel_std": float(samples.std())}
        report["sampling"]["by_guidance"][str(w)] = entry
        print(f"w {w}: {json.dumps(entry)}", flush=True)
        if w == max(args.guidance):
            rows = [samples[want == c][:8, 0] for c in range(10)]
            write_png(os.path.join(HERE, "samples_cfg.png"), np.concatenate(rows))
            report["png"] = {"file": "samples_cfg.png", "guidance": w, "rows": "classes 0..9, 8 samples each"}

    xt_img, yt_lab = fashion_data.load("test")
    real = xt_img[:args.samples]
    feats, logits = features(real)
    report["real_test_images"] = {"count": int(real.shape[0]), "fid": fid(*stats(feats), m_ref, c_ref),
                                  "classifier_accuracy": float(np.mean(logits.argmax(axis=1) == yt_lab[:args.samples]))}
    report["wall_seconds"] = round(time.time() - started, 1)
    print(json.dumps(report["real_test_images"]), flush=True)
    with open(os.path.join(HERE, "sanity.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
