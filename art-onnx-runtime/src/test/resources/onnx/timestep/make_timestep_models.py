"""Raw epsilon-prediction test networks for OnnxTimestepModel (not EDM denoisers).

The exact epsilon network of Gaussian data N(0.4, 0.7^2 I) in 3 dimensions under the Stable Diffusion
"scaled_linear" VP table (beta 0.00085..0.012, 1000 steps): inputs x_vp float32 [B, 3] and a timestep [B],
output eps float32 [B, 3]. eps_int64.onnx takes int64 timesteps (table lookup); eps_float.onnx takes float32
timesteps and interpolates log sigma between table entries (the inverse of DiscreteVpSchedule.sigmaToT).
Run: /usr/bin/python3 art-onnx-runtime/src/test/resources/onnx/timestep/make_timestep_models.py
"""
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MU, S0 = 0.4, 0.7


def table():
    betas = np.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=np.float64) ** 2
    ac = np.cumprod(1.0 - betas)
    return np.log(np.sqrt((1.0 - ac) / ac))


class Eps(torch.nn.Module):
    def __init__(self, integer):
        super().__init__()
        self.integer = integer
        self.register_buffer("log_sigmas", torch.tensor(table(), dtype=torch.float32))

    def forward(self, x, t):
        if self.integer:
            ls = self.log_sigmas[t]
        else:
            lo = torch.clamp(torch.floor(t), 0, 998).long()
            w = t - lo.float()
            ls = self.log_sigmas[lo] * (1 - w) + self.log_sigmas[lo + 1] * w
        s = torch.exp(ls)[:, None]
        xe = x * torch.sqrt(1 + s * s)
        d = MU + S0 * S0 / (S0 * S0 + s * s) * (xe - MU)
        return (xe - d) / s


def main():
    for integer, name in ((True, "eps_int64.onnx"), (False, "eps_float.onnx")):
        x = torch.randn(4, 3)
        t = torch.tensor([0, 10, 500, 999]) if integer else torch.tensor([0.0, 10.5, 500.25, 999.0])
        torch.onnx.export(Eps(integer), (x, t), os.path.join(HERE, name), input_names=["sample", "timestep"],
                          output_names=["eps"], dynamic_axes={"sample": {0: "batch"}, "timestep": {0: "batch"},
                                                              "eps": {0: "batch"}}, opset_version=14)
        print("wrote", name)


if __name__ == "__main__":
    main()
