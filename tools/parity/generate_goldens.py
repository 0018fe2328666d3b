#!/usr/bin/env python3
"""Runs the peers' own scheduler code and writes golden grids for the Java parity suite.

Usage: python3 generate_goldens.py --kdiffusion DIR --diffusers DIR --comfyui DIR [--comfyui-commit TEXT] --out DIR

Each DIR is a checkout of the peer (k-diffusion, diffusers, ComfyUI). Functions and classes are taken from the
peer's source files at run time with `ast` (no peer code is copied into this script); relative imports are
dropped and replaced by small stubs, so no peer dependencies beyond numpy, scipy and torch are needed.
"""
import argparse
import ast
import functools
import inspect
import json
import math
import os
import re
import subprocess
import types

import numpy
import scipy.stats
import torch


def commit_of(path, given=None):
    if given:
        return given
    try:
        return subprocess.check_output(["git", "-C", path, "rev-parse", "HEAD"], text=True).strip()
    except Exception:
        return "unknown"


def load(path, names, namespace):
    """Executes the top-level definitions `names` of the Python file `path` in `namespace`."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    body = [node for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names
            or isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names for t in node.targets)]
    missing = set(names) - {getattr(n, "name", None) or n.targets[0].id for n in body}
    if missing:
        raise SystemExit(f"{path}: missing {sorted(missing)}")
    exec(compile(ast.Module(body=body, type_ignores=[]), path, "exec"), namespace)
    return namespace


def floats(t):
    if isinstance(t, torch.Tensor):
        return [float(v) for v in t.tolist()]
    return [float(v) for v in list(t)]


def kdiffusion(root):
    ns = {"torch": torch, "math": math}
    load(os.path.join(root, "k_diffusion/sampling.py"),
         ["append_zero", "get_sigmas_karras", "get_sigmas_exponential", "get_sigmas_polyexponential",
          "get_sigmas_vp"], ns)
    ns["append_zero"] = lambda x: torch.cat([x, x.new_zeros([1])])
    cases = []
    ranges = [(0.002, 80.0), (0.0291675, 14.614642), (0.1, 10.0)]
    ns_list = [1, 2, 3, 5, 10, 18, 40]
    for dtype in (torch.float64, torch.float32):
        torch.set_default_dtype(dtype)
        tag = "float64" if dtype == torch.float64 else "float32"
        for lo, hi in ranges:
            for n in ns_list:
                for rho in (7.0, 3.0):
                    cases.append({"fn": "karras", "dtype": tag, "n": n, "sigma_min": lo, "sigma_max": hi, "rho": rho,
                                  "sigmas": floats(ns["get_sigmas_karras"](n, lo, hi, rho=rho))})
                cases.append({"fn": "exponential", "dtype": tag, "n": n, "sigma_min": lo, "sigma_max": hi,
                              "sigmas": floats(ns["get_sigmas_exponential"](n, lo, hi))})
                for rho in (1.0, 0.5, 2.0):
                    cases.append({"fn": "polyexponential", "dtype": tag, "n": n, "sigma_min": lo, "sigma_max": hi,
                                  "rho": rho, "sigmas": floats(ns["get_sigmas_polyexponential"](n, lo, hi, rho=rho))})
        for n in ns_list:
            for bd, bm, eps in ((19.9, 0.1, 1e-3), (10.0, 0.5, 1e-2)):
                cases.append({"fn": "vp", "dtype": tag, "n": n, "beta_d": bd, "beta_min": bm, "eps_s": eps,
                              "sigmas": floats(ns["get_sigmas_vp"](n, beta_d=bd, beta_min=bm, eps_s=eps))})
    torch.set_default_dtype(torch.float32)
    return cases


def comfyui(root, kd_root):
    ns = {"torch": torch, "math": math, "numpy": numpy, "scipy": scipy, "np": numpy}
    load(os.path.join(root, "comfy/ldm/modules/diffusionmodules/util.py"), ["make_beta_schedule"], ns)
    load(os.path.join(root, "comfy/model_sampling.py"), ["ModelSamplingDiscrete"], ns)
    load(os.path.join(root, "comfy/samplers.py"),
         ["simple_scheduler", "ddim_scheduler", "normal_scheduler", "beta_scheduler", "linear_quadratic_schedule",
          "kl_optimal_scheduler"], ns)
    kd = os.path.join(root, "comfy/k_diffusion/sampling.py")
    karras_from = "comfy/k_diffusion/sampling.py" if os.path.exists(kd) else "k-diffusion (vendored by ComfyUI)"
    load(kd if os.path.exists(kd) else os.path.join(kd_root, "k_diffusion/sampling.py"),
         ["get_sigmas_karras", "get_sigmas_exponential"], ns)
    ns["append_zero"] = lambda x: torch.cat([x, x.new_zeros([1])])
    ms = ns["ModelSamplingDiscrete"]()
    lo, hi = float(ms.sigma_min), float(ms.sigma_max)
    handlers = {
        "simple": lambda n: ns["simple_scheduler"](ms, n),
        "sgm_uniform": lambda n: ns["normal_scheduler"](ms, n, sgm=True),
        "karras": lambda n: ns["get_sigmas_karras"](n=n, sigma_min=lo, sigma_max=hi),
        "exponential": lambda n: ns["get_sigmas_exponential"](n=n, sigma_min=lo, sigma_max=hi),
        "ddim_uniform": lambda n: ns["ddim_scheduler"](ms, n),
        "beta": lambda n: ns["beta_scheduler"](ms, n),
        "normal": lambda n: ns["normal_scheduler"](ms, n),
        "linear_quadratic": lambda n: ns["linear_quadratic_schedule"](ms, n),
        "kl_optimal": lambda n: ns["kl_optimal_scheduler"](n=n, sigma_min=lo, sigma_max=hi),
    }
    out = {"table": {"name": "sd15", "sigmas": floats(ms.sigmas), "sigma_min": lo, "sigma_max": hi},
           "karras_exponential_from": karras_from, "handlers": {}}
    for name, fn in handlers.items():
        out["handlers"][name] = {str(n): floats(fn(n)) for n in range(2, 41)}
    # Align Your Steps node: its own get_sigmas; torch.FloatTensor kept in float64 as well to see the pre-cast values.
    ays_ns = {"torch": torch, "np": numpy}
    load(os.path.join(root, "comfy_extras/nodes_align_your_steps.py"),
         ["loglinear_interp", "NOISE_LEVELS", "AlignYourStepsScheduler"], ays_ns)
    node = ays_ns["AlignYourStepsScheduler"]()
    ays = {}
    for model in ays_ns["NOISE_LEVELS"]:
        f32 = {str(n): floats(node.get_sigmas(model, n, 1.0)[0]) for n in range(1, 41)}
        real = ays_ns["torch"]
        ays_ns["torch"] = types.SimpleNamespace(FloatTensor=lambda v: torch.tensor(numpy.asarray(v, dtype=numpy.float64)))
        f64 = {str(n): floats(node.get_sigmas(model, n, 1.0)[0]) for n in range(1, 41)}
        ays_ns["torch"] = real
        ays[model] = {"list": list(ays_ns["NOISE_LEVELS"][model]), "float32": f32, "float64": f64}
    out["ays"] = ays
    gits_file = os.path.join(root, "comfy_extras/nodes_gits.py")
    if os.path.exists(gits_file):
        out["gits"] = gits(gits_file)
    return out


class _Io(types.SimpleNamespace):
    """Stands in for ComfyUI's `comfy_api.latest.io`: the node classes only need a base class and NodeOutput."""
    ComfyNode = object

    @staticmethod
    def NodeOutput(*values):
        return values


