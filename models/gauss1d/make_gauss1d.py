"""Exports the 1-D Gaussian benchmark of docs/MATH.md section 4, D(x; s) = x / (1 + s^2), with its JVP graph.

Run from the repository root: /usr/bin/python3 models/gauss1d/make_gauss1d.py
Writes denoiser.onnx, denoiser_jvp.onnx and model.json next to this script.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "export"))

from artexport import export_denoiser  # noqa: E402
from artexport.analytic import gaussian_1d  # noqa: E402


def main():
    model, dual = gaussian_1d()
    info = export_denoiser(model, dual, (1,), HERE, sigma_min=0.002, sigma_max=3.0, sigma_data=1.0,
                           model_id="gauss1d",
                           extra={"description": "1-D Gaussian benchmark (ART.md section 4): data N(0, 1), "
                                                "D(x; s) = x / (1 + s^2); T = sigma_max = 3",
                                  "createdBy": "models/gauss1d/make_gauss1d.py"})
    print(f"gauss1d: JVP max rel err {info['jvpCheck']['max_rel_err']:.3g}")


if __name__ == "__main__":
    main()
