"""A tiny UNet with exactly the input/output signature of the diffusers Stable Diffusion 1.5 UNet
(``UNet2DConditionModel`` as exported to ONNX): ``sample`` [B, 4, H, W] float32, ``timestep`` [B] int64,
``encoder_hidden_states`` [B, 77, 768] float32 -> ``out_sample`` [B, 4, H, W] (an eps prediction).

The layers are those of SD 1.5 at toy widths (32/48 channels instead of 320..1280, 8x8 latents):

- timestep: ``Timesteps`` (sinusoidal, flip_sin_to_cos=True, freq_shift=0, 32 features) -> Linear -> SiLU ->
  Linear (128), as diffusers' ``time_proj`` / ``time_embedding``; the int64 timestep is cast to float inside;
- ``ResnetBlock``: GN(8) -> SiLU -> Conv3x3 -> + Linear(SiLU(temb)) -> GN -> SiLU -> Conv3x3, + (1x1) shortcut;
- ``SpatialTransformer`` (``artexport.attention``): GN, 1x1 conv, LayerNorm + self-attention, LayerNorm +
  cross-attention to ``encoder_hidden_states`` (to_k/to_v from 768), LayerNorm + GEGLU feed-forward, 1x1 conv,
  residual;
- down: conv_in 4->32 @8, [Resnet 32 + Transformer] @8, strided-conv Downsample -> 4x4, Resnet 32->48 @4;
  mid: Resnet 48, Transformer 48, Resnet 48; up: Resnet(48+48 -> 48) @4, nearest Upsample + Conv -> 8x8,
  [Resnet(48+32 -> 32) + Transformer] @8; out: GN -> SiLU -> Conv3x3 -> 4.

``DualSDTinyUNet`` is its dual-number twin: tangent w.r.t. ``sample`` only (the timestep is an integer and the
text states are conditioning, both constants of the JVP).
"""
import math
import os
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "export"))
from artexport import (DualConv2d, DualGroupNorm, DualLinear, DualSiLU, DualSpatialTransformer,  # noqa: E402
                       SpatialTransformer, dual_add, dual_cat)

LATENT_CHANNELS = 4
TEXT_LEN = 77
TEXT_DIM = 768


class Timesteps(nn.Module):
    """diffusers ``get_timestep_embedding`` with flip_sin_to_cos=True, downscale_freq_shift=0:
    cat(cos(t f), sin(t f)), f_j = exp(-ln(10000) j / half)."""

    def __init__(self, num_channels, max_period=10000):
        super().__init__()
        half = num_channels // 2
        self.register_buffer("freqs", torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half))

    def forward(self, timestep):
        arg = timestep.to(self.freqs.dtype)[:, None] * self.freqs[None, :]
        return torch.cat([torch.cos(arg), torch.sin(arg)], dim=1)


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout, temb_dim, groups=8):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb_dim, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None
        self.act = nn.SiLU()

    def forward(self, x, temb):
        h = self.conv1(self.act(self.norm1(x)))
        h = h + self.time_emb_proj(self.act(temb))[:, :, None, None]
        h = self.conv2(self.act(self.norm2(h)))
        return h + (x if self.conv_shortcut is None else self.conv_shortcut(x))


