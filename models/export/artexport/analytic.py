"""Closed-form denoisers shipped as ONNX test models, each with its hand-written dual twin.

* ``Gaussian``: data N(mu, s0^2 I): D(x; s) = mu + s0^2 / (s0^2 + s^2) (x - mu). With mu = 0, s0 = 1 in one
  dimension this is the 1-D benchmark of docs/MATH.md section 4, D(x; s) = x / (1 + s^2).
* ``GaussianMixture``: sum_k w_k N(m_k, s_k^2 I) in d dimensions, posterior weights by a softmax; the
  same formulas as ``dev.artsched.sampling.analytic.GaussianMixtureDenoiser`` in Java.
"""

import torch
from torch import nn


class Gaussian(nn.Module):
    """x [B, d], sigma [B] -> D(x; sigma) [B, d]."""

    def __init__(self, mu=0.0, s0=1.0):
        super().__init__()
        self.mu, self.var = float(mu), float(s0) ** 2

    def forward(self, x, sigma):
        a = self.var / (self.var + sigma * sigma)
        return self.mu + a[:, None] * (x - self.mu)


class DualGaussian(nn.Module):
    """JVP of ``Gaussian``: d/ds a = -2 s s0^2 / (s0^2 + s^2)^2."""

    def __init__(self, mu=0.0, s0=1.0):
        super().__init__()
        self.mu, self.var = float(mu), float(s0) ** 2

    def forward(self, x, sigma, x_tangent, sigma_tangent):
        w = self.var + sigma * sigma
        a = (self.var / w)[:, None]
        da = (-2.0 * sigma * self.var / (w * w) * sigma_tangent)[:, None]
        r = x - self.mu
        return self.mu + a * r, a * x_tangent + da * r


class _MixtureBase(nn.Module):
    def __init__(self, means, weights, stds):
        super().__init__()
        means = torch.as_tensor(means, dtype=torch.float64)
        weights = torch.as_tensor(weights, dtype=torch.float64)
        stds = torch.as_tensor(stds, dtype=torch.float64)
        self.register_buffer("means", means)
        self.register_buffer("log_weights", torch.log(weights / weights.sum()))
        self.register_buffer("vars", stds * stds)
        self.dim = means.shape[1]

    def _parts(self, x, sigma):
        diff = x[:, None, :] - self.means[None, :, :]
        sq = (diff * diff).sum(dim=2)
        v = self.vars[None, :] + (sigma * sigma)[:, None]
        logits = self.log_weights[None, :] - sq / (2.0 * v) - 0.5 * self.dim * torch.log(v)
        r = torch.softmax(logits, dim=1)
        a = self.vars[None, :] / v
        e = self.means[None, :, :] + a[:, :, None] * diff
        return diff, sq, v, r, a, e


class GaussianMixture(_MixtureBase):
    """x [B, d], sigma [B] -> the exact mixture denoiser [B, d]."""

    def forward(self, x, sigma):
        _, _, _, r, _, e = self._parts(x, sigma)
        return (r[:, :, None] * e).sum(dim=1)


class DualGaussianMixture(_MixtureBase):
    """JVP of ``GaussianMixture``: d logit_k = -(x - m_k).x_t / v_k + (|x - m_k|^2 / (2 v_k^2) - d / (2 v_k)) dv,
    dv = 2 s s_t, dr_k = r_k (dlogit_k - sum_j r_j dlogit_j), da_k = -s_k^2 dv / v_k^2."""

    def forward(self, x, sigma, x_tangent, sigma_tangent):
        diff, sq, v, r, a, e = self._parts(x, sigma)
        dv = (2.0 * sigma * sigma_tangent)[:, None]
        dot = (diff * x_tangent[:, None, :]).sum(dim=2)
        dl = -dot / v + (sq / (2.0 * v * v) - self.dim / (2.0 * v)) * dv
        dr = r * (dl - (r * dl).sum(dim=1, keepdim=True))
        da = -self.vars[None, :] * dv / (v * v)
        de = a[:, :, None] * x_tangent[:, None, :] + da[:, :, None] * diff
        y = (r[:, :, None] * e).sum(dim=1)
        yt = (dr[:, :, None] * e + r[:, :, None] * de).sum(dim=1)
        return y, yt


BENCHMARK_2D = {
    "means": [[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]],
    "weights": [1.0, 1.0, 1.0, 1.0],
    "stds": [0.25, 0.25, 0.25, 0.25],
}


def mixture_2d():
    """(model, dual) for the 2-D benchmark: 4 equal components at (+-1, +-1), std 0.25."""
    return GaussianMixture(**BENCHMARK_2D), DualGaussianMixture(**BENCHMARK_2D)


def gaussian_1d():
    """(model, dual) for the paper's 1-D benchmark, D(x; s) = x / (1 + s^2)."""
    return Gaussian(0.0, 1.0), DualGaussian(0.0, 1.0)
