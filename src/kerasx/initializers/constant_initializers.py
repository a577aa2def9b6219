"""Deterministic initializers: Constant, Zeros, Ones, Identity and STFT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kerasx import ops
from kerasx.backends.common import dtypes as _dt
from kerasx.initializers.initializer import Initializer
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object


def _dtype(dtype: Any) -> str:
    return _dt.standardize_dtype(dtype)


@keras_export("keras.initializers.Constant", "keras.initializers.constant")
class Constant(Initializer):
    """Every element equals ``value`` (a scalar, or an array broadcast to the shape)."""

    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        dtype = _dtype(dtype)
        return ops.multiply(
            ops.convert_to_tensor(self.value, dtype=dtype), ops.ones(tuple(shape), dtype=dtype)
        )

    def get_config(self) -> dict[str, Any]:
        return {"value": serialize_keras_object(self.value)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constant:
        return cls(deserialize_keras_object(config["value"]))


@keras_export("keras.initializers.Zeros", "keras.initializers.zeros", "keras.initializers.zero")
class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        return ops.zeros(tuple(shape), dtype=_dtype(dtype))


@keras_export("keras.initializers.Ones", "keras.initializers.ones", "keras.initializers.one")
class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        return ops.ones(tuple(shape), dtype=_dtype(dtype))


@keras_export(
    "keras.initializers.Identity",
    "keras.initializers.identity",
    "keras.initializers.IdentityInitializer",
)
class Identity(Initializer):
    """``gain`` times the identity matrix (2D shapes only; non-square gets a rectangular eye).

    Unlike Keras 3.15, whose ``get_config()`` is ``{}``, the config keeps ``gain`` so a
    saved ``Identity(gain=2.0)`` reloads with its gain (Keras reads the key fine).
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError(
                f"Identity matrix initializer can only be used for 2D matrices. Received: shape={shape} of rank {len(shape)}."
            )
        dtype = _dtype(dtype)
        return ops.multiply(
            ops.eye(shape[0], shape[1], dtype=dtype), ops.convert_to_tensor(self.gain, dtype=dtype)
        )

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


def _window(name: str, length: int, periodic: bool) -> np.ndarray:
    """A named window of ``length`` samples (symmetric, or periodic for FFT use)."""
    n = length + 1 if periodic else length
    key = name.lower()
    if key in ("hann", "hanning"):
        w = np.hanning(n)
    elif key == "hamming":
        w = np.hamming(n)
    elif key == "blackman":
        w = np.blackman(n)
    elif key in ("bartlett", "triang_bartlett"):
        w = np.bartlett(n)
    elif key in ("boxcar", "box", "ones", "rect", "rectangular"):
        w = np.ones(n)
    else:
        raise ValueError(
            f"Unknown window {name!r}. Supported windows: 'hann', 'hamming', 'blackman', 'bartlett', 'boxcar', or pass an array."
        )
    return w[:length] if periodic else w


@keras_export(
    "keras.initializers.STFT", "keras.initializers.stft", "keras.initializers.STFTInitializer"
)
class STFT(Initializer):
    """Fourier basis kernels (real or imaginary part) for a convolutional STFT.

    The kernel shape is ``(frame_length, input_channels, fft_length)``; the optional
    window multiplies each basis and is normalised by its energy (``"density"``) or
    sum (``"spectrum"``).
    """

    def __init__(
        self,
        side: str = "real",
        window: Any = "hann",
        scaling: str | None = "density",
        periodic: bool = False,
    ) -> None:
        if side not in ("real", "imag"):
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        if isinstance(window, str):
            _window(window, 1, False)
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                f"Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received scaling={scaling}"
            )
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        dtype = _dtype(dtype)
        frame_length, _channels, fft_length = (int(d) for d in shape)
        time = np.arange(frame_length, dtype="float64").reshape(frame_length, 1, 1)
        freq = np.arange(fft_length, dtype="float64").reshape(1, 1, fft_length) / (
            (fft_length - 1) * 2
        )
        angle = -2.0 * np.pi * time * freq
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        if self.window is not None:
            win = (
                _window(self.window, frame_length, self.periodic)
                if isinstance(self.window, str)
                else np.asarray(ops.convert_to_numpy(self.window), dtype="float64")
            )
            if win.shape != (frame_length,):
                raise ValueError(
                    f"The shape of `window` must be equal to [frame_length].Received: window shape={win.shape}"
                )
            win = win.reshape(frame_length, 1, 1)
            scale = 1.0
            if self.scaling == "density":
                scale = float(np.sqrt(np.sum(win**2)))
            elif self.scaling == "spectrum":
                scale = float(np.sum(np.abs(win)))
            kernel = kernel * win / scale
        return ops.convert_to_tensor(
            kernel.astype(dtype if dtype != "bfloat16" else "float32"), dtype=dtype
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
        }
