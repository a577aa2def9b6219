"""``LossFunctionWrapper`` and the built-in loss classes of ``keras.losses``.

Each class wraps one loss function with fixed keyword arguments.  ``get_config()``
returns exactly Keras 3's keys, except where Keras drops a constructor argument and so
cannot round-trip it (``Huber.delta``, ``CosineSimilarity.axis``,
``SparseCategoricalCrossentropy.axis``): those are kept, and Keras 3 loads them fine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kerasx.losses import probabilistic as P
from kerasx.losses import regression as R
from kerasx.losses.ctc import ctc
from kerasx.losses.loss import Loss, get_keras_mask, squeeze_or_expand_to_same_rank
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object

Fn = Callable[..., Any]

# Functions whose mask must travel beside the values (array types without attributes).
_MASKED: dict[Fn, Fn] = {
    P.sparse_categorical_crossentropy: P.sparse_crossentropy_with_mask,
    P.circle: P.circle_with_mask,
}


def _reconcile(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    if (
        isinstance(y_true, dict)
        or isinstance(y_true, (list, tuple))
        and not hasattr(y_true, "shape")
    ):
        if isinstance(y_true, dict):
            pairs = {k: squeeze_or_expand_to_same_rank(y_true[k], y_pred[k]) for k in y_true}
            return {k: v[0] for k, v in pairs.items()}, {k: v[1] for k, v in pairs.items()}
        pairs = [squeeze_or_expand_to_same_rank(t, p) for t, p in zip(y_true, y_pred)]
        return type(y_true)(p[0] for p in pairs), type(y_pred)(p[1] for p in pairs)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


@keras_export("keras.losses.LossFunctionWrapper")
class LossFunctionWrapper(Loss):
    """A :class:`Loss` calling ``fn(y_true, y_pred, **kwargs)`` after reconciling ranks."""

    def __init__(
        self,
        fn: Fn,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        y_true, y_pred = _reconcile(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        masked = _MASKED.get(self.fn)
        if masked is None:
            losses = self.call(y_true, y_pred)
            return losses, get_keras_mask(losses)
        y_true, y_pred = _reconcile(y_true, y_pred)
        return masked(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LossFunctionWrapper:
        config = dict(config)
        if "fn" in config:
            from kerasx.losses import ALL_OBJECTS_DICT

            config["fn"] = deserialize_keras_object(config["fn"], module_objects=ALL_OBJECTS_DICT)
            config = {
                k: deserialize_keras_object(v)
                if k != "fn" and isinstance(v, dict) and "class_name" in v
                else v
                for k, v in config.items()
            }
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class _Builtin(LossFunctionWrapper):
    """A built-in wrapper: fixed function, configurable keyword arguments.

    ``_config_keys`` lists the keyword arguments that ``get_config()`` reports beside
    ``name`` and ``reduction``, in Keras 3's order.
    """

    _fn: Fn
    _config_keys: tuple[str, ...] = ()

    def __init__(self, reduction: str | None, name: str, dtype: Any, **kwargs: Any) -> None:
        super().__init__(type(self)._fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        config = Loss.get_config(self)
        config.update({k: self._fn_kwargs[k] for k in self._config_keys})
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)


@keras_export("keras.losses.MeanSquaredError")
class MeanSquaredError(_Builtin):
    """Mean of squared errors."""

    _fn = staticmethod(R.mean_squared_error)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_squared_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.MeanAbsoluteError")
class MeanAbsoluteError(_Builtin):
    """Mean of absolute errors."""

    _fn = staticmethod(R.mean_absolute_error)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_absolute_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.MeanAbsolutePercentageError")
class MeanAbsolutePercentageError(_Builtin):
    """Mean absolute error relative to the target, in percent."""

    _fn = staticmethod(R.mean_absolute_percentage_error)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_absolute_percentage_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.MeanSquaredLogarithmicError")
class MeanSquaredLogarithmicError(_Builtin):
    """Mean squared error of ``log(1 + y)``."""

    _fn = staticmethod(R.mean_squared_logarithmic_error)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_squared_logarithmic_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.CosineSimilarity")
class CosineSimilarity(_Builtin):
    """Negative cosine similarity along ``axis``."""

    _fn = staticmethod(R.cosine_similarity)
    _config_keys = ("axis",)

    def __init__(
        self,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "cosine_similarity",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype, axis=axis)


@keras_export("keras.losses.Huber")
class Huber(_Builtin):
    """Quadratic below ``delta``, linear above."""

    _fn = staticmethod(R.huber)
    _config_keys = ("delta",)

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str = "huber_loss",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype, delta=delta)


@keras_export("keras.losses.LogCosh")
class LogCosh(_Builtin):
    """Logarithm of the hyperbolic cosine of the error."""

    _fn = staticmethod(R.log_cosh)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "log_cosh",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.Hinge")
class Hinge(_Builtin):
    """Hinge loss for labels in {-1, 1} (or {0, 1})."""

    _fn = staticmethod(R.hinge)

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str = "hinge", dtype: Any = None
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.SquaredHinge")
class SquaredHinge(_Builtin):
    """Squared hinge loss."""

    _fn = staticmethod(R.squared_hinge)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "squared_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.CategoricalHinge")
class CategoricalHinge(_Builtin):
    """Hinge loss between the true class score and the best wrong one."""

    _fn = staticmethod(R.categorical_hinge)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.KLDivergence")
class KLDivergence(_Builtin):
    """Kullback-Leibler divergence from ``y_pred`` to ``y_true``."""

    _fn = staticmethod(R.kl_divergence)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "kl_divergence",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.Poisson")
class Poisson(_Builtin):
    """Poisson negative log-likelihood (up to a constant)."""

    _fn = staticmethod(R.poisson)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "poisson",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.BinaryCrossentropy")
class BinaryCrossentropy(_Builtin):
    """Crossentropy for binary (0/1) targets."""

    _fn = staticmethod(P.binary_crossentropy)
    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "binary_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@keras_export("keras.losses.BinaryFocalCrossentropy")
class BinaryFocalCrossentropy(_Builtin):
    """Binary crossentropy focusing on hard examples."""

    _fn = staticmethod(P.binary_focal_crossentropy)
    _config_keys = (
        "from_logits",
        "label_smoothing",
        "axis",
        "apply_class_balancing",
        "alpha",
        "gamma",
    )

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "binary_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction,
            name,
            dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@keras_export("keras.losses.CategoricalCrossentropy")
class CategoricalCrossentropy(_Builtin):
    """Crossentropy for one-hot (or soft) class targets."""

    _fn = staticmethod(P.categorical_crossentropy)
    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@keras_export("keras.losses.CategoricalFocalCrossentropy")
class CategoricalFocalCrossentropy(_Builtin):
    """Categorical crossentropy focusing on hard examples."""

    _fn = staticmethod(P.categorical_focal_crossentropy)
    _config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(
        self,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction,
            name,
            dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@keras_export("keras.losses.SparseCategoricalCrossentropy")
class SparseCategoricalCrossentropy(_Builtin):
    """Crossentropy for integer class targets; ``ignore_class`` entries are masked out."""

    _fn = staticmethod(P.sparse_categorical_crossentropy)
    _config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str | None = "sum_over_batch_size",
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction, name, dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis
        )


@keras_export("keras.losses.CTC")
class CTC(_Builtin):
    """Connectionist Temporal Classification loss (targets padded with 0, the blank)."""

    _fn = staticmethod(ctc)

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str = "ctc", dtype: Any = None
    ) -> None:
        super().__init__(reduction, name, dtype)


@keras_export("keras.losses.Dice")
class Dice(_Builtin):
    """``1 - Dice coefficient`` (overlap of targets and predictions)."""

    _fn = staticmethod(P.dice)
    _config_keys = ("axis",)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "dice",
        axis: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype, axis=axis)


@keras_export("keras.losses.Tversky")
class Tversky(_Builtin):
    """``1 - Tversky index``; ``alpha``/``beta`` weight false positives/negatives."""

    _fn = staticmethod(P.tversky)
    _config_keys = ("alpha", "beta", "axis")

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: str | None = "sum_over_batch_size",
        name: str = "tversky",
        axis: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype, alpha=alpha, beta=beta, axis=axis)


@keras_export("keras.losses.Circle")
class Circle(_Builtin):
    """Circle loss on a batch of embeddings ``y_pred`` with integer labels ``y_true``."""

    _fn = staticmethod(P.circle)
    _config_keys = ("gamma", "margin", "remove_diagonal")

    def __init__(
        self,
        gamma: float = 80.0,
        margin: float = 0.4,
        remove_diagonal: bool = True,
        reduction: str | None = "sum_over_batch_size",
        name: str = "circle",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction, name, dtype, gamma=gamma, margin=margin, remove_diagonal=remove_diagonal
        )


@keras_export("keras.losses.CategoricalGeneralizedCrossEntropy")
class CategoricalGeneralizedCrossEntropy(_Builtin):
    """Generalized crossentropy with integer targets, robust to label noise."""

    _fn = staticmethod(P.categorical_generalized_cross_entropy)
    _config_keys = ("q",)

    def __init__(
        self,
        q: float = 0.5,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_generalized_cross_entropy",
        dtype: Any = None,
    ) -> None:
        if not 0 < q < 1:
            raise ValueError("q must be in the interval (0, 1)")
        super().__init__(reduction, name, dtype, q=q)
