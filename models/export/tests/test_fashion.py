"""The shipped class-conditional ``models/fashion-edm``: graph signatures with the ``class_labels`` input, files
matching model.json, the FID statistics file, and the shipped EMA weights' dual twin against an fp64 central
finite difference for a labelled and the null class."""
import json
import os
import sys
import unittest

import numpy as np
import onnx
import torch
from onnx import TensorProto

from artexport import DualEDMPrecond, EDMPrecond, sha256_of
from tests.test_export import io_signature

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fashion-edm")


class FashionEdmTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(FOLDER, "model.json"), encoding="utf-8") as f:
            cls.info = json.load(f)

    def test_signatures(self):
        f32, i64 = TensorProto.FLOAT, TensorProto.INT64
        den = onnx.load(os.path.join(FOLDER, "denoiser.onnx"))
        self.assertEqual(io_signature(den.graph.input), {"x": (f32, ["batch", 1, 28, 28]), "sigma": (f32, ["batch"]),
                                                         "class_labels": (i64, ["batch"])})
        self.assertEqual(io_signature(den.graph.output), {"denoised": (f32, ["batch", 1, 28, 28])})
        jvp = onnx.load(os.path.join(FOLDER, "denoiser_jvp.onnx"))
        self.assertEqual([v.name for v in jvp.graph.input],
                         ["x", "sigma", "x_tangent", "sigma_tangent", "class_labels"])
        self.assertEqual([v.name for v in jvp.graph.output], ["denoised", "denoised_tangent"])
        meta = {p.key: p.value for p in den.metadata_props}
        self.assertEqual((meta["art.model_id"], meta["art.sigma_data"]), ("fashion-edm", "0.5"))
        self.assertEqual(self.info["conditioning"], {"class_labels": {"dtype": "int64", "shape": ["batch"]}})
        self.assertEqual(self.info["nullClass"], 10)

    def test_files_match_model_json_and_fid_stats(self):
        for name, entry in self.info["files"].items():
            self.assertEqual(entry["sha256"], sha256_of(os.path.join(FOLDER, name)), name)
        self.assertEqual(self.info["weights"]["sha256"], sha256_of(os.path.join(FOLDER, "denoiser_ema.pt")))
        with open(os.path.join(FOLDER, "features_ref.json"), encoding="utf-8") as f:
            ref = json.load(f)
        self.assertEqual((ref["format"], ref["dim"], ref["count"]), ("art-fid-stats/1", 64, 60000))
        cov = np.asarray(ref["cov"])
        self.assertEqual(cov.shape, (64, 64))
        self.assertTrue(np.allclose(cov, cov.T))
        self.assertGreater(float(np.linalg.eigvalsh(cov).min()), 0.0)
        feats = onnx.load(os.path.join(FOLDER, "features.onnx"))
        self.assertEqual([o.name for o in feats.graph.output], ["features", "logits"])

    def test_shipped_weights_jvp_against_finite_difference(self):
        sys.path.insert(0, FOLDER)
        try:
            import export_fashion
            import unet
        finally:
            sys.path.remove(FOLDER)
        model = export_fashion.load_model(os.path.join(FOLDER, "denoiser_ema.pt")).double()
        plain = EDMPrecond(model.net, 0.5)
        dual = DualEDMPrecond(export_fashion.DualCondUNet(model.net), 0.5)
        g = torch.Generator().manual_seed(2)
        x = torch.randn(2, 1, 28, 28, generator=g, dtype=torch.float64)
        xt = torch.randn(2, 1, 28, 28, generator=g, dtype=torch.float64)
        sigma = torch.tensor([0.05, 3.0], dtype=torch.float64)
        st = torch.tensor([0.01, -0.5], dtype=torch.float64)
        labels = torch.tensor([7, unet.NULL_CLASS])
        h = 1e-6
        with torch.no_grad():
            y, yt = dual(x, sigma, xt, st, labels)
            fd = (plain(x + h * xt, sigma + h * st, labels) - plain(x - h * xt, sigma - h * st, labels)) / (2 * h)
            self.assertLess(float((y - plain(x, sigma, labels)).abs().max()), 1e-12)
            # the label matters: class 7 and the null class give different denoised images at the same input
            other = plain(x, sigma, torch.tensor([0, 0]))
        self.assertLess(float((yt - fd).norm() / fd.norm()), 1e-6)
        self.assertGreater(float((other[0] - y[0]).abs().max()), 1e-3)


if __name__ == "__main__":
    unittest.main()
