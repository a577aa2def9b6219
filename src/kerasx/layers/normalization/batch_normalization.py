"""BatchNormalization: normalize with batch statistics in training, moving ones otherwise.

The moving statistics are non-trainable variables updated with ``Variable.assign`` only,
so the update flows out of a compiled stateless step like any other state change.
"""

from __future__ import annotations

import copy
from typing import Any

from kerasx import config as _config
from kerasx import constraints, initializers, ops, regularizers
from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import settings as _settings
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.layers.normalization._utils import check_axes_in_range, normalize_axis
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import serialize_keras_object

_RENORM_KEYS = ("rmax", "rmin", "dmax")


def _sqrt_initializer(initializer: Any) -> Any:
    """An initializer giving the square root of ``initializer``'s values (a copy, so a
    seeded initializer is not drawn twice from the same state)."""
    inner = copy.copy(initializer)

    def init(shape: Any, dtype: Any = None) -> Any:
        return ops.sqrt(inner(shape, dtype=dtype))

    return init


def _check_renorm_clipping(clipping: dict[str, Any]) -> None:
    unknown = set(clipping) - set(_RENORM_KEYS)
    if unknown:
        raise ValueError(
            f"Received invalid keys for `renorm_clipping` argument: {clipping}. "
            f"Supported values: {list(_RENORM_KEYS)}."
        )
    rmax, rmin, dmax = clipping.get("rmax"), clipping.get("rmin"), clipping.get("dmax")
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError(
            "rmax should be greater than rmin in the `renorm_clipping` argument. "
            f"Received: rmax={rmax}, rmin={rmin}."
        )
    if dmax is not None and dmax < 0:
        raise ValueError(
            f"dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}."
        )


