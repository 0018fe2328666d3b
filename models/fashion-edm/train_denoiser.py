#!/usr/bin/env python3
"""Trains the ``fashion-edm`` denoiser: a class-conditional EDM-preconditioned UNet on the 60,000
Fashion-MNIST training images of Debian's ``dataset-fashion-mnist``, on CPU, budgeted by wall time.

Architecture (see ``unet.py``): the ``mnist-edm`` UNet (32/64/64 channels at 28/14/7 px, one residual
block per level plus a middle block, GroupNorm(8), SiLU, sinusoidal noise embedding 32 -> 128) with a
learned class embedding ``Embedding(11, 128)`` added to the noise embedding; row 10 is the null class.
EDM preconditioning, sigma_data = 0.5, c_noise = ln(sigma)/4.

Label dropout for classifier-free guidance: each training label is replaced by the null class 10 with
probability ``--label-dropout`` (default 0.1), so the same network is both D(x; sigma, c) and the
unconditional D(x; sigma, 10).

Loss (EDM): ln(sigma) ~ N(-1.2, 1.2^2), weight (sigma^2 + 0.25)/(0.5 sigma)^2, mean over pixels.
Hyperparameters: Adam, batch 64, lr 1e-3 (200-step warm-up, cosine to 10% over the budget), gradient clip
1.0, EMA decay min(0.999, (1+n)/(10+n)), seed 20261202, torch.set_num_threads(1).

Runtime: stops at ``--minutes`` (default 33) of wall time; checkpoints to ``checkpoint.pt`` every 2 minutes
and on exit, so a killed run continues with ``--resume`` (the budget counts the time already spent).
``--max-steps N`` makes the stop and the lr decay follow the step count instead (machine independent).

Outputs (this folder unless --out): ``checkpoint.pt`` (not committed), ``denoiser_ema.pt`` (EMA state_dict
of ``unet.EDMDenoiser``, read by ``export_fashion.py``), ``train_denoiser.json`` (config, steps, wall time,
losses).

Run: ``nice -n 10 /usr/bin/python3 train_denoiser.py [--minutes 33] [--resume]``.
"""
import argparse
import copy
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fashion_data  # noqa: E402
import unet  # noqa: E402

P_MEAN = -1.2
P_STD = 1.2


def edm_loss(model, y, labels, generator):
    """EDM weighted denoising loss of ``model`` on clean batch ``y`` with ``labels`` (mean over pixels and batch)."""
    b = y.shape[0]
    rnd = torch.randn(b, generator=generator)
    sigma = torch.exp(rnd * P_STD + P_MEAN)
    sd = unet.SIGMA_DATA
    weight = (sigma ** 2 + sd ** 2) / (sigma * sd) ** 2
    noise = torch.randn(y.shape, generator=generator) * sigma.reshape(-1, 1, 1, 1)
    denoised = model(y + noise, sigma, labels)
    per_sample = ((denoised - y) ** 2).mean(dim=(1, 2, 3))
    return (weight * per_sample).mean()


