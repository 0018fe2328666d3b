"""Builds the small ONNX graphs the Java tests of art-onnx-runtime load (written to
art-onnx-runtime/src/test/resources/onnx/): models with a wrong signature, a model that returns NaN at one
sigma, a fixed-batch model, and a tiny UNet (EDM-preconditioned, random weights) with fp64 reference outputs.

Run from the repository root: /usr/bin/python3 models/export/make_test_models.py
"""
import json
import os
import sys

import onnx
import torch
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from artexport import DualEDMPrecond, EDMPrecond, export_denoiser  # noqa: E402
from tests.tinyunet import DualTinyUNet, TinyUNet  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "art-onnx-runtime", "src", "test", "resources", "onnx")
OPSET = 14
NAN_SIGMA = 0.5


def _save(graph, name, metadata=None):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="art-scheduler models/export/make_test_models.py")
    model.ir_version = 8
    for key, value in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name))


def _gauss_nodes(x, sigma, out, extra_nodes=()):
    """D = x / (1 + sigma^2) with sigma [B] unsqueezed to [B, 1]."""
    return [
        helper.make_node("Mul", [sigma, sigma], ["s2"]),
        helper.make_node("Add", ["s2", "one"], ["w"]),
        helper.make_node("Unsqueeze", ["w", "axis1"], ["w2"]),
        helper.make_node("Div", [x, "w2"], [out]),
        *extra_nodes,
    ]


def _consts(nan=False):
    consts = [helper.make_tensor("one", TensorProto.FLOAT, [], [1.0]),
              helper.make_tensor("axis1", TensorProto.INT64, [1], [1])]
    if nan:
        consts.append(helper.make_tensor("nan_sigma", TensorProto.FLOAT, [], [NAN_SIGMA]))
    return consts


def wrong_names():
    g = helper.make_graph(
        _gauss_nodes("input", "t", "out"), "wrong_names",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["B", 1]),
         helper.make_tensor_value_info("t", TensorProto.FLOAT, ["B"])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["B", 1])], _consts())
    _save(g, "wrong_names.onnx")


def wrong_types():
    """x is float64, sigma has rank 2: both mistyped, names right."""
    nodes = [helper.make_node("Cast", ["x"], ["xf"], to=TensorProto.FLOAT),
             helper.make_node("Squeeze", ["sigma", "axis1"], ["s"]),
             *_gauss_nodes("xf", "s", "denoised")]
    g = helper.make_graph(
        nodes, "wrong_types",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["B", 1]),
         helper.make_tensor_value_info("sigma", TensorProto.FLOAT, ["B", 1])],
        [helper.make_tensor_value_info("denoised", TensorProto.FLOAT, ["B", 1])], _consts())
    _save(g, "wrong_types.onnx")


def wrong_output_shape():
    """denoised is [B, 1] while x is [B, 2]."""
    nodes = [helper.make_node("ReduceSum", ["x", "axis1"], ["xs"], keepdims=1), *_gauss_nodes("xs", "sigma",
                                                                                              "denoised")]
    g = helper.make_graph(
        nodes, "wrong_output_shape",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", 2]),
         helper.make_tensor_value_info("sigma", TensorProto.FLOAT, ["B"])],
        [helper.make_tensor_value_info("denoised", TensorProto.FLOAT, ["B", 1])], _consts())
    _save(g, "wrong_output_shape.onnx")


def nan_at_sigma():
    """D = x / (1 + s^2) * ((s - 0.5) / (s - 0.5)): exactly the 1-D Gaussian, except NaN (0/0) at s = 0.5."""
    nodes = _gauss_nodes("x", "sigma", "d0") + [
        helper.make_node("Sub", ["sigma", "nan_sigma"], ["diff"]),
        helper.make_node("Div", ["diff", "diff"], ["ratio"]),
        helper.make_node("Unsqueeze", ["ratio", "axis1"], ["ratio2"]),
        helper.make_node("Mul", ["d0", "ratio2"], ["denoised"]),
    ]
    g = helper.make_graph(
        nodes, "nan_at_sigma",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", 1]),
         helper.make_tensor_value_info("sigma", TensorProto.FLOAT, ["B"])],
        [helper.make_tensor_value_info("denoised", TensorProto.FLOAT, ["B", 1])], _consts(nan=True))
    _save(g, "nan_at_sigma.onnx", {"art.sigma_max": "3.0"})


def fixed_batch():
    """The 1-D Gaussian with a fixed batch dimension of 4 and custom names (inputs 'latent', 'noise_level',
    output 'pred')."""
    g = helper.make_graph(
        _gauss_nodes("latent", "noise_level", "pred"), "fixed_batch",
        [helper.make_tensor_value_info("latent", TensorProto.FLOAT, [4, 1]),
         helper.make_tensor_value_info("noise_level", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("pred", TensorProto.FLOAT, [4, 1])], _consts())
    _save(g, "fixed_batch.onnx", {"art.sigma_min": "0.002", "art.sigma_max": "3.0", "art.sigma_data": "1.0"})


def unknown_op():
    """A well-formed protobuf whose node uses an operator no runtime knows (custom domain art.test)."""
    g = helper.make_graph(
        [helper.make_node("Nope", ["x", "sigma"], ["denoised"], domain="art.test")], "unknown_op",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", 1]),
         helper.make_tensor_value_info("sigma", TensorProto.FLOAT, ["B"])],
        [helper.make_tensor_value_info("denoised", TensorProto.FLOAT, ["B", 1])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("art.test", 1)],
                              producer_name="art-scheduler models/export/make_test_models.py")
    model.ir_version = 8
    onnx.save(model, os.path.join(OUT, "unknown_op.onnx"))


def tiny_unet():
    """EDM-preconditioned TinyUNet (1x8x8, random weights, seed 7) + fp64 reference D and JVP for 3 samples."""
    torch.manual_seed(7)
    net = TinyUNet()
    model, dual = EDMPrecond(net, 0.5), DualEDMPrecond(DualTinyUNet(net), 0.5)
    out_dir = os.path.join(OUT, "tinyunet")
    info = export_denoiser(model, dual, (1, 8, 8), out_dir, 0.002, 80.0, 0.5, "tinyunet-test")
    os.remove(os.path.join(out_dir, "model.json"))
    g = torch.Generator().manual_seed(11)
    x = torch.randn(3, 1, 8, 8, generator=g)
    sigma = torch.tensor([0.05, 1.0, 20.0])
    x = x * (1 + sigma[:, None, None, None])
    xt = torch.randn(3, 1, 8, 8, generator=g)
    st = torch.tensor([-1.0, 0.5, -2.0])
    with torch.no_grad():
        y, yt = dual.double()(x.double(), sigma.double(), xt.double(), st.double())
    ref = {"shape": [3, 1, 8, 8], "x": x.flatten().tolist(), "sigma": sigma.tolist(),
           "x_tangent": xt.flatten().tolist(), "sigma_tangent": st.tolist(),
           "denoised": y.flatten().tolist(), "denoised_tangent": yt.flatten().tolist(),
           "jvp_check_max_rel_err": info["jvpCheck"]["max_rel_err"]}
    with open(os.path.join(out_dir, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(ref, f)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    wrong_names()
    wrong_types()
    wrong_output_shape()
    nan_at_sigma()
    fixed_batch()
    unknown_op()
    tiny_unet()
    print(f"wrote test models to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
