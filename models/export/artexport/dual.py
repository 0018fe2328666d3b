"""Dual-number layers: forward-mode differentiation written as plain torch ops, so that it exports to ONNX.

In torch 1.13 neither ``torch.autograd.forward_ad``, ``functorch.jvp`` nor double-backward export to ONNX.
Each layer here therefore takes a pair ``(primal, tangent)`` and returns the pair
``(f(primal), J_f(primal) . tangent)``. A dual twin of an ordinary network is built from the same weights:
every layer has ``from_module(m)`` taking the corresponding ``torch.nn`` module (weights are shared, not
copied), and ``dual_of(m)`` converts a leaf module or an ``nn.Sequential`` automatically.

Pairs are plain tuples ``(p, t)`` of tensors of equal shape. All layers work in any floating dtype, so the
same twin is checked in float64 against finite differences and exported in float32.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


class DualModule(nn.Module):
    """Base class: ``forward(p, t) -> (p', t')``."""

    def forward(self, p, t):  # pragma: no cover - abstract
        raise NotImplementedError


class DualIdentity(DualModule):
    """The identity map."""

    def forward(self, p, t):
        return p, t

    @staticmethod
    def from_module(m):
        return DualIdentity()


class DualLinear(DualModule):
    """y = x W^T + b; tangent x_t W^T."""

    def __init__(self, weight, bias=None):
        super().__init__()
        self.weight = weight
        self.bias = bias

    @staticmethod
    def from_module(m):
        return DualLinear(m.weight, m.bias)

    def forward(self, p, t):
        return F.linear(p, self.weight, self.bias), F.linear(t, self.weight)


class DualConv2d(DualModule):
    """2-D convolution (zero padding); tangent is the same convolution without bias."""

    def __init__(self, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        super().__init__()
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups

    @staticmethod
    def from_module(m):
        if m.padding_mode != "zeros":
            raise ValueError(f"DualConv2d: expected padding_mode 'zeros', found '{m.padding_mode}'")
        return DualConv2d(m.weight, m.bias, m.stride, m.padding, m.dilation, m.groups)

    def forward(self, p, t):
        y = F.conv2d(p, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
        yt = F.conv2d(t, self.weight, None, self.stride, self.padding, self.dilation, self.groups)
        return y, yt


class DualGroupNorm(DualModule):
    """GroupNorm written out (mean, biased variance, eps inside the square root) with its exact tangent."""

    def __init__(self, num_groups, weight=None, bias=None, eps=1e-5):
        super().__init__()
        self.num_groups = num_groups
        self.weight = weight
        self.bias = bias
        self.eps = eps

    @staticmethod
    def from_module(m):
        return DualGroupNorm(m.num_groups, m.weight if m.affine else None, m.bias if m.affine else None, m.eps)

    def forward(self, p, t):
        shape = p.shape
        b, c = shape[0], shape[1]
        g = self.num_groups
        pg = p.reshape(b, g, -1)
        tg = t.reshape(b, g, -1)
        pc = pg - pg.mean(dim=2, keepdim=True)
        tc = tg - tg.mean(dim=2, keepdim=True)
        var = (pc * pc).mean(dim=2, keepdim=True)
        dvar = 2.0 * (pc * tc).mean(dim=2, keepdim=True)
        rstd = torch.rsqrt(var + self.eps)
        drstd = -0.5 * rstd * rstd * rstd * dvar
        y = (pc * rstd).reshape(shape)
        yt = (tc * rstd + pc * drstd).reshape(shape)
        if self.weight is not None:
            view = [1, c] + [1] * (len(shape) - 2)
            w = self.weight.reshape(view)
            y = y * w + self.bias.reshape(view)
            yt = yt * w
        return y, yt


class DualSiLU(DualModule):
    """y = x sigmoid(x); dy = (s + x s (1 - s)) dx."""

    def forward(self, p, t):
        s = torch.sigmoid(p)
        return p * s, t * (s + p * s * (1.0 - s))

    @staticmethod
    def from_module(m):
        return DualSiLU()


class DualUpsample(DualModule):
    """Nearest-neighbour upsampling by an integer factor (default 2); linear, so the tangent is upsampled too."""

    def __init__(self, scale_factor=2):
        super().__init__()
        self.scale_factor = scale_factor

    @staticmethod
    def from_module(m):
        if m.mode != "nearest":
            raise ValueError(f"DualUpsample: expected mode 'nearest', found '{m.mode}'")
        return DualUpsample(m.scale_factor)

    def forward(self, p, t):
        f = self.scale_factor
        return F.interpolate(p, scale_factor=f, mode="nearest"), F.interpolate(t, scale_factor=f, mode="nearest")


class DualAvgPool2d(DualModule):
    """Average pooling; linear, so the tangent is pooled the same way."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding

    @staticmethod
    def from_module(m):
        return DualAvgPool2d(m.kernel_size, m.stride, m.padding)

    def forward(self, p, t):
        return (F.avg_pool2d(p, self.kernel_size, self.stride, self.padding),
                F.avg_pool2d(t, self.kernel_size, self.stride, self.padding))


