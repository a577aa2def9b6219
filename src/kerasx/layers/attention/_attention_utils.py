"""Helpers shared by the multi-head attention layers.

MultiHeadAttention and GroupQueryAttention build the same kinds of masks (padding,
causal, sliding window) and the same einsum projections; keeping that here means the
two layers agree on every mask convention (``True`` = may attend) and on kernel shapes,
which must match Keras 3 for weights to move between the libraries.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Sequence
from typing import Any

from kerasx import ops

Shape = tuple[int | None, ...]
_LETTERS = string.ascii_lowercase


def static_shape(x: Any) -> Shape:
    """The shape of a tensor, array or KerasTensor as a tuple (None = unknown)."""
    return tuple(None if d is None else int(d) for d in x.shape)


def projection_equation(free_dims: int, bound_dims: int, output_dims: int) -> tuple[str, str, int]:
    """Einsum equation of a projection: ``free`` axes pass through, ``bound`` axes are
    contracted with the kernel and ``output`` axes come from it.

    Returns ``(equation, bias_axes, output_rank)``; the bias spans the new axes.
    """
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims : free_dims + bound_dims]
    new = _LETTERS[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{new}->{free}{new}", new, free_dims + output_dims


def partial_output_shape(output_rank: int, last_dims: Sequence[int]) -> list[int | None]:
    """EinsumDense ``output_shape``: unknown leading axes, then the known last ones."""
    return [None] * (output_rank - len(last_dims)) + list(last_dims)


def attention_equations(rank: int, attn_axes: Sequence[int]) -> tuple[str, str, int]:
    """Equations for scores = key . query and output = scores . value.

    Tensors are projected to ``(batch..., heads, dim)`` of ``rank`` axes; ``attn_axes``
    are the axes attended over.  Every other axis except the last is a batch axis of
    the scores, which are laid out as ``(batch axes, query attn axes, key attn axes)``.
    Returns ``(dot_product_equation, combine_equation, scores_rank)``.
    """
    target = _LETTERS[:rank]
    batch = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source = list(target)
    extra = iter(_LETTERS[rank:])
    for i in attn_axes:
        source[i] = next(extra)
    src = "".join(source)
    product = (
        "".join(target[i] for i in batch)
        + "".join(target[i] for i in attn_axes)
        + "".join(source[i] for i in attn_axes)
    )
    return f"{src},{target}->{product}", f"{product},{src}->{target}", len(product)


def causal_mask(q_len: Any, v_len: Any) -> Any:
    """``(1, q_len, v_len)`` boolean mask letting query ``i`` see keys ``j <= i``."""
    rows = ops.reshape(ops.arange(q_len, dtype="int32"), (1, -1, 1))
    cols = ops.reshape(ops.arange(v_len, dtype="int32"), (1, 1, -1))
    return ops.greater_equal(rows, cols)


def sliding_window_mask(q_len: Any, v_len: Any, window: int) -> Any:
    """``(1, q_len, v_len)`` boolean mask keeping keys less than ``window`` steps away."""
    rows = ops.reshape(ops.arange(q_len, dtype="int32"), (1, -1, 1))
    cols = ops.reshape(ops.arange(v_len, dtype="int32"), (1, 1, -1))
    return ops.less(ops.abs(ops.subtract(rows, cols)), window)


def _and(a: Any, b: Any) -> Any:
    return b if a is None else ops.logical_and(a, b)


def combined_attention_mask(
    query: Any,
    value: Any,
    query_mask: Any = None,
    value_mask: Any = None,
    key_mask: Any = None,
    attention_mask: Any = None,
    use_causal_mask: bool = False,
    sliding_window: int | None = None,
) -> Any:
    """One boolean ``(batch, Tq, Tv)``-broadcastable mask from all mask sources.

    Padding masks are per step (``(B, T)``); they are expanded so a masked query row
    or a masked key column is excluded.  None when nothing masks anything.
    """
    auto = None
    if query_mask is not None:
        auto = ops.expand_dims(ops.cast(query_mask, "bool"), -1)
    for m in (value_mask, key_mask):
        if m is not None:
            auto = _and(auto, ops.expand_dims(ops.cast(m, "bool"), -2))
    q_len, v_len = ops.shape(query)[1], ops.shape(value)[1]
    if use_causal_mask:
        auto = _and(auto, causal_mask(q_len, v_len))
    if sliding_window is not None:
        auto = _and(auto, sliding_window_mask(q_len, v_len, sliding_window))
    if attention_mask is not None:
        attention_mask = ops.cast(attention_mask, "bool")
    if auto is None:
        return attention_mask
    return auto if attention_mask is None else ops.logical_and(attention_mask, auto)


def expand_mask_to(mask: Any, rank: int, axis: int) -> Any:
    """Insert size-1 axes at ``axis`` until ``mask`` has ``rank`` axes (heads etc.)."""
    for _ in range(rank - len(mask.shape)):
        mask = ops.expand_dims(mask, axis=axis)
    return mask


def clone_initializer(initializer: Any) -> Any:
    """A fresh initializer with the same config, so sublayers do not share state."""
    return type(initializer).from_config(initializer.get_config())


def check_key_value_shapes(layer: Any, value_shape: Shape, key_shape: Shape) -> None:
    """``key`` and ``value`` describe the same positions: all axes but the last agree."""
    if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
        raise ValueError(
            f"Layer '{layer.name}' ({type(layer).__name__}): all dimensions of `value` and "
            "`key`, except the last one, must be equal. Received: "
            f"value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}"
        )


def check_called_shapes(layer: Any, built: dict[str, Any] | None, **shapes: Shape) -> None:
    """Each input's rank and last dimension must match what the layer was built for."""
    if not built:
        return
    for name, shape in shapes.items():
        want = built.get(f"{name}_shape")
        if want is None or shape is None:
            continue
        want = tuple(want)
        if len(want) != len(shape) or (
            want[-1] is not None and shape[-1] is not None and want[-1] != shape[-1]
        ):
            raise ValueError(
                f"Layer '{layer.name}' ({type(layer).__name__}) was built for `{name}` of "
                f"shape {want}, but was called with `{name}` of incompatible shape "
                f"{tuple(shape)} (the rank and last dimension must match). Received: "
                + ", ".join(f"{k}.shape={tuple(v)}" for k, v in shapes.items() if v is not None)
            )


def qkv_build_shapes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``{query_shape, value_shape[, key_shape]}`` of a call, however the tensors were
    passed; masks are not build inputs (Keras 3 ``shapes_dict`` layout)."""
    names = ("query", "value", "key")
    shapes: dict[str, Any] = {}
    for name, value in zip(names, args):
        if value is not None:
            shapes[f"{name}_shape"] = static_shape(value)
    for name in names:
        if kwargs.get(name) is not None:
            shapes[f"{name}_shape"] = static_shape(kwargs[name])
    return shapes


def layers_in_order(layer: Any, attrs: Sequence[str], others: Iterator[Any]) -> Iterator[Any]:
    """Sublayers held in (private) ``attrs`` first, in that order, then ``others``;
    each once.  Keeps ``weights`` in Keras 3 creation order."""
    seen: set[int] = set()
    for attr in attrs:
        sub = getattr(layer, attr, None)
        if sub is not None and id(sub) not in seen:
            seen.add(id(sub))
            yield sub
    for sub in others:
        if id(sub) not in seen:
            seen.add(id(sub))
            yield sub
