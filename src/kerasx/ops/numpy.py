"""NumPy-like ops (``kerasx.ops.numpy``), generated from the backend protocol."""

from kerasx.backends.protocol_numpy import NumpyProtocol
from kerasx.ops._dispatch import export

NAMES = sorted(n for n, v in vars(NumpyProtocol).items() if not n.startswith("_") and callable(v))
__all__ = export(NAMES, __name__, globals())
