"""SimpleRNNCell and SimpleRNN: ``h_t = activation(x_t @ W + b + h_{t-1} @ U)``."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.rnn._helpers import is_nested
from kerasx.layers.rnn.cell_base import DenseRNNCellBase
from kerasx.layers.rnn.rnn import RNN
from kerasx.layers.rnn.rnn_args import RecurrentLayerArgs
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.SimpleRNNCell")
class SimpleRNNCell(DenseRNNCellBase):
    """One step of a fully-connected RNN (state = output)."""

    _gates = 1

    def __init__(self, units: int, **kwargs: Any) -> None:
        super().__init__(units, **kwargs)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        input_dim = self._check_input_dim(input_shape)
        self._add_cell_weights(input_dim, (self.units,), self.bias_initializer)
        self.built = True

    def _recurrent_step(self, projected: Any, states: Any, training: Any = False) -> Any:
        prev = states[0] if is_nested(states) else states
        masks = self._recurrent_masks(prev, training)
        if masks is not None:
            prev = ops.multiply(prev, masks)
        output = self.activation(ops.add(projected, ops.matmul(prev, self.recurrent_kernel)))
        return output, ([output] if is_nested(states) else output)


@keras_export("keras.layers.SimpleRNN")
class SimpleRNN(RecurrentLayerArgs, RNN):
    """Fully-connected RNN whose output is fed back as the next step's state."""

    _cell_class = SimpleRNNCell
    _cell_name = "simple_rnn_cell"
    _cell_arg_names = (
        "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
        "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
        "recurrent_dropout", "seed",
    )  # fmt: skip

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        cell = self._make_cell(units, locals(), kwargs)
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=3)
