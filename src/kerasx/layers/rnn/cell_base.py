"""The shared body of the built-in dense cells (SimpleRNNCell, LSTMCell, GRUCell).

Each cell is split into two halves so the RNN can hoist work out of the time loop:

* ``_project_inputs(x)``: ``x @ kernel + input_bias`` (input dropout applied), for one
  step or for every step of a time-major sequence at once (one matmul);
* ``_recurrent_step(projected_x_t, states)``: the per-step remainder (one matmul with
  the recurrent kernel plus elementwise gate maths).

``call`` composes the two, so the cell still works step by step like any Keras cell.
A subclass that overrides ``call`` turns the fast path off.
"""

from __future__ import annotations

from typing import Any

from kerasx import activations, constraints, initializers, ops, random, regularizers
from kerasx.layers.layer import Layer
from kerasx.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasx.saving.serialization import serialize_keras_object


class DenseRNNCellBase(Layer, DropoutRNNCell):
    """Argument handling, weights, dropout and config shared by the dense cells.

    Subclasses set ``_gates`` (blocks of ``units`` columns in the kernels) and implement
    ``_recurrent_step``.
    """

    _gates = 1

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
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                "Received an invalid value for argument `units`, expected a positive integer, "
                f"got {units}."
            )
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
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

    # ---------------------------------------------------------------- weights
    def _add_cell_weights(self, input_dim: int, bias_shape: Any, bias_initializer: Any) -> None:
        width = self.units * self._gates
        self.kernel = self.add_weight(
            shape=(input_dim, width),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = (
            self.add_weight(
                shape=bias_shape,
                name="bias",
                initializer=bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.use_bias
            else None
        )

    def _check_input_dim(self, input_shape: Any) -> int:
        input_dim = tuple(input_shape)[-1]
        if input_dim is None:
            raise ValueError(
                f"The last dimension of the inputs to layer '{self.name}' should be defined. "
                f"Found None. Full input shape received: {tuple(input_shape)}"
            )
        return int(input_dim)

    def _input_bias(self) -> Any:
        return self.bias

    # ------------------------------------------------------------- fast path
    def _has_fast_path(self) -> bool:
        return type(self).call is DenseRNNCellBase.call

    def _project_inputs(self, inputs: Any, training: Any = False) -> Any:
        """``inputs @ kernel + input_bias`` over the last axis, with input dropout."""
        kernel = self.kernel
        masks = None
        if training and 0.0 < self.dropout < 1.0:
            step = inputs if len(ops.shape(inputs)) == 2 else inputs[0]
            masks = self.get_dropout_mask(step)
        if masks is None:
            z = ops.matmul(inputs, kernel)
        elif isinstance(masks, list):
            blocks = ops.split(kernel, self._gates, axis=1)
            z = ops.concatenate(
                [ops.matmul(ops.multiply(inputs, m), k) for m, k in zip(masks, blocks)], axis=-1
            )
        else:
            z = ops.matmul(ops.multiply(inputs, masks), kernel)
        bias = self._input_bias()
        return z if bias is None else ops.add(z, bias)

    def _recurrent_masks(self, h: Any, training: Any) -> Any:
        if training and 0.0 < self.recurrent_dropout < 1.0:
            return self.get_recurrent_dropout_mask(h)
        return None

    def _recurrent_step(self, projected: Any, states: Any, training: Any = False) -> Any:
        raise NotImplementedError

    def call(self, inputs: Any, states: Any, training: Any = False) -> Any:
        return self._recurrent_step(self._project_inputs(inputs, training), states, training)

    # ---------------------------------------------------------------- config
    def get_initial_state(self, batch_size: Any = None) -> list[Any]:
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in sizes]

    def _cell_config(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "recurrent_initializer": serialize_keras_object(self.recurrent_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "recurrent_regularizer": serialize_keras_object(self.recurrent_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
            "recurrent_constraint": serialize_keras_object(self.recurrent_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(self._cell_config())
        return config


def split_matmul(h: Any, kernel: Any, masks: Any, gates: int) -> Any:
    """``h @ kernel`` with per-gate state-dropout masks (one matmul per gate)."""
    if not isinstance(masks, list):
        return ops.matmul(ops.multiply(h, masks), kernel)
    blocks = ops.split(kernel, gates, axis=1)
    return ops.concatenate(
        [ops.matmul(ops.multiply(h, m), k) for m, k in zip(masks, blocks)], axis=-1
    )
