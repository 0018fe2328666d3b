"""Attention and transformer layers of real UNets (Stable Diffusion style) with their dual-number twins.

Plain modules (the names and layouts follow diffusers, so a ``state_dict`` maps one to one):

- ``Attention(query_dim, cross_attention_dim=None, heads, dim_head)``: ``to_q``, ``to_k``, ``to_v``,
  ``to_out = [Linear, Dropout]``; softmax(q k^T / sqrt(dim_head)) v per head; self-attention when no context is
  given, cross-attention to ``encoder_hidden_states`` otherwise;
- ``GEGLU(dim_in, dim_out)``: ``proj`` to 2 dim_out, then h * GELU(gate);
- ``FeedForward(dim, mult=4, activation)``: GEGLU (SD 1.x/2.x) or GELU / tanh-GELU then Linear;
- ``TransformerBlock``: LayerNorm + self-attention, LayerNorm + cross-attention, LayerNorm + feed-forward, each
  residual (diffusers' ``BasicTransformerBlock``);
- ``SpatialTransformer``: GroupNorm, 1x1 conv in, [B, C, H, W] -> [B, HW, C], transformer blocks, back, 1x1 conv
  out, residual (diffusers' ``Transformer2DModel`` with continuous input and conv projections).

Dual twins (``Dual*.from_module(m)`` shares the weights; ``dual_of`` converts these types and
``nn.MultiheadAttention``) take ``(primal, tangent)`` pairs. A context (``encoder_hidden_states``) is passed as
a plain tensor: it is a conditioning input, constant along the JVP, so its tangent is zero and its key/value
tangent terms are skipped. A pair ``(context, context_tangent)`` is also accepted.

Tangent rules (all exact): for S = q k^T s, dS = (dq k^T + q dk^T) s; for W = softmax(S) along the last axis,
dW = W * (dS - sum(W * dS)); for O = W v, dO = dW v + W dv.
"""
import torch
import torch.nn.functional as F
from torch import nn

from .dual import DualDropout, DualGELU, DualLayerNorm, DualLinear, DualModule, dual_of, register_dual


# ---------------------------------------------------------------------------------------------------------------
# pair helpers where a tangent may be None (a constant)

def _lin(fn, pair):
    """A linear map applied to both parts; a None tangent stays None."""
    p, t = pair
    return fn(p), (None if t is None else fn(t))


def _linear(layer, pair):
    p, t = pair
    return F.linear(p, layer.weight, layer.bias), (None if t is None else F.linear(t, layer.weight))


def dual_matmul(a, b):
    """Matrix product rule: (a b, a_t b + a b_t); either tangent may be None (constant factor)."""
    p = torch.matmul(a[0], b[0])
    t = None
    if a[1] is not None:
        t = torch.matmul(a[1], b[0])
    if b[1] is not None:
        tb = torch.matmul(a[0], b[1])
        t = tb if t is None else t + tb
    return p, t


def dual_softmax(a, dim=-1):
    """softmax along ``dim``: (w, w * (a_t - sum(w * a_t))); a None tangent stays None."""
    w = torch.softmax(a[0], dim=dim)
    if a[1] is None:
        return w, None
    return w, w * (a[1] - (w * a[1]).sum(dim=dim, keepdim=True))


def _as_pair(x):
    if isinstance(x, tuple):
        return x
    return x, None


def _split_heads(x, heads):
    """[B, N, h d] -> [B, h, N, d]."""
    b, n = x.shape[0], x.shape[1]
    return x.reshape(b, n, heads, -1).transpose(1, 2)


def _merge_heads(x):
    """[B, h, N, d] -> [B, N, h d]."""
    b, n = x.shape[0], x.shape[2]
    return x.transpose(1, 2).reshape(b, n, -1)


def _dual_attention_core(q, k, v, heads, scale):
    """Multi-head scaled dot-product attention on pairs of [B, N, h d] tensors (k, v may have None tangents)."""
    q = _lin(lambda z: _split_heads(z, heads) * scale, q)
    k = _lin(lambda z: _split_heads(z, heads).transpose(-1, -2), k)
    v = _lin(lambda z: _split_heads(z, heads), v)
    w = dual_softmax(dual_matmul(q, k), dim=-1)
    o = dual_matmul(w, v)
    return _lin(_merge_heads, o)