class SDTinyUNet(nn.Module):
    """forward(sample [B,4,H,W], timestep int64 [B], encoder_hidden_states [B,77,768]) -> eps [B,4,H,W]."""

    def __init__(self, c0=32, c1=48, temb=128, freq=32, dim_head=8):
        super().__init__()
        self.time_proj = Timesteps(freq)
        self.linear_1 = nn.Linear(freq, temb)
        self.linear_2 = nn.Linear(temb, temb)
        self.act = nn.SiLU()
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c0, 3, padding=1)
        self.down0 = ResnetBlock(c0, c0, temb)
        self.down0_attn = SpatialTransformer(c0, c0 // dim_head, dim_head, cross_attention_dim=TEXT_DIM, groups=8)
        self.downsample = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.down1 = ResnetBlock(c0, c1, temb)
        self.mid0 = ResnetBlock(c1, c1, temb)
        self.mid_attn = SpatialTransformer(c1, c1 // dim_head, dim_head, cross_attention_dim=TEXT_DIM, groups=8)
        self.mid1 = ResnetBlock(c1, c1, temb)
        self.up1 = ResnetBlock(c1 + c1, c1, temb)
        self.upsample = nn.Upsample(scale_factor=2, mode="nearest")
        self.upsample_conv = nn.Conv2d(c1, c1, 3, padding=1)
        self.up0 = ResnetBlock(c1 + c0, c0, temb)
        self.up0_attn = SpatialTransformer(c0, c0 // dim_head, dim_head, cross_attention_dim=TEXT_DIM, groups=8)
        self.conv_norm_out = nn.GroupNorm(8, c0)
        self.conv_out = nn.Conv2d(c0, LATENT_CHANNELS, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        temb = self.linear_2(self.act(self.linear_1(self.time_proj(timestep))))
        ctx = encoder_hidden_states
        h0 = self.conv_in(sample)                                   # c0 @ 8
        h1 = self.down0_attn(self.down0(h0, temb), ctx)             # c0 @ 8
        h2 = self.down1(self.downsample(h1), temb)                  # c1 @ 4
        m = self.mid1(self.mid_attn(self.mid0(h2, temb), ctx), temb)
        u1 = self.up1(torch.cat([m, h2], dim=1), temb)              # c1 @ 4
        u1 = self.upsample_conv(self.upsample(u1))                  # c1 @ 8
        u0 = self.up0_attn(self.up0(torch.cat([u1, h1], dim=1), temb), ctx)
        return self.conv_out(self.act(self.conv_norm_out(u0)))


class DualResnetBlock(nn.Module):
    def __init__(self, b):
        super().__init__()
        self.norm1, self.conv1 = DualGroupNorm.from_module(b.norm1), DualConv2d.from_module(b.conv1)
        self.time_emb_proj = b.time_emb_proj
        self.norm2, self.conv2 = DualGroupNorm.from_module(b.norm2), DualConv2d.from_module(b.conv2)
        self.conv_shortcut = None if b.conv_shortcut is None else DualConv2d.from_module(b.conv_shortcut)
        self.act = DualSiLU()

    def forward(self, x, temb):
        """x a pair; temb a plain tensor (the timestep is a constant of the JVP)."""
        h = self.conv1(*self.act(*self.norm1(*x)))
        bias = self.time_emb_proj(torch.nn.functional.silu(temb))[:, :, None, None]
        h = (h[0] + bias, h[1])
        h = self.conv2(*self.act(*self.norm2(*h)))
        return dual_add(h, x if self.conv_shortcut is None else self.conv_shortcut(*x))


class DualSDTinyUNet(nn.Module):
    """forward(sample, timestep, encoder_hidden_states, sample_tangent) -> (out_sample, out_sample_tangent)."""

    def __init__(self, net):
        super().__init__()
        self.net = net
        self.conv_in = DualConv2d.from_module(net.conv_in)
        self.down0, self.down1 = DualResnetBlock(net.down0), DualResnetBlock(net.down1)
        self.down0_attn = DualSpatialTransformer.from_module(net.down0_attn)
        self.downsample = DualConv2d.from_module(net.downsample)
        self.mid0, self.mid1 = DualResnetBlock(net.mid0), DualResnetBlock(net.mid1)
        self.mid_attn = DualSpatialTransformer.from_module(net.mid_attn)
        self.up1, self.up0 = DualResnetBlock(net.up1), DualResnetBlock(net.up0)
        self.upsample_conv = DualConv2d.from_module(net.upsample_conv)
        self.up0_attn = DualSpatialTransformer.from_module(net.up0_attn)
        self.conv_norm_out = DualGroupNorm.from_module(net.conv_norm_out)
        self.conv_out = DualConv2d.from_module(net.conv_out)
        self.act = DualSiLU()

    def forward(self, sample, timestep, encoder_hidden_states, sample_tangent):
        n = self.net
        temb = n.linear_2(n.act(n.linear_1(n.time_proj(timestep))))
        ctx = encoder_hidden_states
        up = lambda z: torch.nn.functional.interpolate(z, scale_factor=2, mode="nearest")  # noqa: E731
        h0 = self.conv_in(sample, sample_tangent)
        h1 = self.down0_attn(*self.down0(h0, temb), context=ctx)
        h2 = self.down1(self.downsample(*h1), temb)
        m = self.mid1(self.mid_attn(*self.mid0(h2, temb), context=ctx), temb)
        u1 = self.up1(dual_cat([m, h2], dim=1), temb)
        u1 = self.upsample_conv(up(u1[0]), up(u1[1]))
        u0 = self.up0_attn(*self.up0(dual_cat([u1, h1], dim=1), temb), context=ctx)
        return self.conv_out(*self.act(*self.conv_norm_out(*u0)))


def parameter_count(module):
    return sum(p.numel() for p in module.parameters())
