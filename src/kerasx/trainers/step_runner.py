"""How one train / test / predict step runs on the active backend.

Two strategies, one interface:

* **stateless** (JAX, and any backend without in-place gradients): the values of all
  variables involved (model, optimizer, metrics) are threaded through a compiled pure
  function ``(values, batch) -> (logs, new_values)``; with JAX the old buffers are
  donated so updates happen in place on the device.  Values are written back to the
  variables at :meth:`sync` (end of epoch, before validation and callbacks that save).
* **stateful** (TensorFlow, PyTorch: the backend provides ``stateful_value_and_grad``):
  the step updates variables in place; TensorFlow wraps it in ``tf.function``.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from kerasx import _backend
from kerasx.engine import state
from kerasx.engine.operation import tree_flatten, tree_unflatten


class StepRunner:
    def __init__(self, model: Any) -> None:
        B = _backend.B
        self.model = model
        self.stateless = getattr(B, "stateful_value_and_grad", None) is None
        self.eager = bool(getattr(model, "run_eagerly", False))
        self._fns: dict[str, Any] = {}
        self._pure: dict[str, Any] = {}
        self._vars: dict[str, list[Any]] = {}
        self._values: list[Any] | None = None
        self._mode: str | None = None

    # ------------------------------------------------------------ bookkeeping
    def _variables(self, mode: str) -> list[Any]:
        m = self.model
        vs = list(m.trainable_variables) + list(m.non_trainable_variables)
        if mode == "train" and m.optimizer is not None:
            vs += list(m.optimizer.variables)
        if mode in ("train", "test"):
            vs += list(m.metrics_variables)
        seen: set[int] = set()
        out = []
        for v in vs:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    def begin(self, mode: str) -> None:
        if self._mode is not None and self._mode != mode:
            self.sync()
        if self._mode == mode and (self._values is not None or not self.stateless):
            if not (self.stateless and mode == "predict") or self._predict_values_current():
                return
        self._mode = mode
        if self.stateless:
            vs = self._variables(mode)
            if (
                self._vars.get(mode) is None
                or len(self._vars[mode]) != len(vs)
                or any(a is not b for a, b in zip(self._vars[mode], vs))
            ):
                self._vars[mode] = vs
                for key in [k for k in self._fns if k == mode or k.startswith(f"{mode}*")]:
                    del self._fns[key]
            self._values = [v._raw_value() for v in vs]

    def _predict_values_current(self) -> bool:
        """Cached predict values are reusable only while no variable was assigned since."""
        return all(v._raw_value() is val for v, val in zip(self._vars["predict"], self._values))

    def sync(self) -> None:
        """Write threaded values back into the variables (stateless mode).

        Predict never changes state, so its cached values are dropped, not written back
        (writing them would undo assignments made since, e.g. ``set_weights``)."""
        if self.stateless and self._values is not None and self._mode not in (None, "predict"):
            for var, value in zip(self._vars[self._mode], self._values):
                var.assign(value)
        self._values = None
        self._mode = None

    sync_metrics = sync

    def end(self) -> None:
        self.sync()

    # -------------------------------------------------------------- building
    def _compile(self, fn: Any, donate: bool) -> Any:
        if self.eager:
            return fn
        B = _backend.B
        jit = self.model.jit_compile
        jit = None if jit == "auto" else bool(jit)
        return B.compile_function(fn, jit_compile=jit, donate_argnums=(0,) if donate else ())

    def _stateless_fn(self, mode: str) -> Any:
        fn = self._fns.get(mode)
        if fn is not None:
            return fn
        model = self.model
        variables = self._vars[mode]
        step = {"train": model.train_step, "test": model.test_step, "predict": model.predict_step}[
            mode
        ]

        def pure(values: list[Any], batch: Any) -> Any:
            with state.StatelessScope(list(zip(variables, values))) as scope:
                out = step(batch)
            new = (
                [scope.updated_value(v, val) for v, val in zip(variables, values)]
                if mode != "predict"
                else values
            )
            return out, new

        self._pure[mode] = pure
        fn = self._compile(pure, donate=mode != "predict")
        self._fns[mode] = fn
        return fn

    def _pure_train(self) -> Any:
        self._stateless_fn("train")
        return self._pure["train"]

    def _stateful_fn(self, mode: str) -> Any:
        fn = self._fns.get(mode)
        if fn is not None:
            return fn
        model = self.model
        step = {"train": model.train_step, "test": model.test_step, "predict": model.predict_step}[
            mode
        ]
        fn = self._compile(step, donate=False)
        self._fns[mode] = fn
        return fn

    def _convert(self, batch: Any) -> Any:
        """Backend tensors for the step.  A compiled stateless step (JAX) takes numeric
        NumPy arrays as they are: the compiled call moves them to the device itself,
        cheaper than converting them one by one first."""
        B = _backend.B
        host_ok = self.stateless and not self.eager
        leaves, tdef = tree_flatten(batch)
        return tree_unflatten(
            tdef,
            [
                v
                if v is None
                or B.is_tensor(v)
                or (host_ok and isinstance(v, np.ndarray) and v.dtype.kind in "biuf")
                else B.convert_to_tensor(v)
                for v in leaves
            ],
        )

    # ---------------------------------------------------------------- running
    def _run(self, mode: str, batch: Any) -> Any:
        batch = self._convert(batch)
        if self.stateless:
            out, self._values = self._stateless_fn(mode)(self._values, batch)
            return out
        ctx = _no_grad() if mode != "train" else contextlib.nullcontext()
        with ctx:
            return self._stateful_fn(mode)(batch)

    def train(self, batch: Any) -> Any:
        return self._run("train", batch)

    def train_many(self, batches: list[Any]) -> Any:
        """Several training steps in one compiled call (``steps_per_execution``); the
        logs are those of the last step."""
        key = f"train*{len(batches)}"
        batches = [self._convert(b) for b in batches]
        fn = self._fns.get(key)
        if self.stateless:
            if fn is None:
                inner = self._pure_train()

                def many(values: list[Any], group: list[Any]) -> Any:
                    out = None
                    for b in group:
                        out, values = inner(values, b)
                    return out, values

                fn = self._fns[key] = self._compile(many, donate=True)
            out, self._values = fn(self._values, batches)
            return out
        if fn is None:
            step = self.model.train_step

            def many_stateful(group: list[Any]) -> Any:
                out = None
                for b in group:
                    out = step(b)
                return out

            fn = self._fns[key] = self._compile(many_stateful, donate=False)
        return fn(batches)

    def test(self, batch: Any) -> Any:
        return self._run("test", batch)

    def predict(self, batch: Any) -> Any:
        if self.stateless:
            out, _ = self._stateless_fn("predict")(self._values, self._convert(batch))
            return out
        with _no_grad():
            return self._stateful_fn("predict")(self._convert(batch))


def _no_grad() -> Any:
    ctx = getattr(_backend.B, "no_grad", None)
    return ctx() if ctx is not None else contextlib.nullcontext()
