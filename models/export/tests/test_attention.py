"""The transformer-layer duals (LayerNorm, GELU, softmax, matmul, attention, GEGLU, transformer blocks,
nn.MultiheadAttention) against fp64 central finite differences, and the export of an attention UNet with a
conditioning input."""
import json
import os
import tempfile
import unittest
import warnings

import onnx
import torch
from onnx import TensorProto
from torch import nn

from artexport import (Attention, DualAttention, DualEDMPrecond, DualGELU, DualLayerNorm, DualMultiheadAttention,
                       DualSpatialTransformer, DualTransformerBlock, EDMPrecond, FeedForward, GEGLU,
                       SpatialTransformer, TransformerBlock, dual_matmul, dual_of, dual_softmax, export_denoiser,
                       jvp_check)
from tests.attnunet import AttnUNet, DualAttnUNet
from tests.test_dual import central_difference, rel_err
from tests.test_export import io_signature

TOL = 1e-7


class AttentionDualTest(unittest.TestCase):

    def setUp(self):
        torch.manual_seed(0)
        self.g = torch.Generator().manual_seed(11)

    def randn(self, *shape):
        return torch.randn(*shape, generator=self.g, dtype=torch.float64)

    def check(self, f, dual_f, x, name):
        """f(x) vs dual_f(x, t)[0] and the tangent vs a central difference; returns the tangent error."""
        t = self.randn(*x.shape)
        with torch.no_grad():
            y, yt = dual_f(x, t)
            self.assertLess(rel_err(y, f(x)), 1e-14, f"{name}: primal")
            err = rel_err(yt, central_difference(f, x, t))
        self.assertLess(err, TOL, f"{name}: tangent relative error {err:.3g}")
        self.assertGreater(float(yt.norm()), 0.0)
        return err

    def test_layer_norm_affine_and_plain(self):
        for m in (nn.LayerNorm(6), nn.LayerNorm((3, 4), elementwise_affine=False)):
            m = m.double()
            if m.elementwise_affine:
                with torch.no_grad():
                    m.weight.normal_(generator=self.g)
                    m.bias.normal_(generator=self.g)
            d = dual_of(m)
            self.assertIsInstance(d, DualLayerNorm)
            self.check(m, d, self.randn(2, 5, 3, 4) if not m.elementwise_affine else self.randn(2, 5, 6), "LayerNorm")

    def test_gelu_exact_and_tanh(self):
        x = self.randn(4, 7) * 3
        for approx in ("none", "tanh"):
            m = nn.GELU(approximate=approx)
            d = dual_of(m)
            self.assertEqual(d.approximate, approx)
            self.check(m, d, x, f"GELU {approx}")
        # the two variants really differ (the tanh form is an approximation)
        self.assertGreater(float((nn.GELU()(x) - nn.GELU(approximate="tanh")(x)).abs().max()), 1e-5)
        with self.assertRaises(ValueError):
            DualGELU("sigmoid")

    def test_softmax_and_matmul(self):
        a, b = self.randn(2, 3, 4), self.randn(2, 4, 5)
        bt = self.randn(2, 4, 5)
        self.check(lambda z: torch.softmax(z, dim=-1), lambda p, t: dual_softmax((p, t), dim=-1), a, "softmax")
        self.check(lambda z: torch.softmax(z, dim=1), lambda p, t: dual_softmax((p, t), dim=1), a, "softmax dim 1")
        self.check(lambda z: torch.matmul(z, b), lambda p, t: dual_matmul((p, t), (b, bt * 0)), a, "matmul a")
        # both factors varying: f(z) = z[:, :, :4] @ z2 where z packs both
        f = lambda z: torch.matmul(z[:, :3, :], z[:, 3:, :].transpose(1, 2))  # noqa: E731
        df = lambda p, t: dual_matmul((p[:, :3], t[:, :3]), (p[:, 3:].transpose(1, 2), t[:, 3:].transpose(1, 2)))  # noqa: E731,E501
        self.check(f, df, self.randn(2, 7, 4), "matmul both")
        # a constant factor (tangent None) contributes no tangent term
        p, t = dual_matmul((a, None), (b, None))
        self.assertIsNone(t)

    def test_self_and_cross_attention(self):
        self_attn = Attention(8, heads=2, dim_head=4).double()
        d = dual_of(self_attn)
        self.assertIsInstance(d, DualAttention)
        self.check(self_attn, d, self.randn(2, 5, 8), "self-attention")
        cross = Attention(8, cross_attention_dim=6, heads=2, dim_head=3).double()
        ctx = self.randn(2, 7, 6)
        dc = DualAttention.from_module(cross)
        self.check(lambda z: cross(z, ctx), lambda p, t: dc(p, t, context=ctx), self.randn(2, 5, 8), "cross const")
        # a varying context: differentiate w.r.t. both inputs at once
        x = self.randn(2, 5, 8)
        xt, ct = self.randn(2, 5, 8), self.randn(2, 7, 6)
        with torch.no_grad():
            _, yt = dc(x, xt, context=(ctx, ct))
            h = 1e-6
            fd = (cross(x + h * xt, ctx + h * ct) - cross(x - h * xt, ctx - h * ct)) / (2 * h)
        self.assertLess(rel_err(yt, fd), TOL)

    def test_attention_rejects_unsupported_options(self):
        m = Attention(4, heads=1, dim_head=4)
        m.residual_connection = True
        with self.assertRaises(ValueError):
            DualAttention.from_module(m)

    def test_multihead_attention_both_layouts(self):
        for batch_first in (False, True):
            m = nn.MultiheadAttention(8, 2, batch_first=batch_first).double().eval()
            d = dual_of(m)
            self.assertIsInstance(d, DualMultiheadAttention)
            x = self.randn(5, 3, 8)
            ctx = self.randn(5, 4, 8) if batch_first else self.randn(4, 3, 8)
            self.check(lambda z: m(z, z, z, need_weights=False)[0], lambda p, t: d((p, t)), x, "MHA self")
            self.check(lambda z: m(z, ctx, ctx, need_weights=False)[0], lambda p, t: d((p, t), ctx, ctx), x,
                       "MHA cross")
        kv = nn.MultiheadAttention(8, 2, kdim=6, vdim=5).double().eval()
        k, v = self.randn(4, 3, 6), self.randn(4, 3, 5)
        dkv = dual_of(kv)
        self.check(lambda z: kv(z, k, v, need_weights=False)[0], lambda p, t: dkv((p, t), k, v), self.randn(5, 3, 8),
                   "MHA kdim/vdim")
        with self.assertRaises(ValueError):
            dual_of(nn.MultiheadAttention(8, 2, add_bias_kv=True))

    def test_geglu_and_feed_forward(self):
        g = GEGLU(6, 5).double()
        self.check(g, dual_of(g), self.randn(3, 6), "GEGLU")
        for act in ("geglu", "gelu", "gelu-approximate"):
            ff = FeedForward(6, mult=2, activation=act).double()
            self.check(ff, dual_of(ff), self.randn(2, 3, 6), f"FeedForward {act}")

    def test_transformer_block_and_spatial_transformer(self):
        block = TransformerBlock(8, 2, 4, cross_attention_dim=6).double()
        ctx = self.randn(2, 3, 6)
        db = DualTransformerBlock.from_module(block)
        self.check(lambda z: block(z, ctx), lambda p, t: db(p, t, ctx), self.randn(2, 5, 8), "TransformerBlock")
        st = SpatialTransformer(8, 2, 4, depth=2, cross_attention_dim=6, groups=4).double()
        with torch.no_grad():
            st.proj_out.weight.normal_(generator=self.g)  # diffusers zero-inits it; make the test meaningful
        ds = dual_of(st)
        self.assertIsInstance(ds, DualSpatialTransformer)
        self.check(lambda z: st(z, ctx), lambda p, t: ds(p, t, ctx), self.randn(2, 8, 3, 4), "SpatialTransformer")

    def test_attention_unet_jvp_check_with_conditioning(self):
        torch.manual_seed(4)
        net = AttnUNet()
        ctx = torch.randn(3, 4, 12, generator=self.g)
        check = jvp_check(EDMPrecond(net, 0.5), DualEDMPrecond(DualAttnUNet(net), 0.5), (1, 8, 8), 0.002, 80.0,
                          batch=3, conditioning={"context": ctx})
        self.assertLess(check["max_rel_err"], 1e-6)
        self.assertLess(check["max_primal_rel_err"], 1e-14)

    def test_attention_unet_export_with_conditioning_input(self):
        torch.manual_seed(6)
        net = AttnUNet(activation="gelu")
        ctx = torch.randn(2, 4, 12, generator=self.g, dtype=torch.float32)
        with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = export_denoiser(EDMPrecond(net, 0.5), DualEDMPrecond(DualAttnUNet(net), 0.5), (1, 8, 8), tmp,
                                   0.002, 80.0, 0.5, "attn-tiny", conditioning={"context": ctx}, check_batch=4)
            den = onnx.load(os.path.join(tmp, "denoiser.onnx"))
            jvp = onnx.load(os.path.join(tmp, "denoiser_jvp.onnx"))
            with open(os.path.join(tmp, "model.json"), encoding="utf-8") as f:
                saved = json.load(f)
        f32 = TensorProto.FLOAT
        self.assertEqual(io_signature(den.graph.input), {"x": (f32, ["batch", 1, 8, 8]), "sigma": (f32, ["batch"]),
                                                         "context": (f32, ["batch", 4, 12])})
        self.assertEqual([v.name for v in jvp.graph.input],
                         ["x", "sigma", "x_tangent", "sigma_tangent", "context"])
        ops = {n.op_type for n in den.graph.node}
        self.assertTrue({"Softmax", "MatMul", "Erf"} <= ops, ops)
        self.assertEqual(saved["conditioning"], {"context": {"dtype": "float32", "shape": ["batch", 4, 12]}})
        self.assertLess(info["jvpCheck"]["max_rel_err"], 1e-6)

    def test_integer_conditioning_rows_and_bad_names(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(ValueError) as ctx:
                export_denoiser(None, None, (1,), tmp, 0.1, 1.0, 1.0, "bad", conditioning={"sigma": torch.zeros(1)})
            self.assertIn("expected a name other than", str(ctx.exception))
            with self.assertRaises(ValueError):
                export_denoiser(None, None, (1,), tmp, 0.1, 1.0, 1.0, "bad", conditioning={"c": torch.zeros(0)})


if __name__ == "__main__":
    unittest.main()
