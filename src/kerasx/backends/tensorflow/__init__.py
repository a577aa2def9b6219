"""The TensorFlow backend of kerasx (``KERASX_BACKEND=tensorflow``).

Imported only when this backend is selected: importing it imports TensorFlow.
"""

from __future__ import annotations

from kerasx.backends.protocol import Backend


def backend_class() -> type[Backend]:
    """The concrete :class:`~kerasx.backends.protocol.Backend` for TensorFlow."""
    from kerasx.backends.tensorflow.backend import TensorFlowBackend

    return TensorFlowBackend
