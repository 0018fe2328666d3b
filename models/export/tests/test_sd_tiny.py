"""The shipped ``models/sd-tiny-unet``: exactly the diffusers SD 1.5 UNet signature, files matching model.json,
conditioning files of the right shapes, and the make script's seeded network reproducing reference.json."""
import json
import os
import sys
import unittest

import numpy as np
import onnx
import torch
from onnx import TensorProto

from tests.test_export import io_signature

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sd-tiny-unet")


class SdTinyUnetTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(FOLDER, "model.json"), encoding="utf-8") as f:
            cls.info = json.load(f)

    def test_signature_is_sd15(self):
        f32, i64 = TensorProto.FLOAT, TensorProto.INT64
        proto = onnx.load(os.path.join(FOLDER, "unet.onnx"))
        self.assertEqual([v.name for v in proto.graph.input], ["sample", "timestep", "encoder_hidden_states"])
        self.assertEqual(io_signature(proto.graph.input), {"sample": (f32, ["batch", 4, 8, 8]),
                                                           "timestep": (i64, ["batch"]),
                                                           "encoder_hidden_states": (f32, ["batch", 77, 768])})
        self.assertEqual(io_signature(proto.graph.output), {"out_sample": (f32, ["batch", 4, 8, 8])})
        ops = {n.op_type for n in proto.graph.node}
        self.assertTrue({"Softmax", "MatMul", "Erf", "Cos", "Sin", "Cast"} <= ops, ops)
        jvp = onnx.load(os.path.join(FOLDER, "unet_jvp.onnx"))
        self.assertEqual([v.name for v in jvp.graph.input],
                         ["sample", "timestep", "encoder_hidden_states", "sample_tangent"])
        self.assertEqual([v.name for v in jvp.graph.output], ["out_sample", "out_sample_tangent"])
        meta = {p.key: p.value for p in proto.metadata_props}
        self.assertEqual(meta["art.prediction"], "eps")
        self.assertEqual(meta["art.betas"], "scaled-linear:beta_start=0.00085,beta_end=0.012,steps=1000")

    def test_files_match_model_json_and_conditioning_shapes(self):
        from artexport import sha256_of
        for name, entry in self.info["files"].items():
            self.assertEqual(entry["sha256"], sha256_of(os.path.join(FOLDER, name)), name)
        for name, rows in (("prompt.npz", 2), ("empty.npz", 1)):
            with np.load(os.path.join(FOLDER, name)) as z:
                self.assertEqual(list(z.keys()), ["encoder_hidden_states"])
                a = z["encoder_hidden_states"]
            self.assertEqual((a.shape, a.dtype), ((rows, 77, 768), np.float32), name)
            self.assertLess(abs(float(a.std()) - 1.0), 0.01, name)
        self.assertLess(self.info["files"]["unet.onnx"]["bytes"], 4_000_000)

    def test_make_script_reproduces_reference_outputs(self):
        sys.path.insert(0, FOLDER)
        try:
            import make_sd_tiny
            import sd_tiny_unet
        finally:
            sys.path.remove(FOLDER)
        net, scale = make_sd_tiny.build()
        self.assertAlmostEqual(scale, self.info["outputScale"], places=6)
        self.assertEqual(sd_tiny_unet.parameter_count(net), self.info["parameters"])
        sample, timestep, ehs, rows = make_sd_tiny.reference_cases()
        with open(os.path.join(FOLDER, "reference.json"), encoding="utf-8") as f:
            ref = json.load(f)
        self.assertEqual(rows, ref["encoder_hidden_states_rows"])
        prompt = np.load(os.path.join(FOLDER, "prompt.npz"))["encoder_hidden_states"]
        self.assertTrue(np.array_equal(ehs[0].numpy(), prompt[0]))
        with torch.no_grad():
            out = net(sample, timestep, ehs).numpy()
        expected = np.asarray(ref["out_sample"])
        self.assertLess(float(np.abs(out - expected).max()), 1e-5)
        self.assertTrue(np.isfinite(expected).all())
        self.assertLess(abs(float(expected.std()) - 1.0), 0.2)
        # the text states matter: prompt row 0 and the empty prompt differ at the same sample and timestep
        with torch.no_grad():
            pair = net(sample[:1].repeat(2, 1, 1, 1), torch.tensor([999, 999]), torch.cat([ehs[:1], ehs[2:3]]))
        self.assertGreater(float((pair[0] - pair[1]).abs().max()), 1e-2)


if __name__ == "__main__":
    unittest.main()