@torch.no_grad()
def evaluate(model, data, labels, seed, count=1000, batch=250):
    """EDM loss on the first ``count`` test images with fixed noise (comparable across runs and checkpoints)."""
    g = torch.Generator().manual_seed(seed)
    total = 0.0
    for i in range(0, count, batch):
        total += float(edm_loss(model, data[i:i + batch], labels[i:i + batch], g)) * data[i:i + batch].shape[0]
    return total / count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=33.0, help="wall-time budget (default 33)")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--label-dropout", type=float, default=0.1)
    ap.add_argument("--channels", type=int, nargs=3, default=list(unet.DEFAULT_CHANNELS))
    ap.add_argument("--max-steps", type=int, default=0,
                    help="optional step cap; when set, the lr decay follows steps instead of time (0 = time only)")
    ap.add_argument("--out", default=HERE, help="output folder (default: this folder)")
    ap.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    ckpt_path = os.path.join(args.out, "checkpoint.pt")

    images, labels = fashion_data.load("train")
    data, targets = torch.from_numpy(images), torch.from_numpy(labels)
    test_images, test_labels = fashion_data.load("test")
    test_x, test_y = torch.from_numpy(test_images), torch.from_numpy(test_labels)
    n = data.shape[0]

    model = unet.build(args.channels)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    gen = torch.Generator().manual_seed(args.seed + 1)
    perm_rng = np.random.default_rng(args.seed + 2)
    step, elapsed_before, losses = 0, 0.0, []
    order, pos = perm_rng.permutation(n), 0
    if args.resume:
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, elapsed_before, losses = ck["step"], ck["elapsed"], ck["losses"]
        gen.set_state(ck["gen"])
        perm_rng.bit_generator.state = ck["perm_rng"]
        order, pos = ck["order"], ck["pos"]
        print(f"resumed at step {step} after {elapsed_before:.0f}s", flush=True)

    params = unet.parameter_count(model)
    budget = args.minutes * 60.0
    print(f"params {params}, data {tuple(data.shape)}, budget {budget:.0f}s, batch {args.batch}", flush=True)
    warmup = 200
    start = time.time()
    last_save = start
    running = None

    def save():
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "step": step, "elapsed": elapsed_before + time.time() - start, "gen": gen.get_state(),
                    "perm_rng": perm_rng.bit_generator.state, "order": order, "pos": pos, "losses": losses,
                    "config": vars(args)}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)

    while True:
        elapsed = elapsed_before + time.time() - start
        if elapsed >= budget or (args.max_steps and step >= args.max_steps):
            break
        frac = min(1.0, step / args.max_steps) if args.max_steps else min(1.0, elapsed / budget)
        lr = args.lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        if pos + args.batch > n:
            order, pos = perm_rng.permutation(n), 0
        idx = torch.from_numpy(order[pos:pos + args.batch])
        pos += args.batch
        y, c = data[idx], targets[idx].clone()
        drop = torch.rand(c.shape[0], generator=gen) < args.label_dropout
        c[drop] = unet.NULL_CLASS
        loss = edm_loss(model, y, c, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(pm, alpha=1 - decay)
        lv = float(loss)
        running = lv if running is None else 0.99 * running + 0.01 * lv
        losses.append(lv)
        if step % 100 == 0:
            print(f"step {step} t {elapsed:.0f}s lr {lr:.2e} loss {lv:.4f} avg {running:.4f}", flush=True)
        if time.time() - last_save > 120:
            save()
            last_save = time.time()

    wall = elapsed_before + time.time() - start
    save()
    torch.save(ema.state_dict(), os.path.join(args.out, "denoiser_ema.pt"))
    eval_ema = evaluate(ema, test_x, test_y, args.seed + 3)
    eval_uncond = evaluate(ema, test_x, torch.full_like(test_y, unet.NULL_CLASS), args.seed + 3)
    eval_raw = evaluate(model, test_x, test_y, args.seed + 3)
    tail = losses[-500:] if losses else [float("nan")]
    report = {
        "model": "fashion-edm", "parameters": params, "channels": list(args.channels),
        "emb_freq": unet.DEFAULT_EMB_FREQ, "emb_dim": unet.DEFAULT_EMB_DIM, "sigma_data": unet.SIGMA_DATA,
        "num_classes": unet.NUM_CLASSES, "null_class": unet.NULL_CLASS, "label_dropout": args.label_dropout,
        "p_mean": P_MEAN, "p_std": P_STD, "seed": args.seed, "batch": args.batch, "lr": args.lr,
        "ema_decay": args.ema, "steps": step, "epochs": round(step * args.batch / n, 2),
        "train_seconds": round(wall, 1), "final_train_loss_last500": float(np.mean(tail)),
        "eval_loss_ema_test1k_cond": eval_ema, "eval_loss_ema_test1k_uncond": eval_uncond,
        "eval_loss_raw_test1k_cond": eval_raw,
        "data": "Debian dataset-fashion-mnist 0.0~git20200523.55506a9-1, 60000 training images, [-1, 1]",
        "torch": torch.__version__,
    }
    with open(os.path.join(args.out, "train_denoiser.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    main()
