"""Assembly of the JAX adapter's mixins into the concrete backend class."""

from __future__ import annotations

from kerasx.backends.jax.core import CoreMixin
from kerasx.backends.jax.math_ops import MathMixin
from kerasx.backends.jax.nn_ops import NNMixin
from kerasx.backends.jax.numpy_array import ArrayMixin
from kerasx.backends.jax.numpy_ops import NumpyMixin
from kerasx.backends.protocol import Backend


class JaxBackend(CoreMixin, NumpyMixin, ArrayMixin, NNMixin, MathMixin, Backend):
    """kerasx on JAX."""

    name = "jax"