def gits(path):
    """ComfyUI's GITSScheduler node: its published lists and its outputs for every coeff at N = 2..40."""
    ns = {"torch": torch, "np": numpy, "io": _Io()}
    load(path, ["loglinear_interp", "NOISE_LEVELS", "GITSScheduler"], ns)
    node = ns["GITSScheduler"]

    def run(coeff, n, denoise, dtype):
        real = ns["torch"]
        if dtype == "float64":
            ns["torch"] = types.SimpleNamespace(
                FloatTensor=lambda v: torch.tensor(numpy.asarray(v, dtype=numpy.float64)))
        try:
            return floats(node.execute(coeff, n, denoise)[0])
        finally:
            ns["torch"] = real

    out = {}
    for coeff, lists in ns["NOISE_LEVELS"].items():
        key = f"{coeff:.2f}"
        out[key] = {
            "lists": [list(v) for v in lists],
            "float64": {str(n): run(coeff, n, 1.0, "float64") for n in range(2, 41)},
            "float32": {str(n): run(coeff, n, 1.0, "float32") for n in (2, 10, 20, 21, 30, 40)},
            "denoise": [{"n": n, "denoise": d, "float64": run(coeff, n, d, "float64")}
                        for n in (10, 30) for d in (0.33, 0.5, 0.75)],
        }
    return out


class _Config(types.SimpleNamespace):
    def __getitem__(self, k):
        return getattr(self, k)


def _register_to_config(init):
    sig = inspect.signature(init)

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        values.pop("self")
        values.update(values.pop("kwargs", {}) or {})
        self.config = _Config(**values)
        init(self, *args, **kwargs)
    return wrapper


class _SchedulerMixin:
    pass


class _ConfigMixin:
    def register_to_config(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self.config, k, v)


