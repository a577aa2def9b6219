"""Dtype policies: the variable dtype and compute dtype of a layer (mixed precision)."""

from __future__ import annotations

from typing import Any

from kerasx.backends.common import dtypes as _dt
from kerasx.saving.registry import keras_export

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


@keras_export(
    "keras.DTypePolicy",
    "keras.dtype_policies.DTypePolicy",
    "keras.mixed_precision.DTypePolicy",
    "keras.mixed_precision.Policy",
)
class DTypePolicy:
    """Names a compute dtype and a variable dtype: ``"float32"`` or ``"mixed_float16"``
    (compute in float16, keep variables in float32)."""

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = global_policy().name
        if not isinstance(name, str):
            raise TypeError(
                f"'name' must be a string, such as 'mixed_float16'. Received: name={name!r}"
            )
        if name in _MIXED:
            self._compute, self._variable = _MIXED[name], "float32"
        else:
            try:
                d = _dt.standardize_dtype(name)
            except ValueError as e:
                raise ValueError(
                    f"Cannot convert {name!r} to a mixed precision DTypePolicy. Valid policies are "
                    f"'mixed_float16', 'mixed_bfloat16' and dtype names such as 'float32'. Received: name={name!r}"
                ) from e
            self._compute = self._variable = d
            name = d
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        return self._compute

    @property
    def variable_dtype(self) -> str:
        return self._variable

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self._name)

    def get_config(self) -> dict[str, Any]:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DTypePolicy:
        return cls(**config)


FloatDTypePolicy = DTypePolicy
_global: dict[str, DTypePolicy | None] = {"policy": None}


@keras_export(
    "keras.config.set_dtype_policy",
    "keras.mixed_precision.set_global_policy",
    "keras.mixed_precision.set_dtype_policy",
)
def set_dtype_policy(policy: str | DTypePolicy | None) -> None:
    """Set the policy new layers use when they get no ``dtype`` argument."""
    if policy is None:
        _global["policy"] = None
        return
    _global["policy"] = policy if isinstance(policy, DTypePolicy) else DTypePolicy(policy)


set_global_policy = set_dtype_policy


@keras_export(
    "keras.config.dtype_policy",
    "keras.mixed_precision.global_policy",
    "keras.mixed_precision.dtype_policy",
)
def dtype_policy() -> DTypePolicy:
    policy = _global["policy"]
    if policy is None:
        return DTypePolicy(_dt.floatx())
    return policy


global_policy = dtype_policy


def get(identifier: Any) -> DTypePolicy:
    """A policy from None (global), a name, a dtype, a config dict or a policy."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy(**identifier.get("config", identifier))
    return DTypePolicy(
        _dt.standardize_dtype(identifier) if not isinstance(identifier, str) else identifier
    )
