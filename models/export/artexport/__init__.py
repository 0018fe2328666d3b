"""Export tooling for art-scheduler: dual-number (forward-mode) layers that export to ONNX with torch 1.13,
and ``export_denoiser`` which writes ``denoiser.onnx`` + ``denoiser_jvp.onnx`` with ``art.*`` metadata."""
from .dual import (  # noqa: F401
    DualAvgPool2d, DualConv2d, DualDropout, DualEDMPrecond, DualFourierEmbedding, DualGELU, DualGroupNorm,
    DualIdentity, DualLayerNorm, DualLinear, DualModule, DualPositionalEmbedding, DualSequential, DualSiLU,
    DualUpsample, EDMPrecond, dual_add, dual_cat, dual_mul, dual_of, dual_scale, register_dual,
)
from .attention import (  # noqa: F401
    Attention, DualAttention, DualFeedForward, DualGEGLU, DualMultiheadAttention, DualSpatialTransformer,
    DualTransformerBlock, FeedForward, GEGLU, SpatialTransformer, TransformerBlock, dual_matmul, dual_softmax,
)
from .export import export_denoiser, jvp_check, sha256_of  # noqa: F401
