"""Table-driven machinery of the op conformance suite.

A :class:`Case` names a ``kerasx.ops`` function, its inputs (NumPy arrays, Python
scalars, shapes...), a NumPy reference and the expected output dtype.  ``run_case``
converts NumPy array inputs to the active backend's tensors, calls the op and checks
shape, dtype and values.  References are written with NumPy and ``math`` only, usually
computed in float64, so that they are independent of every backend.

Every op name that appears in a case table (or in :func:`covers`) is recorded in
:data:`COVERED`; ``test_coverage.py`` checks it against ``kerasx.ops.op_names()``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pytest

import kerasx
from kerasx import _backend, ops

#: The active backend instance and its name.
B = _backend.B
BACKEND: str = kerasx.config.backend()
TRAINABLE: bool = bool(getattr(B, "supports_training", True)) and BACKEND != "numpy"

#: Expected dtype marker: "the dtype of the first array input".
SAME = "same"

# (rtol, atol) tolerance classes.
EXACT = (0.0, 0.0)
F = (1e-5, 1e-6)  # float32 arithmetic
T = (1e-4, 1e-5)  # transcendental functions
L = (1e-4, 1e-4)  # linear algebra, convolutions, long reductions
LOOSE = (1e-3, 1e-4)

#: Op names exercised by the suite (filled when the test modules are imported).
COVERED: set[str] = set()


def covers(*names: str) -> Callable[[Any], Any]:
    """Decorator for hand-written tests: record the ops they exercise."""
    COVERED.update(names)

    def deco(fn: Any) -> Any:
        return fn

    return deco


@dataclasses.dataclass
class Case:
    op: str
    args: tuple[Any, ...]
    ref: Any  # callable(*numpy_args) | constant | None (no value check)
    kw: dict[str, Any]
    dtype: Any  # str | SAME | tuple of those | None (not checked)
    tol: tuple[float, float]
    id: str
    raw: bool  # pass NumPy arrays as they are instead of converting them to tensors
    check: Callable[..., None] | None  # custom check(out_numpy, *numpy_args)

    def __post_init__(self) -> None:
        COVERED.add(self.op)


def C(
    op: str,
    args: Any,
    ref: Any = None,
    *,
    kw: dict[str, Any] | None = None,
    dtype: Any = SAME,
    tol: tuple[float, float] = F,
    id: str = "",
    raw: bool = False,
    check: Callable[..., None] | None = None,
) -> Case:
    """Build a case; ``args`` is a tuple of positional arguments (a non-tuple is one)."""
    if not isinstance(args, tuple):
        args = (args,)
    return Case(op, args, ref, dict(kw or {}), dtype, tol, id, raw, check)


def params(cases: Iterable[Case]) -> Any:
    """``pytest.mark.parametrize`` over cases with readable, unique ids."""
    cases = list(cases)
    seen: dict[str, int] = {}
    ids = []
    for c in cases:
        base = f"{c.op}-{c.id}" if c.id else c.op
        n = seen.get(base, 0)
        seen[base] = n + 1
        ids.append(base if n == 0 else f"{base}-{n}")
    return pytest.mark.parametrize("case", cases, ids=ids)


# ------------------------------------------------------------------ inputs
_RNG = np.random.default_rng(1234)


def rnd(
    *shape: int, lo: float = -2.0, hi: float = 2.0, dtype: str = "float32", seed: int | None = None
) -> np.ndarray:
    """Uniform random array (ints are drawn in ``[lo, hi)``)."""
    rng = _RNG if seed is None else np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(int(lo), int(hi), size=shape).astype(dtype)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    return rng.uniform(lo, hi, size=shape).astype(dtype)


def away(x: np.ndarray, gap: float = 0.1) -> np.ndarray:
    """Push values away from 0 by at least ``gap`` (avoids kinks and sign ties)."""
    x = np.asarray(x)
    return np.where(x >= 0, x + gap, x - gap).astype(x.dtype)


def d(x: Any) -> np.ndarray:
    """float64 NumPy copy of an input (references compute in float64)."""
    return np.asarray(x, dtype=np.float64)


def arr(x: Any, dtype: str) -> np.ndarray:
    return np.asarray(x, dtype=dtype)


def f32(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float32)


def i32(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.int32)


# --------------------------------------------------------------- conversion
def to_backend(x: Any, raw: bool = False) -> Any:
    """NumPy arrays (also inside lists and tuples of arrays) -> native tensors."""
    if isinstance(x, np.ndarray):
        return x if raw else ops.convert_to_tensor(x)
    if isinstance(x, list) and x and all(isinstance(t, np.ndarray) for t in x):
        return [to_backend(t, raw) for t in x]
    if isinstance(x, tuple) and x and all(isinstance(t, np.ndarray) for t in x):
        return tuple(to_backend(t, raw) for t in x)
    return x


def to_numpy(x: Any) -> Any:
    if isinstance(x, list):
        return [to_numpy(t) for t in x]
    if isinstance(x, tuple):  # namedtuples (e.g. QR results) become plain tuples
        return tuple(to_numpy(t) for t in x)
    return np.asarray(ops.convert_to_numpy(x))


def op_fn(name: str) -> Callable[..., Any]:
    """The public op ``name`` from ``kerasx.ops`` or one of its namespaces."""
    for ns in (ops, ops.core, ops.numpy, ops.nn, ops.math, ops.linalg, ops.image):
        fn = getattr(ns, name, None)
        if fn is not None and callable(fn):
            return fn
    raise AttributeError(f"kerasx.ops has no op {name!r}")


def first_array_dtype(args: tuple[Any, ...]) -> str:
    for a in args:
        if isinstance(a, np.ndarray):
            return str(a.dtype)
        if isinstance(a, (list, tuple)) and a and isinstance(a[0], np.ndarray):
            return str(a[0].dtype)
    raise AssertionError("dtype=SAME needs an array input")


def assert_close(got: Any, expected: Any, tol: tuple[float, float], what: str = "") -> None:
    """Shape-exact comparison; exact for ints and bools, rtol/atol for floats."""
    got = np.asarray(got)
    exp = np.asarray(expected)
    assert got.shape == exp.shape, f"{what}shape {got.shape} != expected {exp.shape}"
    if exp.dtype.kind in "biu" and got.dtype.kind in "biu":
        np.testing.assert_array_equal(got, exp, err_msg=what)
        return
    rtol, atol = tol
    np.testing.assert_allclose(
        got.astype(np.float64),
        exp.astype(np.float64),
        rtol=rtol,
        atol=atol,
        equal_nan=True,
        err_msg=what,
    )


def check_output(
    out: Any, expected: Any, dtype: Any, tol: tuple[float, float], what: str = ""
) -> None:
    """Recursively check an op's output (tensor, or tuple/list of tensors)."""
    if isinstance(expected, (tuple, list)):
        assert isinstance(out, (tuple, list)), (
            f"{what}expected a sequence of {len(expected)} outputs, got {type(out)}"
        )
        assert len(out) == len(expected), f"{what}expected {len(expected)} outputs, got {len(out)}"
        dtypes = dtype if isinstance(dtype, (tuple, list)) else [dtype] * len(expected)
        for i, (o, e, dt) in enumerate(zip(out, expected, dtypes)):
            check_output(o, e, dt, tol, f"{what}[{i}] ")
        return
    if dtype is not None:
        got_dtype = ops.dtype(out)
        assert got_dtype == dtype, f"{what}dtype {got_dtype} != expected {dtype}"
    if expected is not None:
        assert_close(to_numpy(out), expected, tol, what)


