"""The ``Initializer`` base class: a callable ``(shape, dtype) -> tensor`` with a config."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx.saving.registry import keras_export


@keras_export("keras.initializers.Initializer", "keras.Initializer")
class Initializer:
    """Subclasses implement ``__call__(shape, dtype=None)`` and, when they take
    arguments, ``get_config()`` returning them (``from_config`` calls ``cls(**config)``)."""

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        return cls(**config)

    def clone(self) -> Initializer:
        """A new initializer with the same configuration."""
        return self.__class__.from_config(self.get_config())
