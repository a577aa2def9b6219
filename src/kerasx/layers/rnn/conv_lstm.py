"""ConvLSTMCell and the ConvLSTM base: an LSTM whose input and recurrent transforms
are convolutions (Shi et al., 2015).

The fast path folds time into the batch and convolves every step's input in one call
before the loop; each step then runs one ``same``-padded recurrent convolution.
"""

from __future__ import annotations

from typing import Any

from kerasx import activations, constraints, initializers, ops, random, regularizers
from kerasx.backends.common.settings import standardize_data_format
from kerasx.layers.convolutional import conv_utils
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.layers.rnn._helpers import dim, unit_forget_bias_initializer
from kerasx.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasx.layers.rnn.rnn import RNN
from kerasx.saving.serialization import serialize_keras_object

_CELL_ARGS = (
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
    "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout", "seed",
)  # fmt: skip


class ConvLSTMCell(Layer, DropoutRNNCell):
    """One ConvLSTM step over ``rank``-D feature maps; states are ``[h, c]``."""

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        super().__init__(**kwargs)
        if rank > 3:
            raise ValueError(
                f"Rank {rank} convolutions are not currently implemented. Received: rank={rank}"
            )
        self.rank = rank
        self.filters = filters
        self.kernel_size = conv_utils.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_utils.standardize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = conv_utils.standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.dilation_rate = conv_utils.standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please "
                f"provide `strides=1` or `dilation_rate=1`. Received: strides={self.strides} "
                f"and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed=seed)
        self.dropout_mask_count = 4
        self.state_size = -1  # the state is a feature map; see get_initial_state
        self._channel_axis = -1 if self.data_format == "channels_last" else 1

    def build(self, inputs_shape: Any, states_shape: Any = None) -> None:
        shape = tuple(inputs_shape)
        if self.data_format == "channels_first":
            self.spatial_dims = shape[2:]
            input_dim = shape[1]
        else:
            self.spatial_dims = shape[1:-1]
            input_dim = shape[-1]
        if None in self.spatial_dims:
            raise ValueError(
                "ConvLSTM layers only support static input shapes for the spatial dimension. "
                f"Received invalid input shape: input_shape={shape}"
            )
        if input_dim is None:
            raise ValueError(
                "The channel dimension of the inputs (last axis) should be defined. Found None. "
                f"Full input shape received: input_shape={shape}"
            )
        self.input_dim = int(input_dim)
        self.kernel = self.add_weight(
            shape=(*self.kernel_size, self.input_dim, self.filters * 4),
            initializer=self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(*self.kernel_size, self.filters, self.filters * 4),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            bias_init = (
                unit_forget_bias_initializer(self.bias_initializer, self.filters)
                if self.unit_forget_bias
                else self.bias_initializer
            )
            self.bias = self.add_weight(
                shape=(self.filters * 4,),
                name="bias",
                initializer=bias_init,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    # ------------------------------------------------------------- maths
    def _conv(self, x: Any, kernel: Any, recurrent: bool) -> Any:
        if recurrent:
            return ops.conv(x, kernel, strides=1, padding="same", data_format=self.data_format)
        return ops.conv(
            x,
            kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def _gated_conv(self, x: Any, kernel: Any, masks: Any, recurrent: bool) -> Any:
        """Convolution with all four gates' kernels (per-gate masked inputs if given)."""
        if masks is None:
            return self._conv(x, kernel, recurrent)
        blocks = ops.split(kernel, 4, axis=-1)
        parts = [self._conv(ops.multiply(x, m), k, recurrent) for m, k in zip(masks, blocks)]
        return ops.concatenate(parts, axis=self._channel_axis)

    def _add_bias(self, z: Any) -> Any:
        if self.bias is None:
            return z
        if self.data_format == "channels_last":
            return ops.add(z, self.bias)
        return ops.add(z, ops.reshape(self.bias, (self.filters * 4,) + (1,) * self.rank))

    def _has_fast_path(self) -> bool:
        return type(self).call is ConvLSTMCell.call

    def _project_inputs(self, inputs: Any, training: Any = False) -> Any:
        """Input convolution (plus bias) of one step, or of a time-major sequence."""
        sequence = len(ops.shape(inputs)) == self.rank + 3
        step = inputs[0] if sequence else inputs
        masks = None
        if training and 0.0 < self.dropout < 1.0:
            masks = self.get_dropout_mask(step)
        if not sequence:
            return self._add_bias(self._gated_conv(inputs, self.kernel, masks, False))
        steps = dim(inputs, 0)
        inner = tuple(ops.shape(inputs))[2:]

        def fold(x: Any) -> Any:
            return ops.reshape(x, (-1, *inner))

        if masks is None:
            z = self._conv(fold(inputs), self.kernel, False)
        else:
            blocks = ops.split(self.kernel, 4, axis=-1)
            z = ops.concatenate(
                [
                    self._conv(fold(ops.multiply(inputs, m)), k, False)
                    for m, k in zip(masks, blocks)
                ],
                axis=self._channel_axis,
            )
        z = self._add_bias(z)
        return ops.reshape(z, (steps, -1, *tuple(ops.shape(z))[1:]))

    def _recurrent_step(self, projected: Any, states: Any, training: Any = False) -> Any:
        h_prev, c_prev = states[0], states[1]
        masks = None
        if training and 0.0 < self.recurrent_dropout < 1.0:
            masks = self.get_recurrent_dropout_mask(h_prev)
        z = ops.add(projected, self._gated_conv(h_prev, self.recurrent_kernel, masks, True))
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=self._channel_axis)
        act, rec_act = self.activation, self.recurrent_activation
        c = ops.add(ops.multiply(rec_act(z_f), c_prev), ops.multiply(rec_act(z_i), act(z_c)))
        h = ops.multiply(rec_act(z_o), act(c))
        return h, [h, c]

    def call(self, inputs: Any, states: Any, training: Any = False) -> Any:
        return self._recurrent_step(self._project_inputs(inputs, training), states, training)

    # ------------------------------------------------------------- shapes
    def compute_output_shape(self, inputs_shape: Any, states_shape: Any = None) -> Any:
        out = conv_utils.conv_output_shape(
            self.name,
            tuple(inputs_shape),
            self.filters,
            self.kernel_size,
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )
        return out, [out, out]

    def get_initial_state(self, batch_size: Any = None) -> list[Any]:
        if self.data_format == "channels_last":
            in_shape = (None, *self.spatial_dims, self.input_dim)
        else:
            in_shape = (None, self.input_dim, *self.spatial_dims)
        state_shape = (batch_size, *self.compute_output_shape(in_shape)[0][1:])
        return [
            ops.zeros(state_shape, dtype=self.compute_dtype),
            ops.zeros(state_shape, dtype=self.compute_dtype),
        ]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(cell_config(self))
        return config


def cell_config(cell: ConvLSTMCell) -> dict[str, Any]:
    """The cell's constructor arguments, serialized as Keras 3 stores them."""
    return {
        "filters": cell.filters,
        "kernel_size": cell.kernel_size,
        "strides": cell.strides,
        "padding": cell.padding,
        "data_format": cell.data_format,
        "dilation_rate": cell.dilation_rate,
        "activation": activations.serialize(cell.activation),
        "recurrent_activation": activations.serialize(cell.recurrent_activation),
        "use_bias": cell.use_bias,
        "kernel_initializer": serialize_keras_object(cell.kernel_initializer),
        "recurrent_initializer": serialize_keras_object(cell.recurrent_initializer),
        "bias_initializer": serialize_keras_object(cell.bias_initializer),
        "unit_forget_bias": cell.unit_forget_bias,
        "kernel_regularizer": serialize_keras_object(cell.kernel_regularizer),
        "recurrent_regularizer": serialize_keras_object(cell.recurrent_regularizer),
        "bias_regularizer": serialize_keras_object(cell.bias_regularizer),
        "kernel_constraint": serialize_keras_object(cell.kernel_constraint),
        "recurrent_constraint": serialize_keras_object(cell.recurrent_constraint),
        "bias_constraint": serialize_keras_object(cell.bias_constraint),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
        "seed": cell.seed,
    }


class ConvLSTM(RNN):
    """Base of ConvLSTM1D/2D/3D: an RNN over a :class:`ConvLSTMCell`."""

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        **kwargs: Any,
    ) -> None:
        args = locals()
        cell = ConvLSTMCell(
            rank=rank,
            name="conv_lstm_cell",
            dtype=kwargs.get("dtype"),
            **{name: args[name] for name in _CELL_ARGS},
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=rank + 3)

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        batch, steps = sequences_shape[0], sequences_shape[1]
        step_shape = (batch, *tuple(sequences_shape)[2:])
        state_shape = tuple(self.cell.compute_output_shape(step_shape)[0][1:])
        if self.return_sequences:
            output_shape = (batch, steps, *state_shape)
        else:
            output_shape = (batch, *state_shape)
        if self.return_state:
            return output_shape, (batch, *state_shape), (batch, *state_shape)
        return output_shape

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, None, None]
        return output_mask

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["cell"]
        config.update(cell_config(self.cell))
        config["activity_regularizer"] = serialize_keras_object(self.activity_regularizer)
        return config


def _cell_property(name: str) -> property:
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")


for _name in _CELL_ARGS:
    if _name != "seed":
        setattr(ConvLSTM, _name, _cell_property(_name))
del _name
