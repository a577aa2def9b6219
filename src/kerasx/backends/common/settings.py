"""Numeric settings every backend reads: floatx, epsilon and image_data_format.

They live here, below the adapters, so that an adapter can honour them without
importing the frontend; ``kerasx.config`` is the public face that reads and sets them.
"""

from __future__ import annotations

_state: dict[str, object] = {
    "floatx": "float32",
    "epsilon": 1e-7,
    "image_data_format": "channels_last",
}


def floatx() -> str:
    """The default float dtype (``"float32"`` unless the user changed it)."""
    return str(_state["floatx"])


def set_floatx(value: str) -> None:
    """Set the default float dtype: float16, bfloat16, float32 or float64."""
    from kerasx.backends.common.dtypes import standardize_dtype

    name = standardize_dtype(value)
    if name not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(
            "Unknown `floatx` value. Expected one of 'float16', 'bfloat16', 'float32', "
            f"'float64'. Received: value={value!r}"
        )
    _state["floatx"] = name


def epsilon() -> float:
    """The fuzz factor used by losses and metrics to avoid dividing by zero."""
    return float(_state["epsilon"])  # type: ignore[arg-type]


def set_epsilon(value: float) -> None:
    """Set the fuzz factor used in numeric expressions."""
    _state["epsilon"] = float(value)


def image_data_format() -> str:
    """``"channels_last"`` (default) or ``"channels_first"``."""
    return str(_state["image_data_format"])


def set_image_data_format(data_format: str) -> None:
    """Set the default layout of image tensors."""
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format!r}"
        )
    _state["image_data_format"] = value


def standardize_data_format(data_format: str | None) -> str:
    """Resolve ``None`` to the configured default and validate the value."""
    if data_format is None:
        return image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format!r}"
        )
    return value
