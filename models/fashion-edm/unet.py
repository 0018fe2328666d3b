"""The class-conditional EDM-preconditioned UNet of ``fashion-edm`` (PyTorch definition, shared by
training, export and the checks).

Same layer vocabulary as ``mnist-edm`` (Conv2d 3x3/1x1, GroupNorm(8), SiLU, Linear, AvgPool2d(2), nearest
Upsample x2, channel concat, residual add, sinusoidal noise embedding) plus a class embedding:

- embedding: ``c_noise`` -> sinusoidal features (``emb_freq``) -> Linear -> SiLU -> Linear (``emb_dim``), plus
  ``Embedding(11, emb_dim)[class_labels]``, then SiLU. Class ``NULL_CLASS = 10`` is the "no label" row used
  for classifier-free guidance (trained by label dropout);
- ``ResBlock(cin, cout)``: GN -> SiLU -> Conv3x3 -> (+ Linear(emb) per channel) -> GN -> SiLU -> Conv3x3, plus
  the input (1x1 Conv when cin != cout);
- encoder at 28/14/7 px with ``channels`` (c0, c1, c2), a middle block, a decoder with skip concats.

``EDMDenoiser``: D(x, sigma, class) = c_skip x + c_out F(c_in x, ln(sigma)/4, class) with sigma_data = 0.5.
"""
import math

import torch
from torch import nn

SIGMA_DATA = 0.5
NUM_CLASSES = 10
NULL_CLASS = 10
DEFAULT_CHANNELS = (32, 64, 64)
DEFAULT_EMB_FREQ = 32
DEFAULT_EMB_DIM = 128


class PositionalEmbedding(nn.Module):
    """Sinusoidal embedding of a scalar per sample: [B] -> [B, num_freq] (cos half, then sin half)."""

    def __init__(self, num_freq, max_positions=10000):
        super().__init__()
        half = num_freq // 2
        freqs = torch.exp(-math.log(max_positions) * torch.arange(half, dtype=torch.float32) / half)
        self.register_buffer("freqs", freqs)

    def forward(self, c):
        arg = c[:, None] * self.freqs[None, :]
        return torch.cat([torch.cos(arg), torch.sin(arg)], dim=1)


class ResBlock(nn.Module):
    """GN-SiLU-Conv, + embedding bias, GN-SiLU-Conv, residual (1x1 conv skip when widths differ)."""

    def __init__(self, cin, cout, emb_dim):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb_dim, cout)
        self.norm2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None
        self.act = nn.SiLU()

    def forward(self, x, emb):
        h = self.conv1(self.act(self.norm1(x)))
        h = h + self.emb(emb)[:, :, None, None]
        h = self.conv2(self.act(self.norm2(h)))
        return h + (x if self.skip is None else self.skip(x))


class UNet(nn.Module):
    """Raw network F: (c_in x [B,1,28,28], c_noise [B], class_labels int64 [B]) -> [B,1,28,28]."""

    def __init__(self, channels=DEFAULT_CHANNELS, emb_freq=DEFAULT_EMB_FREQ, emb_dim=DEFAULT_EMB_DIM):
        super().__init__()
        c0, c1, c2 = channels
        self.pos = PositionalEmbedding(emb_freq)
        self.emb1 = nn.Linear(emb_freq, emb_dim)
        self.emb2 = nn.Linear(emb_dim, emb_dim)
        self.label = nn.Embedding(NUM_CLASSES + 1, emb_dim)
        self.act = nn.SiLU()
        self.conv_in = nn.Conv2d(1, c0, 3, padding=1)
        self.enc0 = ResBlock(c0, c0, emb_dim)
        self.enc1 = ResBlock(c0, c1, emb_dim)
        self.enc2 = ResBlock(c1, c2, emb_dim)
        self.mid = ResBlock(c2, c2, emb_dim)
        self.dec2 = ResBlock(c2 + c2, c2, emb_dim)
        self.dec1 = ResBlock(c2 + c1, c1, emb_dim)
        self.dec0 = ResBlock(c1 + c0, c0, emb_dim)
        self.pool = nn.AvgPool2d(2)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.norm_out = nn.GroupNorm(8, c0)
        self.conv_out = nn.Conv2d(c0, 1, 3, padding=1)

    def forward(self, x, c_noise, class_labels):
        emb = self.emb2(self.act(self.emb1(self.pos(c_noise))))
        emb = self.act(emb + self.label(class_labels))
        h0 = self.enc0(self.conv_in(x), emb)
        h1 = self.enc1(self.pool(h0), emb)
        h2 = self.enc2(self.pool(h1), emb)
        m = self.mid(h2, emb)
        d2 = self.dec2(torch.cat([m, h2], dim=1), emb)
        d1 = self.dec1(torch.cat([self.up(d2), h1], dim=1), emb)
        d0 = self.dec0(torch.cat([self.up(d1), h0], dim=1), emb)
        return self.conv_out(self.act(self.norm_out(d0)))


class EDMDenoiser(nn.Module):
    """D(x, sigma, class_labels) with EDM preconditioning; x [B,1,28,28], sigma [B] float, labels int64 [B]."""

    def __init__(self, net, sigma_data=SIGMA_DATA):
        super().__init__()
        self.net = net
        self.sigma_data = sigma_data

    def forward(self, x, sigma, class_labels):
        sd2 = self.sigma_data ** 2
        s = sigma.reshape(-1, 1, 1, 1)
        c_skip = sd2 / (s * s + sd2)
        c_out = s * self.sigma_data / torch.sqrt(s * s + sd2)
        c_in = 1.0 / torch.sqrt(s * s + sd2)
        c_noise = torch.log(sigma) / 4.0
        return c_skip * x + c_out * self.net(c_in * x, c_noise, class_labels)


def build(channels=DEFAULT_CHANNELS, emb_freq=DEFAULT_EMB_FREQ, emb_dim=DEFAULT_EMB_DIM):
    """A fresh ``EDMDenoiser`` with the given widths."""
    return EDMDenoiser(UNet(tuple(channels), emb_freq, emb_dim))


def parameter_count(module):
    return sum(p.numel() for p in module.parameters())
