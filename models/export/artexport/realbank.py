"""The PPO scheduler's real-feature bank of a bundled image model: ``rows`` feature vectors of real images drawn
without replacement, written as one float32 array ``features`` [rows, F] in a NumPy ``.npz`` (the format
``art train --method ppo --real-features`` reads), after checking that the features of all the real images have
the mean recorded in the model's FID reference statistics (so the bank comes from the extractor those statistics
were made with)."""
import json

import numpy as np


def write_real_bank(feats, ref_stats, out, rows=4096, seed=0, tolerance=1e-4):
    """Writes ``feats[pick]`` (float32 [N, F], every real image's features) to ``out`` and returns
    ``(pick, err)``: the sorted row indices drawn with ``seed`` and the largest difference between the features'
    mean and the mean in ``ref_stats`` (an ``art-fid-stats/1`` JSON file). Exits with one error line when that
    difference exceeds ``tolerance``."""
    feats = np.asarray(feats, dtype=np.float32)
    with open(ref_stats, "r", encoding="utf-8") as f:
        ref = np.asarray(json.load(f)["mean"], dtype=np.float64)
    err = float(np.max(np.abs(feats.astype(np.float64).mean(axis=0) - ref)))
    if err > tolerance:
        raise SystemExit(f"error: the features' mean differs from {ref_stats} by {err} (expected <= {tolerance}); "
                         "the classifier and features.onnx disagree")
    pick = np.sort(np.random.default_rng(seed).choice(feats.shape[0], size=rows, replace=False))
    np.savez(out, features=feats[pick])
    return pick, err
