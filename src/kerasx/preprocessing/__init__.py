"""``keras.preprocessing``: tf.keras-era data helpers (images, sequences, text).

Everything here runs in NumPy on the host, independent of the active backend, so old
tf.keras input pipelines keep working on jax, torch, tensorflow and numpy.
"""

from __future__ import annotations

from kerasx.preprocessing import image, sequence, text

__all__ = ["image", "sequence", "text"]