def diffusers(root):
    import enum
    import dataclasses
    base = os.path.join(root, "src/diffusers/schedulers")
    stub = {"torch": torch, "math": math, "np": numpy, "numpy": numpy, "scipy": scipy,
            "ConfigMixin": _ConfigMixin, "register_to_config": _register_to_config, "SchedulerMixin": _SchedulerMixin,
            "BaseOutput": object, "dataclass": dataclasses.dataclass, "is_scipy_available": lambda: True,
            "deprecate": lambda *a, **k: None, "randn_tensor": None, "logger": None,
            "KarrasDiffusionSchedulers": enum.Enum("K", "x"), "Literal": __import__("typing").Literal,
            "List": list, "Optional": __import__("typing").Optional, "Union": __import__("typing").Union,
            "Tuple": tuple, "EulerDiscreteSchedulerOutput": object}
    load(os.path.join(base, "scheduling_euler_discrete.py"), ["betas_for_alpha_bar", "rescale_zero_terminal_snr",
                                                            "EulerDiscreteScheduler"], stub)
    load(os.path.join(base, "scheduling_utils.py"), ["AysSchedules"], stub)
    sd15 = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")
    euler = stub["EulerDiscreteScheduler"]
    table = floats(((1 - euler(**sd15).alphas_cumprod) / euler(**sd15).alphas_cumprod) ** 0.5)

    def case(variant, n, spacing, steps_offset, extra):
        s = euler(**sd15, timestep_spacing=spacing, steps_offset=steps_offset, **extra)
        s.set_timesteps(n)
        return {"scheduler": "EulerDiscreteScheduler", "variant": variant, "spacing": spacing,
                "steps_offset": steps_offset, "n": n, "sigmas": floats(s.sigmas),
                "table_sigma_min": table[0], "table_sigma_max": table[-1]}

    sigma_kinds = (("karras", {"use_karras_sigmas": True}), ("exponential", {"use_exponential_sigmas": True}),
                   ("beta", {"use_beta_sigmas": True}))
    many = list(range(1, 41)) + [50, 61, 100]
    cases = []
    for spacing in ("linspace", "leading", "trailing"):
        cases += [case(spacing, n, spacing, 1, {}) for n in many]
    cases += [case("leading", n, "leading", 0, {}) for n in (1, 2, 5, 10, 25, 50)]
    for variant, extra in sigma_kinds:
        cases += [case(variant, n, "linspace", 1, extra) for n in many]
        for spacing in ("leading", "trailing"):
            cases += [case(variant, n, spacing, 1, extra) for n in (1, 2, 5, 10, 25, 50)]
    return {"table": table, "euler_sd15": cases, "edm_euler": edm_euler(base, stub),
            "ays": {k: list(v) for k, v in stub["AysSchedules"].items()}}


def edm_euler(base, stub):
    """diffusers' EDMEulerScheduler with its default config (0.002..80, rho 7), karras and exponential."""
    ns = dict(stub)
    ns["EDMEulerSchedulerOutput"] = object
    load(os.path.join(base, "scheduling_edm_euler.py"), ["EDMEulerScheduler"], ns)
    cases = []
    for schedule in ("karras", "exponential"):
        for n in range(1, 41):
            s = ns["EDMEulerScheduler"](sigma_schedule=schedule)
            s.set_timesteps(n)
            cases.append({"sigma_schedule": schedule, "n": n, "sigma_min": s.config.sigma_min,
                          "sigma_max": s.config.sigma_max, "rho": s.config.rho, "sigmas": floats(s.sigmas)})
    return cases


def compact(doc):
    """JSON with one line per list of numbers."""
    text = json.dumps(doc, indent=1)
    return re.sub(r"\[\s*(-?[0-9][-+.0-9eE]*(?:,\s*-?[0-9][-+.0-9eE]*)*)\s*\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kdiffusion", required=True)
    ap.add_argument("--diffusers", required=True)
    ap.add_argument("--comfyui", required=True)
    ap.add_argument("--kdiffusion-commit")
    ap.add_argument("--diffusers-commit")
    ap.add_argument("--comfyui-commit")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    meta = {"torch": torch.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__}
    docs = {
        "kdiffusion.json": {"peer": "crowsonkb/k-diffusion", "commit": commit_of(a.kdiffusion, a.kdiffusion_commit),
                            **meta, "cases": kdiffusion(a.kdiffusion)},
        "comfyui.json": {"peer": "ComfyUI", "commit": commit_of(a.comfyui, a.comfyui_commit), **meta,
                         **comfyui(a.comfyui, a.kdiffusion)},
        "diffusers.json": {"peer": "huggingface/diffusers", "commit": commit_of(a.diffusers, a.diffusers_commit),
                           **meta, **diffusers(a.diffusers)},
    }
    for name, doc in docs.items():
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
            f.write(compact(doc))
            f.write("\n")
        print("wrote", os.path.join(a.out, name))


if __name__ == "__main__":
    main()
