"""The ``Loss`` base class and the reduction/sample-weight machinery shared by losses
and metrics.

A loss maps ``(y_true, y_pred)`` to per-sample values (``call``); ``__call__`` then
applies ``sample_weight`` and any mask and reduces with the configured reduction, in
the loss's dtype.
"""

from __future__ import annotations

import math
from typing import Any

from kerasx import ops
from kerasx.backends.common import dtypes as _dt
from kerasx.saving.registry import keras_export
from kerasx.utils.naming import auto_name

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def standardize_reduction(reduction: str | None) -> str | None:
    """Validate a reduction name (None and "none" both mean: no reduction)."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {set(REDUCTIONS)}. Received: reduction={reduction}"
        )
    return reduction


def static_shape(x: Any) -> tuple[Any, ...]:
    """The shape of a tensor as a tuple (``None`` for unknown dimensions)."""
    return tuple(ops.shape(x))


def get_keras_mask(x: Any) -> Any:
    """The ``_keras_mask`` attached to a tensor, if its type allows attributes."""
    return getattr(x, "_keras_mask", None)


def set_keras_mask(x: Any, mask: Any) -> None:
    """Attach a mask where the tensor type allows it (torch, KerasTensor); else a no-op."""
    try:
        x._keras_mask = mask
    except (AttributeError, TypeError):
        pass


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple[Any, Any]:
    """Reconcile ranks that differ by one through a trailing dimension of size 1.

    ``(batch, 1)`` against ``(batch,)``: the rank-1 side gains the axis when
    ``expand_rank_1``, otherwise the trailing 1 is squeezed away.
    """
    r1, r2 = len(static_shape(x1)), len(static_shape(x2))
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and static_shape(x1)[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    if r2 == r1 + 1 and static_shape(x2)[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def _num_elements(values: Any, dtype: str) -> Any:
    """Element count as a ``dtype`` scalar; counted at run time when a dim is unknown
    (e.g. a batch dimension left open by a compiled TensorFlow function)."""
    shape = static_shape(values)
    if all(isinstance(d, int) for d in shape):
        return ops.convert_to_tensor(float(math.prod(shape)), dtype=dtype)
    return ops.sum(ops.ones_like(values, dtype=dtype))


def reduce_values(
    values: Any, sample_weight: Any = None, reduction: str | None = "sum_over_batch_size"
) -> Any:
    """Sum, or mean over elements (or over the sample weights), of already-weighted values."""
    shape = static_shape(values)
    if reduction is None or reduction == "none" or shape == () or shape == (0,):
        return values
    loss = ops.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        dtype = ops.dtype(loss)
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = ops.cast(ops.sum(sample_weight), dtype)
        else:
            divisor = _num_elements(values, dtype)
        loss = ops.divide_no_nan(loss, divisor)
    return loss


def apply_mask(sample_weight: Any, mask: Any, dtype: str, reduction: str | None) -> Any:
    """Fold a boolean mask into the sample weights.

    For averaging reductions the kept entries are up-weighted by ``total / valid`` so
    the mean runs over the valid entries only.
    """
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = _num_elements(mask, dtype)
        valid = ops.sum(ops.cast(mask, dtype))
        weight = ops.divide_no_nan(total, valid)
        float_mask = ops.where(ops.cast(mask, "bool"), weight, ops.zeros_like(weight))
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return ops.multiply(sample_weight, float_mask)


def reduce_weighted_values(
    values: Any,
    sample_weight: Any = None,
    mask: Any = None,
    reduction: str | None = "sum_over_batch_size",
    dtype: str | None = None,
) -> Any:
    """Weight per-sample values by ``sample_weight`` (and ``mask``), then reduce."""
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    if mask is not None:
        mask = ops.convert_to_tensor(mask)
    sample_weight = apply_mask(sample_weight, mask, ops.dtype(values), reduction)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, ops.dtype(values))
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = ops.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


def _is_structure(x: Any) -> bool:
    """True for dicts and for lists/tuples holding tensors (not nested numbers)."""
    if isinstance(x, dict):
        return True
    if isinstance(x, (list, tuple)):
        return any(_is_structure(e) or ops.is_tensor(e) or hasattr(e, "shape") for e in x)
    return False


def map_structure(fn: Any, x: Any) -> Any:
    """Apply ``fn`` to each tensor of a (possibly nested) structure of tensors."""
    if isinstance(x, dict):
        return {k: map_structure(fn, v) for k, v in x.items()}
    if _is_structure(x):
        return type(x)(map_structure(fn, v) for v in x)
    return fn(x)


def _compute_dtype(dtype: Any) -> str:
    """A dtype, dtype name, or DTypePolicy-like object (``compute_dtype``) -> name."""
    if dtype is not None and hasattr(dtype, "compute_dtype"):
        return _dt.standardize_dtype(dtype.compute_dtype)
    return _dt.standardize_dtype(dtype)


@keras_export("keras.losses.Loss", "keras.Loss")
class Loss:
    """Base class for losses: subclasses implement ``call(y_true, y_pred)``.

    Args:
        name: Name of the loss instance (default: snake_case of the class name).
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or ``None``.
        dtype: Dtype (or dtype policy) the inputs are cast to and the loss is computed
            in; defaults to ``floatx()``.
    """

    def __init__(
        self,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: Any = None,
    ) -> None:
        self.name = name or auto_name(self.__class__.__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype_policy = dtype
        self._dtype = _compute_dtype(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        in_mask = get_keras_mask(y_pred)
        convert = lambda x: ops.convert_to_tensor(x, dtype=self.dtype)  # noqa: E731
        y_pred = map_structure(convert, y_pred)
        y_true = map_structure(convert, y_true)
        losses, out_mask = self._call_with_mask(y_true, y_pred)
        if in_mask is not None and out_mask is not None:
            mask = ops.logical_and(ops.cast(in_mask, "bool"), ops.cast(out_mask, "bool"))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            losses,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self.dtype,
        )

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        """Per-sample losses and the mask they carry (None when unmasked)."""
        losses = self.call(y_true, y_pred)
        return losses, get_keras_mask(losses)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)

    def _obj_type(self) -> str:
        return "Loss"
