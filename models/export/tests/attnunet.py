"""A small attention UNet block: the worked example of the README. A conv stem, one residual block with a
noise-embedding bias, a ``SpatialTransformer`` (GroupNorm, LayerNorm, self-attention, cross-attention to a
conditioning context, GEGLU feed-forward) and a conv head; its dual twin is built from the same weights.

``AttnUNet(x [B, C, H, W], c_noise [B], context [B, M, D]) -> [B, C, H, W]``; ``DualAttnUNet`` takes
``((x, x_t), (c, c_t), context)`` and returns ``(F, F_t)``: the context is a conditioning input, constant
along the JVP."""
import torch
from torch import nn

from artexport import (DualConv2d, DualGroupNorm, DualLinear, DualPositionalEmbedding, DualSiLU,
                       DualSpatialTransformer, SpatialTransformer, dual_add)
from tests.tinyunet import PositionalEmbedding


class AttnUNet(nn.Module):
    def __init__(self, channels=1, width=16, emb=16, heads=2, dim_head=8, context_dim=12, activation="geglu"):
        super().__init__()
        self.pos = PositionalEmbedding(emb)
        self.emb1 = nn.Linear(emb, emb)
        self.act = nn.SiLU()
        self.conv_in = nn.Conv2d(channels, width, 3, padding=1)
        self.norm1 = nn.GroupNorm(4, width)
        self.conv1 = nn.Conv2d(width, width, 3, padding=1)
        self.emb_proj = nn.Linear(emb, width)
        self.attn = SpatialTransformer(width, heads, dim_head, cross_attention_dim=context_dim, groups=4,
                                       activation=activation)
        self.norm_out = nn.GroupNorm(4, width)
        self.conv_out = nn.Conv2d(width, channels, 3, padding=1)

    def forward(self, x, c_noise, context):
        e = self.act(self.emb1(self.pos(c_noise)))
        h = self.conv_in(x)
        h = h + self.conv1(self.act(self.norm1(h))) + self.emb_proj(e)[:, :, None, None]
        h = self.attn(h, context)
        return self.conv_out(self.act(self.norm_out(h)))


class DualAttnUNet(nn.Module):
    """Dual twin of ``AttnUNet`` sharing its weights."""

    def __init__(self, net):
        super().__init__()
        self.pos = DualPositionalEmbedding.from_module(net.pos)
        self.emb1 = DualLinear.from_module(net.emb1)
        self.act = DualSiLU()
        self.conv_in = DualConv2d.from_module(net.conv_in)
        self.norm1 = DualGroupNorm.from_module(net.norm1)
        self.conv1 = DualConv2d.from_module(net.conv1)
        self.emb_proj = DualLinear.from_module(net.emb_proj)
        self.attn = DualSpatialTransformer.from_module(net.attn)
        self.norm_out = DualGroupNorm.from_module(net.norm_out)
        self.conv_out = DualConv2d.from_module(net.conv_out)

    def forward(self, x, c_noise, context):
        e = self.act(*self.emb1(*self.pos(*c_noise)))
        h = self.conv_in(*x)
        ep, et = self.emb_proj(*e)
        h = dual_add(dual_add(h, self.conv1(*self.act(*self.norm1(*h)))), (ep[:, :, None, None], et[:, :, None, None]))
        h = self.attn(*h, context=context)
        return self.conv_out(*self.act(*self.norm_out(*h)))
