"""A tiny UNet using the same layer vocabulary as ``models/mnist-edm/unet.py`` (Conv2d, GroupNorm, SiLU,
Linear, AvgPool2d, nearest Upsample, channel concat, residual add, positional embedding) and its dual twin
built from the same weights with the ``from_module`` helpers. Used by the tests and as the README example."""
import torch
from torch import nn

from artexport import (DualAvgPool2d, DualConv2d, DualGroupNorm, DualLinear, DualPositionalEmbedding,
                       DualSiLU, DualUpsample, dual_add, dual_cat)


class PositionalEmbedding(nn.Module):
    def __init__(self, num_freq, max_positions=10000):
        super().__init__()
        half = num_freq // 2
        self.register_buffer("freqs", torch.exp(-torch.log(torch.tensor(float(max_positions)))
                                                * torch.arange(half, dtype=torch.float32) / half))

    def forward(self, c):
        arg = c[:, None] * self.freqs[None, :]
        return torch.cat([torch.cos(arg), torch.sin(arg)], dim=1)


class Block(nn.Module):
    def __init__(self, cin, cout, emb_dim):
        super().__init__()
        self.norm = nn.GroupNorm(4, cin)
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb_dim, cout)
        self.skip = nn.Conv2d(cin, cout, 1)
        self.act = nn.SiLU()

    def forward(self, x, emb):
        h = self.conv(self.act(self.norm(x))) + self.emb(emb)[:, :, None, None]
        return h + self.skip(x)


class TinyUNet(nn.Module):
    """F(x [B, 1, 8, 8], c_noise [B]) -> [B, 1, 8, 8]."""

    def __init__(self, c=8, emb=8):
        super().__init__()
        self.pos = PositionalEmbedding(emb)
        self.emb1 = nn.Linear(emb, emb)
        self.act = nn.SiLU()
        self.conv_in = nn.Conv2d(1, c, 3, padding=1)
        self.enc = Block(c, c, emb)
        self.pool = nn.AvgPool2d(2)
        self.mid = Block(c, c, emb)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.dec = Block(2 * c, c, emb)
        self.norm_out = nn.GroupNorm(4, c)
        self.conv_out = nn.Conv2d(c, 1, 3, padding=1)

    def forward(self, x, c_noise):
        e = self.act(self.emb1(self.pos(c_noise)))
        h0 = self.enc(self.conv_in(x), e)
        m = self.mid(self.pool(h0), e)
        d = self.dec(torch.cat([self.up(m), h0], dim=1), e)
        return self.conv_out(self.act(self.norm_out(d)))


class DualBlock(nn.Module):
    def __init__(self, block):
        super().__init__()
        self.norm = DualGroupNorm.from_module(block.norm)
        self.conv = DualConv2d.from_module(block.conv)
        self.emb = DualLinear.from_module(block.emb)
        self.skip = DualConv2d.from_module(block.skip)
        self.act = DualSiLU()

    def forward(self, x, emb):
        h = self.conv(*self.act(*self.norm(*x)))
        ep, et = self.emb(*emb)
        h = dual_add(h, (ep[:, :, None, None], et[:, :, None, None]))
        return dual_add(h, self.skip(*x))


class DualTinyUNet(nn.Module):
    """Dual twin of ``TinyUNet`` sharing its weights: ``((x, x_t), (c, c_t)) -> (F, F_t)``."""

    def __init__(self, net):
        super().__init__()
        self.pos = DualPositionalEmbedding.from_module(net.pos)
        self.emb1 = DualLinear.from_module(net.emb1)
        self.act = DualSiLU()
        self.conv_in = DualConv2d.from_module(net.conv_in)
        self.enc = DualBlock(net.enc)
        self.pool = DualAvgPool2d.from_module(net.pool)
        self.mid = DualBlock(net.mid)
        self.up = DualUpsample.from_module(net.up)
        self.dec = DualBlock(net.dec)
        self.norm_out = DualGroupNorm.from_module(net.norm_out)
        self.conv_out = DualConv2d.from_module(net.conv_out)

    def forward(self, x, c_noise):
        e = self.act(*self.emb1(*self.pos(*c_noise)))
        h0 = self.enc(self.conv_in(*x), e)
        m = self.mid(self.pool(*h0), e)
        d = self.dec(dual_cat([self.up(*m), h0], dim=1), e)
        return self.conv_out(*self.act(*self.norm_out(*d)))
