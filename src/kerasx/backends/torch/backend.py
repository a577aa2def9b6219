"""The assembled PyTorch backend class."""

from __future__ import annotations

from kerasx.backends.protocol import Backend
from kerasx.backends.torch.core import CoreMixin
from kerasx.backends.torch.fused_optimizers import FusedOptimizerMixin
from kerasx.backends.torch.fused_rnn import FusedRNNMixin
from kerasx.backends.torch.math_ops import MathMixin
from kerasx.backends.torch.nn_ops import NNMixin
from kerasx.backends.torch.numpy_more import NumpyMoreMixin
from kerasx.backends.torch.numpy_ops import NumpyMixin
from kerasx.backends.torch.training import TrainingMixin


class TorchBackend(
    TrainingMixin,
    FusedOptimizerMixin,
    FusedRNNMixin,
    CoreMixin,
    NumpyMixin,
    NumpyMoreMixin,
    NNMixin,
    MathMixin,
    Backend,
):
    """Keras-3 semantics over torch tensors, autograd and torch.nn.functional."""

    name = "torch"
    supports_training = True
