"""Tensors, variables, indexing, scatter and control flow of the NumPy backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kerasx.backends.numpy import _utils as U
from kerasx.backends.protocol import TrainingNotSupportedError

ND = np.ndarray


def _index_key(key: Any) -> Any:
    """Turn a kerasx index key into one NumPy understands (lists of ints become arrays)."""
    t = type(key)
    if t is tuple:
        return tuple(_index_key(k) for k in key)
    if t is list:
        return np.asarray(key)
    if t is U.Box:
        return key.value
    if t is ND or t is int or t is slice or key is None or key is Ellipsis:
        return key
    if isinstance(key, np.generic):
        return key
    if isinstance(key, (list, tuple)):
        return _index_key(list(key) if isinstance(key, list) else tuple(key))
    if hasattr(key, "__array__") or hasattr(key, "dtype"):
        return np.asarray(key)
    return key


class CoreMixin:
    """Core protocol: tensors are ``np.ndarray``; there is no autodiff."""

    name = "numpy"
    supports_training = False

    # ------------------------------------------------------------------ tensors
    def is_tensor(self, x):
        return isinstance(x, (ND, np.generic))

    def convert_to_tensor(self, x, dtype=None, sparse=None, ragged=None):
        if sparse:
            raise ValueError("The NumPy backend does not support sparse tensors (sparse=True).")
        if ragged:
            raise ValueError("The NumPy backend does not support ragged tensors (ragged=True).")
        return U.to_tensor(x, dtype)

    def convert_to_numpy(self, x):
        if type(x) is U.Box:
            x = x.value
        return np.array(x)

    def cast(self, x, dtype):
        d = U.np_dtype(dtype)
        if type(x) is ND:
            return x if x.dtype == d else x.astype(d)
        return U.to_tensor(x, d)

    def shape(self, x):
        if type(x) is ND:
            return x.shape
        return tuple(np.shape(U.to_tensor(x)))

    def dtype(self, x):
        if type(x) is ND:
            return U.dname(x)
        return U.dname(U.to_tensor(x))

    def stop_gradient(self, variable):
        return U.to_tensor(variable)

    def _float(self, x):
        return U.float_tensor(x)

    def _promote_pair(self, x1, x2):
        a, b, d = U.promote(x1, x2)
        return U.to_tensor(a, d), U.to_tensor(b, d)

    # ----------------------------------------------------------------- indexing
    def get_item(self, x, key):
        x = U.to_tensor(x)
        return U.as_array(x[_index_key(key)])

    def _block(self, x, start_indices, sizes):
        region = []
        for dim, s, n in zip(x.shape, start_indices, sizes):
            s = int(s)
            # Like jax.lax.dynamic_slice: clamp so that the block stays inside.
            s = min(max(s, 0), max(dim - n, 0))
            region.append(slice(s, s + n))
        return tuple(region)

    def slice(self, inputs, start_indices, shape):
        x = U.to_tensor(inputs)
        shape = [x.shape[i] if int(n) == -1 else int(n) for i, n in enumerate(shape)]
        return x[self._block(x, start_indices, shape)]

    def slice_update(self, inputs, start_indices, updates):
        x = U.to_tensor(inputs)
        u = U.to_tensor(updates)
        out = x.copy()
        out[self._block(x, start_indices, u.shape)] = u
        return out

    def scatter(self, indices, values, shape):
        idx = U.to_tensor(indices)
        v = U.to_tensor(values)
        out = np.zeros(tuple(int(s) for s in shape), dtype=v.dtype)
        depth = idx.shape[-1]
        np.add.at(out, tuple(idx[..., i] for i in range(depth)), v)
        return out

    def scatter_update(self, inputs, indices, updates, reduction=None):
        x = U.to_tensor(inputs)
        idx = U.to_tensor(indices)
        u = U.to_tensor(updates)
        if u.dtype != x.dtype:
            u = u.astype(x.dtype)
        out = x.copy()
        key = tuple(idx[..., i] for i in range(idx.shape[-1]))
        if reduction is None:
            out[key] = u
        elif reduction == "add":
            np.add.at(out, key, u)
        elif reduction == "max":
            np.maximum.at(out, key, u)
        elif reduction == "min":
            np.minimum.at(out, key, u)
        elif reduction == "mul":
            np.multiply.at(out, key, u)
        else:
            raise ValueError(
                f"Unsupported reduction {reduction!r}; expected None, 'add', 'max', 'min' or 'mul'."
            )
        return out

    # ------------------------------------------------------------- control flow
    def cond(self, pred, true_fn, false_fn):
        return true_fn() if bool(np.asarray(pred)) else false_fn()

    def while_loop(self, cond, body, loop_vars, maximum_iterations=None):
        single = not isinstance(loop_vars, (list, tuple))
        kind = list if isinstance(loop_vars, list) else tuple
        vars_ = (loop_vars,) if single else tuple(loop_vars)
        i = 0
        while (maximum_iterations is None or i < maximum_iterations) and bool(cond(*vars_)):
            out = body(*vars_)
            if single:
                vars_ = (out[0],) if isinstance(out, (list, tuple)) and len(out) == 1 else (out,)
            else:
                vars_ = tuple(out) if isinstance(out, (list, tuple)) else (out,)
            i += 1
        return vars_[0] if single else kind(vars_)

    def fori_loop(self, lower, upper, body_fun, init_val):
        val = init_val
        for i in range(int(lower), int(upper)):
            val = body_fun(np.asarray(i, dtype=U.INT32), val)
        return val

    def switch(self, index, branches, *operands):
        i = int(np.asarray(U.to_tensor(index)))
        return branches[min(max(i, 0), len(branches) - 1)](*operands)

    def unstack(self, x, num=None, axis=0):
        x = U.to_tensor(x)
        return list(np.moveaxis(x, axis, 0))

    def custom_gradient(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """Inference only: run the forward pass and drop ``grad_fn``."""

        def wrapper(*args, **kwargs):
            out, _grad_fn = f(*args, **kwargs)
            return out

        wrapper.__name__ = getattr(f, "__name__", "custom_gradient")
        wrapper.__doc__ = getattr(f, "__doc__", None)
        return wrapper

    # ---------------------------------------------------------------- variables
    def variable_create(self, value, trainable, name):
        v = U.to_tensor(value)
        # Own the storage: later writes to the caller's array must not leak in.
        return U.Box(np.array(v), bool(trainable), name)

    def variable_read(self, handle):
        return handle.value

    def variable_assign(self, handle, value):
        v = U.to_tensor(value)
        cur = handle.value
        if v.shape != cur.shape:
            if v.size == cur.size and v.ndim == 0:
                v = np.broadcast_to(v, cur.shape)
            else:
                raise ValueError(
                    f"Cannot assign a value of shape {v.shape} to variable {handle.name!r} of shape {cur.shape}."
                )
        # A fresh array (not an in-place write) so earlier reads keep their values.
        handle.value = np.array(v, dtype=cur.dtype)

    # ---------------------------------------------------------------- gradients
    def value_and_grad(self, fn, argnums=0, has_aux=False):
        raise TrainingNotSupportedError(
            "The NumPy backend is inference-only: it cannot compute gradients, so "
            "training (fit, train_on_batch, value_and_grad, GradientTape-style code) is "
            "not supported. Use the jax, torch or tensorflow backend for training "
            "(set KERASX_BACKEND=jax, torch or tensorflow)."
        )

    # -------------------------------------------------------------- compilation
    def compile_function(self, fn, jit_compile=None, donate_argnums=()):
        return fn

    def to_device(self, x, device_name):
        return U.to_tensor(x)
