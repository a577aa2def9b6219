"""GRUCell and GRU (Cho et al., 2014), gate order z (update), r (reset), h (candidate).

``reset_after=True`` (the Keras 3 / cuDNN default) applies the reset gate after the
recurrent matmul and keeps separate input and recurrent biases (``bias`` has shape
``(2, 3 * units)``); ``reset_after=False`` applies it before, with one bias row.
"""

from __future__ import annotations

from typing import Any

from kerasx import activations, ops
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.rnn._helpers import is_nested
from kerasx.layers.rnn.cell_base import DenseRNNCellBase, split_matmul
from kerasx.layers.rnn.rnn import RNN
from kerasx.layers.rnn.rnn_args import RecurrentLayerArgs
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.GRUCell")
class GRUCell(DenseRNNCellBase):
    """One GRU step; the single state is the output."""

    _gates = 3

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        reset_after: bool = True,
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
        self.reset_after = reset_after
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 3
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        input_dim = self._check_input_dim(input_shape)
        bias_shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._add_cell_weights(input_dim, bias_shape, self.bias_initializer)
        self.built = True

    def _input_bias(self) -> Any:
        if self.bias is None or not self.reset_after:
            return self.bias
        return ops.take(self.bias, 0, axis=0)

    def _recurrent_step(self, projected: Any, states: Any, training: Any = False) -> Any:
        h_prev = states[0] if is_nested(states) else states
        units = self.units
        masks = self._recurrent_masks(h_prev, training)
        if masks is not None and not isinstance(masks, list):
            masks = [masks] * 3
        x_z, x_r, x_h = ops.split(projected, 3, axis=-1)
        rk = self.recurrent_kernel
        rec_act = self.recurrent_activation
        if self.reset_after:
            if masks is None:
                inner = ops.matmul(h_prev, rk)
            else:
                inner = split_matmul(h_prev, rk, masks, 3)
            if self.bias is not None:
                inner = ops.add(inner, ops.take(self.bias, 1, axis=0))
            r_z, r_r, r_h = ops.split(inner, 3, axis=-1)
            z = rec_act(ops.add(x_z, r_z))
            r = rec_act(ops.add(x_r, r_r))
            candidate = self.activation(ops.add(x_h, ops.multiply(r, r_h)))
        else:
            rk_zr, rk_h = ops.split(rk, [2 * units], axis=1)
            if masks is None:
                inner = ops.matmul(h_prev, rk_zr)
                h_for_candidate = h_prev
            else:
                inner = split_matmul(h_prev, rk_zr, masks[:2], 2)
                h_for_candidate = ops.multiply(h_prev, masks[2])
            r_z, r_r = ops.split(inner, 2, axis=-1)
            z = rec_act(ops.add(x_z, r_z))
            r = rec_act(ops.add(x_r, r_r))
            candidate = self.activation(
                ops.add(x_h, ops.matmul(ops.multiply(r, h_for_candidate), rk_h))
            )
        h = ops.add(ops.multiply(z, h_prev), ops.multiply(ops.subtract(1.0, z), candidate))
        return h, ([h] if is_nested(states) else h)

    def _cell_config(self) -> dict[str, Any]:
        config = super()._cell_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["reset_after"] = self.reset_after
        return config


@keras_export("keras.layers.GRU")
class GRU(RecurrentLayerArgs, RNN):
    """Gated Recurrent Unit layer; ``use_cudnn`` is accepted for compatibility."""

    _cell_class = GRUCell
    _cell_name = "gru_cell"
    _takes_implementation = True
    _cell_arg_names = (
        "activation", "recurrent_activation", "use_bias", "kernel_initializer",
        "recurrent_initializer", "bias_initializer", "kernel_regularizer",
        "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
        "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
        "reset_after", "seed",
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
        reset_after: bool = True,
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
