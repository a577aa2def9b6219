"""What ``compile()`` turns its ``loss`` and ``metrics`` arguments into.

:class:`CompileLoss` maps losses (one, a list, or a dict keyed by output name) onto the
model's outputs, applies ``loss_weights`` and sample weights, and tracks each output's
loss for the logs.  :class:`CompileMetrics` does the same for metrics, resolving the
string ``"accuracy"`` to the right accuracy once the shapes of the first batch are known.
Both are built lazily on the first batch, so they work for every model type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import _backend, ops
from kerasx.engine.operation import tree_flatten


def _as_list(struct: Any) -> list[Any]:
    return tree_flatten(struct)[0] if isinstance(struct, (list, tuple, dict)) else [struct]


def _flat_keys(d: dict[str, Any]) -> list[str]:
    """Keys of a dict in the order tree_flatten lays out its values."""
    return sorted(d)


def _output_names(model: Any, n: int) -> list[str]:
    outputs = getattr(model, "_outputs_struct", None)
    if isinstance(outputs, dict):
        return _flat_keys(outputs)
    flat = getattr(model, "_outputs", None)
    if flat and len(flat) == n:
        return [t._keras_history[0].name for t in flat]
    return [f"output_{i + 1}" for i in range(n)]


def _match(spec: Any, y_pred: Any, names: list[str], what: str) -> list[Any]:
    """Expand a per-output spec (single, list or dict) to one entry per output."""
    n = len(_as_list(y_pred))
    if isinstance(spec, dict):
        if isinstance(y_pred, dict):
            unknown = [k for k in spec if k not in y_pred]
            if unknown:
                raise ValueError(
                    f"The {what} dict has keys {unknown} that are not model outputs. Outputs: {list(y_pred)}"
                )
            return [spec.get(k) for k in _flat_keys(y_pred)]
        unknown = [k for k in spec if k not in names]
        if unknown:
            raise ValueError(
                f"The {what} dict has keys {unknown} that are not model outputs. Outputs: {names}"
            )
        return [spec.get(k) for k in names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if len(spec) != n:
            raise ValueError(
                f"The model has {n} outputs, but `{what}` has {len(spec)} entries. Received: {what}={spec}"
            )
        return list(spec)
    if n > 1 and what == "loss":
        return [spec] * n
    if n > 1:
        return [spec] + [None] * (n - 1) if what != "metrics" else [spec] * n
    return [
        spec[0] if isinstance(spec, (list, tuple)) and what == "loss" and len(spec) == 1 else spec
    ]


class CompileLoss:
    """Sum of weighted per-output losses, with a tracker per output."""

    def __init__(
        self, loss: Any, loss_weights: Any = None, output_names: Sequence[str] | None = None
    ) -> None:
        self.loss = loss
        self.loss_weights = loss_weights
        self.output_names = output_names
        self.built = False
        self.losses: list[Any] = []
        self.weights: list[float] = []
        self.names: list[str] = []

    def build(self, model: Any, y_true: Any, y_pred: Any) -> None:
        from kerasx import losses as losses_mod
        from kerasx import metrics as metrics_mod

        flat_pred = _as_list(y_pred)
        names = list(self.output_names or _output_names(model, len(flat_pred)))
        specs = _match(self.loss, y_pred, names, "loss")
        weights = (
            [1.0] * len(flat_pred)
            if self.loss_weights is None
            else _match(self.loss_weights, y_pred, names, "loss_weights")
        )
        self.losses = [None if s is None else _as_loss(losses_mod.get(s)) for s in specs]
        self.weights = [1.0 if w is None else float(w) for w in weights]
        self.names = names
        # With several outputs each output's (weighted) loss is logged as `<name>_loss`.
        self.trackers = [
            metrics_mod.Mean(name=f"{name}_loss") if fn is not None and len(flat_pred) > 1 else None
            for name, fn in zip(names, self.losses)
        ]
        self.built = True

    @property
    def metrics(self) -> list[Any]:
        return [t for t in getattr(self, "trackers", []) if t is not None]

    def __call__(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> tuple[Any, list[Any]]:
        flat_true = _as_list(y_true) if isinstance(y_true, (list, tuple, dict)) else [y_true]
        flat_pred = _as_list(y_pred)
        if isinstance(y_true, dict) and isinstance(y_pred, dict):
            flat_true = [y_true.get(k) for k in _flat_keys(y_pred)]
        if len(flat_true) != len(flat_pred):
            raise ValueError(
                f"The model has {len(flat_pred)} outputs but received {len(flat_true)} targets. "
                "Pass one target per output (a list or a dict keyed by output name)."
            )
        sws = (
            _as_list(sample_weight)
            if isinstance(sample_weight, (list, tuple, dict))
            else [sample_weight] * len(flat_pred)
        )
        total = None
        per_output = []
        trackers = getattr(self, "trackers", None) or [None] * len(flat_pred)
        for fn, w, yt, yp, sw, tracker in zip(
            self.losses, self.weights, flat_true, flat_pred, sws, trackers
        ):
            if fn is None or yt is None:
                per_output.append(None)
                continue
            _check_target_shape(yt, yp, fn)
            value = _call_loss(fn, yt, yp, sw)
            per_output.append(value)
            term = value if w == 1.0 else ops.multiply(value, w)
            if tracker is not None:
                tracker.update_state(value, sample_weight=_backend.B.dynamic_shape(yp)[0])
            total = term if total is None else ops.add(total, term)
        if total is None:
            total = ops.convert_to_tensor(0.0)
        return total, per_output


def _as_loss(fn: Any) -> Any:
    """Plain loss functions get Keras' wrapper: ranks reconciled ((n,) vs (n, 1)) and
    sample weights applied with the standard reduction."""
    from kerasx.losses import Loss, LossFunctionWrapper

    if isinstance(fn, Loss) or not callable(fn):
        return fn
    return LossFunctionWrapper(fn, name=getattr(fn, "__name__", None))


def _call_loss(fn: Any, y_true: Any, y_pred: Any, sample_weight: Any) -> Any:
    from kerasx.losses import Loss

    if isinstance(fn, Loss):
        return fn(y_true, y_pred, sample_weight=sample_weight)
    values = fn(y_true, y_pred)
    if sample_weight is not None:
        sw = ops.cast(sample_weight, ops.dtype(values))
        while len(ops.shape(sw)) > len(ops.shape(values)):
            sw = ops.squeeze(sw, -1)
        values = ops.multiply(values, sw)
    return ops.mean(values)


def _check_target_shape(y_true: Any, y_pred: Any, fn: Any) -> None:
    ts, ps = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if ts and ps and ts[0] is not None and ps[0] is not None and ts[0] != ps[0]:
        raise ValueError(
            f"Targets and predictions have different batch sizes: y_true.shape={ts}, y_pred.shape={ps}. "
            "Check that `x` and `y` have the same number of samples."
        )


class CompileMetrics:
    """Metrics per output, resolved against the first batch."""

    def __init__(
        self,
        metrics: Any,
        weighted_metrics: Any = None,
        output_names: Sequence[str] | None = None,
        loss: Any = None,
    ) -> None:
        self.metrics_spec = metrics
        self.weighted_spec = weighted_metrics
        self.output_names = output_names
        self.loss_spec = loss
        self.built = False
        self.entries: list[tuple[int, Any, bool]] = []  # (output index, metric, weighted)

    def build(self, model: Any, y_true: Any, y_pred: Any) -> None:
        flat_pred = _as_list(y_pred)
        flat_true = _as_list(y_true) if isinstance(y_true, (list, tuple, dict)) else [y_true]
        names = list(self.output_names or _output_names(model, len(flat_pred)))
        multi = len(flat_pred) > 1
        self.entries = []
        for spec, weighted in ((self.metrics_spec, False), (self.weighted_spec, True)):
            if spec is None:
                continue
            per_output = (
                _match(spec, y_pred, names, "metrics")
                if (isinstance(spec, dict) or multi)
                else [spec]
            )
            for i, entry in enumerate(per_output):
                if entry is None:
                    continue
                items = entry if isinstance(entry, (list, tuple)) else [entry]
                for item in items:
                    yt = flat_true[i] if i < len(flat_true) else None
                    metric = _resolve_metric(item, yt, flat_pred[i], self.loss_spec)
                    if multi:
                        metric.name = f"{names[i]}_{metric.name}"
                    if weighted:
                        metric.name = f"weighted_{metric.name}" if not multi else metric.name
                    self.entries.append((i, metric, weighted))
        self.built = True

    @property
    def metrics(self) -> list[Any]:
        return [m for _, m, _ in self.entries]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        flat_true = _as_list(y_true) if isinstance(y_true, (list, tuple, dict)) else [y_true]
        flat_pred = _as_list(y_pred)
        sws = (
            _as_list(sample_weight)
            if isinstance(sample_weight, (list, tuple))
            else [sample_weight] * len(flat_pred)
        )
        for i, metric, weighted in self.entries:
            metric.update_state(
                flat_true[i], flat_pred[i], sample_weight=sws[i] if weighted else None
            )


def _resolve_metric(identifier: Any, y_true: Any, y_pred: Any, loss: Any) -> Any:
    from kerasx import metrics as metrics_mod

    if isinstance(identifier, str) and identifier in ("accuracy", "acc", "crossentropy", "ce"):
        pred_shape = tuple(ops.shape(y_pred))
        true_shape = tuple(ops.shape(y_true)) if y_true is not None else ()
        loss_name = (
            loss if isinstance(loss, str) else getattr(loss, "name", getattr(loss, "__name__", ""))
        )
        is_acc = identifier in ("accuracy", "acc")
        if "binary" in str(loss_name) or (pred_shape and pred_shape[-1] == 1):
            cls = metrics_mod.BinaryAccuracy if is_acc else metrics_mod.BinaryCrossentropy
        elif (
            "sparse" in str(loss_name)
            or len(true_shape) < len(pred_shape)
            or (true_shape and true_shape[-1] == 1 and pred_shape[-1] != 1)
        ):
            cls = (
                metrics_mod.SparseCategoricalAccuracy
                if is_acc
                else metrics_mod.SparseCategoricalCrossentropy
            )
        else:
            cls = metrics_mod.CategoricalAccuracy if is_acc else metrics_mod.CategoricalCrossentropy
        return cls(name=identifier)
    metric = metrics_mod.get(identifier)
    if isinstance(metric, type):
        metric = metric()
    if not hasattr(metric, "update_state"):
        name = getattr(metric, "__name__", "metric")
        metric = metrics_mod.MeanMetricWrapper(metric, name=name)
    if isinstance(identifier, str):
        # Logs use the user's spelling ("mae", not "mean_absolute_error"), as in Keras.
        metric.name = identifier
    return metric
