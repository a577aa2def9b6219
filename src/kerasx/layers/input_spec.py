"""InputSpec: what a layer accepts, checked on every call with a clear error."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx.saving.registry import keras_export


@keras_export("keras.InputSpec", "keras.layers.InputSpec")
class InputSpec:
    """Expected rank (``ndim``/``min_ndim``/``max_ndim``), dtype, full ``shape`` or the
    size of particular ``axes`` of a layer's input."""

    def __init__(
        self,
        dtype: str | None = None,
        shape: Sequence[int | None] | None = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict[int, int] | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ) -> None:
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def get_config(self) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InputSpec:
        return cls(**config)


def assert_input_compatibility(
    spec: InputSpec | Sequence[InputSpec] | None, inputs: Any, layer_name: str
) -> None:
    """Raise ValueError naming the layer, the expected and the received shape."""
    if spec is None:
        return
    specs = spec if isinstance(spec, (list, tuple)) else [spec]
    flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    if len(specs) > 1 and len(flat) != len(specs):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received {len(flat)} input tensors.'
        )
    for i, (s, x) in enumerate(zip(specs, flat)):
        if s is None or x is None:
            continue
        shape = tuple(getattr(x, "shape", ()))
        ndim = len(shape)
        where = f'Input {i} of layer "{layer_name}"'
        if s.ndim is not None and ndim != s.ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected ndim={s.ndim}, found ndim={ndim}. Full shape received: {shape}"
            )
        if s.max_ndim is not None and ndim > s.max_ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected max_ndim={s.max_ndim}, found ndim={ndim}. Full shape received: {shape}"
            )
        if s.min_ndim is not None and ndim < s.min_ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected min_ndim={s.min_ndim}, found ndim={ndim}. Full shape received: {shape}"
            )
        for axis, value in s.axes.items():
            if value is None:
                continue
            try:
                got = shape[axis]
            except IndexError:
                got = None
            if got is not None and got != value:
                raise ValueError(
                    f"{where} is incompatible with the layer: expected axis {axis} of input shape to have value {value}, "
                    f"but received input with shape {shape}"
                )
        if s.shape is not None:
            for want, got in zip(s.shape, shape):
                if want is not None and got is not None and want != got:
                    raise ValueError(
                        f"{where} is incompatible with the layer: expected shape={s.shape}, found shape={shape}"
                    )
