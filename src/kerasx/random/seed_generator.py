"""SeedGenerator: seeds for runtime random draws, kept as variable state.

The generator's state ``[seed, counter]`` is an int32 variable, so it advances inside
compiled steps too (the update flows out of the stateless scope like any other state).
With ``seed=None`` the seed comes from Python's ``random`` module, which
``kerasx.utils.set_random_seed`` seeds: a seeded program is reproducible, on every
backend.
"""

from __future__ import annotations

import random as _pyrandom
from typing import Any

from kerasx import _backend
from kerasx.engine import state
from kerasx.saving.registry import keras_export


def make_default_seed() -> int:
    """A fresh seed from Python's global RNG (seeded by ``set_random_seed``)."""
    return _pyrandom.randint(1, 2**31 - 1)


@keras_export("keras.random.SeedGenerator")
class SeedGenerator:
    """Produces a new seed tensor on each :meth:`next` call."""

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        from kerasx.engine.variable import Variable

        if seed is None:
            seed = make_default_seed()
        if not isinstance(seed, int):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self._initial_seed = seed
        self.name = name or "seed_generator"
        with state.name_scope(self.name):
            self.state = Variable(
                _backend.B.convert_to_tensor([seed & 0x7FFFFFFF, 0], dtype="int32"),
                dtype="int32",
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered: bool = True) -> Any:
        """The current seed (int32 tensor of shape (2,)); advances the counter."""
        B = _backend.B
        current = self.state.value
        self.state.assign(B.add(current, B.convert_to_tensor([0, 1], dtype="int32")))
        return current

    def get_config(self) -> dict[str, Any]:
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SeedGenerator:
        return cls(**config)


_global: dict[str, SeedGenerator] = {}


def global_seed_generator() -> SeedGenerator:
    if "gen" not in _global:
        _global["gen"] = SeedGenerator(name="global_seed_generator")
    return _global["gen"]


def reset_global_seed_generator() -> None:
    _global.clear()


def draw_seed(seed: Any) -> Any:
    """Normalise a ``seed`` argument: int (stateless), SeedGenerator, or None."""
    if seed is None:
        return global_seed_generator().next()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, int):
        return seed
    if _backend.B.is_tensor(seed) or hasattr(seed, "shape"):
        return seed
    raise ValueError(
        f"Argument `seed` must be an int, a SeedGenerator or None. Received: seed={seed!r}"
    )
