"""Hashing: bucket strings or integers with TensorFlow-identical hashes, on any backend."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx.engine.keras_tensor import KerasTensor
from kerasx.layers.layer import Layer
from kerasx.layers.preprocessing import _farmhash, _host_data
from kerasx.saving.registry import keras_export

_MODES = ("int", "one_hot", "multi_hot", "count")


@keras_export("keras.layers.Hashing")
class Hashing(Layer):
    """Hashes each input value into ``num_bins`` buckets.

    The bins equal Keras 3's: FarmHash Fingerprint64 of the value's string form (floats
    are truncated to integers first), or keyed SipHash-2-4 when ``salt`` is given.  With
    ``mask_value`` that value maps to bin 0 and the others to ``[1, num_bins)``.
    """

    _compiled_call_ok = False  # works on host NumPy values: cannot be traced

    def __init__(
        self,
        num_bins: int,
        mask_value: Any = None,
        salt: Any = None,
        output_mode: str = "int",
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else _host_data.floatx()
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins}."
            )
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError(
                "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or "
                f"'int64'. Received: dtype={kwargs['dtype']}"
            )
        if output_mode not in _MODES:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {_MODES}. "
                f"Received: output_mode={output_mode}"
            )
        if sparse:
            raise ValueError(
                "`sparse=True` is not supported by kerasx Hashing (dense outputs only)."
            )
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = [int(s) for s in salt]
            elif isinstance(salt, int) and not isinstance(salt, bool):
                self.salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `Hashing` can only be a tuple of size 2 integers, "
                    f"or a single integer. Received: salt={salt}."
                )

    def _convert_input(self, x: Any) -> Any:
        # Strings cannot become backend tensors; hashing runs on the host.
        return x

    def _bins(self, values: np.ndarray) -> np.ndarray:
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            if values.dtype.kind in "SUO":
                target = self.mask_value
                if isinstance(target, bytes):
                    target = target.decode()
                mask = np.array(
                    [
                        (v.decode() if isinstance(v, bytes) else v) == target
                        for v in values.reshape(-1)
                    ],
                    dtype=bool,
                ).reshape(values.shape)
            else:
                mask = values == self.mask_value
        flat = values.reshape(-1).tolist()
        out = np.array(_farmhash.hash_buckets(flat, bins, self.salt), dtype=np.int64)
        out = out.reshape(values.shape)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def call(self, inputs: Any) -> Any:
        values = _host_data.to_numpy(inputs)
        if values.dtype.kind == "U":
            values = values.astype(object)
        if self.output_mode == "one_hot" and values.ndim > 0 and values.shape[-1] == 1:
            values = values[..., 0]
        indices = self._bins(values)
        if self.output_mode == "int":
            return _host_data.to_backend(indices, self.dtype)
        out = _host_data.encode_categorical(indices, self.output_mode, self.num_bins, self.dtype)
        return _host_data.to_backend(out, self.dtype)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        if self.output_mode == "one_hot" and input_shape[-1] != 1:
            return (*input_shape, self.num_bins)
        return (*tuple(input_shape)[:-1], self.num_bins)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "num_bins": self.num_bins,
                "salt": self.salt,
                "mask_value": self.mask_value,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
            }
        )
        return config
