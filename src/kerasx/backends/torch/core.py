"""Tensors, promotion helpers, indexing, variables, gradients and control flow (torch)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import optree
import torch

from kerasx.backends.torch import _utils as U

Tensor = torch.Tensor
_PY_SCALARS = (bool, int, float, complex)
_INDEX_LONG = frozenset(
    (torch.uint8, torch.int8, torch.int16, torch.uint16, torch.uint32, torch.uint64)
)


def _flatten_seq(x: Any, out: list[Any]) -> None:
    for e in x:
        if isinstance(e, (list, tuple)):
            _flatten_seq(e, out)
        else:
            out.append(e)


class _GradState:
    depth = 0


class _CustomGradFunction(torch.autograd.Function):
    """Runs ``f`` forward without tape; backward calls the user's ``grad_fn``."""

    @staticmethod
    def forward(ctx: Any, f: Callable[..., Any], kwargs: dict[str, Any], *args: Any) -> Any:
        out, grad_fn = f(*args, **kwargs)
        ctx.grad_fn = grad_fn
        ctx.arg_is_tensor = [isinstance(a, Tensor) for a in args]
        ctx.arg_meta = [
            (a.dtype, a.shape, a.device) if isinstance(a, Tensor) else None for a in args
        ]
        return out

    @staticmethod
    def backward(ctx: Any, *upstream: Any) -> Any:
        grads = ctx.grad_fn(*upstream)
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        out: list[Any] = [None, None]
        for i, is_t in enumerate(ctx.arg_is_tensor):
            g = grads[i] if i < len(grads) else None
            if not is_t or g is None:
                out.append(None)
                continue
            dtype, _shape, device = ctx.arg_meta[i]
            if not isinstance(g, Tensor):
                g = torch.as_tensor(np.asarray(g), device=device)
            out.append(g.to(dtype) if g.dtype != dtype else g)
        return tuple(out)


