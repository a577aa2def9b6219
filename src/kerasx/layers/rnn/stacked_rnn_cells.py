"""StackedRNNCells: several cells run one after the other within each time step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.layers.layer import Layer
from kerasx.layers.rnn._helpers import build_sublayer, flatten, is_nested
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object


def has_fast_path(cell: Any) -> bool:
    """True when ``cell`` can project all time steps' inputs before the loop."""
    check = getattr(cell, "_has_fast_path", None)
    return bool(check()) if callable(check) else False


def _output_dim(cell: Any) -> Any:
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state = cell.state_size
    return state[0] if isinstance(state, (list, tuple)) else state


@keras_export("keras.layers.StackedRNNCells")
class StackedRNNCells(Layer):
    """Wraps a list of cells so an RNN runs them as one (deep) cell.

    The output of each cell is the input of the next; the states are one entry per
    cell, in order.
    """

    def __init__(self, cells: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError(
                    f"All cells must have a `call` method. Received cell without a `call` method: {cell}"
                )
            if getattr(cell, "state_size", None) is None:
                raise ValueError(
                    f"All cells must have a `state_size` attribute. Received cell without a `state_size`: {cell}"
                )
        self.cells = list(cells)

    @property
    def state_size(self) -> list[Any]:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> Any:
        return _output_dim(self.cells[-1])

    def get_initial_state(self, batch_size: Any = None) -> list[Any]:
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(ops.zeros((batch_size, cell.state_size), dtype=self.compute_dtype))
            else:
                states.append(
                    [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in cell.state_size]
                )
        return states

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer):
                build_sublayer(cell, shape)
            shape = (flatten(shape)[0], _output_dim(cell))
        self.built = True

    def _run(self, inputs: Any, states: Any, training: Any, projected: bool) -> tuple[Any, Any]:
        new_states = []
        for i, (cell, cell_states) in enumerate(zip(self.cells, states)):
            was_list = is_nested(cell_states)
            cell_states = list(cell_states) if was_list else [cell_states]
            if i == 0 and projected:
                inputs, cell_states = cell._recurrent_step(inputs, cell_states, training)
            elif has_fast_path(cell):
                inputs, cell_states = cell.call(inputs, cell_states, training=training)
            elif isinstance(cell, Layer) and cell._call_sig.has_training:
                inputs, cell_states = cell(inputs, cell_states, training=training)
            else:
                inputs, cell_states = cell(inputs, cell_states)
            if not is_nested(cell_states):
                cell_states = [cell_states]
            if len(cell_states) == 1 and not was_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def call(self, inputs: Any, states: Any, training: Any = False) -> tuple[Any, Any]:
        return self._run(inputs, states, training, projected=False)

    # Fast path: the first cell projects all time steps before the loop.
    def _has_fast_path(self) -> bool:
        return type(self).call is StackedRNNCells.call and has_fast_path(self.cells[0])

    def _project_inputs(self, inputs: Any, training: Any) -> Any:
        return self.cells[0]._project_inputs(inputs, training)

    def _recurrent_step(self, projected: Any, states: Any, training: Any) -> tuple[Any, Any]:
        output, new_states = self._run(projected, states, training, projected=True)
        return output, new_states if is_nested(new_states) else [new_states]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["cells"] = [serialize_keras_object(c) for c in self.cells]
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> StackedRNNCells:
        config = dict(config)
        cells = [
            deserialize_keras_object(c, custom_objects=custom_objects) for c in config.pop("cells")
        ]
        return super().from_config({**config, "cells": cells})