def resolve_dtype(dtype: Any, args: tuple[Any, ...]) -> Any:
    if isinstance(dtype, (tuple, list)):
        return type(dtype)(resolve_dtype(t, args) for t in dtype)
    return first_array_dtype(args) if dtype == SAME else dtype


def run_case(case: Case) -> Any:
    """Call ``kerasx.ops.<case.op>`` and check it against the reference."""
    fn = op_fn(case.op)
    args = tuple(to_backend(a, case.raw) for a in case.args)
    out = fn(*args, **case.kw)
    if case.check is not None:
        out_np = to_numpy(out) if not isinstance(out, (int, float)) else out
        case.check(out_np, *case.args)
        if case.dtype is not None and case.dtype is not SAME:
            outs = out if isinstance(out, (tuple, list)) else (out,)
            for o in outs:
                assert ops.dtype(o) == case.dtype, f"dtype {ops.dtype(o)} != expected {case.dtype}"
        return out
    expected = case.ref(*case.args) if callable(case.ref) else case.ref
    dtype = resolve_dtype(case.dtype, case.args)
    if (
        isinstance(expected, (tuple, list))
        and dtype is not None
        and not isinstance(dtype, (tuple, list))
    ):
        dtype = [dtype] * len(expected)
    check_output(out, expected, dtype, case.tol)
    return out


def numeric_grad(
    f: Callable[..., float], args: list[np.ndarray], argnum: int, eps: float = 1e-6
) -> np.ndarray:
    """Central finite differences of a float64 scalar function."""
    args = [
        np.array(a, dtype=np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
        for a in args
    ]
    x = args[argnum]
    g = np.zeros_like(x)
    flat = x.reshape(-1)
    gflat = g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        hi = f(*args)
        flat[i] = old - eps
        lo = f(*args)
        flat[i] = old
        gflat[i] = (hi - lo) / (2 * eps)
    return g
