"""``export_denoiser``: writes ``denoiser.onnx`` and ``denoiser_jvp.onnx`` (the contract of docs/ARCHITECTURE.md) with a
dynamic batch dimension and ``art.*`` metadata, after checking the JVP twin against an fp64 central finite
difference of the plain model."""
import copy
import hashlib
import json
import math
import os

import onnx
import torch

OPSET = 14
DENOISER_FILE = "denoiser.onnx"
JVP_FILE = "denoiser_jvp.onnx"


def sha256_of(path):
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _random_point(example_shape, batch, sigma_min, sigma_max, generator, dtype):
    """sigma log-uniform in [sigma_min, sigma_max]; x = x0 + sigma z with x0 ~ N(0, 1); unit-RMS tangents."""
    lo, hi = math.log(sigma_min), math.log(sigma_max)
    sigma = torch.exp(lo + (hi - lo) * torch.rand(batch, generator=generator, dtype=dtype))
    shape = (batch,) + tuple(example_shape)
    z = torch.randn(shape, generator=generator, dtype=dtype)
    x = torch.randn(shape, generator=generator, dtype=dtype) + sigma.reshape([-1] + [1] * len(example_shape)) * z
    xt = torch.randn(shape, generator=generator, dtype=dtype)
    st = torch.randn(batch, generator=generator, dtype=dtype) * sigma
    return x, sigma, xt, st


def _cond_rows(conditioning, batch, dtype):
    """Row b of every conditioning input is its example row b mod N; floating inputs are cast to ``dtype``."""
    out = []
    for value in (conditioning or {}).values():
        idx = torch.arange(batch) % value.shape[0]
        v = value[idx]
        out.append(v.to(dtype) if v.is_floating_point() else v)
    return out


def jvp_check(model, dual_model, example_shape, sigma_min, sigma_max, batch=8, seed=0, rel_step=1e-6,
              conditioning=None):
    """Compares the dual model's tangent with an fp64 central finite difference of ``model``.

    ``conditioning`` (optional): ordered dict name -> tensor [N, ...] of example rows; sample b uses row b mod N,
    passed after the other arguments: ``model(x, sigma, *cond)``, ``dual_model(x, sigma, xt, st, *cond)``.
    Conditioning inputs are constants of the JVP (no tangent).

    Works on float64 deep copies (the arguments are untouched). Returns a dict with ``max_rel_err`` (max over
    samples of ||jvp - fd|| / ||fd||), ``max_primal_rel_err`` (dual primal vs model output) and the settings.
    The central difference uses step h = rel_step * (1 + ||x||_inf) on the direction (x_t, s_t)."""
    m, d = copy.deepcopy((model, dual_model))
    m, d = m.double().eval(), d.double().eval()
    g = torch.Generator().manual_seed(seed)
    x, sigma, xt, st = _random_point(example_shape, batch, sigma_min, sigma_max, g, torch.float64)
    cond = _cond_rows(conditioning, batch, torch.float64)
    with torch.no_grad():
        y = m(x, sigma, *cond)
        yd, yt = d(x, sigma, xt, st, *cond)
        worst, worst_primal = 0.0, 0.0
        for b in range(batch):
            h = rel_step * (1.0 + float(x[b].abs().max()))
            h = min(h, 0.5 * float(sigma[b]) / max(abs(float(st[b])), 1e-300))
            xp, xm = x[b:b + 1] + h * xt[b:b + 1], x[b:b + 1] - h * xt[b:b + 1]
            sp, sm = sigma[b:b + 1] + h * st[b:b + 1], sigma[b:b + 1] - h * st[b:b + 1]
            cb = [c[b:b + 1] for c in cond]
            fd = (m(xp, sp, *cb) - m(xm, sm, *cb)) / (2.0 * h)
            err = float((yt[b:b + 1] - fd).norm() / fd.norm().clamp_min(1e-300))
            perr = float((yd[b] - y[b]).norm() / y[b].norm().clamp_min(1e-300))
            worst, worst_primal = max(worst, err), max(worst_primal, perr)
    return {"max_rel_err": worst, "max_primal_rel_err": worst_primal, "samples": batch, "seed": seed,
            "rel_step": rel_step}


def _finish(path, props, model_id, example_shape):
    """Adds metadata and states every output's shape as [batch, *example_shape] (torch's shape inference
    leaves generated symbolic names on some graphs)."""
    proto = onnx.load(path)
    for out in proto.graph.output:
        dims = out.type.tensor_type.shape.dim
        del dims[:]
        dims.add().dim_param = "batch"
        for size in example_shape:
            dims.add().dim_value = int(size)
    del proto.metadata_props[:]
    for key, value in props.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    proto.producer_name = "art-scheduler models/export"
    proto.doc_string = f"art-scheduler denoiser {model_id}"
    onnx.checker.check_model(proto)
    onnx.save(proto, path)


class _JvpWrapper(torch.nn.Module):
    def __init__(self, dual_model):
        super().__init__()
        self.dual_model = dual_model

    def forward(self, x, sigma, x_tangent, sigma_tangent, *cond):
        return self.dual_model(x, sigma, x_tangent, sigma_tangent, *cond)


_DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float32", torch.float16: "float16",
                torch.int64: "int64", torch.int32: "int32"}


