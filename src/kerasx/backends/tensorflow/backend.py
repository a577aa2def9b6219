"""Assembly of the TensorFlow adapter from its mixins."""

from __future__ import annotations

from kerasx.backends.protocol import Backend
from kerasx.backends.tensorflow.array_ops import ArrayMixin
from kerasx.backends.tensorflow.core import CoreMixin
from kerasx.backends.tensorflow.math_ops import MathMixin
from kerasx.backends.tensorflow.nn_ops import NNMixin
from kerasx.backends.tensorflow.numpy_ops import NumpyMixin


class TensorFlowBackend(CoreMixin, NumpyMixin, ArrayMixin, NNMixin, MathMixin, Backend):
    """kerasx on TensorFlow: tf.Tensor values, tf.Variable storage, GradientTape."""

    name = "tensorflow"
    supports_training = True
    compile_eager_calls = True
