"""Core of the JAX adapter: tensors, variables, gradients, control flow, compilation."""

from __future__ import annotations

import contextlib
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kerasx.backends.jax._utils import (
    Array,
    JaxVariable,
    cast,
    is_concrete,
    jdtype,
    name_of,
    tensor,
)

# Sizes substituted for unknown dimensions in compute_output_spec: two odd, unrelated
# sizes first (unlikely to coincide with a real dimension), then small ones for
# functions that need particular divisibility.
_SPEC_TRIALS = ((83, 89), (2, 3), (4, 8))


def _index_key(key: Any) -> Any:
    """Make a ``__getitem__`` key JAX accepts (lists become arrays, boxes values)."""
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    if isinstance(key, list):
        if any(isinstance(k, Array) for k in key):
            return jnp.stack([tensor(k) for k in key])
        return np.asarray(key)
    if isinstance(key, JaxVariable):
        return key.value
    return key


def _static_int(v: Any) -> int | None:
    """``v`` as a Python int if it is known now, else None."""
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, Array) and is_concrete(v) and v.ndim == 0:
        return int(v)
    return None


class CoreMixin:
    """Tensors, variables, gradients, control flow, devices, compilation for JAX."""

    name = "jax"
    supports_training = True
    compile_eager_calls = True

    # ------------------------------------------------------------------ tensors
    def is_tensor(self, x):
        return isinstance(x, Array)

    def convert_to_tensor(self, x, dtype=None, sparse=None, ragged=None):
        return tensor(x, dtype)

    def convert_to_numpy(self, x):
        if isinstance(x, JaxVariable):
            x = x.value
        return np.asarray(x)

    def cast(self, x, dtype):
        return cast(x, dtype)

    def shape(self, x):
        if isinstance(x, Array):
            return tuple(x.shape)
        return tuple(tensor(x).shape)

    def dtype(self, x):
        if isinstance(x, Array):
            return name_of(x.dtype)
        return name_of(tensor(x).dtype)

    def stop_gradient(self, variable):
        return lax.stop_gradient(tensor(variable))

    def get_item(self, x, key):
        return tensor(x)[_index_key(key)]

    def slice(self, inputs, start_indices, shape):
        x = tensor(inputs)
        starts = [_static_int(s) for s in start_indices]
        shape = list(shape)
        if all(s is not None for s in starts):
            sizes = [
                x.shape[i] - s if d in (-1, None) else int(d)
                for i, (s, d) in enumerate(zip(starts, shape))
            ]
            return lax.slice(x, starts, [s + n for s, n in zip(starts, sizes)])
        sizes = [int(d) for d in shape]
        idx = [jnp.asarray(s, jnp.int32) for s in start_indices]
        return lax.dynamic_slice(x, idx, sizes)

    def slice_update(self, inputs, start_indices, updates):
        x = tensor(inputs)
        updates = cast(updates, x.dtype)
        idx = [
            jnp.asarray(s, jnp.int32) if not isinstance(s, (int, np.integer)) else int(s)
            for s in start_indices
        ]
        return lax.dynamic_update_slice(x, updates, idx)

    def scatter(self, indices, values, shape):
        indices = tensor(indices)
        values = tensor(values)
        zeros = jnp.zeros(tuple(shape), values.dtype)
        key = tuple(jnp.moveaxis(indices, -1, 0))
        return zeros.at[key].add(values)

    def scatter_update(self, inputs, indices, updates, reduction=None):
        x = tensor(inputs)
        indices = tensor(indices)
        updates = cast(updates, x.dtype)
        at = x.at[tuple(jnp.moveaxis(indices, -1, 0))]
        if reduction is None:
            return at.set(updates)
        if reduction == "add":
            return at.add(updates)
        if reduction == "max":
            return at.max(updates)
        if reduction == "min":
            return at.min(updates)
        if reduction == "mul":
            return at.multiply(updates)
        raise ValueError(
            f"Unsupported reduction {reduction!r}; expected None, 'add', 'max', 'min' or 'mul'."
        )

    # ------------------------------------------------------------- control flow
    def cond(self, pred, true_fn, false_fn):
        if isinstance(pred, (bool, np.bool_)):
            return true_fn() if pred else false_fn()
        pred = tensor(pred)
        if is_concrete(pred):
            # A known predicate: run one branch, no tracing of the other.
            return true_fn() if bool(pred) else false_fn()
        return lax.cond(pred.astype(jnp.bool_), true_fn, false_fn)

    def while_loop(self, cond, body, loop_vars, maximum_iterations=None):
        is_seq = isinstance(loop_vars, (list, tuple))
        as_list = isinstance(loop_vars, list)
        state = tuple(loop_vars) if is_seq else (loop_vars,)
        state = jax.tree_util.tree_map(tensor, state)

        def fit(out):
            out = tuple(out) if is_seq else (out,)
            # Keep each loop variable's dtype (Python scalars in the body would
            # otherwise change it and lax.while_loop would refuse the carry).
            return jax.tree_util.tree_map(lambda o, ref: cast(o, ref.dtype), out, state)

        def test(vals):
            return tensor(cond(*vals)).astype(jnp.bool_).reshape(())

        if maximum_iterations is None:
            result = lax.while_loop(test, lambda vals: fit(body(*vals)), state)
        else:
            limit = int(maximum_iterations)

            def test_counted(carry):
                i, vals = carry
                return jnp.logical_and(i < limit, test(vals))

            def body_counted(carry):
                i, vals = carry
                return i + 1, fit(body(*vals))

            result = lax.while_loop(test_counted, body_counted, (jnp.asarray(0, jnp.int32), state))[
                1
            ]
        if not is_seq:
            return result[0]
        return list(result) if as_list else result

    def fori_loop(self, lower, upper, body_fun, init_val):
        return lax.fori_loop(lower, upper, body_fun, init_val)

    def scan(self, f, init, xs=None, length=None, reverse=False, unroll=1):
        if not isinstance(unroll, bool):
            unroll = int(unroll)
        return lax.scan(f, init, xs, length=length, reverse=reverse, unroll=unroll)

    def map(self, f, xs):
        return lax.map(f, xs)

    def vectorized_map(self, function, elements):
        return jax.vmap(function)(elements)

    def switch(self, index, branches, *operands):
        i = _static_int(index)
        if i is not None:
            return branches[min(max(i, 0), len(branches) - 1)](*operands)
        return lax.switch(tensor(index).astype(jnp.int32), branches, *operands)

    def unstack(self, x, num=None, axis=0):
        x = tensor(x)
        return list(jnp.unstack(x, axis=axis))

    def associative_scan(self, f, elems, reverse=False, axis=0):
        return lax.associative_scan(f, elems, reverse=reverse, axis=axis)

    def custom_gradient(self, f):
        def fun(*args):
            out, grad_fn = f(*args)

            def vjp(upstream):
                grads = grad_fn(upstream)
                if not isinstance(grads, (tuple, list)) or (len(args) == 1 and len(grads) != 1):
                    grads = (grads,)
                fixed = []
                for a, g in zip(args, grads):
                    a_arr = tensor(a)
                    if g is None:
                        g = jnp.zeros_like(a_arr)
                    g = tensor(g)
                    if g.dtype != a_arr.dtype:
                        g = g.astype(a_arr.dtype)
                    fixed.append(g)
                return tuple(fixed)

            return out, vjp

        return jax.custom_gradient(fun)

    # ---------------------------------------------------------------- variables
    def init_scope(self):
        """Optional hook: initial values are computed concretely even when the first
        call happens inside a trace (a subclassed model built in a jitted step)."""
        return jax.ensure_compile_time_eval()

    def variable_create(self, value, trainable, name):
        return JaxVariable(tensor(value), bool(trainable), name)

    def variable_read(self, handle):
        return handle.value

    def variable_assign(self, handle, value):
        old = handle.value
        new = cast(value, old.dtype)
        if new.shape != old.shape:
            if new.size == old.size:
                new = new.reshape(old.shape)
            else:
                raise ValueError(
                    f"Cannot assign a value of shape {tuple(new.shape)} to variable "
                    f"{handle.name!r} of shape {tuple(old.shape)}."
                )
        handle.value = new

    # ---------------------------------------------------------------- gradients
    def value_and_grad(self, fn, argnums=0, has_aux=False):
        if isinstance(argnums, list):
            argnums = tuple(argnums)
        return jax.value_and_grad(fn, argnums=argnums, has_aux=has_aux)

    # -------------------------------------------------------------- compilation
    def compile_function(self, fn, jit_compile=None, donate_argnums=()):
        """jax.jit, unless ``jit_compile`` is explicitly False (run eagerly, as Keras)."""
        if jit_compile is False:
            return fn
        return jax.jit(fn, donate_argnums=tuple(donate_argnums))

    # ------------------------------------------------------------------ devices
    def list_devices(self, device_type=None):
        if device_type is None:
            devices = jax.devices()
        else:
            try:
                devices = jax.devices(str(device_type).lower())
            except RuntimeError:
                return []
        return [f"{d.platform}:{d.id}" for d in devices]

    def _device(self, device_name):
        if not isinstance(device_name, str):
            return device_name  # already a jax Device
        platform, _, index = device_name.lower().partition(":")
        platform = {"cuda": "gpu"}.get(platform, platform)
        return jax.devices(platform)[int(index or 0)]

    def device_scope(self, device_name):
        return jax.default_device(self._device(device_name))

    def to_device(self, x, device_name):
        return jax.device_put(tensor(x), self._device(device_name))

    # -------------------------------------------------------------- name scopes
    def name_scope(self, name):
        if not name:
            return contextlib.nullcontext()
        return jax.named_scope(str(name))

    # ------------------------------------------------------------ shape inference
    def compute_output_spec(self, fn, specs):
        """Abstract evaluation with jax.eval_shape; unknown dims are probed with two
        sizes and the output dims that changed are reported as None."""
        specs = [(tuple(shape), dtype) for shape, dtype in specs]
        has_unknown = any(d is None for shape, _ in specs for d in shape)

        def run(size):
            structs = [
                jax.ShapeDtypeStruct(
                    tuple(size if d is None else int(d) for d in shape), jdtype(dtype)
                )
                for shape, dtype in specs
            ]
            outs = jax.eval_shape(fn, structs)
            return [(tuple(o.shape), name_of(o.dtype)) for o in outs]

        if not has_unknown:
            return run(1)
        first_error = None
        for a, b in _SPEC_TRIALS:
            try:
                r1, r2 = run(a), run(b)
            except Exception as e:  # retry with other sizes; re-raise the first error
                first_error = first_error or e
                continue
            return [
                (tuple(x if x == y else None for x, y in zip(s1, s2)), d1)
                for (s1, d1), (s2, _) in zip(r1, r2)
            ]
        raise first_error
