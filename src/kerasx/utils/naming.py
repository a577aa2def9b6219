"""Unique default names (``dense``, ``dense_1``...) as Keras assigns them."""

from __future__ import annotations

import re
from collections import defaultdict

_counts: defaultdict[str, int] = defaultdict(int)


def to_snake_case(name: str) -> str:
    """``MaxPooling2D`` -> ``max_pooling2d``."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return s.lstrip("_") or "private"


def auto_name(prefix: str) -> str:
    """Next free name for ``prefix``: the first use is bare, then ``_1``, ``_2``..."""
    base = to_snake_case(prefix)
    n = _counts[base]
    _counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def reset_names() -> None:
    """Forget all issued names (part of ``kerasx.utils.clear_session``)."""
    _counts.clear()
