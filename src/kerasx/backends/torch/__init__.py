"""The PyTorch backend adapter.

Importing the adapter modules imports torch; :mod:`kerasx.backends` does so only when
the ``torch`` backend is selected.
"""

from __future__ import annotations

from kerasx.backends.protocol import Backend


def backend_class() -> type[Backend]:
    """The concrete :class:`~kerasx.backends.protocol.Backend` for PyTorch."""
    from kerasx.backends.torch.backend import TorchBackend

    return TorchBackend