class CoreMixin:
    """Core protocol methods and the fast conversion/promotion helpers other mixins use."""

    name = "torch"
    supports_training = True

    # ------------------------------------------------------------------ helpers
    def _t(self, x: Any) -> Tensor:
        """Tensor without dtype change (fast path for tensors)."""
        if isinstance(x, Tensor):
            return x
        return self.convert_to_tensor(x)

    def _ft(self, x: Any) -> Tensor:
        """Float (or complex) tensor: ints and bools become floatx."""
        if not isinstance(x, Tensor):
            x = self.convert_to_tensor(x)
        if x.dtype not in U.INEXACT:
            x = x.to(U.floatx())
        return x

    def _bin(self, x1: Any, x2: Any) -> tuple[Any, Any]:
        """Promote two operands (Keras rules). A Python scalar paired with a tensor stays
        a Python scalar: the tensor already has the result dtype, so torch keeps it."""
        t1 = isinstance(x1, Tensor)
        t2 = isinstance(x2, Tensor)
        if t1 and t2:
            d1, d2 = x1.dtype, x2.dtype
            if d1 is d2:
                return x1, x2
            d = U.promote(d1, d2)
            return (x1 if d1 is d else x1.to(d)), (x2 if d2 is d else x2.to(d))
        if t1:
            k = U.PY_KIND.get(type(x2))
            if k is not None:
                d = U.promote_weak(x1.dtype, k)
                if k == 0 and d is not torch.bool:
                    x2 = int(x2)  # torch rejects e.g. `int_tensor - True`
                return (x1 if d is x1.dtype else x1.to(d)), x2
            x2 = self.convert_to_tensor(x2)
            return self._bin(x1, x2)
        if t2:
            k = U.PY_KIND.get(type(x1))
            if k is not None:
                d = U.promote_weak(x2.dtype, k)
                if k == 0 and d is not torch.bool:
                    x1 = int(x1)
                return x1, (x2 if d is x2.dtype else x2.to(d))
            x1 = self.convert_to_tensor(x1)
            return self._bin(x1, x2)
        k1, k2 = U.PY_KIND.get(type(x1)), U.PY_KIND.get(type(x2))
        if k1 is not None and k2 is not None:
            d = self._weak_default(max(k1, k2))
            dev = U.current_device()
            return torch.tensor(x1, dtype=d, device=dev), torch.tensor(x2, dtype=d, device=dev)
        if k1 is None:
            x1 = self.convert_to_tensor(x1)
        if k2 is None:
            x2 = self.convert_to_tensor(x2)
        return self._bin(x1, x2)

    def _bin_t(self, x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
        """Like :meth:`_bin` but both results are tensors."""
        a, b = self._bin(x1, x2)
        if not isinstance(a, Tensor):
            a = torch.tensor(a, dtype=b.dtype, device=b.device)
        elif not isinstance(b, Tensor):
            b = torch.tensor(b, dtype=a.dtype, device=a.device)
        return a, b

    @staticmethod
    def _weak_default(kind: int) -> torch.dtype:
        return (torch.bool, torch.int32, U.floatx(), torch.complex64)[kind]

    @staticmethod
    def _dtype_of(a: Any, b: Any) -> torch.dtype:
        return a.dtype if isinstance(a, Tensor) else b.dtype

    def _wide(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Re-run ``fn`` for dtypes torch lacks kernels for (uint16/32/64) in int64, then
        cast back; other failures re-raise by running ``fn`` again."""
        dt = None
        for a in args:
            if isinstance(a, Tensor) and a.dtype in U.WIDE_UINT:
                dt = a.dtype
        if dt is None:
            return fn(*args)
        out = fn(
            *[
                a.to(torch.int64) if isinstance(a, Tensor) and a.dtype in U.WIDE_UINT else a
                for a in args
            ]
        )
        if isinstance(out, Tensor) and out.dtype is torch.int64:
            return out.to(dt)
        return out

    @staticmethod
    def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
        if axis is None:
            return tuple(range(ndim))
        if isinstance(axis, int):
            axis = (axis,)
        return tuple(a + ndim if a < 0 else a for a in axis)

    # ------------------------------------------------------------------ tensors
    def is_tensor(self, x: Any) -> bool:
        return isinstance(x, Tensor)

    def convert_to_tensor(
        self, x: Any, dtype: Any = None, sparse: bool | None = None, ragged: bool | None = None
    ) -> Tensor:
        if sparse:
            raise ValueError("`sparse=True` is not supported with the torch backend.")
        if ragged:
            raise ValueError("`ragged=True` is not supported with the torch backend.")
        if isinstance(x, Tensor):
            if U.on_accelerator() and x.device != U.current_device():
                x = x.to(U.current_device())
            if dtype is None:
                return x
            td = U.to_torch_dtype(dtype)
            return x if x.dtype is td else x.to(td)
        dev = U.current_device()
        td = None if dtype is None else U.to_torch_dtype(dtype)
        tx = type(x)
        if tx is float:
            return torch.tensor(x, dtype=td or U.floatx(), device=dev)
        if tx is int:
            if td is None:
                td = torch.int32 if -(2**31) <= x < 2**31 else torch.int64
            return torch.tensor(x, dtype=td, device=dev)
        if tx is bool:
            return torch.tensor(x, dtype=td or torch.bool, device=dev)
        if tx is complex:
            return torch.tensor(x, dtype=td or torch.complex64, device=dev)
        if isinstance(x, np.ndarray):
            t = U.np_to_torch(x, dev)
        elif isinstance(x, np.generic):
            t = U.np_to_torch(np.asarray(x), dev)
        elif isinstance(x, (list, tuple)):
            return self._convert_seq(x, td, dev)
        elif x is None:
            raise ValueError("Cannot convert None to a tensor.")
        else:
            t = U.np_to_torch(np.asarray(x), dev)
        if td is not None and t.dtype is not td:
            t = t.to(td)
        return t

    def _convert_seq(self, x: Any, td: torch.dtype | None, dev: torch.device) -> Tensor:
        leaves: list[Any] = []
        _flatten_seq(x, leaves)
        if any(isinstance(e, Tensor) for e in leaves):
            parts = [self.convert_to_tensor(e) for e in x]
            d = td
            if d is None:
                d = parts[0].dtype
                for p in parts[1:]:
                    d = U.promote(d, p.dtype)
            return torch.stack([p.to(d) for p in parts])
        if td is None:
            if all(type(e) in _PY_SCALARS for e in leaves):
                kind = max((U.PY_KIND[type(e)] for e in leaves), default=2)
                td = self._weak_default(kind)
                if kind == 1 and any(not (-(2**31) <= e < 2**31) for e in leaves):
                    td = torch.int64
            else:
                name = U._dt.result_type(*[getattr(e, "dtype", e) for e in leaves])
                td = U.TORCH_DTYPES[name]
        arr = np.asarray(x)
        t = U.np_to_torch(arr, dev)
        return t if t.dtype is td else t.to(td)

    def convert_to_numpy(self, x: Any) -> np.ndarray:
        if isinstance(x, Tensor):
            param = isinstance(x, torch.nn.Parameter)
            x = x.detach()
            if x.device.type != "cpu":
                x = x.cpu()
            if x.dtype is torch.bfloat16:
                x = x.float()
            if x.is_conj():
                x = x.resolve_conj()
            out = x.numpy()
            return out.copy() if param else out
        return np.asarray(x)

    def cast(self, x: Any, dtype: Any) -> Tensor:
        td = U.to_torch_dtype(dtype)
        if isinstance(x, Tensor):
            return x if x.dtype is td else x.to(td)
        return self.convert_to_tensor(x, td)

    def shape(self, x: Any) -> tuple[int, ...]:
        if isinstance(x, Tensor):
            return tuple(x.shape)
        if hasattr(x, "shape"):
            return tuple(x.shape)
        return tuple(np.shape(x))

    def dtype(self, x: Any) -> str:
        if isinstance(x, Tensor):
            return U.NAMES[x.dtype]
        return U.NAMES[self.convert_to_tensor(x).dtype]

    def stop_gradient(self, variable: Any) -> Tensor:
        return self._t(variable).detach()

    # ----------------------------------------------------------------- indexing
    def _index_elem(self, k: Any, device: torch.device) -> Any:
        if k is None or k is Ellipsis or type(k) is int:
            return k
        if type(k) is slice:
            if any(isinstance(v, (Tensor, np.integer)) for v in (k.start, k.stop, k.step)):
                return slice(*(None if v is None else int(v) for v in (k.start, k.stop, k.step)))
            return k
        if isinstance(k, (np.integer,)):
            return int(k)
        if isinstance(k, Tensor):
            if k.dtype in _INDEX_LONG:
                return k.long()
            return k
        if isinstance(k, (list, np.ndarray, tuple)):
            arr = np.asarray(k)
            if arr.dtype == bool:
                return torch.as_tensor(arr, device=device)
            return torch.as_tensor(arr.astype(np.int64), device=device)
        if isinstance(k, bool):
            return k
        return k

    def get_item(self, x: Any, key: Any) -> Tensor:
        x = self._t(x)
        if not isinstance(key, tuple):
            key = (key,)
        key = tuple(self._index_elem(k, x.device) for k in key)
        if any(type(k) is slice and k.step is not None and k.step < 0 for k in key):
            x, key = self._flip_negative_steps(x, key)
        return x[key]

    @staticmethod
    def _flip_negative_steps(x: Tensor, key: tuple[Any, ...]) -> tuple[Tensor, tuple[Any, ...]]:
        def width(k: Any) -> int:
            if k is None or k is Ellipsis:
                return 0
            if isinstance(k, Tensor) and k.dtype is torch.bool:
                return k.ndim
            return 1

        used = sum(width(k) for k in key)
        dim, out = 0, []
        for k in key:
            if k is Ellipsis:
                dim += x.ndim - used
            elif type(k) is slice and k.step is not None and k.step < 0:
                n = x.shape[dim]
                start, stop, step = k.indices(n)
                x = x.flip(dim)
                k = slice(n - 1 - start, n - 1 - stop, -step)
            dim += width(k) if k is not Ellipsis else 0
            out.append(k)
        return x, tuple(out)

    def slice(self, inputs: Any, start_indices: Sequence[Any], shape: Sequence[int]) -> Tensor:
        x = self._t(inputs)
        key = []
        for d, (s, n) in enumerate(zip(start_indices, shape)):
            dim = x.shape[d]
            n = dim if n is None or n < 0 else int(n)
            s = min(max(int(s), 0), max(dim - n, 0))
            key.append(slice(s, s + n))
        return x[tuple(key)]

    def slice_update(self, inputs: Any, start_indices: Sequence[Any], updates: Any) -> Tensor:
        x = self._t(inputs)
        u = self._t(updates)
        if u.dtype is not x.dtype:
            u = u.to(x.dtype)
        key = []
        for d, s in enumerate(start_indices):
            dim, n = x.shape[d], u.shape[d]
            s = min(max(int(s), 0), max(dim - n, 0))
            key.append(slice(s, s + n))
        out = x.clone()
        out[tuple(key)] = u
        return out

    def _scatter_index(self, indices: Any, shape: Sequence[int]) -> Tensor:
        idx = self._t(indices)
        if idx.dtype is not torch.int64:
            idx = idx.long()
        return idx

    def scatter(self, indices: Any, values: Any, shape: Sequence[int]) -> Tensor:
        idx = self._scatter_index(indices, shape)
        v = self._t(values)
        dt = v.dtype
        work = torch.int64 if dt in U.WIDE_UINT else (torch.int32 if dt is torch.bool else dt)
        if v.dtype is not work:
            v = v.to(work)
        out = torch.zeros(tuple(int(s) for s in shape), dtype=work, device=v.device)
        out = out.index_put(tuple(idx.unbind(-1)), v, accumulate=True)
        return out if work is dt else (out.to(dt) if dt is not torch.bool else out != 0)

    def scatter_update(
        self, inputs: Any, indices: Any, updates: Any, reduction: str | None = None
    ) -> Tensor:
        x = self._t(inputs)
        idx = self._scatter_index(indices, x.shape)
        u = self._t(updates)
        dt = x.dtype
        work = torch.int64 if dt in U.WIDE_UINT else dt
        if work is not dt:
            x = x.to(work)
        if u.dtype is not work:
            u = u.to(work)
        parts = tuple(idx.unbind(-1))
        if reduction is None:
            out = x.index_put(parts, u)
        elif reduction == "add":
            if work is torch.bool:
                out = x.to(torch.int32).index_put(parts, u.to(torch.int32), accumulate=True) != 0
            else:
                out = x.index_put(parts, u, accumulate=True)
        else:
            red = {"max": "amax", "min": "amin", "mul": "prod", "multiply": "prod"}.get(reduction)
            if red is None:
                raise ValueError(
                    f"Unsupported reduction {reduction!r}: use None, 'add', 'max', 'min' or 'mul'."
                )
            k = idx.shape[-1]
            lead, rest = x.shape[:k], x.shape[k:]
            lin = torch.zeros(idx.shape[:-1], dtype=torch.int64, device=idx.device)
            for i in range(k):
                ii = idx[..., i]
                ii = torch.where(ii < 0, ii + lead[i], ii)
                lin = lin * lead[i] + ii
            lin = lin.reshape(-1)
            r = math.prod(rest)
            u2 = u.expand(*idx.shape[:-1], *rest).reshape(lin.shape[0], r)
            x2 = x.reshape(math.prod(lead), r)
            out = x2.scatter_reduce(
                0, lin[:, None].expand(-1, r), u2, reduce=red, include_self=True
            ).reshape(x.shape)
        return out if work is dt else out.to(dt)

    # ------------------------------------------------------------- control flow
    def cond(self, pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
        return true_fn() if bool(pred) else false_fn()

    def while_loop(
        self,
        cond: Callable[..., Any],
        body: Callable[..., Any],
        loop_vars: Any,
        maximum_iterations: int | None = None,
    ) -> Any:
        is_seq = isinstance(loop_vars, (tuple, list))
        state = tuple(loop_vars) if is_seq else (loop_vars,)
        i = 0
        while (maximum_iterations is None or i < maximum_iterations) and bool(cond(*state)):
            out = body(*state)
            if is_seq:
                state = tuple(out) if isinstance(out, (tuple, list)) else (out,)
            else:
                state = (out[0],) if isinstance(out, (tuple, list)) and len(out) == 1 else (out,)
            i += 1
        if not is_seq:
            return state[0]
        return list(state) if isinstance(loop_vars, list) else state

    def fori_loop(
        self, lower: Any, upper: Any, body_fun: Callable[[Any, Any], Any], init_val: Any
    ) -> Any:
        val = init_val
        for i in range(int(lower), int(upper)):
            val = body_fun(i, val)
        return val

    def vectorized_map(self, function: Callable[[Any], Any], elements: Any) -> Any:
        try:
            return torch.vmap(function)(elements)
        except Exception:  # data-dependent Python code: fall back to a loop
            return self.map(function, elements)

    def custom_gradient(self, f: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return _CustomGradFunction.apply(f, kwargs, *args)

        wrapper.__name__ = getattr(f, "__name__", "custom_gradient")
        wrapper.__doc__ = getattr(f, "__doc__", None)
        return wrapper

    # ---------------------------------------------------------------- variables
    def variable_create(self, value: Any, trainable: bool, name: str) -> Any:
        if isinstance(value, Tensor):
            t = value.detach().clone()
        else:
            t = self.convert_to_tensor(value)
        dev = U.current_device()
        if t.device != dev:
            t = t.to(dev)
        return torch.nn.Parameter(t, requires_grad=bool(trainable) and t.dtype in U.INEXACT)

    def variable_set_trainable(self, handle: Any, trainable: bool) -> None:
        """Optional hook the frontend calls when ``Variable.trainable`` changes."""
        handle.requires_grad_(bool(trainable) and handle.dtype in U.INEXACT)

    def variable_read(self, handle: Any) -> Tensor:
        return handle

    def variable_assign(self, handle: Any, value: Any) -> None:
        if isinstance(value, Tensor):
            value = value.detach()
        else:
            value = self.convert_to_tensor(value, handle.dtype)
        with torch.no_grad():
            handle.copy_(value)

    # ---------------------------------------------------------------- gradients
    def value_and_grad(
        self, fn: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
    ) -> Callable[..., Any]:
        single = isinstance(argnums, int)
        nums = (argnums,) if single else tuple(argnums)

        def prepare(leaf: Any) -> Tensor:
            t = self._t(leaf)
            if t.dtype not in U.INEXACT:
                return t
            if t.requires_grad and _GradState.depth > 0:
                return t.view_as(t)  # nested use: stay connected to the outer graph
            return t.detach().requires_grad_(True)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            args = list(args)
            specs = []
            for n in nums:
                leaves, tree = optree.tree_flatten(args[n])
                new = [prepare(v) for v in leaves]
                args[n] = optree.tree_unflatten(tree, new)
                specs.append((new, tree))
            nested = _GradState.depth > 0
            _GradState.depth += 1
            try:
                with torch.enable_grad():
                    out = fn(*args, **kwargs)
            finally:
                _GradState.depth -= 1
            loss = out[0] if has_aux else out
            loss_t = self._t(loss)
            flat = [v for new, _ in specs for v in new]
            diff = [v for v in flat if v.requires_grad]
            grads_d: list[Any] = [None] * len(diff)
            if diff and loss_t.requires_grad:
                grads_d = list(
                    torch.autograd.grad(loss_t, diff, allow_unused=True, create_graph=nested)
                )
            it = iter(grads_d)
            grads = []
            for new, tree in specs:
                gl = []
                for v in new:
                    g = next(it) if v.requires_grad else None
                    gl.append(torch.zeros_like(v) if g is None else g)
                grads.append(optree.tree_unflatten(tree, gl))
            result = grads[0] if single else tuple(grads)
            if not nested:
                out = optree.tree_map(lambda t: t.detach() if isinstance(t, Tensor) else t, out)
            return out, result

        return wrapped

    # -------------------------------------------------------------- compilation
    def compile_function(
        self,
        fn: Callable[..., Any],
        jit_compile: bool | None = None,
        donate_argnums: Sequence[int] = (),
    ) -> Callable[..., Any]:
        if jit_compile is True:
            return torch.compile(fn)
        return fn

    # ------------------------------------------------------------------ devices
    def list_devices(self, device_type: str | None = None) -> list[str]:
        kind = None if device_type is None else str(device_type).lower()
        out = []
        if kind in (None, "cpu"):
            out.append("cpu:0")
        if kind in (None, "gpu", "cuda") and torch.cuda.is_available():
            out.extend(f"gpu:{i}" for i in range(torch.cuda.device_count()))
        return out

    def device_scope(self, device_name: str) -> contextlib.AbstractContextManager[Any]:
        return U.device_scope(device_name)

    def to_device(self, x: Any, device_name: str) -> Tensor:
        return self._t(x).to(U.parse_device(device_name))

    def name_scope(self, name: str) -> contextlib.AbstractContextManager[Any]:
        return contextlib.nullcontext()

    def compute_output_spec(self, fn: Callable[..., Any], specs: Sequence[Any]) -> list[Any]:
        with torch.no_grad():
            return super().compute_output_spec(fn, specs)  # type: ignore[misc]
