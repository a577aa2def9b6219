"""Math ops (``kerasx.ops.math``), generated from the backend protocol."""

from kerasx.ops._dispatch import export

NAMES = [
    "erf",
    "erfc",
    "erfinv",
    "extract_sequences",
    "in_top_k",
    "logdet",
    "logsumexp",
    "rsqrt",
    "segment_max",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "top_k",
]
__all__ = export(NAMES, __name__, globals())
