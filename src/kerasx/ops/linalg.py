"""Linear algebra (``kerasx.ops.linalg``), generated from the backend protocol."""

from kerasx.ops._dispatch import export

NAMES = [
    "cholesky",
    "cholesky_inverse",
    "det",
    "eigh",
    "inv",
    "lstsq",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_triangular",
    "svd",
]
__all__ = export(NAMES, __name__, globals())
