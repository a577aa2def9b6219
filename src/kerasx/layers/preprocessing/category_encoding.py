"""CategoryEncoding: integer ids to one-hot, multi-hot or count vectors.

``encode_categorical`` is shared with Discretization (same output modes, same shape
rules as Keras 3: ``one_hot`` drops a trailing axis of size 1, ``multi_hot`` and
``count`` reduce over axis 1 of batched inputs).  Outputs are dense (``sparse=False``).
"""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export


def encode_categorical(
    inputs: Any, output_mode: str, depth: int, dtype: str, count_weights: Any = None
) -> Any:
    """Encode integer ``inputs`` in ``[0, depth)``; ids outside that range encode to zeros."""
    if output_mode == "int":
        return ops.cast(inputs, dtype)
    inputs = ops.convert_to_tensor(inputs)
    if len(ops.shape(inputs)) == 0:
        inputs = ops.expand_dims(inputs, -1)
    inputs = ops.cast(inputs, "int32")
    shape = tuple(ops.shape(inputs))
    rank = len(shape)
    if output_mode == "one_hot":
        if rank > 1 and shape[-1] == 1:
            inputs = ops.reshape(inputs, shape[:-1])
        return ops.one_hot(inputs, depth, dtype=dtype)
    axis = 1 if rank > 1 else 0
    encoded = ops.one_hot(inputs, depth, dtype=dtype)
    if output_mode == "multi_hot":
        return ops.max(encoded, axis=axis)
    if count_weights is not None:
        encoded = ops.multiply(encoded, ops.expand_dims(ops.cast(count_weights, dtype), -1))
    return ops.sum(encoded, axis=axis)


@keras_export("keras.layers.CategoryEncoding")
class CategoryEncoding(Layer):
    """Encode integer features as dense ``num_tokens``-long vectors.

    Args:
        num_tokens: number of distinct ids; inputs must lie in ``[0, num_tokens)``.
        output_mode: ``"one_hot"`` (one vector per id), ``"multi_hot"`` (1 for each id
            present in a sample) or ``"count"`` (how often each id occurs, optionally
            weighted by ``count_weights`` in ``call``).
        sparse: only ``False`` is supported by kerasx.
    """

    def __init__(
        self,
        num_tokens: int | None = None,
        output_mode: str = "multi_hot",
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not "
                "known beforehand, use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise NotImplementedError("CategoryEncoding(sparse=True) is not supported by kerasx.")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.autocast = False
        self.built = True

    def call(self, inputs: Any, count_weights: Any = None) -> Any:
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(
                "`count_weights` is not used when `output_mode` is not `'count'`. "
                f"Received `count_weights={count_weights}`."
            )
        return encode_categorical(
            inputs, self.output_mode, self.num_tokens, self.compute_dtype, count_weights
        )

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_tokens,)
        if self.output_mode == "one_hot":
            if input_shape[-1] != 1 or len(input_shape) == 1:
                return input_shape + (self.num_tokens,)
            return input_shape[:-1] + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config
