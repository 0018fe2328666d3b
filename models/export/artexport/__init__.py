"""Export tooling for art-scheduler: dual-number (forward-mode) layers that export to ONNX with torch 1.13,
and ``export_denoiser`` which writes ``denoiser.onnx`` + ``denoiser_jvp.onnx`` with ``art.*`` metadata."""
from .dual import (  # noqa: F401
    DualAvgPool2d, DualConv2d, DualEDMPrecond, DualFourierEmbedding, DualGroupNorm, DualIdentity, DualLinear,
    DualModule, DualPositionalEmbedding, DualSequential, DualSiLU, DualUpsample, EDMPrecond, dual_add, dual_cat,
    dual_mul, dual_of, dual_scale,
)
from .export import export_denoiser, jvp_check, sha256_of  # noqa: F401
