#!/usr/bin/env python3
"""Writes the ``sd-tiny-unet`` test model: a small random-weight UNet with exactly the ONNX signature of the
diffusers Stable Diffusion 1.5 UNet, its JVP graph, conditioning files and reference outputs.

Files (this folder):

- ``unet.onnx``: ``sample`` float32 [batch, 4, 8, 8], ``timestep`` int64 [batch], ``encoder_hidden_states``
  float32 [batch, 77, 768] -> ``out_sample`` float32 [batch, 4, 8, 8] (eps prediction); opset 14;
- ``unet_jvp.onnx``: the same inputs plus ``sample_tangent`` [batch, 4, 8, 8] -> ``out_sample`` and
  ``out_sample_tangent`` = J_sample eps . sample_tangent (dual-number twin; the timestep and the text states
  are constants of the JVP);
- ``prompt.npz``: ``encoder_hidden_states`` [2, 77, 768] float32 (two seeded N(0, 1) "prompts");
  ``empty.npz``: ``encoder_hidden_states`` [1, 77, 768] (the seeded "empty prompt" for classifier-free guidance);
- ``reference.json``: inputs and float32 PyTorch outputs on four fixed cases (for ONNX Runtime checks);
- ``model.json``: signature, sha256 of every file, parameter count, output scale, JVP check.

Weights: PyTorch's default init under ``torch.manual_seed(SEED)``, then ``conv_out`` is scaled so that the output
has unit standard deviation on a seeded calibration batch (sample ~ N(0, 1), timestep uniform in 0..999,
encoder_hidden_states ~ N(0, 1)). Deterministic: a rerun writes the same weights and numbers (the ONNX bytes too
on the same torch/onnx versions).

Run from anywhere: ``/usr/bin/python3 models/sd-tiny-unet/make_sd_tiny.py`` (about 10 s, one thread).
"""
import hashlib
import json
import os
import sys
import warnings

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sd_tiny_unet as sd  # noqa: E402

SEED = 20261202
H = W = 8
OPSET = 14
BETAS = "scaled-linear:beta_start=0.00085,beta_end=0.012,steps=1000"
MODEL_ID = "sd-tiny-unet"


def build():
    """The seeded, calibrated network (float32, eval mode) and its output scale factor."""
    torch.manual_seed(SEED)
    net = sd.SDTinyUNet().eval()
    g = torch.Generator().manual_seed(SEED + 1)
    x = torch.randn(16, 4, H, W, generator=g)
    t = torch.randint(0, 1000, (16,), generator=g)
    c = torch.randn(16, sd.TEXT_LEN, sd.TEXT_DIM, generator=g)
    with torch.no_grad():
        std = float(net(x, t, c).std())
        net.conv_out.weight.mul_(1.0 / std)
        net.conv_out.bias.mul_(1.0 / std)
    return net, 1.0 / std