def export_denoiser(model, dual_model, example_shape, out_dir, sigma_min, sigma_max, sigma_data, model_id,
                    tolerance=1e-5, extra=None, conditioning=None, check_batch=8):
    """Exports a denoiser and its JVP graph, both float32 with a dynamic batch dimension.

    :param model: ``model(x [B, *example_shape], sigma [B]) -> denoised`` (EDM preconditioning inside)
    :param dual_model: ``dual_model(x, sigma, x_tangent, sigma_tangent) -> (denoised, denoised_tangent)``,
        e.g. ``DualEDMPrecond`` around the dual twin of the raw network
    :param example_shape: shape of one sample without the batch dimension, e.g. ``(1, 28, 28)``
    :param out_dir: directory receiving ``denoiser.onnx``, ``denoiser_jvp.onnx`` and ``model.json``
    :param sigma_min, sigma_max, sigma_data: written as metadata ``art.sigma_min`` etc.
    :param model_id: identifier recorded in the metadata (``art.model_id``) and in ``model.json``
    :param tolerance: the fp64 JVP check must give ``max_rel_err`` below this, else ``ValueError``
    :param extra: optional dict merged into ``model.json``
    :param conditioning: optional ordered dict name -> tensor [N, ...] of example rows of the conditioning inputs
        (e.g. ``{"class_labels": torch.arange(11)}``): they become graph inputs with a batch dimension, after
        ``x, sigma`` in ``denoiser.onnx`` and after ``x, sigma, x_tangent, sigma_tangent`` in the JVP graph, and
        are passed last to ``model`` and ``dual_model``. Floating rows are exported as float32, integer rows keep
        their dtype (int64 / int32). They have no tangent.
    :param check_batch: number of random points of the fp64 JVP check
    :return: the ``model.json`` content as a dict
    """
    conditioning = dict(conditioning or {})
    for name, value in conditioning.items():
        if name in ("x", "sigma", "x_tangent", "sigma_tangent", "denoised", "denoised_tangent"):
            raise ValueError(f"conditioning input '{name}': expected a name other than the contract's, found it")
        if value.dtype not in _DTYPE_NAMES or value.dim() < 1 or value.shape[0] < 1:
            raise ValueError(f"conditioning input '{name}': expected a float or int64/int32 tensor [N, ...] with "
                             f"N >= 1, found {value.dtype} {list(value.shape)}")
    check = jvp_check(model, dual_model, example_shape, sigma_min, sigma_max, batch=check_batch,
                      conditioning=conditioning)
    if not check["max_rel_err"] < tolerance or not check["max_primal_rel_err"] < tolerance:
        raise ValueError(f"JVP check of {model_id}: expected relative errors < {tolerance}, found "
                         f"jvp {check['max_rel_err']:.3g}, primal {check['max_primal_rel_err']:.3g}")
    os.makedirs(out_dir, exist_ok=True)
    m = copy.deepcopy(model).float().eval()
    d = copy.deepcopy(dual_model).float().eval()
    g = torch.Generator().manual_seed(1)
    x, sigma, xt, st = _random_point(example_shape, 2, sigma_min, sigma_max, g, torch.float32)
    cond = _cond_rows(conditioning, 2, torch.float32)
    names = list(conditioning)
    den_path = os.path.join(out_dir, DENOISER_FILE)
    jvp_path = os.path.join(out_dir, JVP_FILE)
    batch = {0: "batch"}
    cond_axes = {name: batch for name in names}
    with torch.no_grad():
        torch.onnx.export(m, (x, sigma, *cond), den_path, input_names=["x", "sigma"] + names,
                          output_names=["denoised"],
                          dynamic_axes=dict({"x": batch, "sigma": batch, "denoised": batch}, **cond_axes),
                          opset_version=OPSET, do_constant_folding=True)
        torch.onnx.export(_JvpWrapper(d), (x, sigma, xt, st, *cond), jvp_path,
                          input_names=["x", "sigma", "x_tangent", "sigma_tangent"] + names,
                          output_names=["denoised", "denoised_tangent"],
                          dynamic_axes=dict({"x": batch, "sigma": batch, "x_tangent": batch, "sigma_tangent": batch,
                                             "denoised": batch, "denoised_tangent": batch}, **cond_axes),
                          opset_version=OPSET, do_constant_folding=True)
    props = {"art.sigma_min": repr(float(sigma_min)), "art.sigma_max": repr(float(sigma_max)),
             "art.sigma_data": repr(float(sigma_data)), "art.model_id": model_id}
    _finish(den_path, props, model_id, example_shape)
    _finish(jvp_path, dict(props, **{"art.jvp_max_rel_err": f"{check['max_rel_err']:.3e}"}), model_id, example_shape)
    info = {
        "id": model_id,
        "format": "art-model/1",
        "sampleShape": list(example_shape),
        "inputs": dict({"x": ["batch"] + list(example_shape), "sigma": ["batch"]},
                       **{name: ["batch"] + list(v.shape[1:]) for name, v in conditioning.items()}),
        "outputs": {"denoised": ["batch"] + list(example_shape)},
        "metadata": props,
        "files": {name: {"sha256": sha256_of(os.path.join(out_dir, name)),
                         "bytes": os.path.getsize(os.path.join(out_dir, name))}
                  for name in (DENOISER_FILE, JVP_FILE)},
        "jvpCheck": check,
        "opset": OPSET,
        "torch": torch.__version__,
    }
    if conditioning:
        info["conditioning"] = {name: {"dtype": _DTYPE_NAMES[v.dtype], "shape": ["batch"] + list(v.shape[1:])}
                                for name, v in conditioning.items()}
    if extra:
        info.update(extra)
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2, sort_keys=False)
        f.write("\n")
    return info
