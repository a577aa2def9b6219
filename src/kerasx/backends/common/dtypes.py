"""Dtype names and promotion rules shared by all backends.

Every backend reports dtypes as canonical strings (``"float32"``), and binary ops
promote their inputs with :func:`result_type`, so that ``ops.add(int32, 1.5)`` has the
same dtype on JAX, PyTorch, TensorFlow and NumPy.  The rules follow Keras 3, whose
lattice is JAX's: Python scalars are *weak* (they never widen a tensor's dtype), an
integer meeting a float takes the float's dtype, and a weak float meeting an integer
or bool gives ``floatx()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx.backends.common.settings import (  # noqa: F401  # noqa: F401
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)

FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
INT_TYPES = ("int8", "int16", "int32", "int64")
UINT_TYPES = ("uint8", "uint16", "uint32", "uint64")
COMPLEX_TYPES = ("complex64", "complex128")
ALLOWED_DTYPES = ("bool", *UINT_TYPES, *INT_TYPES, *FLOAT_TYPES, *COMPLEX_TYPES, "string")


_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int64",
    "long": "int64",
    "short": "int16",
    "uint": "uint32",
    "bool_": "bool",
    "boolean": "bool",
    "str": "string",
    "object": "string",
    "cfloat": "complex64",
    "complex": "complex128",
}
_PYTHON_TYPES = {bool: "bool", int: "int64", float: "float32", complex: "complex128", str: "string"}


def standardize_dtype(dtype: Any) -> str:
    """Return the canonical string name of any dtype spelling.

    Accepts strings, Python types, NumPy dtypes and the dtype objects of JAX, PyTorch
    and TensorFlow (recognised by their ``name`` or ``str`` form, never by importing
    the framework).  ``None`` means ``floatx()``.
    """
    if dtype is None:
        return floatx()
    if isinstance(dtype, str):
        name = dtype
    elif dtype in _PYTHON_TYPES:
        name = _PYTHON_TYPES[dtype]
    elif hasattr(dtype, "as_numpy_dtype") and hasattr(dtype, "name"):  # tf.DType
        name = dtype.name
    elif isinstance(dtype, np.dtype) or (isinstance(dtype, type) and issubclass(dtype, np.generic)):
        name = np.dtype(dtype).name
    elif hasattr(dtype, "is_floating_point"):  # torch.dtype
        name = str(dtype).split(".")[-1]
    elif hasattr(dtype, "name") and isinstance(dtype.name, str):
        name = dtype.name
    else:
        name = str(dtype)
    name = name.split(".")[-1].lower()
    name = _ALIASES.get(name, name)
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype!r}. Expected one of {ALLOWED_DTYPES}.")
    return name


def is_float(dtype: str) -> bool:
    return dtype in FLOAT_TYPES


def is_int(dtype: str) -> bool:
    return dtype in INT_TYPES or dtype in UINT_TYPES


def is_complex(dtype: str) -> bool:
    return dtype in COMPLEX_TYPES


def _bits(dtype: str) -> int:
    if dtype == "bool":
        return 1
    return int("".join(c for c in dtype if c.isdigit()))


def _kind(dtype: str) -> int:
    if dtype == "bool":
        return 0
    if dtype in UINT_TYPES or dtype in INT_TYPES:
        return 1
    if dtype in FLOAT_TYPES:
        return 2
    if dtype in COMPLEX_TYPES:
        return 3
    raise ValueError(f"dtype {dtype!r} takes no part in numeric promotion.")


def _join_ints(a: str, b: str) -> str:
    ua, ub = a in UINT_TYPES, b in UINT_TYPES
    if ua == ub:
        return a if _bits(a) >= _bits(b) else b
    u, s = (a, b) if ua else (b, a)
    need = min(_bits(u) * 2, 64)
    return f"int{max(need, _bits(s))}"


def _join_floats(a: str, b: str) -> str:
    if {a, b} == {"float16", "bfloat16"}:
        return "float32"
    return a if _bits(a) >= _bits(b) else b


def _join(a: str, b: str) -> str:
    if a == b:
        return a
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        return a if ka > kb else b
    if ka == 1:
        return _join_ints(a, b)
    if ka == 2:
        return _join_floats(a, b)
    if ka == 3:
        return a if _bits(a) >= _bits(b) else b
    return a


def _weak_kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, complex):
        return "complex"
    return None


def result_type(*items: Any) -> str:
    """Promote dtypes and Python scalars to the dtype of their combination.

    ``items`` may be dtype spellings, or Python ``bool``/``int``/``float``/``complex``
    values, which are weakly typed.  Only weak items gives the default dtype of the
    strongest weak kind (``int32`` for ints, ``floatx()`` for floats).
    """
    strong: str | None = None
    weak_rank = -1
    ranks = {"bool": 0, "int": 1, "float": 2, "complex": 3}
    for item in items:
        weak = _weak_kind(item)
        if weak is not None and not isinstance(item, type):
            weak_rank = max(weak_rank, ranks[weak])
            continue
        d = standardize_dtype(item)
        strong = d if strong is None else _join(strong, d)
    if strong is None:
        if weak_rank < 0:
            return floatx()
        return ("bool", "int32", floatx(), "complex64")[weak_rank]
    kind = _kind(strong)
    if weak_rank <= kind or weak_rank <= 0:
        return strong
    if weak_rank == 1:  # python int with bool
        return "int32"
    if weak_rank == 2:  # python float with int/bool
        return floatx()
    return "complex128" if strong == "float64" else "complex64"


def dtype_range(dtype: str) -> tuple[float, float]:
    """The (min, max) representable value of an int or float dtype."""
    if dtype == "bool":
        return (0, 1)
    if dtype == "bfloat16":
        return (-3.3895313892515355e38, 3.3895313892515355e38)
    info = np.iinfo(dtype) if is_int(dtype) else np.finfo(dtype)
    return (info.min, info.max)
