"""RNN: run a recurrent cell over the time axis of a batch of sequences.

The layer owns the parts every recurrent layer shares: initial and stateful states,
masks, dropout-mask bookkeeping, ``return_sequences`` / ``return_state`` /
``go_backwards``, and the choice of loop.  Built-in cells also expose a fast path:
the input projection of *all* time steps is computed with one matmul (or one
convolution) before the loop, so each step only multiplies the state by the recurrent
kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import _backend, config, ops
from kerasx.backends.protocol import Backend
from kerasx.engine.operation import tree_flatten, tree_unflatten
from kerasx.engine.variable import Variable
from kerasx.layers.layer import Layer
from kerasx.layers.rnn._helpers import build_sublayer, flatten, is_nested, swap_batch_time
from kerasx.layers.rnn.cell_base import DenseRNNCellBase
from kerasx.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kerasx.layers.rnn.loop import rnn_loop
from kerasx.layers.rnn.stacked_rnn_cells import StackedRNNCells, has_fast_path
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object


@keras_export("keras.layers.RNN")
class RNN(Layer):
    """Base recurrent layer: loops ``cell`` (or a list of cells, stacked) over time.

    Args:
        cell: an RNN cell (with ``call(inputs, states)`` and ``state_size``) or a list
            of cells, wrapped in :class:`StackedRNNCells`.
        return_sequences: return every step's output, not only the last.
        return_state: also return the final states.
        go_backwards: process the sequence in reverse (outputs in processing order).
        stateful: carry the final states of a batch into the next batch.
        unroll: write the time loop out in Python (short, fixed-length sequences).
        zero_output_for_mask: masked steps output zeros instead of the previous output.
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (an integer or a list of "
                f"integers, one per state). Received: cell={cell}"
            )
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "state_size must be an integer, or a list/tuple of integers (one for each "
                f"state tensor). Received: state_size={state_size}"
            )
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = None
        self._state_variables: list[Variable] | None = None
        self._state_structure: Any = None
        self._expected_batch_size: int | None = None
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    # ---------------------------------------------------------------- shapes
    def compute_output_shape(
        self, sequences_shape: Sequence[int | None], initial_state_shape: Any = None
    ) -> Any:
        batch, steps = sequences_shape[0], sequences_shape[1]
        states_shape: list[Any] = []
        for size in self.state_size:
            if isinstance(size, int):
                states_shape.append((batch, size))
            else:
                states_shape.append([(batch, s) for s in size])
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError(f"output_size must be an integer. Received: {output_size}")
        output_shape = (
            (batch, steps, output_size) if self.return_sequences else (batch, output_size)
        )
        if self.return_state:
            return (output_shape, *states_shape)
        return output_shape

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if is_nested(mask):
            mask = flatten(mask)[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    def build(self, sequences_shape: Sequence[int | None], initial_state_shape: Any = None) -> None:
        step_shape = (sequences_shape[0], *tuple(sequences_shape)[2:])
        if isinstance(self.cell, Layer):
            build_sublayer(self.cell, step_shape)
        if self.stateful:
            if self._state_variables is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError(
                        "When using `stateful=True` in a RNN, the batch size must be static. "
                        f"Found dynamic batch size: sequence.shape={tuple(sequences_shape)}"
                    )
                self._create_state_variables(int(sequences_shape[0]))
        self.built = True

    # ---------------------------------------------------------------- states
    def _create_state_variables(self, batch_size: int) -> None:
        initial = self.get_initial_state(batch_size)
        leaves, self._state_structure = tree_flatten(initial)
        # Kept out of `weights` (as in Keras): states are not saved with the model.
        self._state_variables = [
            Variable(v, dtype=self.variable_dtype, trainable=False, name="rnn_state")
            for v in leaves
        ]
        self._expected_batch_size = batch_size

    @property
    def states(self) -> Any:
        if self._state_variables is None:
            return None
        return tree_unflatten(self._state_structure, list(self._state_variables))

    def get_initial_state(self, batch_size: Any) -> list[Any]:
        """Zero states for ``batch_size`` sequences (or the cell's own initial state)."""
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            init = fn(batch_size=batch_size)
            return list(init) if is_nested(init) else [init]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        return [ops.zeros((batch_size, d), dtype=dtype) for d in self.state_size]

    def _zero_states_like(self, sequences: Any) -> Any:
        """Initial states for a batch of unknown static size (e.g. TF graphs with a
        relaxed batch dimension): the batch-1 initial state broadcast over the batch."""
        template = self.get_initial_state(1)
        column = sequences
        while len(ops.shape(column)) > 1:
            column = ops.take(column, 0, axis=-1)
        column = ops.zeros_like(column)
        leaves, structure = tree_flatten(template)
        out = []
        for s in leaves:
            rank = len(ops.shape(s))
            zeros = ops.reshape(ops.cast(column, ops.dtype(s)), (-1,) + (1,) * (rank - 1))
            out.append(ops.add(zeros, s))
        return tree_unflatten(structure, out)

    def reset_state(self) -> None:
        """Zero the carried states of a stateful RNN."""
        for v in self._state_variables or []:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def reset_states(self) -> None:
        self.reset_state()

    # ---------------------------------------------------------------- calling
    def call(
        self,
        sequences: Any,
        initial_state: Any = None,
        mask: Any = None,
        training: Any = False,
    ) -> Any:
        if is_nested(mask):
            mask = flatten(mask)[0]
        steps = ops.shape(sequences)[1]
        if self.unroll and steps is None:
            raise ValueError(
                "Cannot unroll a RNN if the time dimension is undefined. Specify the time "
                "dimension with the `shape` or `batch_shape` argument of your `Input()`."
            )
        if initial_state is None:
            if self.stateful:
                initial_state = [v.value for v in self._state_variables or []]
                initial_state = tree_unflatten(self._state_structure, initial_state)
            elif ops.shape(sequences)[0] is None:
                initial_state = self._zero_states_like(sequences)
            else:
                initial_state = self.get_initial_state(ops.shape(sequences)[0])
        if not is_nested(initial_state):
            initial_state = [initial_state]
        initial_state = list(initial_state)
        state_dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        leaves, structure = tree_flatten(initial_state)
        initial_state = tree_unflatten(
            structure, [ops.cast(ops.convert_to_tensor(s), state_dtype) for s in leaves]
        )
        if self.stateful:
            self._check_stateful_batch(sequences)

        last_output, outputs, states = self.inner_loop(
            sequences, initial_state, mask=mask, training=training
        )
        last_output = ops.cast(last_output, self.compute_dtype)
        states = tree_unflatten(
            tree_flatten(states)[1],
            [ops.cast(s, self.compute_dtype) for s in flatten(states)],
        )
        if self.stateful:
            for var, value in zip(self._state_variables or [], flatten(states)):
                var.assign(value)
        if self.return_sequences:
            output = ops.cast(outputs, self.compute_dtype)
        else:
            output = last_output
        if self.return_state:
            return (output, *states)
        return output

    def inner_loop(
        self, sequences: Any, initial_state: Any, mask: Any = None, training: Any = False
    ) -> tuple[Any, Any, Any]:
        """Run the cell over batch-major ``sequences``; returns ``(last_output,
        outputs (batch-major, in processing order; None unless return_sequences),
        final_states)``."""
        cell = self.cell
        time_major = swap_batch_time(sequences)
        if mask is not None:
            mask = swap_batch_time(ops.cast(mask, "bool"))
        self._prepare_dropout_masks(cell, time_major, initial_state, training)
        python_loop = self.unroll or _backend_loops_in_python()
        try:
            if has_fast_path(cell) and _hoist_input_projection():
                inputs = cell._project_inputs(time_major, training)

                def step(x_t: Any, states: Any) -> Any:
                    return cell._recurrent_step(x_t, states, training)

            elif has_fast_path(cell):
                inputs = time_major

                def step(x_t: Any, states: Any) -> Any:
                    return cell.call(x_t, states, training=training)

            else:
                inputs = time_major
                use_training = isinstance(cell, Layer) and cell._call_sig.has_training

                def step(x_t: Any, states: Any) -> Any:
                    kwargs = {"training": training} if use_training else {}
                    output, new_states = cell(x_t, states, **kwargs)
                    if not is_nested(new_states):
                        new_states = [new_states]
                    return output, new_states

            last_output, outputs, states = rnn_loop(
                step,
                inputs,
                initial_state,
                mask=mask,
                go_backwards=self.go_backwards,
                unroll=self.unroll,
                zero_output_for_mask=self.zero_output_for_mask,
                return_sequences=self.return_sequences,
                python_loop=python_loop,
                # The built-in dense cells output their first state (h).
                output_in_state=0
                if has_fast_path(cell) and isinstance(cell, DenseRNNCellBase)
                else None,
            )
            if outputs is not None:
                outputs = swap_batch_time(outputs)
            return last_output, outputs, states
        finally:
            _reset_dropout_masks(cell)

    def _check_stateful_batch(self, sequences: Any) -> None:
        if not self.stateful or self._expected_batch_size is None:
            return
        actual = ops.shape(sequences)[0]
        if actual is not None and actual != self._expected_batch_size:
            raise ValueError(
                "If an RNN is stateful, the batch size of the input sequences must be the same "
                f"as the batch size of the initial state.\n- Expected batch size: "
                f"{self._expected_batch_size}\n- Received batch size: {actual}"
            )

    def _prepare_dropout_masks(
        self, cell: Any, time_major: Any, states: Any, training: Any
    ) -> None:
        """Draw dropout masks before the loop so the loop body stays free of random draws."""
        if not training:
            return
        if isinstance(cell, StackedRNNCells):
            step_input = time_major[0]
            for c, s in zip(cell.cells, states):
                if isinstance(c, DropoutRNNCell) and (c.dropout > 0 or c.recurrent_dropout > 0):
                    _prime_cell(c, step_input, s)
                if c is not cell.cells[-1]:
                    s_list = list(s) if is_nested(s) else [s]
                    step_input, _ = c(step_input, s_list, training=False)
        elif isinstance(cell, DropoutRNNCell):
            _prime_cell(cell, time_major[0], states)

    # ---------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
            }
        )
        config["cell"] = serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> RNN:
        config = dict(config)
        if "cell" in config:
            config["cell"] = deserialize_keras_object(config["cell"], custom_objects=custom_objects)
        return super().from_config(config)