# ---------------------------------------------------------------------------------------------------------------
# plain modules (diffusers layout)

class Attention(nn.Module):
    """Multi-head attention with diffusers' layout (``to_q``, ``to_k``, ``to_v``, ``to_out``); x [B, N, query_dim],
    optional context [B, M, cross_attention_dim]."""

    def __init__(self, query_dim, cross_attention_dim=None, heads=8, dim_head=64, bias=False, out_bias=True,
                 dropout=0.0):
        super().__init__()
        inner = heads * dim_head
        context_dim = query_dim if cross_attention_dim is None else cross_attention_dim
        self.heads = heads
        self.scale = dim_head ** -0.5
        self.to_q = nn.Linear(query_dim, inner, bias=bias)
        self.to_k = nn.Linear(context_dim, inner, bias=bias)
        self.to_v = nn.Linear(context_dim, inner, bias=bias)
        self.to_out = nn.ModuleList([nn.Linear(inner, query_dim, bias=out_bias), nn.Dropout(dropout)])

    def forward(self, hidden_states, encoder_hidden_states=None):
        context = hidden_states if encoder_hidden_states is None else encoder_hidden_states
        q = _split_heads(self.to_q(hidden_states), self.heads) * self.scale
        k = _split_heads(self.to_k(context), self.heads)
        v = _split_heads(self.to_v(context), self.heads)
        w = torch.softmax(torch.matmul(q, k.transpose(-1, -2)), dim=-1)
        out = _merge_heads(torch.matmul(w, v))
        for layer in self.to_out:
            out = layer(out)
        return out


class GEGLU(nn.Module):
    """h, gate = proj(x).chunk(2); h * GELU(gate) (Shazeer 2020; the feed-forward of SD 1.x/2.x)."""

    def __init__(self, dim_in, dim_out, approximate="none"):
        super().__init__()
        self.proj = nn.Linear(dim_in, 2 * dim_out)
        self.act = nn.GELU(approximate=approximate)

    def forward(self, x):
        h, gate = self.proj(x).chunk(2, dim=-1)
        return h * self.act(gate)


class FeedForward(nn.Module):
    """``net = [GEGLU | Linear+GELU, Dropout, Linear]``; ``activation`` one of 'geglu', 'gelu', 'gelu-approximate'."""

    def __init__(self, dim, mult=4, activation="geglu", dropout=0.0):
        super().__init__()
        inner = int(dim * mult)
        if activation == "geglu":
            first = GEGLU(dim, inner)
        elif activation in ("gelu", "gelu-approximate"):
            first = nn.Sequential(nn.Linear(dim, inner),
                                  nn.GELU(approximate="tanh" if activation == "gelu-approximate" else "none"))
        else:
            raise ValueError(f"FeedForward: expected activation 'geglu', 'gelu' or 'gelu-approximate', "
                             f"found '{activation}'")
        self.net = nn.ModuleList([first, nn.Dropout(dropout), nn.Linear(inner, dim)])

    def forward(self, x):
        for layer in self.net:
            x = layer(x)
        return x


class TransformerBlock(nn.Module):
    """x + attn1(LN x); x + attn2(LN x, context) when ``cross_attention_dim`` is set; x + ff(LN x)."""

    def __init__(self, dim, heads, dim_head, cross_attention_dim=None, activation="geglu"):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn1 = Attention(dim, None, heads, dim_head)
        if cross_attention_dim is not None:
            self.norm2 = nn.LayerNorm(dim)
            self.attn2 = Attention(dim, cross_attention_dim, heads, dim_head)
        else:
            self.norm2, self.attn2 = None, None
        self.norm3 = nn.LayerNorm(dim)
        self.ff = FeedForward(dim, activation=activation)

    def forward(self, x, context=None):
        x = self.attn1(self.norm1(x)) + x
        if self.attn2 is not None:
            x = self.attn2(self.norm2(x), context) + x
        return self.ff(self.norm3(x)) + x


