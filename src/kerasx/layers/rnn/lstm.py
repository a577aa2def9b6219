"""LSTMCell and LSTM (Hochreiter & Schmidhuber, 1997), gate order i, f, c, o."""

from __future__ import annotations

from typing import Any

from kerasx import _backend, activations, ops
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.rnn._helpers import unit_forget_bias_initializer
from kerasx.layers.rnn.cell_base import DenseRNNCellBase, split_matmul
from kerasx.layers.rnn.rnn import RNN
from kerasx.layers.rnn.rnn_args import RecurrentLayerArgs
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.LSTMCell")
class LSTMCell(DenseRNNCellBase):
    """One LSTM step; states are ``[h, c]`` (output and carry).

    ``unit_forget_bias`` initialises the forget-gate bias to one.  ``recurrent_dropout``
    uses one mask per gate (Keras' ``implementation=1``); input ``dropout`` alone uses
    a single mask.
    """

    _gates = 4

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        implementation = kwargs.pop("implementation", 2)
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        input_dim = self._check_input_dim(input_shape)
        bias_init = (
            unit_forget_bias_initializer(self.bias_initializer, self.units)
            if self.unit_forget_bias
            else self.bias_initializer
        )
        self._add_cell_weights(input_dim, (self.units * 4,), bias_init)
        self.built = True

    def _recurrent_step(self, projected: Any, states: Any, training: Any = False) -> Any:
        h_prev, c_prev = states[0], states[1]
        masks = self._recurrent_masks(h_prev, training)
        if masks is None:
            recurrent = ops.matmul(h_prev, self.recurrent_kernel)
        else:
            recurrent = split_matmul(h_prev, self.recurrent_kernel, masks, 4)
        z_i, z_f, z_c, z_o = ops.split(ops.add(projected, recurrent), 4, axis=-1)
        act, rec_act = self.activation, self.recurrent_activation
        c = ops.add(ops.multiply(rec_act(z_f), c_prev), ops.multiply(rec_act(z_i), act(z_c)))
        h = ops.multiply(rec_act(z_o), act(c))
        return h, [h, c]

    def _cell_config(self) -> dict[str, Any]:
        config = super()._cell_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["unit_forget_bias"] = self.unit_forget_bias
        return config


@keras_export("keras.layers.LSTM")
class LSTM(RecurrentLayerArgs, RNN):
    """Long Short-Term Memory layer; ``use_cudnn`` is accepted for compatibility (the
    loop is the portable one on every backend)."""

    _cell_class = LSTMCell
    _cell_name = "lstm_cell"
    _takes_implementation = True
    _cell_arg_names = (
        "activation", "recurrent_activation", "use_bias", "kernel_initializer",
        "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
        "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
        "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed",
    )  # fmt: skip

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        use_cudnn: Any = "auto",
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
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                "Invalid valid received for argument `use_cudnn`. Expected one of "
                f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}"
            )
        self.use_cudnn = use_cudnn

    def inner_loop(
        self, sequences: Any, initial_state: Any, mask: Any = None, training: Any = False
    ) -> tuple[Any, Any, Any]:
        # A backend may run the whole sequence in one call (PyTorch: torch.lstm) when the
        # cell is the standard one: tanh / sigmoid, no mask, no dropout in this call.
        fused = getattr(_backend.B, "fused_lstm", None)
        cell = self.cell
        if (
            fused is not None
            and mask is None
            and not self.unroll
            and cell.activation is activations.tanh
            and cell.recurrent_activation is activations.sigmoid
            and not (training and (cell.dropout > 0 or cell.recurrent_dropout > 0))
        ):
            bias = cell.bias.value if cell.use_bias else None
            h, c = initial_state[0], initial_state[1]
            out = fused(
                sequences,
                h,
                c,
                cell.kernel.value,
                cell.recurrent_kernel.value,
                bias,
                self.go_backwards,
                self.return_sequences,
            )
            if out is not None:
                return out
        return super().inner_loop(sequences, initial_state, mask=mask, training=training)
