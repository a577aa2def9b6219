"""Helpers shared by the multi-head attention layers.

MultiHeadAttention and GroupQueryAttention build the same kinds of masks (padding,
causal, sliding window), the same einsum projections and the same attention core
(scaled scores, masked softmax, dropout, weighted sum of values); keeping that here
means the two layers agree on every mask convention (``True`` = may attend), on the
fused/explicit split and on kernel shapes, which must match Keras 3 for weights to move
between the libraries.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kerasx import ops
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.saving.serialization import serialize_keras_object

Shape = tuple[int | None, ...]
_LETTERS = string.ascii_lowercase
# Sublayers of both multi-head layers in Keras 3 creation order: the order of
# ``weights`` / ``get_weights``, so weight lists line up with Keras 3's.
SUBLAYERS = (
    "_query_dense",
    "_key_dense",
    "_gate_dense",
    "_value_dense",
    "_softmax",
    "_dropout_layer",
    "_output_dense",
)


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


# --------------------------------------------------------------- layer settings
# The kernel/bias settings both layers take, in Keras 3's ``get_config`` order.
WEIGHT_OPTIONS = (
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "bias_constraint",
)


def weight_options(layer: Any, prefix: str) -> dict[str, Any]:
    """The ``WEIGHT_OPTIONS`` of ``layer``, read from attributes ``prefix + name``.

    Keras 3 keeps them private (``_kernel_initializer``) on MultiHeadAttention and
    public on GroupQueryAttention; the attribute names must stay as they are, so the
    prefix says which layout to read.
    """
    return {name: getattr(layer, prefix + name) for name in WEIGHT_OPTIONS}


def serialized_weight_options(layer: Any, prefix: str) -> dict[str, Any]:
    """``get_config`` entries of the kernel/bias settings (see :func:`weight_options`)."""
    return {name: serialize_keras_object(v) for name, v in weight_options(layer, prefix).items()}


def projection_kwargs(layer: Any, prefix: str) -> dict[str, Any]:
    """Keyword arguments for one EinsumDense projection of ``layer``.

    Every projection shares the layer's regularizers, constraints and dtype policy but
    gets its own copy of each initializer, as in Keras 3, so no two kernels are drawn
    from one initializer's state.
    """
    kwargs = weight_options(layer, prefix)
    kwargs["kernel_initializer"] = clone_initializer(kwargs["kernel_initializer"])
    kwargs["bias_initializer"] = clone_initializer(kwargs["bias_initializer"])
    kwargs["dtype"] = layer.dtype_policy
    return kwargs


def check_flash_attention(
    flash_attention: bool, dropout: float = 0.0, return_attention_scores: bool = False
) -> None:
    """Refuse what the fused flash kernel cannot do: drop attention weights or hand them
    back.  Both layers raise Keras 3's exact errors here (at construction for dropout,
    at call time for scores)."""
    if flash_attention and dropout > 0.0:
        raise ValueError(
            "Dropout is not supported when flash attention is enabled. Please set "
            "dropout to 0.0 to use flash attention."
        )
    if flash_attention and return_attention_scores:
        raise ValueError(
            "Returning attention scores is not supported when flash attention is "
            "enabled. Please disable flash attention to access attention scores."
        )


# --------------------------------------------------------------------- shapes
def qkv_shapes(
    query_shape: Sequence[int | None],
    value_shape: Sequence[int | None],
    key_shape: Sequence[int | None] | None,
) -> tuple[Shape, Shape, Shape]:
    """Shapes as tuples; a missing key shape *is* the value shape (the same object, so
    :func:`build_shapes_record` can tell whether a key was given)."""
    query_shape, value_shape = tuple(query_shape), tuple(value_shape)
    return query_shape, value_shape, value_shape if key_shape is None else tuple(key_shape)


def build_shapes_record(query_shape: Shape, value_shape: Shape, key_shape: Shape) -> dict:
    """The ``build`` shapes a layer records (Keras 3's build config): the key shape only
    when a separate key was given."""
    shapes = {"query_shape": query_shape, "value_shape": value_shape}
    if key_shape is not value_shape:
        shapes["key_shape"] = key_shape
    return shapes


def check_call_shapes(
    layer: Any,
    build_shapes: dict[str, Any] | None,
    check_inputs: Callable[[Shape, Shape, Shape], None],
    query: Any,
    value: Any,
    key: Any,
) -> None:
    """Validate a call's tensors: ``check_inputs(query, value, key)`` shapes with the
    layer's own rules, then against what the layer was built for (a built key shape
    defaults to the value shape, as the key does)."""
    shapes = {"query": static_shape(query), "value": static_shape(value), "key": static_shape(key)}
    check_inputs(shapes["query"], shapes["value"], shapes["key"])
    built = dict(build_shapes or {})
    built.setdefault("key_shape", built.get("value_shape"))
    check_called_shapes(layer, built, **shapes)


def attention_output_spec(
    layer: Any,
    query: Any,
    value: Any,
    key: Any,
    return_attention_scores: bool,
    scores_shape: Callable[[Shape, Shape], Shape],
) -> Any:
    """Symbolic output (and scores) of a call: the output shape comes from the layer's
    ``compute_output_shape``, the scores' from ``scores_shape(query, key or value)``."""
    q, v = static_shape(query), static_shape(value)
    k = static_shape(key) if key is not None else None
    out = KerasTensor(layer.compute_output_shape(q, v, k), dtype=layer.compute_dtype)
    if not return_attention_scores:
        return out
    scores = scores_shape(q, v if k is None else k)
    return out, KerasTensor(scores, dtype=layer.compute_dtype)


