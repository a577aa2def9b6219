"""TimeDistributed: apply one layer (shared weights) to every time step."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.layers.layer import Layer
from kerasx.layers.rnn.wrapper import Wrapper
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.TimeDistributed")
class TimeDistributed(Wrapper):
    """Applies ``layer`` to each slice ``inputs[:, t]``.

    As in Keras, the layer is called once per step (so layers that look at the whole
    batch, like BatchNormalization in training, see one step's batch at a time); a
    step mask is passed on to layers that accept one.
    """

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _child_input_shape(self, input_shape: Any) -> tuple[Any, ...]:
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        child = self._child_input_shape(input_shape)
        try:
            out = self.layer.compute_output_shape(child)
        except NotImplementedError:
            out = self.layer.compute_output_spec(KerasTensor(child, self.compute_dtype)).shape
        out = tuple(out)
        return (out[0], input_shape[1], *out[1:])

    def build(self, input_shape: Any) -> None:
        super().build(self._child_input_shape(input_shape))

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        in_shape = ops.shape(inputs)
        if mask is not None:
            m_shape = ops.shape(mask)
            if len(m_shape) < 2:
                raise ValueError(
                    "The `mask` passed to the `TimeDistributed` layer must be at least 2D "
                    f"(e.g., `(batch_size, timesteps)`), but it has {len(m_shape)} "
                    f"dimension(s) with shape {m_shape}."
                )
            if any(
                a is not None and b is not None and a != b
                for a, b in zip(in_shape[:2], m_shape[:2])
            ):
                raise ValueError(
                    f"The `mask` passed to the `TimeDistributed` layer has a shape {m_shape} "
                    f"that is incompatible with the input shape {in_shape}. The first two "
                    "dimensions of the mask (batch size and timesteps) must match the input's "
                    f"first two dimensions. Expected mask shape prefix: ({in_shape[0]}, "
                    f"{in_shape[1]})."
                )
        sig = self.layer._call_sig
        kwargs: dict[str, Any] = {}
        if sig.has_training:
            kwargs["training"] = training
        steps = in_shape[1]
        if steps is None:
            return self._call_merged(inputs, mask, kwargs)
        xs = ops.unstack(inputs, num=steps, axis=1)
        ms = ops.unstack(mask, num=steps, axis=1) if mask is not None and sig.has_mask else None
        outputs = []
        for t in range(steps):
            step_kwargs = dict(kwargs)
            if ms is not None:
                step_kwargs["mask"] = ms[t]
            outputs.append(self.layer(xs[t], **step_kwargs))
        return ops.stack(outputs, axis=1)

    def _call_merged(self, inputs: Any, mask: Any, kwargs: dict[str, Any]) -> Any:
        """Unknown time length (TF graphs): fold time into the batch for one call."""
        batch = ops.shape(inputs)[0]
        rest = tuple(ops.shape(inputs)[2:])
        if mask is not None and self.layer._call_sig.has_mask:
            kwargs["mask"] = ops.reshape(mask, (-1, *tuple(ops.shape(mask)[2:])))
        out = self.layer(ops.reshape(inputs, (-1, *rest)), **kwargs)
        out_rest = tuple(ops.shape(out)[1:])
        if batch is None:
            raise ValueError(
                f"TimeDistributed '{self.name}' needs a static batch size or a static number "
                f"of time steps. Received inputs of shape {ops.shape(inputs)}."
            )
        return ops.reshape(out, (batch, -1, *out_rest))