def _backend_loops_in_python() -> bool:
    """True when the backend's ``scan`` is the protocol's Python loop (no compiled scan)."""
    return type(_backend.B).scan is Backend.scan


def _hoist_input_projection() -> bool:
    """Whether to project all time steps' inputs before the loop.

    Measured on CPU (LSTM(64), batch 128, 32 steps): hoisting makes the Python loops
    (NumPy; PyTorch without a fused LSTM) faster -- fewer ops per step, one big matmul --
    but XLA's compiled ``lax.scan`` gets about 1.5x slower forward and backward, and a
    TensorFlow ``while_loop`` 6% slower to train and 10% slower to predict (the
    projected sequence is transposed and stored per step), so JAX and TensorFlow keep
    the projection inside the loop body.
    """
    return config.backend() not in ("jax", "tensorflow")


def _prime_cell(cell: Any, step_input: Any, states: Any) -> None:
    first_state = states[0] if is_nested(states) else states
    if cell.dropout > 0:
        cell.get_dropout_mask(step_input)
    if cell.recurrent_dropout > 0:
        cell.get_recurrent_dropout_mask(first_state)


def _reset_dropout_masks(cell: Any) -> None:
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    if isinstance(cell, StackedRNNCells):
        for c in cell.cells:
            _reset_dropout_masks(c)
