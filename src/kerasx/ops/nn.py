"""Neural-network ops (``kerasx.ops.nn``), generated from the backend protocol."""

from kerasx.backends.protocol_nn import NNProtocol
from kerasx.ops._dispatch import export

NAMES = sorted(n for n, v in vars(NNProtocol).items() if not n.startswith("_") and callable(v))
__all__ = export(NAMES, __name__, globals())