class _DualSinusoidal(DualModule):
    """[B] -> [B, 2F]: (cos(a c f), sin(a c f)); tangent (-sin, cos) * a f dc."""

    def __init__(self, freqs, factor):
        super().__init__()
        self.register_buffer("freqs", freqs.detach().clone())
        self.factor = factor

    def forward(self, p, t):
        f = self.freqs.to(p.dtype)[None, :] * self.factor
        arg = p[:, None] * f
        darg = t[:, None] * f
        c, s = torch.cos(arg), torch.sin(arg)
        return torch.cat([c, s], dim=1), torch.cat([-s * darg, c * darg], dim=1)


class DualPositionalEmbedding(_DualSinusoidal):
    """Transformer-style sinusoidal embedding of a per-sample scalar, freqs_j = max_positions^(-j/half).

    ``from_module(m)`` takes any module holding a ``freqs`` buffer and producing ``cat(cos, sin)``
    of ``c[:, None] * freqs`` (as in ``models/mnist-edm/unet.py``)."""

    def __init__(self, num_channels=None, max_positions=10000, freqs=None):
        if freqs is None:
            half = num_channels // 2
            freqs = torch.exp(-math.log(max_positions) * torch.arange(half, dtype=torch.float64) / half)
        super().__init__(freqs, 1.0)

    @staticmethod
    def from_module(m):
        return DualPositionalEmbedding(freqs=m.freqs)


class DualFourierEmbedding(_DualSinusoidal):
    """EDM's random Fourier features: cat(cos(2 pi c f), sin(2 pi c f)), f ~ N(0, scale^2) fixed at build."""

    def __init__(self, num_channels=None, scale=16.0, freqs=None, generator=None):
        if freqs is None:
            freqs = torch.randn(num_channels // 2, generator=generator, dtype=torch.float64) * scale
        super().__init__(freqs, 2.0 * math.pi)

    @staticmethod
    def from_module(m):
        return DualFourierEmbedding(freqs=m.freqs)


class DualLayerNorm(DualModule):
    """LayerNorm over the last ``len(normalized_shape)`` dims, written out (mean, biased variance, eps inside the
    square root) with its exact tangent: y = (x - mu) r, dy = (dx - mean dx) r - (x - mu) r^3 mean((x - mu) dx)."""

    def __init__(self, normalized_shape, weight=None, bias=None, eps=1e-5):
        super().__init__()
        self.normalized_shape = tuple(normalized_shape)
        self.weight = weight
        self.bias = bias
        self.eps = eps

    @staticmethod
    def from_module(m):
        affine = m.elementwise_affine
        return DualLayerNorm(m.normalized_shape, m.weight if affine else None, m.bias if affine else None, m.eps)

    def forward(self, p, t):
        dims = tuple(range(-len(self.normalized_shape), 0))
        pc = p - p.mean(dim=dims, keepdim=True)
        tc = t - t.mean(dim=dims, keepdim=True)
        var = (pc * pc).mean(dim=dims, keepdim=True)
        dvar = 2.0 * (pc * tc).mean(dim=dims, keepdim=True)
        rstd = torch.rsqrt(var + self.eps)
        drstd = -0.5 * rstd * rstd * rstd * dvar
        y = pc * rstd
        yt = tc * rstd + pc * drstd
        if self.weight is not None:
            y = y * self.weight + self.bias
            yt = yt * self.weight
        return y, yt


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class DualGELU(DualModule):
    """GELU. ``approximate='none'``: y = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2, dy = (Phi(x) + x phi(x)) dx.
    ``approximate='tanh'``: y = x (1 + tanh u) / 2 with u = sqrt(2/pi) (x + 0.044715 x^3),
    dy = ((1 + tanh u) / 2 + x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2) / 2) dx."""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"DualGELU: expected approximate 'none' or 'tanh', found '{approximate}'")
        self.approximate = approximate

    @staticmethod
    def from_module(m):
        return DualGELU(getattr(m, "approximate", "none"))

    def forward(self, p, t):
        if self.approximate == "tanh":
            k = 0.044715
            th = torch.tanh(_SQRT_2_OVER_PI * (p + k * p * p * p))
            y = 0.5 * p * (1.0 + th)
            dy = 0.5 * (1.0 + th) + 0.5 * p * (1.0 - th * th) * _SQRT_2_OVER_PI * (1.0 + 3.0 * k * p * p)
            return y, t * dy
        cdf = 0.5 * (1.0 + torch.erf(p * _INV_SQRT_2))
        pdf = _INV_SQRT_2PI * torch.exp(-0.5 * p * p)
        return p * cdf, t * (cdf + p * pdf)


class DualDropout(DualModule):
    """Dropout at inference (the exported graphs are eval-mode): the identity."""

    def forward(self, p, t):
        return p, t

    @staticmethod
    def from_module(m):
        return DualDropout()


class DualSequential(DualModule):
    """Applies dual layers in order."""

    def __init__(self, *layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)

    @staticmethod
    def from_module(m):
        return DualSequential(*[dual_of(c) for c in m])

    def forward(self, p, t):
        for layer in self.layers:
            p, t = layer(p, t)
        return p, t


