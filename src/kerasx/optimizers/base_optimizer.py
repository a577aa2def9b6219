"""The optimizer base class: its variables, the apply loop and what happens around
each update (gradient filtering, loss-scale unscaling, clipping, weight decay,
gradient accumulation, EMA of the weights).

Subclasses create slot variables in ``build`` and write ``update_step`` with
:mod:`kerasx.ops` on values and ``Variable.assign``.  The base never branches in
Python on a tensor's value unless that value is concrete: when it is traced
(``jax.jit``, ``tf.function``) both outcomes are computed and ``ops.where`` picks
one, so the same code runs eagerly, in :meth:`BaseOptimizer.stateless_apply` and
inside compiled train steps on every backend.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from kerasx import ops
from kerasx.backends.common.dtypes import standardize_dtype
from kerasx.backends.common.settings import floatx
from kerasx.engine.state import StatelessScope, current_path, name_scope
from kerasx.engine.variable import Variable
from kerasx.optimizers._utils import (  # noqa: F401  (re-exported: Keras keeps them here)
    Constant,
    clip_by_global_norm,
    global_norm,
    iteration_dtype,
    resolve_initializer,
    static_bool,
)
from kerasx.optimizers.schedules import learning_rate_schedule as lrs
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object
from kerasx.utils.naming import auto_name


def _storage_dtype(variable: Any) -> str:
    stored = getattr(variable, "_dtype", None)
    return stored if isinstance(stored, str) else standardize_dtype(variable.dtype)


def _value(x: Any) -> Any:
    return x.value if isinstance(x, Variable) else x


class BaseOptimizer:
    """Abstract optimizer: subclass it, create slots in ``build`` and implement
    ``update_step(gradient, variable, learning_rate)`` and ``get_config``."""

    def __init__(
        self,
        learning_rate: Any,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        object.__setattr__(self, "_tracked_ids", set())
        self._variables: list[Variable] = []
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.", stacklevel=2
            )
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        self.name = name if name is not None else auto_name(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.built = False
        self._trainable_variables: list[Any] = []
        self._trainable_variables_indices: dict[int, int] = {}
        self._known_list: list[Any] | None = None
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: re.Pattern[str] | None = None
        self._decay_cache: dict[int, bool] = {}
        with self._own_scope():
            self._iterations = Variable(
                0,
                name="iteration",
                dtype=iteration_dtype(),
                trainable=False,
                aggregation="only_first_replica",
            )
        self._track_variable(self._iterations)
        self._learning_rate = self._build_learning_rate(learning_rate)

    # ---------------------------------------------------------------- tracking
    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Variable):
            if "_tracked_ids" not in self.__dict__:
                self._check_super_called()
            self._track_variable(value)
        object.__setattr__(self, name, value)

    def _check_super_called(self) -> None:
        if "_tracked_ids" not in self.__dict__:
            raise RuntimeError(
                f"In optimizer '{type(self).__name__}', you forgot to call `super().__init__()` "
                "as the first statement in the `__init__()` method. Go add it!"
            )

    def _own_scope(self) -> contextlib.AbstractContextManager[Any]:
        """``name_scope(self.name)`` unless already inside it (variables get ``opt/x``)."""
        if current_path().rsplit("/", 1)[-1] == self.name:
            return contextlib.nullcontext()
        return name_scope(self.name)

    def _track_variable(self, variable: Variable) -> None:
        if id(variable) not in self._tracked_ids:
            self._tracked_ids.add(id(variable))
            self._variables.append(variable)

    def _untrack_variable(self, variable: Variable) -> None:
        if id(variable) in self._tracked_ids:
            self._tracked_ids.discard(id(variable))
            self._variables = [v for v in self._variables if v is not variable]

    @property
    def variables(self) -> list[Variable]:
        """All optimizer variables, in creation order (the order files store them in)."""
        return self._variables[:]

    @property
    def iterations(self) -> Any:
        """Update steps taken (a Variable; with accumulation, real steps // N)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations, self.gradient_accumulation_steps)
        return self._iterations

    # ------------------------------------------------------------ learning rate
    def _build_learning_rate(self, learning_rate: Any) -> Any:
        if isinstance(learning_rate, lrs.LearningRateSchedule):
            return learning_rate
        if callable(learning_rate) and not isinstance(learning_rate, Variable):
            return learning_rate
        try:
            if isinstance(learning_rate, bool):
                raise TypeError
            value = float(_value(learning_rate))
        except (TypeError, ValueError):
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                "or a callable (that takes in the current iteration value and returns the "
                f"corresponding learning rate value). Received instead: learning_rate={learning_rate}"
            ) from None
        with self._own_scope():
            variable = Variable(
                value,
                name="learning_rate",
                dtype=floatx(),
                trainable=False,
                aggregation="only_first_replica",
            )
        self._track_variable(variable)
        return variable

    @property
    def learning_rate(self) -> Any:
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        previous = self._learning_rate if isinstance(self._learning_rate, Variable) else None
        if isinstance(learning_rate, lrs.LearningRateSchedule) or (
            callable(learning_rate) and not isinstance(learning_rate, Variable)
        ):
            self._learning_rate = learning_rate
        elif isinstance(self._learning_rate, lrs.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                "If you need the learning rate to be settable, you should instantiate the "
                "optimizer with a float `learning_rate` argument."
            )
        elif isinstance(self._learning_rate, Variable):
            self._learning_rate.assign(_value(learning_rate))
        else:
            self._learning_rate = self._build_learning_rate(learning_rate)
        if previous is not None and self._learning_rate is not previous:
            self._untrack_variable(previous)

    def _get_current_learning_rate(self) -> Any:
        lr = self._learning_rate
        if isinstance(lr, lrs.LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable):
            return lr
        if callable(lr):
            return lr()
        return lr

    # ------------------------------------------------------------------- build
    def build(self, variables: Sequence[Any]) -> None:
        """Create the EMA and accumulator slots and index the trainable variables.

        Subclasses call ``super().build(variables)`` first, then add their slots.
        """
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average"
            )
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = [
                self.add_variable_from_reference(v, name="gradient_accumulator") for v in variables
            ]
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self._trainable_variables = variables[:]
        self._known_list = None
        self.built = True

    def _var_key(self, variable: Any) -> int:
        return id(variable)

    def _get_variable_index(self, variable: Any) -> int:
        return self._trainable_variables_indices[id(variable)]

    def add_variable(
        self,
        shape: Sequence[int],
        initializer: Any = "zeros",
        dtype: Any = None,
        aggregation: str = "none",
        layout: Any = None,
        name: str | None = None,
    ) -> Variable:
        """Create and track a non-trainable optimizer variable named ``<opt>/<name>``."""
        self._check_super_called()
        init = resolve_initializer(initializer)
        with self._own_scope():
            variable = Variable(
                init,
                shape=tuple(shape),
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                name=name,
            )
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(
        self, reference_variable: Any, name: str | None = None, initializer: Any = "zeros"
    ) -> Variable:
        """A slot shaped like ``reference_variable``, named ``{path with / -> _}_{name}``."""
        suffix = name or "var"
        if hasattr(reference_variable, "path"):
            prefix = reference_variable.path.replace("/", "_")
        else:
            prefix = str(reference_variable.name).replace("/", "_").replace(":", "_")
        return self.add_variable(
            shape=reference_variable.shape,
            initializer=initializer,
            dtype=_storage_dtype(reference_variable),
            name=f"{prefix}_{suffix}",
        )

    def add_optimizer_variables(
        self,
        trainable_variables: Iterable[Any],
        name: str | Sequence[str],
        initializer: Any = "zeros",
    ) -> Any:
        """One slot per variable and per name (interleaved); None for variables that
        are overwritten with their gradient.  A list of names gives a tuple of lists."""
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(name, str) or not isinstance(initializer, (list, tuple)):
            inits = [initializer] * len(names)
        else:
            inits = list(initializer)
        if len(names) != len(inits):
            raise ValueError(
                "The number of provided names must match the number of provided initializers. "
                f"Received name='{name}', initializer='{initializer}'"
            )
        slots: tuple[list[Any], ...] = tuple([] for _ in names)
        for variable in trainable_variables:
            skip = getattr(variable, "overwrite_with_gradient", False)
            for i, (slot_name, init) in enumerate(zip(names, inits)):
                slots[i].append(
                    None
                    if skip
                    else self.add_variable_from_reference(
                        variable, name=slot_name, initializer=init
                    )
                )
        return slots[0] if isinstance(name, str) else slots

    def _check_variables_are_known(self, variables: list[Any]) -> None:
        known = self._known_list  # the list checked last time: the usual case is a repeat
        if (
            known is not None
            and len(variables) == len(known)
            and all(a is b for a, b in zip(variables, known))
        ):
            return
        for v in variables:
            if id(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {v}. This optimizer can only be called for the variables it "
                    "was originally built with. When working with a new set of variables, you should "
                    "recreate a new optimizer instance."
                )
        self._known_list = list(variables)

    # ------------------------------------------------------------------ writes
    def assign(self, variable: Any, value: Any) -> None:
        variable.assign(value)

    def assign_add(self, variable: Any, value: Any) -> None:
        variable.assign_add(value)

    def assign_sub(self, variable: Any, value: Any) -> None:
        variable.assign_sub(value)

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------- apply
    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Any]]) -> Variable:
        """``apply`` on ``(gradient, variable)`` pairs; returns the iteration variable."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads: Sequence[Any], trainable_variables: Sequence[Any] | None = None) -> None:
        """Update the variables from their gradients (building the optimizer on first use)."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on "
                    "a list of variables. Call `optimizer.build(trainable_variables)` first. "
                )
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must match "
                    f"`optimizer.variables` one-to-one. Received a list of {len(grads)} gradients, but "
                    f"the optimizer is tracking {len(self._trainable_variables)} trainable variables."
                )
            tvars = self._trainable_variables
        else:
            tvars = list(trainable_variables)
            if not self.built:
                with self._own_scope():
                    self.build(tvars)
                self.built = True
            self._check_variables_are_known(tvars)
        grads, tvars = self._filter_empty_gradients(grads, tvars)
        grads, tvars = self._overwrite_variables_directly_with_gradients(grads, tvars)
        if grads:
            scale = self.loss_scale_factor
            if scale is not None:
                grads = [ops.divide(g, scale) for g in grads]
            self._backend_apply_gradients(grads, tvars)
            for variable in tvars:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(variable))
        self._iterations.assign_add(1)

    def _filter_empty_gradients(
        self, grads: list[Any], tvars: list[Any]
    ) -> tuple[list[Any], list[Any]]:
        if all(g is not None for g in grads):
            return grads, tvars
        kept = [(g, v) for g, v in zip(grads, tvars) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        missing = [
            getattr(v, "path", getattr(v, "name", str(v)))
            for g, v in zip(grads, tvars)
            if g is None
        ]
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss. "
            "If using `model.compile()`, did you forget to provide a `loss` argument?",
            stacklevel=3,
        )
        return [g for g, _ in kept], [v for _, v in kept]

    def _overwrite_variables_directly_with_gradients(
        self, grads: list[Any], tvars: list[Any]
    ) -> tuple[list[Any], list[Any]]:
        """Variables flagged ``overwrite_with_gradient`` (float8 scales) take the gradient
        as their new value (the running maximum under accumulation) and leave the list."""
        if not any(getattr(v, "overwrite_with_gradient", False) for v in tvars):
            return grads, tvars
        kept_g, kept_v = [], []
        for g, v in zip(grads, tvars):
            if not getattr(v, "overwrite_with_gradient", False):
                kept_g.append(g)
                kept_v.append(v)
            elif self.gradient_accumulation_steps:
                is_update = self._is_accumulation_boundary()
                acc = self._accumulated_gradients[self._get_variable_index(v)]
                running_max = ops.maximum(g, acc)
                v.assign(ops.where(is_update, running_max, v.value))
                acc.assign(ops.where(is_update, ops.zeros_like(running_max), running_max))
            else:
                v.assign(g)
        return kept_g, kept_v

    def _is_accumulation_boundary(self) -> Any:
        return ops.equal(ops.mod(ops.add(self._iterations, 1), self.gradient_accumulation_steps), 0)

    def _backend_apply_gradients(self, grads: list[Any], trainable_variables: list[Any]) -> None:
        """Clip, decay and update (every N steps with accumulation), then the EMA."""
        lr = _value(self.learning_rate)
        if self.gradient_accumulation_steps:
            self._apply_accumulated(grads, trainable_variables, lr)
        else:
            self._clip_decay_update(grads, trainable_variables, lr)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                self._maybe_overwrite_with_average()

    def _clip_decay_update(self, grads: list[Any], trainable_variables: list[Any], lr: Any) -> None:
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(trainable_variables, lr)
        self._backend_update_step(grads, trainable_variables, lr)

    def _apply_accumulated(self, grads: list[Any], tvars: list[Any], lr: Any) -> None:
        steps = self.gradient_accumulation_steps
        is_update = self._is_accumulation_boundary()
        accs = [self._accumulated_gradients[self._get_variable_index(v)] for v in tvars]
        static = static_bool(is_update)
        summed = [ops.add(g, a.value) for g, a in zip(grads, accs)]
        if static is False:
            for a, s in zip(accs, summed):
                a.assign(s)
            return
        mean = [ops.divide(s, steps) for s in summed]
        if static is True:
            self._clip_decay_update(mean, tvars, lr)
            for a in accs:
                a.assign(ops.zeros(a.shape, dtype=a.dtype))
            return
        # Traced: update unconditionally, then keep the old values off the boundary.
        touched = list(tvars) + self.variables
        before = [v.value for v in touched]
        self._clip_decay_update(mean, tvars, lr)
        for v, old in zip(touched, before):
            v.assign(ops.where(is_update, v.value, old))
        for a, s in zip(accs, summed):
            a.assign(ops.where(is_update, ops.zeros_like(s), s))

    def _backend_update_step(
        self, grads: Sequence[Any], trainable_variables: Sequence[Any], learning_rate: Any
    ) -> None:
        if self._try_fused_update(grads, trainable_variables, learning_rate):
            return
        for grad, variable in zip(grads, trainable_variables):
            self.update_step(grad, variable, learning_rate)

    # ------------------------------------------------------------ fused path
    def _fused_spec(
        self, variables: Sequence[Any]
    ) -> tuple[str, dict[str, list[Any]], dict] | None:
        """(kind, slot variables per name, hyper-parameters) for backends with a
        multi-tensor update (PyTorch), or None to always use ``update_step``."""
        return None

    def _fused_backend(self, name: str) -> Any:
        """The backend's optional multi-tensor hook, when usable right now: eager,
        stateful updates only (never inside a stateless or traced step)."""
        from kerasx import _backend
        from kerasx.engine.state import current_stateless_scope

        hook = getattr(_backend.B, name, None)
        if hook is None or current_stateless_scope() is not None:
            return None
        return hook

    def _try_fused_update(self, grads: Sequence[Any], tvars: Sequence[Any], lr: Any) -> bool:
        hook = self._fused_backend("fused_optimizer_step")
        if hook is None or type(self).update_step is not self._fused_update_step_owner():
            return False
        spec = self._fused_spec(tvars)
        if spec is None:
            return False
        kind, slots, hyper = spec
        hyper = dict(hyper)
        hyper["learning_rate"] = float(ops.convert_to_numpy(lr))
        hyper["step"] = int(ops.convert_to_numpy(self.iterations)) + 1
        return bool(
            hook(
                kind,
                [v._handle for v in tvars],
                list(grads),
                {k: [s._handle for s in vs] for k, vs in slots.items()},
                hyper,
            )
        )

    def _fused_update_step_owner(self) -> Any:
        """The class whose ``update_step`` the fused spec reproduces; a user subclass
        that overrides ``update_step`` therefore never takes the fused path."""
        return None

    # --------------------------------------------------------------- stateless
    def stateless_apply(
        self,
        optimizer_variables: Sequence[Any],
        grads: Sequence[Any],
        trainable_variables: Sequence[Any],
    ) -> tuple[list[Any], list[Any]]:
        """Pure ``apply``: returns ``(new trainable values, new optimizer values)``."""
        self._check_super_called()
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built (i.e. its variables "
                "must have been created). You can build it via `optimizer.build(trainable_variables)`."
            )
        own = self.variables
        if len(optimizer_variables) != len(own):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors corresponding 1:1 to "
                f"{type(self).__name__}().variables. Received list with length "
                f"{len(optimizer_variables)}, but expected {len(own)} variables."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "Argument `trainable_variables` must be a list of tensors corresponding 1:1 to the "
                "trainable variables list that the optimizer was built with. Received "
                f"len(trainable_variables) == {len(trainable_variables)} whereas the optimizer was "
                f"built with {len(self._trainable_variables)} variables."
            )
        mapping = list(zip(self._trainable_variables, trainable_variables)) + list(
            zip(own, optimizer_variables)
        )
        with StatelessScope(state_mapping=mapping) as scope:
            self.apply(grads)
        new_trainable = [scope.get_current_value(v) for v in self._trainable_variables]
        new_optimizer = [scope.get_current_value(v) for v in own]
        return new_trainable, new_optimizer

    def scale_loss(self, loss: Any) -> Any:
        """Multiply the loss by ``loss_scale_factor`` (gradients are divided back)."""
        if self.loss_scale_factor is not None:
            return ops.multiply(loss, self.loss_scale_factor)
        return loss

    # ---------------------------------------------------------------- clipping
    def _clip_gradients(self, grads: list[Any]) -> list[Any]:
        if self.clipnorm and self.clipnorm > 0:
            return [None if g is None else self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            c = self.clipvalue
            return [None if g is None else ops.clip(g, -c, c) for g in grads]
        return grads

    def _clip_by_norm(self, values: Any, axes: Any = None) -> Any:
        """Scale ``values`` so that their L2 norm is at most ``clipnorm``."""
        sq = ops.sum(ops.square(values), axis=axes, keepdims=True)
        positive = ops.greater(sq, 0)
        # Never take sqrt(0): its gradient is NaN even where the branch is unused.
        norm = ops.where(positive, ops.sqrt(ops.where(positive, sq, ops.ones_like(sq))), sq)
        return ops.divide(ops.multiply(values, self.clipnorm), ops.maximum(norm, self.clipnorm))

    # ------------------------------------------------------------ weight decay
    def exclude_from_weight_decay(
        self, var_list: Iterable[Any] | None = None, var_names: Iterable[str] | None = None
    ) -> None:
        """Skip decay for these variables, or for names containing any of ``var_names``."""
        self._exclude_ids = {id(v) for v in var_list} if var_list else set()
        names = sorted(set(var_names)) if var_names else []
        self._exclude_pattern = re.compile("|".join(names)) if names else None
        self._decay_cache = {}

    def _use_weight_decay(self, variable: Any) -> bool:
        key = id(variable)
        cached = self._decay_cache.get(key)
        if cached is None:
            cached = key not in self._exclude_ids and not (
                self._exclude_pattern is not None
                and self._exclude_pattern.search(variable.name) is not None
            )
            self._decay_cache[key] = cached
        return cached

    def _apply_weight_decay(self, variables: Sequence[Any], learning_rate: Any = None) -> None:
        """Decoupled decay before the update: ``v -= v * weight_decay * lr``."""
        if self.weight_decay is None:
            return
        lr = _value(self.learning_rate) if learning_rate is None else learning_rate
        hook = self._fused_backend("fused_weight_decay")
        if hook is not None:
            decayed = [v for v in variables if self._use_weight_decay(v)]
            factor = float(self.weight_decay) * float(ops.convert_to_numpy(lr))
            if not decayed or hook([v._handle for v in decayed], factor):
                return
        for variable in variables:
            if self._use_weight_decay(variable):
                dtype = variable.dtype
                decay = ops.multiply(
                    ops.multiply(variable, ops.cast(self.weight_decay, dtype)), ops.cast(lr, dtype)
                )
                variable.assign(ops.subtract(variable, decay))

    # --------------------------------------------------------------------- EMA
    def _update_model_variables_moving_average(self, trainable_variables: Sequence[Any]) -> None:
        """``avg = m * avg + (1 - m) * var`` with ``m = 0`` on the first step."""
        if not self.use_ema:
            return
        started = ops.not_equal(self.iterations, 0)
        for var, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            momentum = ops.multiply(ops.cast(started, var.dtype), self.ema_momentum)
            average.assign(
                ops.add(
                    ops.multiply(momentum, average), ops.multiply(ops.subtract(1, momentum), var)
                )
            )

    def _maybe_overwrite_with_average(self) -> None:
        due = ops.equal(ops.mod(ops.add(self.iterations, 1), self.ema_overwrite_frequency), 0)
        static = static_bool(due)
        if static is True:
            self._overwrite_model_variables_with_average_value(self._trainable_variables)
        elif static is None:
            for var, average in zip(
                self._trainable_variables, self._model_variables_moving_average
            ):
                if average is not None:
                    var.assign(ops.where(due, average.value, var.value))

    def _overwrite_model_variables_with_average_value(
        self, trainable_variables: Sequence[Any]
    ) -> None:
        averages = self._model_variables_moving_average
        if len(trainable_variables) != len(averages):
            raise ValueError(
                f"The length of model variables ({len(trainable_variables)}) to override does not "
                f"match the length of model variables stored in the optimizer ({len(averages)}). "
                "Please check if the optimizer was called on your model."
            )
        for var, average in zip(trainable_variables, averages):
            if average is not None:
                var.assign(average)

    def finalize_variable_values(self, var_list: Sequence[Any]) -> None:
        """End of training: with EMA, replace the weights by their moving averages."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    # ------------------------------------------------------------------- state
    def set_weights(self, weights: Sequence[Any]) -> None:
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                "calling `set_weights()`."
            )
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(ops.shape(weight)):
                raise ValueError(
                    f"Optimizer variable {variable.path} has shape {variable.shape} not compatible "
                    f"with provided weight shape {tuple(ops.shape(weight))}."
                )
            variable.assign(weight)

    def save_own_variables(self, store: Any) -> None:
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store: Any) -> None:
        variables = self.variables
        if len(store.keys()) != len(variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has {len(store.keys())} variables. "
            )
            if not variables:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(variables):
            variable.assign(store[str(i)])

    def _obj_type(self) -> str:
        return "Optimizer"

    # ----------------------------------------------------------- serialization
    def get_config(self) -> dict[str, Any]:
        lr = self._learning_rate
        if isinstance(lr, lrs.LearningRateSchedule):
            learning_rate: Any = serialize_keras_object(lr)
        elif isinstance(lr, Variable):
            learning_rate = float(lr.numpy())
        elif ops.is_tensor(lr):
            learning_rate = float(ops.convert_to_numpy(lr))
        elif callable(lr):
            learning_rate = serialize_keras_object(lr)
        else:
            learning_rate = 0.5
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> BaseOptimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_keras_object(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)
