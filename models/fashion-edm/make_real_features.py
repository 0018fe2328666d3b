"""Writes ``real_features.npz``, the real-feature bank of the PPO scheduler for this model.

The bank holds the 64-d features (the ``features`` output of ``features.onnx``) of 4096 of the 60,000 training
images of Debian's ``dataset-fashion-mnist`` (``fashion_data.py``, which installs the package when it is missing),
drawn without replacement with seed 0, every class as it falls: one float32 array ``features`` of shape
[4096, 64] in a NumPy ``.npz`` file, the format ``art train --method ppo --real-features`` reads. The features are
computed by the classifier ``features.onnx`` was exported from (``classifier.pt``, the same weights and graph); as
a check, the mean of the features of all 60,000 training images is compared with the mean recorded in
``features_ref.json`` (accumulated from the same features) and must agree to 1e-4.

Run: ``nice -n 10 /usr/bin/python3 make_real_features.py``.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "export"))
import fashion_data  # noqa: E402
from train_classifier import Classifier, run  # noqa: E402
from artexport.realbank import write_classifier_bank  # noqa: E402

ROWS = 4096
SEED = 0


def main():
    images, labels = fashion_data.load("train")
    out, width, pick, err = write_classifier_bank(HERE, Classifier(), run, images, ROWS, SEED)
    counts = np.bincount(labels[pick], minlength=10).tolist()
    print(f"wrote {out}: {ROWS} x {width} features, images per class {counts} "
          f"(mean check against features_ref.json: {err:.2e})")

if __name__ == "__main__":
    main()
