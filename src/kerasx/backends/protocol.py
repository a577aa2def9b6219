"""The backend protocol: everything a framework adapter must supply to run kerasx.

A backend is one subclass of :class:`Backend`.  Abstract methods are the primitives a
new framework must implement; every other method has a default written in terms of the
primitives, which an adapter may override when its framework has a faster native
version.  The conformance suite (``tests/conformance``) is the executable form of this
contract: a backend is done when it passes.

The protocol is split by op family so that each file stays readable:

* this file: tensors and dtypes, variables, gradients, compilation, devices, name
  scopes, control flow, symbolic shape inference and portable random bits;
* :mod:`.protocol_numpy`: the NumPy-like array API (``kerasx.ops.numpy``);
* :mod:`.protocol_nn`: activations, convolutions, pooling, normalisation, losses;
* :mod:`.protocol_math`: ``kerasx.ops.math``, ``kerasx.ops.linalg`` and ``image``.

Conventions every adapter follows:

* Tensors are the framework's own (``jax.Array``, ``torch.Tensor``, ``tf.Tensor``,
  ``np.ndarray``); inputs may also be Python scalars, lists and NumPy arrays.
* Dtypes are reported as canonical strings (``"float32"``) and binary ops promote
  with :func:`kerasx.backends.common.dtypes.result_type` (Python scalars are weak).
* Argument names and defaults are Keras 3's, so ``kerasx.ops`` can forward calls as is.
* Adapters import their framework and ``kerasx.backends.common`` only, never the
  kerasx frontend: backends are leaves of the import graph.

Optional hooks (looked up with ``getattr``; absent means "use the portable path"):

* ``stateful_value_and_grad(fn, handles, has_aux)`` and ``no_grad()``: the trainer
  updates variables in place instead of threading values through a pure step
  (PyTorch, TensorFlow).
* ``variable_set_trainable(handle, trainable)``: told when ``Variable.trainable`` flips.
* ``init_scope()``: a context in which variable initial values are concrete even
  inside a trace (``jax.ensure_compile_time_eval``, ``tf.init_scope``).
* ``register_variable_class(cls)``: called once with ``kerasx.Variable`` so the
  framework's own APIs accept it (TensorFlow: resource-variable protocol).
* ``fused_optimizer_step(kind, params, grads, slots, hyper)`` and
  ``fused_weight_decay(params, factor)``: multi-tensor in-place optimizer updates for
  eager stateful training (PyTorch ``_foreach``); return False to decline.
* ``fused_conv(inputs, kernel, bias, strides, padding, data_format, dilation_rate)``:
  ``conv + bias`` with the bias inside the convolution (PyTorch); None to decline.
* ``fused_lstm(inputs, h, c, kernel, recurrent_kernel, bias, go_backwards,
  return_sequences)``: a whole-sequence LSTM (tanh / sigmoid, Keras gate order) in one
  framework call (PyTorch ``torch.lstm``); returns ``(last, outputs, [h, c])`` or None to
  decline.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import optree

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import portable_random as _rng
from kerasx.backends.protocol_math import MathProtocol
from kerasx.backends.protocol_nn import NNProtocol
from kerasx.backends.protocol_numpy import NumpyProtocol

Tensor = Any
Shape = tuple[int | None, ...]


class TrainingNotSupportedError(NotImplementedError):
    """Raised by inference-only backends (NumPy) when asked for gradients."""


class CoreProtocol(abc.ABC):
    """Tensors, variables, gradients, compilation, devices and control flow."""

    #: The backend's name as users select it (``KERASX_BACKEND``).
    name: str = ""
    #: Whether gradients (and so training) are available.
    supports_training: bool = True
    #: Whether repeated eager ``model(x)`` calls of built-in models should run through
    #: :meth:`compile_function` (worth it where eager ops dispatch one by one and a
    #: compiled call is cheap: JAX, TensorFlow; see ``kerasx.models.compiled_call``).
    compile_eager_calls: bool = False

    # ------------------------------------------------------------------ tensors
    @abc.abstractmethod
    def is_tensor(self, x: Any) -> bool:
        """True for this framework's tensor type (variables' values included)."""

    @abc.abstractmethod
    def convert_to_tensor(
        self,
        x: Any,
        dtype: str | None = None,
        sparse: bool | None = None,
        ragged: bool | None = None,
    ) -> Tensor:
        """Make a tensor from a tensor, NumPy array, Python scalar or nested list.

        With ``dtype=None``: Python floats become ``floatx()``, Python ints ``int32``,
        NumPy arrays keep their dtype (where the framework supports it).
        """

    @abc.abstractmethod
    def convert_to_numpy(self, x: Any) -> np.ndarray:
        """Copy a tensor to host memory as a NumPy array (detached from any graph)."""

    @abc.abstractmethod
    def cast(self, x: Tensor, dtype: str) -> Tensor:
        """Convert ``x`` to ``dtype`` (a canonical dtype string)."""

    @abc.abstractmethod
    def shape(self, x: Tensor) -> Shape:
        """Static shape as a tuple; ``None`` where a traced dimension is unknown."""

    @abc.abstractmethod
    def dtype(self, x: Tensor) -> str:
        """Canonical dtype string of a tensor."""

    def dynamic_shape(self, x: Tensor) -> tuple[Any, ...]:
        """Shape with scalar tensors for dimensions unknown while tracing.

        The default (static shapes) suits eager backends and JAX, whose traced shapes
        are always static; TensorFlow overrides it with ``tf.shape`` entries.
        """
        return tuple(self.shape(x))

    def saturate_cast(self, x: Tensor, dtype: str) -> Tensor:
        """Cast with clipping to the target range instead of wrapping around."""
        dtype = _dt.standardize_dtype(dtype)
        lo, hi = _dt.dtype_range(dtype)
        src = self.dtype(x)
        if src != "bool" and dtype != "bool":
            slo, shi = _dt.dtype_range(src)
            if lo > slo or hi < shi:
                x = self.clip(x, max(lo, slo), min(hi, shi))
        return self.cast(x, dtype)

    @abc.abstractmethod
    def stop_gradient(self, variable: Tensor) -> Tensor:
        """Identity whose gradient is zero."""

    @abc.abstractmethod
    def get_item(self, x: Tensor, key: Any) -> Tensor:
        """``x[key]`` for ints, slices, ``None``, ``Ellipsis`` and int/bool index tensors."""

    @abc.abstractmethod
    def slice(self, inputs: Tensor, start_indices: Sequence[Any], shape: Sequence[int]) -> Tensor:
        """Static-size block of ``inputs`` starting at (possibly traced) indices."""

    @abc.abstractmethod
    def slice_update(self, inputs: Tensor, start_indices: Sequence[Any], updates: Tensor) -> Tensor:
        """Copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``."""

    @abc.abstractmethod
    def scatter(self, indices: Tensor, values: Tensor, shape: Sequence[int]) -> Tensor:
        """Zeros of ``shape`` with ``values`` added at ``indices`` (duplicates sum)."""

    @abc.abstractmethod
    def scatter_update(
        self, inputs: Tensor, indices: Tensor, updates: Tensor, reduction: str | None = None
    ) -> Tensor:
        """Copy of ``inputs`` with entries at ``indices`` set to ``updates``.

        ``reduction`` is ``None`` (overwrite) or one of ``"add"``, ``"max"``, ``"min"``,
        ``"mul"`` (combine with the existing entry).
        """

    # ------------------------------------------------------------- control flow
    @abc.abstractmethod
    def cond(self, pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
        """Call one branch; both branches must return the same structure."""

    @abc.abstractmethod
    def while_loop(
        self,
        cond: Callable[..., Any],
        body: Callable[..., Any],
        loop_vars: Any,
        maximum_iterations: int | None = None,
    ) -> Any:
        """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``.

        ``loop_vars`` is a tuple or list (returned as such); a single tensor is allowed.
        """

    def fori_loop(
        self, lower: int, upper: int, body_fun: Callable[[Any, Any], Any], init_val: Any
    ) -> Any:
        """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""

        def cond(i, _val):
            return self.less(i, upper)

        def body(i, val):
            return (self.add(i, 1), body_fun(i, val))

        return self.while_loop(cond, body, (self.convert_to_tensor(lower, "int32"), init_val))[1]

    def scan(
        self,
        f: Callable[[Any, Any], tuple[Any, Any]],
        init: Any,
        xs: Any = None,
        length: int | None = None,
        reverse: bool = False,
        unroll: int = 1,
    ) -> tuple[Any, Any]:
        """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; stack the ys."""
        leaves = optree.tree_leaves(xs)
        n = length if length is not None else self.shape(leaves[0])[0]
        order = range(n - 1, -1, -1) if reverse else range(n)
        carry, ys = init, []
        for i in order:
            x = None if xs is None else optree.tree_map(lambda t, i=i: t[i], xs)
            carry, y = f(carry, x)
            ys.append(y)
        if reverse:
            ys.reverse()
        if not ys or ys[0] is None:
            return carry, None
        stacked = optree.tree_map(lambda *t: self.stack(list(t)), *ys)
        return carry, stacked

    def map(self, f: Callable[[Any], Any], xs: Any) -> Any:
        """Apply ``f`` to each slice along the leading axis and stack the results."""
        return self.scan(lambda c, x: (c, f(x)), None, xs)[1]

    def vectorized_map(self, function: Callable[[Any], Any], elements: Any) -> Any:
        """Like :meth:`map`; backends with a vectorising transform override it."""
        return self.map(function, elements)

    def switch(self, index: Any, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
        """Call ``branches[index](*operands)``, clamping ``index`` to the valid range."""
        i = int(self.convert_to_numpy(index))
        return branches[min(max(i, 0), len(branches) - 1)](*operands)

    def unstack(self, x: Tensor, num: int | None = None, axis: int = 0) -> list[Tensor]:
        """Split ``x`` along ``axis`` into a list of tensors of one rank less."""
        n = self.shape(x)[axis] if num is None else num
        return [self.squeeze(p, axis=axis) for p in self.split(x, n, axis=axis)]

    def associative_scan(
        self, f: Callable[[Any, Any], Any], elems: Any, reverse: bool = False, axis: int = 0
    ) -> Any:
        """Inclusive scan of an associative ``f`` (sequential default)."""
        leaves, tree = optree.tree_flatten(elems)
        n = self.shape(leaves[0])[axis]
        order = list(range(n))
        if reverse:
            order.reverse()
        out, acc = {}, None
        for i in order:
            cur = optree.tree_unflatten(tree, [self.take(t, i, axis=axis) for t in leaves])
            acc = cur if acc is None else (f(cur, acc) if reverse else f(acc, cur))
            out[i] = acc
        per_leaf = [optree.tree_leaves(out[i]) for i in range(n)]
        stacked = [
            self.stack([per_leaf[i][j] for i in range(n)], axis=axis) for j in range(len(leaves))
        ]
        return optree.tree_unflatten(tree, stacked)

    @abc.abstractmethod
    def custom_gradient(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator: ``f(*args)`` returns ``(output, grad_fn)`` with ``grad_fn(upstream)``
        giving one gradient per positional argument."""

    # ---------------------------------------------------------------- variables
    @abc.abstractmethod
    def variable_create(self, value: Tensor, trainable: bool, name: str) -> Any:
        """Create the framework's mutable storage for a :class:`kerasx.Variable`.

        Returns an opaque handle used only through :meth:`variable_read` and
        :meth:`variable_assign` (``tf.Variable``, ``torch.nn.Parameter``, or a box).
        """

    @abc.abstractmethod
    def variable_read(self, handle: Any) -> Tensor:
        """Current value behind a handle (differentiable where the framework tracks it)."""

    @abc.abstractmethod
    def variable_assign(self, handle: Any, value: Tensor) -> None:
        """Overwrite the value behind a handle in place (same shape and dtype)."""

    # ---------------------------------------------------------------- gradients
    @abc.abstractmethod
    def value_and_grad(
        self, fn: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
    ) -> Callable[..., Any]:
        """Transform a pure function into one returning ``(value, grads)``.

        ``value`` is ``fn(*args)`` (or ``(loss, aux)`` with ``has_aux``); ``grads`` has
        the structure of the selected argument(s), which may be pytrees of tensors.
        Inference-only backends raise :class:`TrainingNotSupportedError`.
        """

    # -------------------------------------------------------------- compilation
    def compile_function(
        self,
        fn: Callable[..., Any],
        jit_compile: bool | None = None,
        donate_argnums: Sequence[int] = (),
    ) -> Callable[..., Any]:
        """Compile a pure function of tensors (jax.jit, tf.function, torch.compile).

        The default runs ``fn`` as is.  ``donate_argnums`` lets a backend reuse the
        buffers of those arguments for the outputs.
        """
        return fn

    # ------------------------------------------------------------------ devices
    def list_devices(self, device_type: str | None = None) -> list[str]:
        """Devices as ``"cpu:0"``-style strings."""
        return ["cpu:0"] if device_type in (None, "cpu", "CPU") else []

    def device_scope(self, device_name: str) -> contextlib.AbstractContextManager[Any]:
        """Context in which new tensors and variables are placed on ``device_name``."""
        return contextlib.nullcontext()

    def to_device(self, x: Tensor, device_name: str) -> Tensor:
        """Move a tensor to a device."""
        return x

    # -------------------------------------------------------------- name scopes
    def name_scope(self, name: str) -> contextlib.AbstractContextManager[Any]:
        """Annotate work done inside for the framework's profiler and graph names."""
        return contextlib.nullcontext()

    # ------------------------------------------------------------ shape inference
    def compute_output_spec(
        self, fn: Callable[[list[Tensor]], list[Tensor]], specs: Sequence[tuple[Shape, str]]
    ) -> list[tuple[Shape, str]]:
        """Shapes and dtypes ``fn`` would return for inputs of the given specs.

        ``fn`` takes and returns flat lists of tensors.  The default runs ``fn`` on zeros
        twice, with unknown dimensions set to two different sizes, and reports the
        output dimensions that changed as unknown.  Backends with abstract tracing
        (jax.eval_shape, tf.function) override it to run nothing.
        """
        has_unknown = any(d is None for shape, _ in specs for d in shape)
        trials = (2, 3) if has_unknown else (2,)
        results = []
        for size in trials:
            inputs = [
                self.zeros(tuple(size if d is None else d for d in shape), dtype)
                for shape, dtype in specs
            ]
            outputs = fn(inputs)
            results.append([(self.shape(o), self.dtype(o)) for o in outputs])
        first = results[0]
        if len(results) == 1:
            return first
        merged = []
        for (s1, d1), (s2, _) in zip(first, results[1]):
            merged.append((tuple(a if a == b else None for a, b in zip(s1, s2)), d1))
        return merged

    # --------------------------------------------------------------------- random
    def random_bits(self, shape: Sequence[int], seed: Any) -> Tensor:
        """int32 random bits, identical on every backend for the same seed.

        ``seed`` is a Python int or an int tensor of shape ``(2,)``.  Not meant to be
        overridden: portability across backends is the point.
        """
        return _rng.random_bits(self, tuple(shape), seed)

    def random_uniform(
        self,
        shape: Sequence[int],
        seed: Any,
        minval: float = 0.0,
        maxval: float = 1.0,
        dtype: str | None = None,
    ) -> Tensor:
        """Uniform floats in ``[minval, maxval)`` from :meth:`random_bits`."""
        dtype = _dt.standardize_dtype(dtype)
        u = _rng.uniform01(self, tuple(shape), seed, "float32")
        return self.cast(self.add(self.multiply(u, maxval - minval), minval), dtype)

    def random_normal(
        self,
        shape: Sequence[int],
        seed: Any,
        mean: float = 0.0,
        stddev: float = 1.0,
        dtype: str | None = None,
    ) -> Tensor:
        """Normal floats (Box-Muller over :meth:`random_bits`)."""
        dtype = _dt.standardize_dtype(dtype)
        z = _rng.standard_normal(self, tuple(shape), seed, "float32")
        return self.cast(self.add(self.multiply(z, stddev), mean), dtype)


class Backend(CoreProtocol, NumpyProtocol, NNProtocol, MathProtocol):
    """The complete contract: core + NumPy-like + nn + math/linalg/image ops."""

    def __repr__(self) -> str:
        return f"<kerasx backend {self.name!r}>"


def protocol_methods() -> dict[str, str]:
    """Every public op name of the protocol mapped to the family that declares it."""
    families = {
        "core": CoreProtocol,
        "numpy": NumpyProtocol,
        "nn": NNProtocol,
        "math": MathProtocol,
    }
    out: dict[str, str] = {}
    for fam, cls in families.items():
        for name, value in vars(cls).items():
            if not name.startswith("_") and callable(value):
                out.setdefault(name, fam)
    return out


def abstract_methods() -> list[str]:
    """The primitives a new backend must implement."""
    return sorted(Backend.__abstractmethods__)
