#!/usr/bin/env python3
"""Runs ``unet.onnx`` and ``unet_jvp.onnx`` with ONNX Runtime (Java, through ``../mnist-edm/ort_check.py``) on the
four cases of ``reference.json`` and prints the largest difference from the PyTorch outputs, plus a guided
(classifier-free guidance, w = 7.5) output as a host would combine it. Needs ``java`` and the onnxruntime jar in
``~/.m2`` (any ``./mvnw`` build fetches it) or ``$ORT_JAR``.

Run: ``/usr/bin/python3 models/sd-tiny-unet/check_ort.py``.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mnist-edm"))
import ort_check  # noqa: E402


def main():
    with open(os.path.join(HERE, "reference.json"), encoding="utf-8") as f:
        ref = json.load(f)
    prompt = np.load(os.path.join(HERE, "prompt.npz"))["encoder_hidden_states"]
    empty = np.load(os.path.join(HERE, "empty.npz"))["encoder_hidden_states"]
    ehs = np.concatenate([prompt[0:1], prompt[1:2], empty, empty])
    inputs = {"sample": np.asarray(ref["sample"], dtype=np.float32),
              "timestep": np.asarray(ref["timestep"], dtype=np.int64), "encoder_hidden_states": ehs}
    expected = np.asarray(ref["out_sample"], dtype=np.float64)
    out = ort_check.run(os.path.join(HERE, "unet.onnx"), inputs)["out_sample"]
    inputs["sample_tangent"] = np.ones_like(inputs["sample"])
    jvp = ort_check.run(os.path.join(HERE, "unet_jvp.onnx"), inputs)
    # case 0 (prompt row 0, t = 999) and case 3 (empty prompt, t = 999) share nothing but the timestep;
    # guidance on the same sample: run the pair [cond, uncond] as one batch of 2
    pair = {"sample": np.repeat(inputs["sample"][0:1], 2, axis=0), "timestep": np.array([999, 999], dtype=np.int64),
            "encoder_hidden_states": np.concatenate([prompt[0:1], empty])}
    cu = ort_check.run(os.path.join(HERE, "unet.onnx"), pair)["out_sample"]
    guided = cu[1] + 7.5 * (cu[0] - cu[1])
    report = {"max_abs_diff_unet": float(np.abs(out - expected).max()),
              "max_abs_diff_jvp_primal": float(np.abs(jvp["out_sample"] - expected).max()),
              "out_std": float(out.std()), "tangent_std": float(jvp["out_sample_tangent"].std()),
              "cond_minus_uncond_rms": float(np.sqrt(((cu[0] - cu[1]) ** 2).mean())),
              "guided_7.5_rms": float(np.sqrt((guided ** 2).mean()))}
    print(json.dumps(report, indent=2))
    if report["max_abs_diff_unet"] > 1e-4 or report["max_abs_diff_jvp_primal"] > 1e-4:
        sys.exit("error: expected ONNX Runtime to match the PyTorch reference to 1e-4, found a larger difference")


if __name__ == "__main__":
    main()