class SpatialTransformer(nn.Module):
    """Image-shaped transformer: GN, 1x1 conv, [B, C, H, W] -> [B, HW, C], blocks, back, 1x1 conv, + input."""

    def __init__(self, channels, heads, dim_head, depth=1, cross_attention_dim=None, groups=32, activation="geglu"):
        super().__init__()
        inner = heads * dim_head
        self.norm = nn.GroupNorm(groups, channels, eps=1e-6)
        self.proj_in = nn.Conv2d(channels, inner, 1)
        self.transformer_blocks = nn.ModuleList(
            [TransformerBlock(inner, heads, dim_head, cross_attention_dim, activation) for _ in range(depth)])
        self.proj_out = nn.Conv2d(inner, channels, 1)

    def forward(self, x, context=None):
        b, _, hgt, wid = x.shape
        h = self.proj_in(self.norm(x))
        inner = h.shape[1]
        h = h.permute(0, 2, 3, 1).reshape(b, hgt * wid, inner)
        for block in self.transformer_blocks:
            h = block(h, context)
        h = h.reshape(b, hgt, wid, inner).permute(0, 3, 1, 2)
        return self.proj_out(h) + x


# ---------------------------------------------------------------------------------------------------------------
# dual twins

class DualAttention(DualModule):
    """Dual twin of ``Attention`` (or any module with diffusers' ``to_q/to_k/to_v/to_out`` layout, ``heads`` and
    ``scale``). ``forward(pair, context=None)``: context is a plain tensor (constant) or a pair."""

    def __init__(self, to_q, to_k, to_v, to_out, heads, scale):
        super().__init__()
        self.to_q, self.to_k, self.to_v, self.to_out = to_q, to_k, to_v, to_out
        self.heads = heads
        self.scale = scale

    @staticmethod
    def from_module(m):
        for attr in ("group_norm", "spatial_norm", "norm_cross", "norm_q", "norm_k"):
            if getattr(m, attr, None) is not None:
                raise ValueError(f"DualAttention: expected no {attr}, found {type(getattr(m, attr)).__name__}")
        for attr, expected in (("residual_connection", False), ("rescale_output_factor", 1.0)):
            if getattr(m, attr, expected) != expected:
                raise ValueError(f"DualAttention: expected {attr} = {expected}, found {getattr(m, attr)}")
        outs = list(m.to_out) if isinstance(m.to_out, (nn.ModuleList, nn.Sequential)) else [m.to_out]
        layers = [dual_of(layer) for layer in outs]
        if not isinstance(layers[0], DualLinear) or not all(isinstance(x, DualDropout) for x in layers[1:]):
            raise ValueError("DualAttention: expected to_out = [Linear, Dropout...], found "
                             + ", ".join(type(x).__name__ for x in outs))
        return DualAttention(m.to_q, m.to_k, m.to_v, layers[0], m.heads, float(m.scale))

    def forward(self, p, t, context=None):
        x = (p, t)
        ctx = x if context is None else _as_pair(context)
        q = _linear(self.to_q, x)
        k = _linear(self.to_k, ctx)
        v = _linear(self.to_v, ctx)
        o = _dual_attention_core(q, k, v, self.heads, self.scale)
        return self.to_out(*o)


class DualMultiheadAttention(DualModule):
    """Dual twin of ``nn.MultiheadAttention`` (inference: no dropout, no masks, no bias_k/bias_v, no zero-attn).
    ``forward(query, key, value)`` takes pairs or plain tensors (constants), laid out as the module's
    ``batch_first`` says, and returns the pair of the attention output (the module's first result)."""

    def __init__(self, m):
        super().__init__()
        if m.bias_k is not None or m.add_zero_attn:
            raise ValueError("DualMultiheadAttention: expected add_bias_kv=False and add_zero_attn=False, found "
                             f"add_bias_kv={m.bias_k is not None}, add_zero_attn={m.add_zero_attn}")
        self.m = m

    @staticmethod
    def from_module(m):
        return DualMultiheadAttention(m)

    def _projections(self):
        m, e = self.m, self.m.embed_dim
        if m._qkv_same_embed_dim:
            ws = (m.in_proj_weight[:e], m.in_proj_weight[e:2 * e], m.in_proj_weight[2 * e:])
        else:
            ws = (m.q_proj_weight, m.k_proj_weight, m.v_proj_weight)
        if m.in_proj_bias is not None:
            bs = (m.in_proj_bias[:e], m.in_proj_bias[e:2 * e], m.in_proj_bias[2 * e:])
        else:
            bs = (None, None, None)
        return ws, bs

    def forward(self, query, key=None, value=None):
        query = _as_pair(query)
        key = query if key is None else _as_pair(key)
        value = key if value is None else _as_pair(value)
        if not self.m.batch_first:
            query, key, value = (_lin(lambda z: z.transpose(0, 1), a) for a in (query, key, value))
        (wq, wk, wv), (bq, bk, bv) = self._projections()

        def proj(pair, w, b):
            return F.linear(pair[0], w, b), (None if pair[1] is None else F.linear(pair[1], w))

        heads = self.m.num_heads
        scale = float(self.m.head_dim) ** -0.5
        o = _dual_attention_core(proj(query, wq, bq), proj(key, wk, bk), proj(value, wv, bv), heads, scale)
        out = self.m.out_proj
        y = F.linear(o[0], out.weight, out.bias)
        yt = torch.zeros_like(y) if o[1] is None else F.linear(o[1], out.weight)
        if not self.m.batch_first:
            y, yt = y.transpose(0, 1), yt.transpose(0, 1)
        return y, yt


