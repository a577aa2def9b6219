"""The one training loop: compile / fit / evaluate / predict for every backend.

The loop (epochs, batches, callbacks, validation, logs) is written once.  What varies
by backend is only how a step runs, chosen in :mod:`kerasx.trainers.step_runner`:
a *stateless* step threads every variable's value through a compiled pure function
(JAX: jit with buffer donation), a *stateful* step updates variables in place
(TensorFlow: tf.function; PyTorch: eager).  User code overriding ``train_step`` /
``test_step`` / ``predict_step`` runs unchanged in both, because it reads and writes
state only through kerasx Variables and :func:`kerasx.backend.value_and_grad`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from kerasx import _backend, ops
from kerasx.engine.operation import tree_flatten, tree_unflatten
from kerasx.trainers import data_adapter
from kerasx.trainers.compile_utils import CompileLoss, CompileMetrics
from kerasx.trainers.gradients import value_and_grad
from kerasx.trainers.step_runner import StepRunner


class Trainer:
    """Mixin giving :class:`kerasx.Model` its training API."""

    def __init__(self) -> None:
        self.compiled = False
        self.optimizer: Any = None
        self.stop_training = False
        self.history: Any = None
        self._compile_loss: CompileLoss | None = None
        self._compile_metrics: CompileMetrics | None = None
        self._loss_tracker: Any = None
        self._compile_config: dict[str, Any] | None = None
        self._runner: StepRunner | None = None
        self.run_eagerly = False
        self.jit_compile: Any = "auto"
        self.steps_per_execution = 1

    # ---------------------------------------------------------------- compile
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile: Any = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Configure the model for training."""
        from kerasx import metrics as metrics_mod
        from kerasx import optimizers

        self.optimizer = optimizers.get(optimizer)
        self._compile_loss = CompileLoss(loss, loss_weights) if loss is not None else None
        self._compile_metrics = (
            CompileMetrics(metrics, weighted_metrics, loss=loss)
            if (metrics or weighted_metrics)
            else None
        )
        self._loss_tracker = metrics_mod.Mean(name="loss")
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile
        self.steps_per_execution = int(steps_per_execution)
        self._compile_config = {
            "optimizer": optimizer,
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }
        self.loss = loss
        self._runner = None
        self._trainer_built = False  # a new loss/metrics set is built on the next batch
        self.compiled = True

    def get_compile_config(self) -> dict[str, Any] | None:
        if not self.compiled or self._compile_config is None:
            return None
        from kerasx.saving.serialization import serialize_keras_object

        cfg = dict(self._compile_config)
        cfg["optimizer"] = serialize_keras_object(self.optimizer)
        for key in ("loss", "metrics", "weighted_metrics", "loss_weights"):
            cfg[key] = serialize_keras_object(cfg[key])
        return cfg

    def compile_from_config(self, config: dict[str, Any]) -> None:
        from kerasx.saving.serialization import deserialize_keras_object

        config = dict(config)
        for key in ("optimizer", "loss", "metrics", "weighted_metrics"):
            value = config.get(key)
            if isinstance(value, dict) and "class_name" in value:
                config[key] = deserialize_keras_object(value)
        self.compile(
            **{
                k: v
                for k, v in config.items()
                if k
                in (
                    "optimizer",
                    "loss",
                    "loss_weights",
                    "metrics",
                    "weighted_metrics",
                    "run_eagerly",
                    "steps_per_execution",
                    "jit_compile",
                )
            }
        )
        if self.built and self.optimizer is not None:
            self.optimizer.build(self.trainable_variables)

    # ------------------------------------------------------- losses & metrics
    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> Any:
        """Compiled loss plus the model's own losses (regularization, ``add_loss``)."""
        total = None
        if self._compile_loss is not None and y is not None:
            if not self._compile_loss.built:
                self._compile_loss.build(self, y, y_pred)
            total, _ = self._compile_loss(y, y_pred, sample_weight)
        extra = self.losses
        if extra:
            reg = extra[0]
            for term in extra[1:]:
                reg = ops.add(reg, term)
            reg = ops.cast(reg, "float32") if total is None else ops.cast(reg, ops.dtype(total))
            total = reg if total is None else ops.add(total, reg)
        if total is None:
            if self._compile_loss is None:
                raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
            total = ops.convert_to_tensor(0.0)
        return total

    def compute_metrics(
        self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None
    ) -> dict[str, Any]:
        """Update the compiled metrics and return all metric results."""
        if self._compile_metrics is not None and y is not None:
            if not self._compile_metrics.built:
                self._compile_metrics.build(self, y, y_pred)
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    @property
    def metrics(self) -> list[Any]:
        """Keras' order: loss, compiled metrics, per-output losses, then metrics the model
        (or its layers) hold as attributes, e.g. trackers of a custom ``train_step``."""
        from kerasx.metrics import Metric

        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_metrics is not None:
            out.extend(self._compile_metrics.metrics)
        if self._compile_loss is not None:
            out.extend(self._compile_loss.metrics)
        for layer in self._flatten_layers():
            if layer is not self and isinstance(layer, Trainer):
                continue
            for key, value in layer.__dict__.items():
                if isinstance(value, Metric) and not key.startswith("_"):
                    if all(value is not m for m in out):
                        out.append(value)
        return out

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self) -> list[Any]:
        out = []
        for m in self.metrics:
            out.extend(m.variables)
        return out

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self) -> dict[str, Any]:
        return {m.name: m.result() for m in self.metrics}

    # ------------------------------------------------------------------- steps
    def train_step(self, data: Any) -> dict[str, Any]:
        """One optimisation step on a batch; override for custom training."""
        x, y, sample_weight = data_adapter.unpack_batch(data)

        def loss_fn() -> Any:
            y_pred = self(x, training=True)
            return self.compute_loss(x, y, y_pred, sample_weight, training=True), y_pred

        trainable = self.trainable_variables
        (loss, y_pred), grads = value_and_grad(loss_fn, trainable, has_aux=True)
        if trainable:
            self.optimizer.apply(grads, trainable)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data: Any) -> dict[str, Any]:
        """One evaluation step on a batch."""
        x, y, sample_weight = data_adapter.unpack_batch(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data: Any) -> Any:
        """Outputs for one batch of inputs."""
        x, _, _ = data_adapter.unpack_batch(data)
        return self(x, training=False)

    def _get_runner(self) -> StepRunner:
        if self._runner is None:
            self._runner = StepRunner(self)
        return self._runner

    def _ensure_built(self, first_batch: Any) -> None:
        """Build the model, loss, metrics and optimizer from the first batch (eagerly), so
        compiled steps never create variables."""
        if getattr(self, "_trainer_built", False):
            return
        x, y, sw = data_adapter.unpack_batch(first_batch)
        # Shapes only: tracing abstractly avoids compiling eager kernels (costly on JAX).
        x_spec = _spec_of(x)
        y_pred = self.symbolic_call_for_build(x_spec)
        if self.compiled:
            y_spec = _spec_of(y)
            if self._compile_loss is not None and not self._compile_loss.built and y is not None:
                self._compile_loss.build(self, y_spec, y_pred)
            if (
                self._compile_metrics is not None
                and not self._compile_metrics.built
                and y is not None
            ):
                self._compile_metrics.build(self, y_spec, y_pred)
            if self.optimizer is not None and not getattr(self.optimizer, "built", False):
                self.optimizer.build(self.trainable_variables)
        self._trainer_built = True

    def symbolic_call_for_build(self, x_spec: Any) -> Any:
        """Build the model on symbolic inputs and return symbolic outputs (no data runs)."""
        from kerasx.engine.operation import compute_output_spec

        if self.built and hasattr(self, "_functional") and self._functional is not None:
            return self._functional.compute_output_spec(x_spec)
        if self.built and hasattr(self, "_nodes"):
            return self.compute_output_spec(x_spec)
        if hasattr(self, "_stack") and not self.built:
            first = tree_flatten(x_spec)[0][0]
            self.build((None, *first.shape[1:]))
            return (
                self._functional.compute_output_spec(x_spec)
                if self._functional is not None
                else None
            )
        return compute_output_spec(self.__call__, x_spec, training=False)

    # --------------------------------------------------------------------- fit
    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: Any = "auto",
        callbacks: Any = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: Any = True,
        class_weight: dict[int, float] | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int = 1,
    ) -> Any:
        """Train for ``epochs`` epochs; returns a :class:`~kerasx.callbacks.History`."""
        from kerasx.callbacks import CallbackList

        self._assert_compiled()
        if validation_split and validation_data is None:
            if data_adapter.is_framework_dataset(x) or hasattr(x, "__next__"):
                raise ValueError(
                    "`validation_split` is only supported for array inputs (not datasets or generators)."
                )
            (x, y, sample_weight), validation_data = data_adapter.train_validation_split(
                (x, y, sample_weight), validation_split
            )
        data = data_adapter.get_adapter(
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            steps=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        val_data = None
        if validation_data is not None:
            vx, vy, vsw = (
                data_adapter.unpack_batch(validation_data)
                if isinstance(validation_data, (tuple, list))
                else (validation_data, None, None)
            )
            val_data = data_adapter.get_adapter(
                vx, vy, vsw, batch_size=validation_batch_size or batch_size, steps=validation_steps
            )
        verbose = _verbose(verbose)
        cbs = (
            callbacks
            if isinstance(callbacks, CallbackList)
            else CallbackList(
                callbacks,
                add_history=True,
                add_progbar=verbose != 0,
                model=self,
                verbose=verbose,
                epochs=epochs,
                steps=data.num_batches,
            )
        )
        runner = self._get_runner()
        self.stop_training = False
        cbs.on_train_begin()
        # BackupAndRestore may move the starting epoch when it restores a backup.
        override = getattr(self, "_initial_epoch_override", None)
        if override is not None:
            initial_epoch = override
            self._initial_epoch_override = None
        logs: dict[str, Any] = {}
        epoch = initial_epoch
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            step_logs: Any = None
            step = -1
            for step, end, batches in _executions(data, self.steps_per_execution):
                if step == 0:
                    self._ensure_built(batches[0])
                    runner.begin("train")
                cbs.on_train_batch_begin(step)
                step_logs = (
                    runner.train(batches[0]) if len(batches) == 1 else runner.train_many(batches)
                )
                if cbs.needs_batch_logs("on_train_batch_end"):
                    cbs.on_train_batch_end(end, _LazyLogs(step_logs))
                step = end
                if self.stop_training:
                    break
            if step < 0 and getattr(data, "exhausted", False):
                break
            if step < 0:
                raise ValueError(
                    "The training data yielded no batch. Check that `x` is not empty and `steps_per_epoch` is positive."
                )
            runner.sync()
            logs = _to_floats(self.get_metrics_result())
            if val_data is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_adapter(val_data, cbs, in_fit=True)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, logs)
            if self.stop_training or getattr(data, "exhausted", False):
                break
        runner.end()
        if hasattr(self.optimizer, "finalize_variable_values"):
            self.optimizer.finalize_variable_values(self.trainable_variables)
        cbs.on_train_end(logs)
        return self.history

    # ---------------------------------------------------------------- evaluate
    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: Any = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: Any = None,
        return_dict: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Loss and metrics on the given data."""
        from kerasx.callbacks import CallbackList

        data = data_adapter.get_adapter(x, y, sample_weight, batch_size=batch_size, steps=steps)
        verbose = _verbose(verbose)
        cbs = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=data.num_batches,
        )
        logs = self._evaluate_adapter(data, cbs, in_fit=False)
        if return_dict:
            return logs
        return _flatten_logs(logs, self.metrics_names)

    def _evaluate_adapter(self, data: Any, cbs: Any, in_fit: bool) -> dict[str, float]:
        runner = self._get_runner()
        self.reset_metrics()
        if in_fit:
            cbs.params["in_fit"] = True
        cbs.on_test_begin()
        step = -1
        for step, batch in enumerate(data):
            if step == 0:
                self._ensure_built(batch)
                runner.begin("test")
            cbs.on_test_batch_begin(step)
            out = runner.test(batch)
            if cbs.needs_batch_logs("on_test_batch_end"):
                cbs.on_test_batch_end(step, _LazyLogs(out))
        if step < 0:
            raise ValueError("The evaluation data yielded no batch.")
        runner.sync_metrics()
        logs = _to_floats(self.get_metrics_result())
        cbs.on_test_end(logs)
        if in_fit:
            cbs.params["in_fit"] = False
        return logs

    # ----------------------------------------------------------------- predict
    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: Any = "auto",
        steps: int | None = None,
        callbacks: Any = None,
    ) -> Any:
        """Model outputs for all samples of ``x``, as NumPy arrays."""
        from kerasx.callbacks import CallbackList

        data = data_adapter.get_adapter(x, None, None, batch_size=batch_size, steps=steps)
        verbose = _verbose(verbose)
        cbs = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=data.num_batches,
        )
        runner = self._get_runner()
        cbs.on_predict_begin()
        outputs: list[Any] = []
        for step, batch in enumerate(data):
            if step == 0:
                if not self.built:
                    self(data_adapter.unpack_batch(batch)[0], training=False)
                runner.begin("predict")
            cbs.on_predict_batch_begin(step)
            out = runner.predict(batch)
            outputs.append(out)
            cbs.on_predict_batch_end(step, {"outputs": out})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("The prediction data yielded no batch.")
        B = _backend.B
        leaves0, tdef = tree_flatten(outputs[0])
        per_leaf = [
            [B.convert_to_numpy(tree_flatten(o)[0][i]) for o in outputs]
            for i in range(len(leaves0))
        ]
        return tree_unflatten(tdef, [np.concatenate(chunks, axis=0) for chunks in per_leaf])

    # ------------------------------------------------------------- on_batch
    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: dict[int, float] | None = None,
        return_dict: bool = False,
    ) -> Any:
        self._assert_compiled()
        data = data_adapter.get_adapter(
            x, y, sample_weight, batch_size=_num_samples(x), class_weight=class_weight
        )
        batch = next(iter(data))
        self._ensure_built(batch)
        self.reset_metrics()
        runner = self._get_runner()
        runner.begin("train")
        runner.train(batch)
        runner.sync()
        logs = _to_floats(self.get_metrics_result())
        return logs if return_dict else _flatten_logs(logs, self.metrics_names)

    def test_on_batch(
        self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False
    ) -> Any:
        self._assert_compiled()
        data = data_adapter.get_adapter(x, y, sample_weight, batch_size=_num_samples(x))
        batch = next(iter(data))
        self._ensure_built(batch)
        self.reset_metrics()
        runner = self._get_runner()
        runner.begin("test")
        runner.test(batch)
        runner.sync_metrics()
        logs = _to_floats(self.get_metrics_result())
        return logs if return_dict else _flatten_logs(logs, self.metrics_names)

    def predict_on_batch(self, x: Any) -> Any:
        runner = self._get_runner()
        if not self.built:
            self(x, training=False)
        runner.begin("predict")
        out = runner.predict((x,))
        B = _backend.B
        leaves, tdef = tree_flatten(out)
        return tree_unflatten(tdef, [B.convert_to_numpy(v) for v in leaves])

    def _assert_compiled(self) -> None:
        if not self.compiled:
            raise ValueError(
                "You must call `compile()` before using the model for training or evaluation."
            )


class _LazyLogs(dict):
    """Batch logs converted to floats only when a callback reads them."""

    def __init__(self, logs: Any) -> None:
        super().__init__()
        self._raw = logs if isinstance(logs, dict) else {}
        self._done = False

    def _fill(self) -> None:
        if not self._done:
            self._done = True
            super().update(_to_floats(self._raw))

    def __getitem__(self, key: str) -> Any:
        self._fill()
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._fill()
        return super().get(key, default)

    def items(self) -> Any:
        self._fill()
        return super().items()

    def keys(self) -> Any:
        self._fill()
        return super().keys()

    def values(self) -> Any:
        self._fill()
        return super().values()

    def __iter__(self) -> Any:
        self._fill()
        return super().__iter__()

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def __len__(self) -> int:
        self._fill()
        return super().__len__()


def _executions(data: Any, per_execution: int) -> Any:
    """``(first step, last step, batches)`` groups for ``steps_per_execution``: up to
    that many consecutive batches of one shape run in one compiled call, as in Keras
    (callbacks see the first step at begin and the last at end)."""
    if per_execution <= 1:
        for step, batch in enumerate(data):
            yield step, step, [batch]
        return
    group: list[Any] = []
    start = 0
    signature = None
    for step, batch in enumerate(data):
        sig = _shapes_of(batch)
        if group and sig != signature:
            yield start, start + len(group) - 1, group
            group = []
        if not group:
            start, signature = step, sig
        group.append(batch)
        if len(group) == per_execution:
            yield start, step, group
            group = []
    if group:
        yield start, start + len(group) - 1, group


def _shapes_of(batch: Any) -> Any:
    leaves, tdef = tree_flatten(batch)
    return tdef, tuple(getattr(v, "shape", None) for v in leaves)


def _to_floats(logs: dict[str, Any]) -> dict[str, float]:
    B = _backend.B
    out = {}
    for k, v in logs.items():
        if isinstance(v, dict):
            out.update(_to_floats(v))
            continue
        try:
            out[k] = float(B.convert_to_numpy(v)) if not isinstance(v, (int, float)) else float(v)
        except (TypeError, ValueError):
            warnings.warn(f"Could not convert metric {k!r} to a float.", stacklevel=2)
    return out


def _flatten_logs(logs: dict[str, float], names: list[str] | None = None) -> Any:
    """Logs as a list in ``metrics_names`` order (then any other keys, sorted)."""
    order = [n for n in (names or []) if n in logs]
    order += sorted(k for k in logs if k not in order)
    values = [logs[k] for k in order]
    return values[0] if len(values) == 1 else values


def _verbose(verbose: Any) -> int:
    if verbose == "auto":
        return 1
    return int(verbose)


def _batch_size(x: Any) -> Any:
    """The batch size, to weight each batch's loss in the epoch average."""
    for leaf in tree_flatten(x)[0]:
        shape = getattr(leaf, "shape", None)
        if shape is not None and len(shape):
            if shape[0] is not None:
                return int(shape[0])
            # Traced with an unknown batch (tf.function after a partial batch).
            return _backend.B.dynamic_shape(leaf)[0]
    return None


def _num_samples(x: Any) -> int:
    leaves = tree_flatten(x)[0]
    return int(np.shape(leaves[0])[0]) if leaves and hasattr(leaves[0], "shape") else len(leaves[0])


def _spec_of(data: Any) -> Any:
    """KerasTensors with the shapes and dtypes of a batch (batch axis unknown)."""
    from kerasx.engine.keras_tensor import KerasTensor

    if data is None:
        return None
    leaves, tdef = tree_flatten(data)
    specs = []
    for leaf in leaves:
        if leaf is None:
            specs.append(None)
            continue
        arr_shape = tuple(np.shape(leaf)) if not hasattr(leaf, "shape") else tuple(leaf.shape)
        dtype = getattr(leaf, "dtype", None)
        dtype = (
            _backend.B.dtype(leaf)
            if _backend.B.is_tensor(leaf)
            else str(np.asarray(leaf).dtype if dtype is None else np.dtype(dtype))
        )
        if dtype == "float64":
            dtype = "float32"
        specs.append(KerasTensor((None, *arr_shape[1:]), dtype))
    return tree_unflatten(tdef, specs)
