"""export_denoiser end to end (graph contract, dynamic batch, metadata, model.json) and the shipped models."""
import json
import os
import tempfile
import unittest
import warnings

import onnx
import torch
from onnx import TensorProto

from artexport import DualEDMPrecond, EDMPrecond, export_denoiser, jvp_check, sha256_of
from artexport.analytic import DualGaussian, Gaussian, gaussian_1d
from tests.tinyunet import DualTinyUNet, TinyUNet

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def io_signature(values):
    out = {}
    for v in values:
        dims = [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]
        out[v.name] = (v.type.tensor_type.elem_type, dims)
    return out


class ExportTest(unittest.TestCase):

    def test_tiny_unet_export_contract(self):
        torch.manual_seed(5)
        net = TinyUNet()
        with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = export_denoiser(EDMPrecond(net, 0.5), DualEDMPrecond(DualTinyUNet(net), 0.5), (1, 8, 8), tmp,
                                   0.002, 80.0, 0.5, "tiny")
            den = onnx.load(os.path.join(tmp, "denoiser.onnx"))
            jvp = onnx.load(os.path.join(tmp, "denoiser_jvp.onnx"))
            with open(os.path.join(tmp, "model.json"), encoding="utf-8") as f:
                saved = json.load(f)
            self.assertEqual(saved["files"]["denoiser.onnx"]["sha256"], sha256_of(os.path.join(tmp,
                                                                                            "denoiser.onnx")))
        f32 = TensorProto.FLOAT
        self.assertEqual(io_signature(den.graph.input), {"x": (f32, ["batch", 1, 8, 8]), "sigma": (f32, ["batch"])})
        self.assertEqual(io_signature(den.graph.output), {"denoised": (f32, ["batch", 1, 8, 8])})
        self.assertEqual(list(io_signature(jvp.graph.input)), ["x", "sigma", "x_tangent", "sigma_tangent"])
        self.assertEqual(io_signature(jvp.graph.output)["denoised_tangent"], (f32, ["batch", 1, 8, 8]))
        meta = {p.key: p.value for p in den.metadata_props}
        self.assertEqual(meta["art.sigma_min"], "0.002")
        self.assertEqual(meta["art.sigma_max"], "80.0")
        self.assertEqual(meta["art.sigma_data"], "0.5")
        self.assertLess(info["jvpCheck"]["max_rel_err"], 1e-6)
        self.assertEqual(saved["id"], "tiny")

    def test_wrong_dual_is_rejected(self):
        class BadDual(DualGaussian):
            def forward(self, x, sigma, xt, st):
                y, yt = super().forward(x, sigma, xt, st)
                return y, 1.001 * yt

        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(ValueError) as ctx:
                export_denoiser(Gaussian(), BadDual(), (1,), tmp, 0.002, 3.0, 1.0, "bad")
            self.assertIn("expected relative errors", str(ctx.exception))
            self.assertFalse(os.path.exists(os.path.join(tmp, "denoiser.onnx")))

    def test_jvp_check_reports_small_error_for_exact_dual(self):
        model, dual = gaussian_1d()
        check = jvp_check(model, dual, (1,), 0.002, 3.0)
        self.assertLess(check["max_rel_err"], 1e-8)
        self.assertEqual(check["max_primal_rel_err"], 0.0)

    def test_shipped_models_match_their_model_json(self):
        for name, sigma_max in (("gauss1d", "3.0"), ("mixture2d", "10.0")):
            folder = os.path.join(MODELS, name)
            with open(os.path.join(folder, "model.json"), encoding="utf-8") as f:
                info = json.load(f)
            self.assertEqual(info["id"], name)
            for file, entry in info["files"].items():
                self.assertEqual(entry["sha256"], sha256_of(os.path.join(folder, file)), f"{name}/{file}")
            proto = onnx.load(os.path.join(folder, "denoiser.onnx"))
            meta = {p.key: p.value for p in proto.metadata_props}
            self.assertEqual(meta["art.sigma_max"], sigma_max, name)
            self.assertEqual(meta["art.sigma_min"], "0.002", name)
            self.assertEqual(meta["art.sigma_data"], "1.0", name)


if __name__ == "__main__":
    unittest.main()
