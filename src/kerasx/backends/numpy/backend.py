"""Assembly of the NumPy backend from its mixins."""

from __future__ import annotations

from kerasx.backends.numpy.array_ops import NumpyArrayMixin
from kerasx.backends.numpy.core import CoreMixin
from kerasx.backends.numpy.math_ops import MathMixin
from kerasx.backends.numpy.nn_ops import NNMixin
from kerasx.backends.numpy.numpy_ops import NumpyElementwiseMixin
from kerasx.backends.protocol import Backend


class NumpyBackend(CoreMixin, NumpyElementwiseMixin, NumpyArrayMixin, NNMixin, MathMixin, Backend):
    """Inference-only backend computing with NumPy (no gradients, no compilation)."""

    name = "numpy"
    supports_training = False
