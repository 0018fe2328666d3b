"""Exports the 2-D Gaussian mixture benchmark (4 equal components at (+-1, +-1), std 0.25; the same model as
GaussianMixtureDenoiser.twoDimensionalBenchmark() in Java) with its JVP graph.

sigma_max = 10: the data lie within radius ~2 of the origin, so at sigma = 10 the noisy marginal is already
Gaussian to within (2/10)^2 ~ 4% in variance, while the smaller range keeps coarse grids informative.

Run from the repository root: /usr/bin/python3 models/mixture2d/make_mixture2d.py
Writes denoiser.onnx, denoiser_jvp.onnx and model.json next to this script.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "export"))

from artexport import export_denoiser  # noqa: E402
from artexport.analytic import BENCHMARK_2D, mixture_2d  # noqa: E402


def main():
    model, dual = mixture_2d()
    info = export_denoiser(model, dual, (2,), HERE, sigma_min=0.002, sigma_max=10.0, sigma_data=1.0,
                           model_id="mixture2d",
                           extra={"description": "2-D Gaussian mixture: 4 equal components at (+-1, +-1), "
                                                "std 0.25 (GaussianMixtureDenoiser.twoDimensionalBenchmark())",
                                  "mixture": BENCHMARK_2D,
                                  "createdBy": "models/mixture2d/make_mixture2d.py"})
    print(f"mixture2d: JVP max rel err {info['jvpCheck']['max_rel_err']:.3g}")


if __name__ == "__main__":
    main()
