"""The NumPy backend: inference-only kerasx on plain ``np.ndarray`` tensors.

Imported only when this backend is selected.  Inside this package ``import numpy``
still means the real NumPy (absolute imports), not ``kerasx.backends.numpy``.
"""

from __future__ import annotations

from kerasx.backends.protocol import Backend


def backend_class() -> type[Backend]:
    """The concrete :class:`NumpyBackend` class."""
    from kerasx.backends.numpy.backend import NumpyBackend

    return NumpyBackend