@keras_export("keras.layers.BatchNormalization")
class BatchNormalization(Layer):
    """Normalizes over every axis but ``axis``.

    In training (``training=True`` and the layer trainable) the batch mean and variance
    are used and the moving statistics move towards them by ``1 - momentum``; otherwise
    the moving statistics are used.  A frozen layer (``trainable=False``) always runs in
    inference mode, as in Keras 3.
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: dict[str, float] | None = None,
        renorm_momentum: float = 0.99,
        synchronized: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)
        if synchronized and _config.backend() != "tensorflow":
            raise ValueError(
                "Argument synchronized=True is only supported with the TensorFlow backend."
            )
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            _check_renorm_clipping(renorm_clipping)
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes: list[int] | None = None

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        check_axes_in_range(self.axis, input_shape)
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Axis {self.axis} of the input to layer '{self.name}' should have a defined "
                f"dimension. Received input shape: {tuple(input_shape)}"
            )
        shape = (dim,)
        # Creation order fixes the weight order (and the file layout): gamma, beta,
        # moving_mean, moving_variance, then the renorm statistics.
        if self.scale:
            self.gamma = self.add_weight(
                shape=shape,
                name="gamma",
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                shape=shape,
                name="beta",
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                autocast=False,
            )
        self.moving_mean = self.add_weight(
            shape=shape,
            name="moving_mean",
            initializer=self.moving_mean_initializer,
            trainable=False,
            autocast=False,
        )
        self.moving_variance = self.add_weight(
            shape=shape,
            name="moving_variance",
            initializer=self.moving_variance_initializer,
            trainable=False,
            autocast=False,
        )
        if self.renorm:
            # Renorm tracks the standard deviation (the paper's formulation); the
            # moving variance is derived from it after each update.
            self.moving_stddev = self.add_weight(
                shape=shape,
                name="moving_stddev",
                initializer=_sqrt_initializer(self.moving_variance_initializer),
                trainable=False,
                autocast=False,
            )
            self.renorm_mean = self.add_weight(
                shape=shape,
                name="renorm_mean",
                initializer=copy.copy(self.moving_mean_initializer),
                trainable=False,
                autocast=False,
            )
            self.renorm_stddev = self.add_weight(
                shape=shape,
                name="renorm_stddev",
                initializer=_sqrt_initializer(self.moving_variance_initializer),
                trainable=False,
                autocast=False,
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        axis = normalize_axis(self.axis, len(input_shape))
        self._reduction_axes = [i for i in range(len(input_shape)) if i != axis]
        self.built = True

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        check_axes_in_range(self.axis, input_shape)
        return tuple(input_shape)

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(
                "The mask provided should be one dimension less than the inputs. "
                f"Received: mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}"
            )
        # Statistics of float16/bfloat16 inputs overflow easily: work in float32 at least.
        work_dtype = _dt.result_type(ops.dtype(inputs), "float32")
        x = ops.cast(inputs, work_dtype)
        gamma = ops.cast(self.gamma, work_dtype) if self.scale else None
        beta = ops.cast(self.beta, work_dtype) if self.center else None
        if training and self.trainable:
            mean, variance = self._moments(x, mask)
            if self.renorm:
                r, d = self._renorm_corrections(mean, variance)
                gamma, beta = self._fold_renorm(r, d, gamma, beta, work_dtype)
                self._update_renorm_statistics(mean, variance)
            else:
                self._update_moving(self.moving_mean, mean, self.momentum)
                self._update_moving(self.moving_variance, variance, self.momentum)
        else:
            mean = ops.cast(self.moving_mean, work_dtype)
            variance = ops.cast(self.moving_variance, work_dtype)
        outputs = ops.batch_normalization(
            x, mean, variance, axis=self.axis, offset=beta, scale=gamma, epsilon=self.epsilon
        )
        return ops.cast(outputs, self.compute_dtype)

    # ---------------------------------------------------------------- statistics
    @staticmethod
    def _update_moving(variable: Any, value: Any, momentum: float) -> Any:
        old = ops.cast(variable, ops.dtype(value))
        new = ops.add(ops.multiply(old, momentum), ops.multiply(value, 1.0 - momentum))
        variable.assign(new)
        return new

    def _moments(self, x: Any, mask: Any) -> tuple[Any, Any]:
        axes = self._reduction_axes
        if mask is None:
            return ops.moments(x, axes=axes, synchronized=self.synchronized)
        # Masked entries (e.g. padded time steps) are left out of the statistics.
        keep = ops.cast(ops.broadcast_to(ops.expand_dims(mask, -1), ops.shape(x)), "bool")
        zero = ops.zeros_like(x)
        count = ops.sum(ops.cast(keep, ops.dtype(x)), axis=axes, keepdims=True)
        count = ops.add(count, _settings.epsilon())
        mean = ops.divide(ops.sum(ops.where(keep, x, zero), axis=axes, keepdims=True), count)
        centered = ops.where(keep, ops.subtract(x, mean), zero)
        variance = ops.divide(ops.sum(ops.square(centered), axis=axes, keepdims=True), count)
        return ops.squeeze(mean, axis=tuple(axes)), ops.squeeze(variance, axis=tuple(axes))

    def _renorm_corrections(self, mean: Any, variance: Any) -> tuple[Any, Any]:
        dtype = ops.dtype(mean)
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        renorm_mean = ops.cast(self.renorm_mean, dtype)
        # The floor avoids dividing by ~0 early in training.
        renorm_stddev = ops.maximum(
            ops.cast(self.renorm_stddev, dtype),
            ops.sqrt(ops.convert_to_tensor(self.epsilon, dtype=dtype)),
        )
        r = ops.divide(stddev, renorm_stddev)
        d = ops.divide(ops.subtract(mean, renorm_mean), renorm_stddev)
        clipping = self.renorm_clipping or {}
        if clipping.get("rmin") is not None:
            r = ops.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = ops.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = ops.clip(d, -clipping["dmax"], clipping["dmax"])
        return r, d

    @staticmethod
    def _fold_renorm(r: Any, d: Any, gamma: Any, beta: Any, dtype: str) -> tuple[Any, Any]:
        """``(x_hat * r + d) * gamma + beta`` as one scale and one offset."""
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)
        if gamma is not None:
            new_gamma, new_beta = ops.multiply(r, gamma), ops.multiply(d, gamma)
        else:
            new_gamma, new_beta = ops.cast(r, dtype), ops.cast(d, dtype)
        if beta is not None:
            new_beta = ops.add(new_beta, beta)
        return new_gamma, new_beta

    def _update_renorm_statistics(self, mean: Any, variance: Any) -> None:
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        self._update_moving(self.renorm_mean, mean, self.renorm_momentum)
        self._update_moving(self.renorm_stddev, stddev, self.renorm_momentum)
        self._update_moving(self.moving_mean, mean, self.momentum)
        new_stddev = self._update_moving(self.moving_stddev, stddev, self.momentum)
        # relu guards against a slightly negative value from rounding.
        self.moving_variance.assign(ops.relu(ops.subtract(ops.square(new_stddev), self.epsilon)))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": serialize_keras_object(self.beta_initializer),
                "gamma_initializer": serialize_keras_object(self.gamma_initializer),
                "moving_mean_initializer": serialize_keras_object(self.moving_mean_initializer),
                "moving_variance_initializer": serialize_keras_object(
                    self.moving_variance_initializer
                ),
                "beta_regularizer": serialize_keras_object(self.beta_regularizer),
                "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
                "beta_constraint": serialize_keras_object(self.beta_constraint),
                "gamma_constraint": serialize_keras_object(self.gamma_constraint),
                "synchronized": self.synchronized,
                "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum,
            }
        )
        return config
