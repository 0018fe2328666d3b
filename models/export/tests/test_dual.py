"""Each dual layer against an fp64 central finite difference of the torch module it mirrors."""
import unittest

import torch
from torch import nn

from artexport import (DualAvgPool2d, DualConv2d, DualEDMPrecond, DualFourierEmbedding, DualGroupNorm,
                       DualLinear, DualPositionalEmbedding, DualSequential, DualSiLU, DualUpsample, EDMPrecond,
                       dual_cat, dual_mul, dual_of)
from artexport.analytic import gaussian_1d, mixture_2d
from tests.tinyunet import DualTinyUNet, TinyUNet

TOL = 1e-7


def central_difference(f, x, t, h=1e-6):
    return (f(x + h * t) - f(x - h * t)) / (2.0 * h)


def rel_err(a, b):
    return float((a - b).norm() / b.norm().clamp_min(1e-300))


class DualLayerTest(unittest.TestCase):

    def setUp(self):
        torch.manual_seed(0)
        self.g = torch.Generator().manual_seed(42)

    def randn(self, *shape):
        return torch.randn(*shape, generator=self.g, dtype=torch.float64)

    def check_layer(self, module, dual, shape):
        module, dual = module.double(), dual.double()
        x, t = self.randn(*shape), self.randn(*shape)
        with torch.no_grad():
            y, yt = dual(x, t)
            self.assertEqual(tuple(y.shape), tuple(yt.shape))
            self.assertLess(rel_err(y, module(x)), 1e-15)
            err = rel_err(yt, central_difference(module, x, t))
        self.assertLess(err, TOL, f"{type(dual).__name__}: tangent relative error {err:.3g}")
        self.assertGreater(float(yt.norm()), 0.0)
        return err

    def test_linear(self):
        m = nn.Linear(5, 3)
        self.check_layer(m, DualLinear.from_module(m), (4, 5))

    def test_conv2d_padding_stride(self):
        for kwargs in ({"padding": 1}, {"stride": 2, "padding": 1}, {"kernel_size": 1}):
            k = kwargs.pop("kernel_size", 3)
            m = nn.Conv2d(3, 4, k, **kwargs)
            self.check_layer(m, DualConv2d.from_module(m), (2, 3, 6, 6))

    def test_group_norm_affine(self):
        m = nn.GroupNorm(2, 6)
        with torch.no_grad():
            m.weight.normal_()
            m.bias.normal_()
        self.check_layer(m, DualGroupNorm.from_module(m), (3, 6, 4, 4))

    def test_group_norm_plain(self):
        m = nn.GroupNorm(3, 6, affine=False)
        self.check_layer(m, DualGroupNorm.from_module(m), (2, 6, 5))

    def test_silu(self):
        self.check_layer(nn.SiLU(), DualSiLU(), (7, 3))

    def test_upsample_nearest(self):
        m = nn.Upsample(scale_factor=2, mode="nearest")
        self.check_layer(m, DualUpsample.from_module(m), (2, 3, 4, 4))

    def test_upsample_rejects_bilinear(self):
        with self.assertRaises(ValueError):
            DualUpsample.from_module(nn.Upsample(scale_factor=2, mode="bilinear"))

    def test_avg_pool(self):
        m = nn.AvgPool2d(2)
        self.check_layer(m, DualAvgPool2d.from_module(m), (2, 3, 6, 6))

    def test_sequential_via_dual_of(self):
        m = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.GroupNorm(2, 4), nn.SiLU(), nn.AvgPool2d(2),
                          nn.Upsample(scale_factor=2), nn.Identity())
        dual = dual_of(m)
        self.assertIsInstance(dual, DualSequential)
        self.check_layer(m, dual, (2, 2, 4, 4))

    def test_dual_of_unknown_module(self):
        with self.assertRaises(TypeError):
            dual_of(nn.ReLU())

    def test_weights_are_shared(self):
        m = nn.Linear(2, 2)
        d = DualLinear.from_module(m)
        with torch.no_grad():
            m.weight.fill_(3.0)
        self.assertEqual(float(d.weight[0, 0]), 3.0)

    def test_positional_embedding(self):
        pe = DualPositionalEmbedding(8).double()
        c, ct = self.randn(5), self.randn(5)
        with torch.no_grad():
            y, yt = pe(c, ct)
            fd = central_difference(lambda z: pe(z, torch.zeros_like(z))[0], c, ct)
        self.assertEqual(tuple(y.shape), (5, 8))
        self.assertLess(rel_err(yt, fd), TOL)

    def test_fourier_embedding(self):
        fe = DualFourierEmbedding(6, scale=2.0, generator=torch.Generator().manual_seed(1)).double()
        c, ct = self.randn(4), self.randn(4)
        with torch.no_grad():
            yt = fe(c, ct)[1]
            fd = central_difference(lambda z: fe(z, torch.zeros_like(z))[0], c, ct)
        self.assertLess(rel_err(yt, fd), TOL)

    def test_product_and_concat_helpers(self):
        a, at, b, bt = self.randn(3), self.randn(3), self.randn(3), self.randn(3)
        p, pt = dual_mul((a, at), (b, bt))
        fd = central_difference(lambda z: z[:3] * z[3:], torch.cat([a, b]), torch.cat([at, bt]))
        self.assertLess(rel_err(pt, fd), TOL)
        c, ct = dual_cat([(a, at), (b, bt)], dim=0)
        self.assertTrue(torch.equal(c, torch.cat([a, b])) and torch.equal(ct, torch.cat([at, bt])))

    def test_edm_precond_around_tiny_unet(self):
        torch.manual_seed(3)
        net = TinyUNet()
        model = EDMPrecond(net, 0.5).double()
        dual = DualEDMPrecond(DualTinyUNet(net), 0.5).double()
        x, xt = self.randn(3, 1, 8, 8), self.randn(3, 1, 8, 8)
        sigma = torch.tensor([0.01, 0.7, 20.0], dtype=torch.float64)
        st = self.randn(3) * sigma
        with torch.no_grad():
            y, yt = dual(x, sigma, xt, st)
            self.assertLess(rel_err(y, model(x, sigma)), 1e-14)
            for b in range(3):
                f = lambda z: model(z[:-1].reshape(1, 1, 8, 8), z[-1:])  # noqa: E731
                z = torch.cat([x[b].flatten(), sigma[b:b + 1]])
                dz = torch.cat([xt[b].flatten(), st[b:b + 1]])
                h = 1e-6 * min(1.0, float(sigma[b] / st[b].abs()))
                err = rel_err(yt[b:b + 1], central_difference(f, z, dz, h))
                self.assertLess(err, 1e-6, f"sample {b} (sigma {float(sigma[b])}): {err:.3g}")

    def test_analytic_gaussian_matches_closed_form(self):
        model, dual = gaussian_1d()
        x = torch.tensor([[0.5], [-2.0]], dtype=torch.float64)
        s = torch.tensor([0.3, 3.0], dtype=torch.float64)
        y, yt = dual(x, s, torch.ones_like(x), torch.ones_like(s))
        self.assertAlmostEqual(float(y[1, 0]), -2.0 / 10.0, places=15)
        self.assertAlmostEqual(float(yt[0, 0]), 1 / 1.09 - 2 * 0.3 * 0.5 / 1.09 ** 2, places=14)
        self.assertLess(rel_err(model(x, s), y), 1e-15)

    def test_analytic_mixture_tangent(self):
        model, dual = mixture_2d()
        model, dual = model.double(), dual.double()
        for s in (0.01, 0.3, 5.0):
            x, xt = self.randn(4, 2) * (1 + s), self.randn(4, 2)
            sigma = torch.full((4,), s, dtype=torch.float64)
            st = self.randn(4)
            with torch.no_grad():
                y, yt = dual(x, sigma, xt, st)
                z, dz = torch.cat([x, sigma[:, None]], 1), torch.cat([xt, st[:, None]], 1)
                fd = central_difference(lambda w: model(w[:, :2], w[:, 2]), z, dz, 1e-7 * s)
            self.assertLess(rel_err(yt, fd), 1e-6, f"sigma {s}")
            self.assertLess(rel_err(y, model(x, sigma)), 1e-15)

    def test_mixture_far_field_limits(self):
        model, _ = mixture_2d()
        model = model.double()
        x = torch.tensor([[1.0, 1.0]], dtype=torch.float64)
        near = model(x, torch.tensor([1e-4], dtype=torch.float64))
        self.assertLess(float((near - x).abs().max()), 1e-6)
        far = model(torch.tensor([[3.0, -2.0]], dtype=torch.float64), torch.tensor([1e4], dtype=torch.float64))
        self.assertLess(float(far.abs().max()), 1e-6)


if __name__ == "__main__":
    unittest.main()
