"""``kerasx.metrics.Metric``: the stateful base every metric builds on.

A metric keeps its running statistics in non-trainable :class:`kerasx.Variable` objects
so that the same object works eagerly (``update_state`` assigns in place) and inside a
compiled training step (``stateless_update_state`` reads the statistics from explicit
values and returns the new ones, which a pure JAX step needs).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from kerasx import _backend, ops
from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import settings as _settings
from kerasx.engine import state
from kerasx.engine.variable import Variable
from kerasx.saving.registry import keras_export
from kerasx.utils.naming import auto_name


def standardize_metric_dtype(dtype: Any) -> str:
    """The compute dtype a metric runs in: ``None`` is floatx, a policy gives its compute dtype.

    ``"int"`` follows Keras: int64 on TensorFlow, int32 elsewhere.
    """
    if dtype is None:
        return _settings.floatx()
    compute = getattr(dtype, "compute_dtype", None)
    if compute is not None:
        return _dt.standardize_dtype(compute)
    if isinstance(dtype, str) and dtype == "int":
        return "int64" if _backend.B.name == "tensorflow" else "int32"
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        return _dt.standardize_dtype(dtype.split("_", 1)[1])
    return _dt.standardize_dtype(dtype)


def _constant_initializer(fill: float) -> Any:
    def init(shape: Sequence[int], dtype: Any = None) -> Any:
        return ops.full(tuple(shape), fill, dtype=_dt.standardize_dtype(dtype))

    return init


def _resolve_initializer(initializer: Any) -> Any:
    """Turn ``'zeros'``, ``'ones'``, an initializer object or a value into what Variable takes."""
    if initializer is None:
        return _constant_initializer(0)
    if isinstance(initializer, str):
        key = initializer.lower()
        if key in ("zeros", "zero"):
            return _constant_initializer(0)
        if key in ("ones", "one"):
            return _constant_initializer(1)
        try:  # the initializers namespace is optional for metrics
            module = importlib.import_module("kerasx.initializers")
        except ImportError as exc:
            raise ValueError(f"Unknown initializer for a metric variable: {initializer!r}") from exc
        return module.get(initializer)
    return initializer


@keras_export("keras.Metric", "keras.metrics.Metric")
class Metric:
    """Accumulates statistics over batches and reports a value from them.

    Subclasses create their state in ``__init__`` with :meth:`add_variable`, accumulate
    in :meth:`update_state` and compute the value in :meth:`result`.

    Args:
        dtype: the dtype of the metric's computations (default ``floatx()``), or a
            dtype policy whose compute dtype is used.
        name: the metric's name (default: the snake-case class name, made unique).
    """

    def __init__(self, dtype: Any = None, name: str | None = None) -> None:
        self.name = name or auto_name(self.__class__.__name__)
        self._dtype_policy = dtype
        self._dtype = standardize_metric_dtype(dtype)
        self._metrics: list[Metric] = []
        self._variables: list[Variable] = []

    # ------------------------------------------------------------ tracking
    def __setattr__(self, name: str, value: Any) -> None:
        # Metrics stored as attributes contribute their variables (composite metrics).
        tracked = self.__dict__.get("_metrics")
        if tracked is not None and name != "_metrics":
            items = value if isinstance(value, (list, tuple)) else (value,)
            for item in items:
                if (
                    isinstance(item, Metric)
                    and item is not self
                    and all(m is not item for m in tracked)
                ):
                    tracked.append(item)
        object.__setattr__(self, name, value)

    def _check_super_called(self) -> None:
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                "You forgot to call `super().__init__()` in the `__init__()` method. Go add it!"
            )

    # ----------------------------------------------------------- variables
    def add_variable(
        self,
        shape: Sequence[int],
        initializer: Any,
        dtype: Any = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> Variable:
        """Create a non-trainable state variable named under the metric's name scope."""
        self._check_super_called()
        init = _resolve_initializer(initializer)
        with state.name_scope(self.name.replace("/", ">"), caller=self):
            variable = Variable(
                initializer=init,
                shape=tuple(int(d) for d in shape),
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                synchronization="on_read",
                name=name,
            )
        self._variables.append(variable)
        return variable

    def add_weight(
        self,
        shape: Sequence[int] = (),
        initializer: Any = None,
        dtype: Any = None,
        name: str | None = None,
    ) -> Variable:
        """Alias of :meth:`add_variable` with Keras' ``add_weight`` signature."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self) -> list[Variable]:
        """Own state variables followed by those of tracked sub-metrics."""
        out = list(self._variables)
        for metric in self._metrics:
            out.extend(metric.variables)
        return out

    @property
    def dtype(self) -> str:
        return self._dtype

    # --------------------------------------------------------------- state
    def update_state(self, *args: Any, **kwargs: Any) -> Any:
        """Accumulate statistics from one batch."""
        raise NotImplementedError

    def result(self) -> Any:
        """The metric value (a scalar tensor, a tensor or a dict of them)."""
        raise NotImplementedError

    def reset_state(self) -> None:
        """Zero every state variable (called between epochs)."""
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def _check_variable_count(self, metric_variables: Sequence[Any]) -> None:
        if len(metric_variables) != len(self.variables):
            raise ValueError(
                "Argument `metric_variables` must be a list of tensors corresponding 1:1 to "
                f"{self.__class__.__name__}().variables. Received list with length "
                f"{len(metric_variables)}, but expected {len(self.variables)} variables."
            )

    def stateless_update_state(
        self, metric_variables: Sequence[Any], *args: Any, **kwargs: Any
    ) -> list[Any]:
        """Pure form of :meth:`update_state`: new variable values from given ones."""
        self._check_variable_count(metric_variables)
        variables = self.variables
        with state.StatelessScope(state_mapping=list(zip(variables, metric_variables))) as scope:
            self.update_state(*args, **kwargs)
        return [scope.updated_value(v, given) for v, given in zip(variables, metric_variables)]

    def stateless_result(self, metric_variables: Sequence[Any]) -> Any:
        """Pure form of :meth:`result`, reading the state from ``metric_variables``."""
        self._check_variable_count(metric_variables)
        with state.StatelessScope(state_mapping=list(zip(self.variables, metric_variables))):
            return self.result()

    def stateless_reset_state(self) -> list[Any]:
        """Pure form of :meth:`reset_state`: the initial variable values."""
        variables = self.variables
        with state.StatelessScope() as scope:
            self.reset_state()
        return [scope.updated_value(v, v.value) for v in variables]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Update with one batch, then return the current result."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -------------------------------------------------------- serialization
    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def _obj_type(self) -> str:
        return "Metric"

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} name={self.name}>"

    def __str__(self) -> str:
        return self.__repr__()
