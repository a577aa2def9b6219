"""Image ops (``kerasx.ops.image``)."""

from kerasx.ops._dispatch import export

NAMES = ["resize"]
__all__ = export(NAMES, __name__, globals())
