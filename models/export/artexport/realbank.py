"""The PPO scheduler's real-feature bank of a bundled image model: ``rows`` feature vectors of real images drawn
without replacement, written as one float32 array ``features`` [rows, F] in a NumPy ``.npz`` (the format
``art train --method ppo --real-features`` reads), after checking that the features of all the real images have
the mean recorded in the model's FID reference statistics (so the bank comes from the extractor those statistics
were made with)."""
import json
import os

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


def write_classifier_bank(here, model, run, images, rows=4096, seed=0):
    """The bank of the model folder ``here``: loads ``here/classifier.pt`` (the weights ``features.onnx`` was
    exported from) into ``model``, computes every image's features with ``run(model, images)`` (the classifier
    module's own forward helper, which returns ``(features, logits)``) on one thread, and writes
    ``here/real_features.npz`` with :func:`write_real_bank` against ``here/features_ref.json``. Returns
    ``(out, width, pick, err)``: the bank's path, the feature width, and what :func:`write_real_bank` returns."""
    import torch

    torch.set_num_threads(1)
    model.load_state_dict(torch.load(os.path.join(here, "classifier.pt"), map_location="cpu"))
    with torch.no_grad():
        feats, _ = run(model, torch.from_numpy(images))
    out = os.path.join(here, "real_features.npz")
    pick, err = write_real_bank(feats.numpy(), os.path.join(here, "features_ref.json"), out, rows, seed)
    return out, feats.shape[1], pick, err