def text_states(rows, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(rows, sd.TEXT_LEN, sd.TEXT_DIM, generator=g)


def reference_cases():
    """Four fixed cases: prompt rows 0/1 and the empty prompt at timesteps 999, 500, 1, 999."""
    g = torch.Generator().manual_seed(SEED + 2)
    sample = torch.randn(4, 4, H, W, generator=g)
    timestep = torch.tensor([999, 500, 1, 999], dtype=torch.int64)
    prompt, empty = text_states(2, SEED + 10), text_states(1, SEED + 11)
    ehs = torch.cat([prompt[0:1], prompt[1:2], empty, empty])
    return sample, timestep, ehs, ["prompt.npz:0", "prompt.npz:1", "empty.npz:0", "empty.npz:0"]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def finish(path, props, outputs):
    """States the output shapes as [batch, 4, 8, 8] and adds metadata."""
    proto = onnx.load(path)
    for out in proto.graph.output:
        dims = out.type.tensor_type.shape.dim
        del dims[:]
        dims.add().dim_param = "batch"
        for size in (4, H, W):
            dims.add().dim_value = size
    assert [o.name for o in proto.graph.output] == outputs
    for key, value in props.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    proto.producer_name = "art-scheduler models/sd-tiny-unet"
    onnx.checker.check_model(proto)
    onnx.save(proto, path)


def jvp_check(net, seed=3, rel_step=1e-6):
    """fp64: dual primal vs net and dual tangent vs a central difference in ``sample`` (max over 3 cases)."""
    import copy
    n = copy.deepcopy(net).double()
    d = sd.DualSDTinyUNet(n)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(3, 4, H, W, generator=g, dtype=torch.float64)
    xt = torch.randn(3, 4, H, W, generator=g, dtype=torch.float64)
    t = torch.tensor([999, 400, 3])
    c = torch.randn(3, sd.TEXT_LEN, sd.TEXT_DIM, generator=g, dtype=torch.float64)
    with torch.no_grad():
        y = n(x, t, c)
        yd, yt = d(x, t, c, xt)
        fd = (n(x + rel_step * xt, t, c) - n(x - rel_step * xt, t, c)) / (2 * rel_step)
    err = max(float((yt[b] - fd[b]).norm() / fd[b].norm()) for b in range(3))
    perr = float((yd - y).norm() / y.norm())
    return {"max_rel_err": err, "max_primal_rel_err": perr, "samples": 3, "seed": seed, "rel_step": rel_step}


class _Jvp(torch.nn.Module):
    def __init__(self, dual):
        super().__init__()
        self.dual = dual

    def forward(self, sample, timestep, encoder_hidden_states, sample_tangent):
        return self.dual(sample, timestep, encoder_hidden_states, sample_tangent)


def main():
    torch.set_num_threads(1)
    net, scale = build()
    check = jvp_check(net)
    if not check["max_rel_err"] < 1e-6 or not check["max_primal_rel_err"] < 1e-12:
        sys.exit(f"error: expected the JVP twin to match finite differences to 1e-6, found {check}")

    prompt, empty = text_states(2, SEED + 10), text_states(1, SEED + 11)
    np.savez(os.path.join(HERE, "prompt.npz"), encoder_hidden_states=prompt.numpy())
    np.savez(os.path.join(HERE, "empty.npz"), encoder_hidden_states=empty.numpy())

    x = torch.randn(2, 4, H, W)
    t = torch.tensor([999, 1], dtype=torch.int64)
    c = prompt
    batch = {0: "batch"}
    props = {"art.model_id": MODEL_ID, "art.prediction": "eps", "art.betas": BETAS}
    unet_path, jvp_path = os.path.join(HERE, "unet.onnx"), os.path.join(HERE, "unet_jvp.onnx")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, (x, t, c), unet_path, input_names=["sample", "timestep", "encoder_hidden_states"],
                          output_names=["out_sample"], opset_version=OPSET, do_constant_folding=True,
                          dynamic_axes={"sample": batch, "timestep": batch, "encoder_hidden_states": batch,
                                        "out_sample": batch})
        torch.onnx.export(_Jvp(sd.DualSDTinyUNet(net)), (x, t, c, torch.randn_like(x)), jvp_path,
                          input_names=["sample", "timestep", "encoder_hidden_states", "sample_tangent"],
                          output_names=["out_sample", "out_sample_tangent"], opset_version=OPSET,
                          do_constant_folding=True,
                          dynamic_axes={"sample": batch, "timestep": batch, "encoder_hidden_states": batch,
                                        "sample_tangent": batch, "out_sample": batch, "out_sample_tangent": batch})
    finish(unet_path, props, ["out_sample"])
    finish(jvp_path, dict(props, **{"art.jvp_max_rel_err": f"{check['max_rel_err']:.3e}"}),
           ["out_sample", "out_sample_tangent"])

    sample, timestep, ehs, rows = reference_cases()
    with torch.no_grad():
        out = net(sample, timestep, ehs)
    ref = {"format": "sd-tiny-unet-reference/1",
           "note": "float32 PyTorch outputs of unet.onnx's network; ONNX Runtime agrees to ~1e-5",
           "timestep": timestep.tolist(), "encoder_hidden_states_rows": rows,
           "sample": sample.numpy().round(8).tolist(), "out_sample": out.numpy().round(8).tolist()}
    with open(os.path.join(HERE, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(ref, f)
        f.write("\n")

    files = ["unet.onnx", "unet_jvp.onnx", "prompt.npz", "empty.npz", "reference.json"]
    info = {
        "id": MODEL_ID, "format": "art-model/1", "kind": "eps-prediction UNet with the diffusers SD 1.5 signature",
        "inputs": {"sample": {"dtype": "float32", "shape": ["batch", 4, H, W]},
                   "timestep": {"dtype": "int64", "shape": ["batch"]},
                   "encoder_hidden_states": {"dtype": "float32", "shape": ["batch", sd.TEXT_LEN, sd.TEXT_DIM]}},
        "outputs": {"out_sample": {"dtype": "float32", "shape": ["batch", 4, H, W]}},
        "jvpGraph": {"file": "unet_jvp.onnx", "extraInputs": {"sample_tangent": ["batch", 4, H, W]},
                     "extraOutputs": {"out_sample_tangent": ["batch", 4, H, W]},
                     "tangentOf": "sample only (timestep is int64; encoder_hidden_states is conditioning)"},
        "prediction": "eps", "betas": BETAS, "metadata": props,
        "conditioning": {"cond": "prompt.npz", "uncond": "empty.npz", "guidance": 7.5},
        "parameters": sd.parameter_count(net), "seed": SEED, "outputScale": scale, "jvpCheck": check,
        "opset": OPSET, "torch": torch.__version__,
        "files": {name: {"sha256": sha256(os.path.join(HERE, name)), "bytes": os.path.getsize(os.path.join(HERE, name))}
                  for name in files},
    }
    with open(os.path.join(HERE, "model.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(json.dumps({k: info[k] for k in ("parameters", "outputScale", "jvpCheck")}, indent=2))
    print({name: v["bytes"] for name, v in info["files"].items()})


if __name__ == "__main__":
    main()
