"""Word-index post-processing shared by the IMDB and Reuters loaders.

Both datasets store words as frequency ranks; the loaders shift them by ``index_from``,
prepend ``start_char``, drop long sequences and map rare / skipped words to ``oov_char``
in the same order as Keras, so identical arguments give identical arrays.
"""

from __future__ import annotations

from typing import Any


def shift(xs: Any, start_char: int | None, index_from: int) -> list[list[int]]:
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    return [[w + index_from for w in x] for x in xs]


def drop_long(maxlen: int, xs: list[list[int]], labels: Any) -> tuple[list, list]:
    """Keep only the sequences strictly shorter than ``maxlen``."""
    kept = [(x, y) for x, y in zip(xs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_vocabulary(
    xs: list[list[int]], num_words: int | None, skip_top: int, oov_char: int | None
) -> list[list[int]]:
    """Replace (or, with ``oov_char=None``, drop) words outside ``[skip_top, num_words)``."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]