def query_output_mask(previous_mask: Any) -> Any:
    """The attention output keeps the query's padding mask (the first of a list)."""
    if isinstance(previous_mask, (list, tuple)):
        return previous_mask[0] if previous_mask else None
    return previous_mask


# ------------------------------------------------------------------- calling
def call_attention_mask(
    query: Any,
    value: Any,
    query_mask: Any = None,
    value_mask: Any = None,
    key_mask: Any = None,
    attention_mask: Any = None,
    use_causal_mask: bool = False,
    sliding_window: int | None = None,
) -> tuple[Any, bool]:
    """The mask a layer call attends with, and whether the attention core should apply
    the causal mask itself.

    The query's own Keras mask stands in for a missing ``query_mask``.  When the causal
    mask is the only mask, it is not materialised here: ``(None, True)`` lets the fused
    kernel use its built-in causal path (``is_causal``), as Keras 3 does.  Otherwise all
    masks are combined into one boolean mask and ``causal_only`` is False.
    """
    if query_mask is None:
        query_mask = getattr(query, "_keras_mask", None)
    causal_only = (
        use_causal_mask
        and query_mask is None
        and value_mask is None
        and key_mask is None
        and attention_mask is None
        and sliding_window is None
    )
    if causal_only:
        return attention_mask, True
    mask = combined_attention_mask(
        query,
        value,
        query_mask=query_mask,
        value_mask=value_mask,
        key_mask=key_mask,
        attention_mask=attention_mask,
        use_causal_mask=use_causal_mask,
        sliding_window=sliding_window,
    )
    return mask, False


def fused_attention(
    query: Any,
    key: Any,
    value: Any,
    attention_mask: Any,
    scale: float,
    mask_axis: int,
    is_causal: bool,
    flash_attention: bool,
) -> Any:
    """Attention through the backend's fused kernel on 4-D ``(B, T, heads, dim)`` tensors.

    ``attention_mask`` gains size-1 axes at ``mask_axis`` to broadcast over the heads.  A
    fully masked query row averages the values there, exactly as in Keras 3's fused path.
    """
    if attention_mask is not None:
        attention_mask = ops.cast(expand_mask_to(attention_mask, 4, mask_axis), "bool")
    return ops.dot_product_attention(
        query,
        key,
        value,
        mask=attention_mask,
        scale=scale,
        is_causal=is_causal,
        flash_attention=flash_attention or None,
    )


def compute_attention(
    query: Any,
    key: Any,
    value: Any,
    *,
    scale: float,
    dot_product_equation: str,
    combine_equation: str,
    softmax: Callable[..., Any],
    dropout_layer: Callable[..., Any],
    dropout: float,
    mask_axis: int,
    attention_mask: Any = None,
    training: Any = None,
    return_attention_scores: bool = False,
    use_causal_mask: bool = False,
    flash_attention: bool = False,
    query_first: bool = False,
) -> tuple[Any, Any]:
    """Scaled dot-product attention on projected tensors: ``(output, scores or None)``.

    Both layers attend the same way once query/key/value are projected (and, for
    GroupQueryAttention, the key/value heads repeated).  The backend's fused kernel
    runs unless there is dropout, the scores are wanted or the tensors are not 4-D;
    otherwise the scores are computed explicitly: ``query * scale`` contracted with ``key`` by
    ``dot_product_equation`` (operands ``(key, query)``, or ``(query, key)`` when
    ``query_first``, matching each layer's Keras 3 equation), masked ``softmax`` over the
    key axes (``attention_mask`` broadcast over the heads at ``mask_axis``), dropout in
    training, then ``combine_equation`` with ``value``.  ``use_causal_mask`` is the
    ``causal_only`` flag of :func:`call_attention_mask`.
    """
    check_flash_attention(flash_attention, return_attention_scores=return_attention_scores)
    if not (dropout > 0.0 or return_attention_scores or len(query.shape) != 4):
        out = fused_attention(
            query, key, value, attention_mask, scale, mask_axis, use_causal_mask, flash_attention
        )
        return out, None
    if use_causal_mask:
        causal = causal_mask(ops.shape(query)[1], ops.shape(value)[1])
        attention_mask = (
            causal
            if attention_mask is None
            else ops.logical_and(ops.cast(attention_mask, "bool"), causal)
        )
    query = ops.multiply(query, ops.cast(scale, ops.dtype(query)))
    operands = (query, key) if query_first else (key, query)
    scores = ops.einsum(dot_product_equation, *operands)
    if attention_mask is not None:
        attention_mask = expand_mask_to(attention_mask, len(scores.shape), mask_axis)
    scores = softmax(scores, mask=attention_mask)
    dropped = dropout_layer(scores, training=training) if dropout > 0 else scores
    return ops.einsum(combine_equation, dropped, value), scores


def finish_attention_output(
    output: Any,
    scores: Any,
    gate: Any,
    output_dense: Callable[[Any], Any],
    return_attention_scores: bool,
) -> Any:
    """Gate the attended values (if the layer has a gate), project them back to the
    output features, and pair them with the scores when those were asked for."""
    if gate is not None:
        output = ops.multiply(output, gate)
    output = output_dense(output)
    if return_attention_scores:
        return output, scores
    return output