class DualGEGLU(DualModule):
    """Dual twin of ``GEGLU``: product rule on h * GELU(gate)."""

    def __init__(self, proj, act):
        super().__init__()
        self.proj = DualLinear.from_module(proj)
        self.act = act

    @staticmethod
    def from_module(m):
        return DualGEGLU(m.proj, DualGELU.from_module(m.act))

    def forward(self, p, t):
        y, yt = self.proj(p, t)
        h, gate = y.chunk(2, dim=-1)
        ht, gate_t = yt.chunk(2, dim=-1)
        g, gt = self.act(gate, gate_t)
        return h * g, ht * g + h * gt


class DualFeedForward(DualModule):
    """Dual twin of ``FeedForward``."""

    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)

    @staticmethod
    def from_module(m):
        return DualFeedForward([dual_of(layer) for layer in m.net])

    def forward(self, p, t):
        for layer in self.layers:
            p, t = layer(p, t)
        return p, t


class DualTransformerBlock(DualModule):
    """Dual twin of ``TransformerBlock``; ``forward(p, t, context=None)`` with a constant (or pair) context."""

    def __init__(self, m):
        super().__init__()
        self.norm1, self.attn1 = dual_of(m.norm1), DualAttention.from_module(m.attn1)
        self.norm2 = None if m.norm2 is None else dual_of(m.norm2)
        self.attn2 = None if m.attn2 is None else DualAttention.from_module(m.attn2)
        self.norm3, self.ff = dual_of(m.norm3), DualFeedForward.from_module(m.ff)

    @staticmethod
    def from_module(m):
        return DualTransformerBlock(m)

    def forward(self, p, t, context=None):
        a, at = self.attn1(*self.norm1(p, t))
        p, t = p + a, t + at
        if self.attn2 is not None:
            a, at = self.attn2(*self.norm2(p, t), context=context)
            p, t = p + a, t + at
        f, ft = self.ff(*self.norm3(p, t))
        return p + f, t + ft


class DualSpatialTransformer(DualModule):
    """Dual twin of ``SpatialTransformer``; ``forward(p, t, context=None)``."""

    def __init__(self, m):
        super().__init__()
        self.norm, self.proj_in, self.proj_out = dual_of(m.norm), dual_of(m.proj_in), dual_of(m.proj_out)
        self.blocks = nn.ModuleList([DualTransformerBlock(b) for b in m.transformer_blocks])

    @staticmethod
    def from_module(m):
        return DualSpatialTransformer(m)

    def forward(self, p, t, context=None):
        b, _, hgt, wid = p.shape
        h, ht = self.proj_in(*self.norm(p, t))
        inner = h.shape[1]
        to_seq = lambda z: z.permute(0, 2, 3, 1).reshape(b, hgt * wid, inner)  # noqa: E731
        h, ht = to_seq(h), to_seq(ht)
        for block in self.blocks:
            h, ht = block(h, ht, context)
        to_img = lambda z: z.reshape(b, hgt, wid, inner).permute(0, 3, 1, 2)  # noqa: E731
        y, yt = self.proj_out(to_img(h), to_img(ht))
        return y + p, yt + t


register_dual(nn.MultiheadAttention, DualMultiheadAttention.from_module)
register_dual(Attention, DualAttention.from_module)
register_dual(GEGLU, DualGEGLU.from_module)
register_dual(FeedForward, DualFeedForward.from_module)
register_dual(TransformerBlock, DualTransformerBlock.from_module)
register_dual(SpatialTransformer, DualSpatialTransformer.from_module)
