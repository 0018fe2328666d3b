"""Loads Fashion-MNIST from Debian's ``dataset-fashion-mnist`` package (MIT licence, Zalando Research).

The package puts the four IDX files (gzip) in ``/usr/share/datasets/fashion-mnist/``:
``train-images-idx3-ubyte.gz`` (60,000 x 28 x 28), ``train-labels-idx1-ubyte.gz``,
``t10k-images-idx3-ubyte.gz`` (10,000) and ``t10k-labels-idx1-ubyte.gz``. When they are missing this module
installs the package with ``apt-get install -y dataset-fashion-mnist`` (through ``sudo`` when not root);
only the scripts here call it, never the build or the tests.

``load(split)`` returns ``(images, labels)``: images float32 [N, 1, 28, 28] scaled to [-1, 1], labels int64 [N]
(0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot),
in file order.
"""
import gzip
import os
import shutil
import subprocess
import sys

import numpy as np

PACKAGE = "dataset-fashion-mnist"
DATA_DIR = "/usr/share/datasets/fashion-mnist"
FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
         "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SIZE = 28


def fetch(data_dir=DATA_DIR):
    """Installs the Debian package unless its files are already there; returns the data folder."""
    wanted = [os.path.join(data_dir, f) for pair in FILES.values() for f in pair]
    if all(os.path.isfile(p) for p in wanted):
        return data_dir
    cmd = ["apt-get", "install", "-y", PACKAGE]
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            sys.exit(f"error: expected the files of the Debian package {PACKAGE} in {data_dir}, found none; "
                     f"install it as root: apt-get install -y {PACKAGE}")
        cmd = ["sudo"] + cmd
    print(f"installing {PACKAGE}: {' '.join(cmd)}", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if result.returncode != 0 or not all(os.path.isfile(p) for p in wanted):
        sys.exit(f"error: '{' '.join(cmd)}' failed (exit code {result.returncode}) or did not create the files "
                 f"in {data_dir}:\n{result.stdout}")
    return data_dir


def _read_idx(path, expected_magic):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    if magic != expected_magic:
        raise ValueError(f"{path}: expected IDX magic {expected_magic}, found {magic}")
    ndim = magic & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {int(np.prod(dims))} values, found {data.size}")
    return data.reshape(dims)


def load(split="train", data_dir=DATA_DIR):
    """Returns ``(images, labels)`` of ``split`` ('train': 60,000, 'test': 10,000, 'all': both, train first)."""
    if split == "all":
        xa, ya = load("train", data_dir)
        xb, yb = load("test", data_dir)
        return np.concatenate([xa, xb]), np.concatenate([ya, yb])
    if split not in FILES:
        raise ValueError(f"expected split 'train', 'test' or 'all', found {split!r}")
    data_dir = fetch(data_dir)
    img_file, lab_file = FILES[split]
    images = _read_idx(os.path.join(data_dir, img_file), 0x0803)
    labels = _read_idx(os.path.join(data_dir, lab_file), 0x0801)
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (SIZE, SIZE):
        raise ValueError(f"expected [N,28,28] images and N labels, found {images.shape} and {labels.shape}")
    x = images.astype(np.float32).reshape(-1, 1, SIZE, SIZE) / 127.5 - 1.0
    return x.astype(np.float32), labels.astype(np.int64)


if __name__ == "__main__":
    for s in ("train", "test"):
        xs, ys = load(s)
        print(s, xs.shape, ys.shape, np.bincount(ys).tolist(), float(xs.mean()), float(xs.std()))