_CONVERSIONS = {
    nn.Linear: DualLinear.from_module,
    nn.Conv2d: DualConv2d.from_module,
    nn.GroupNorm: DualGroupNorm.from_module,
    nn.SiLU: DualSiLU.from_module,
    nn.Upsample: DualUpsample.from_module,
    nn.AvgPool2d: DualAvgPool2d.from_module,
    nn.Identity: DualIdentity.from_module,
    nn.Sequential: DualSequential.from_module,
    nn.LayerNorm: DualLayerNorm.from_module,
    nn.GELU: DualGELU.from_module,
    nn.Dropout: DualDropout.from_module,
}


def register_dual(kind, convert):
    """Makes ``dual_of`` convert modules of exactly type ``kind`` with ``convert(module)`` (used by
    ``artexport.attention`` for the transformer layers; available for your own block types)."""
    _CONVERSIONS[kind] = convert


def dual_of(module):
    """The dual twin of a standard ``torch.nn`` module (sharing its weights); raises for unknown types."""
    for kind, convert in _CONVERSIONS.items():
        if type(module) is kind:
            return convert(module)
    known = ", ".join(k.__name__ for k in _CONVERSIONS)
    raise TypeError(f"dual_of: expected one of {known}, found {type(module).__name__}; "
                    "write its dual by hand from the helpers in artexport.dual")


def dual_add(a, b):
    """(a + b, a_t + b_t)."""
    return a[0] + b[0], a[1] + b[1]


def dual_mul(a, b):
    """Product rule: (a b, a_t b + a b_t)."""
    return a[0] * b[0], a[1] * b[0] + a[0] * b[1]


def dual_scale(a, c):
    """(c a, c a_t) for a constant (non-dual) factor c."""
    return a[0] * c, a[1] * c


def dual_cat(pairs, dim=1):
    """Concatenation of several pairs along ``dim`` (e.g. the channel concat of a UNet skip)."""
    return torch.cat([p for p, _ in pairs], dim=dim), torch.cat([t for _, t in pairs], dim=dim)


def _precond(sigma, sigma_data, ndim):
    s = sigma.reshape([-1] + [1] * (ndim - 1))
    sd2 = sigma_data * sigma_data
    v = s * s + sd2
    r = torch.rsqrt(v)
    return s, v, r, sd2


class EDMPrecond(nn.Module):
    """D(x; sigma) = c_skip x + c_out F(c_in x, c_noise) with EDM's coefficients (Karras et al. 2022):
    c_skip = sd^2 / (s^2 + sd^2), c_out = s sd / sqrt(s^2 + sd^2), c_in = 1 / sqrt(s^2 + sd^2),
    c_noise = ln(s) / 4. ``net(x_in, c_noise, *cond)`` is the raw network, x [B, ...], sigma [B]; conditioning
    inputs (class labels, text states) are passed through unchanged after sigma."""

    def __init__(self, net, sigma_data):
        super().__init__()
        self.net = net
        self.sigma_data = float(sigma_data)

    def forward(self, x, sigma, *cond):
        s, v, r, sd2 = _precond(sigma, self.sigma_data, x.dim())
        return (sd2 / v) * x + (s * self.sigma_data * r) * self.net(r * x, torch.log(sigma) / 4.0, *cond)


class DualEDMPrecond(nn.Module):
    """The JVP of ``EDMPrecond``: ``forward(x, sigma, x_tangent, sigma_tangent) -> (denoised, tangent)``.

    ``dual_net((x_in, x_in_t), (c_noise, c_noise_t), *cond) -> (F, F_t)`` is the dual twin of the raw network
    (conditioning inputs, passed last to ``forward``, are constants of the JVP). With
    v = s^2 + sd^2: d c_skip/ds = -2 s sd^2 / v^2, d c_out/ds = sd^3 / v^1.5, d c_in/ds = -s / v^1.5,
    d c_noise/ds = 1 / (4 s)."""

    def __init__(self, dual_net, sigma_data):
        super().__init__()
        self.dual_net = dual_net
        self.sigma_data = float(sigma_data)

    def forward(self, x, sigma, x_tangent, sigma_tangent, *cond):
        sd = self.sigma_data
        s, v, r, sd2 = _precond(sigma, sd, x.dim())
        st = sigma_tangent.reshape(s.shape)
        r3 = r * r * r
        c_skip, dc_skip = sd2 / v, -2.0 * s * sd2 / (v * v)
        c_out, dc_out = s * sd * r, sd2 * sd * r3
        c_in, dc_in = r, -s * r3
        x_in = (c_in * x, dc_in * st * x + c_in * x_tangent)
        noise = (torch.log(sigma) / 4.0, sigma_tangent / (4.0 * sigma))
        f, ft = self.dual_net(x_in, noise, *cond)
        y = c_skip * x + c_out * f
        yt = dc_skip * st * x + c_skip * x_tangent + dc_out * st * f + c_out * ft
        return y, yt
