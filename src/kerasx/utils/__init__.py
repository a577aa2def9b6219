"""``kerasx.utils``: seeding, sessions, data helpers, summaries."""

from __future__ import annotations

import random as _pyrandom
from typing import Any

import numpy as np

from kerasx._lazy import lazy_getattr
from kerasx.saving.registry import keras_export
from kerasx.utils.py_dataset import PyDataset, Sequence


@keras_export("keras.utils.set_random_seed")
def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy and kerasx's global seed generator.

    After this, building the same model gives bit-identical initial weights on every
    backend, and unseeded dropout/augmentation draws are reproducible.
    """
    if not isinstance(seed, int):
        raise ValueError(
            f"Expected `seed` argument to be an integer. Received: seed={seed} (of type {type(seed)})"
        )
    _pyrandom.seed(seed)
    np.random.seed(seed % (2**32))
    from kerasx.random.seed_generator import reset_global_seed_generator

    reset_global_seed_generator()


@keras_export("keras.utils.clear_session", "keras.backend.clear_session")
def clear_session(free_memory: bool = True) -> None:
    """Reset default layer names and the global seed generator."""
    from kerasx.random.seed_generator import reset_global_seed_generator
    from kerasx.utils.naming import reset_names

    reset_names()
    reset_global_seed_generator()


@keras_export("keras.utils.to_categorical")
def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer class labels as float32 (last axis of size 1 is dropped)."""
    y = np.asarray(x, dtype="int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"Class indices must lie in [0, {num_classes}). Received values in [{y.min()}, {y.max()}]."
        )
    out = np.zeros((y.shape[0], num_classes), dtype="float32")
    out[np.arange(y.shape[0]), y] = 1.0
    return out.reshape((*shape, num_classes))


@keras_export("keras.utils.normalize")
def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Scale ``x`` to unit ``order``-norm along ``axis`` (zeros stay zero)."""
    arr = np.asarray(x, dtype="float32")
    norm = np.linalg.norm(arr, ord=order, axis=axis, keepdims=True)
    norm[norm == 0] = 1
    return arr / norm


def get_custom_objects() -> dict[str, Any]:
    from kerasx.saving.registry import get_custom_objects as _g

    return _g()


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Any:
    from kerasx.saving.registry import register_keras_serializable as _r

    return _r(package, name)


def serialize_keras_object(obj: Any) -> Any:
    from kerasx.saving.serialization import serialize_keras_object as _s

    return _s(obj)


def deserialize_keras_object(config: Any, custom_objects: Any = None, **kwargs: Any) -> Any:
    from kerasx.saving.serialization import deserialize_keras_object as _d

    return _d(config, custom_objects=custom_objects, **kwargs)


__all__ = [
    "PyDataset",
    "Sequence",
    "clear_session",
    "deserialize_keras_object",
    "get_custom_objects",
    "normalize",
    "register_keras_serializable",
    "serialize_keras_object",
    "set_random_seed",
    "to_categorical",
]

# tf.keras-era helpers, downloads and plots load on first use: `import kerasx` stays
# close to the framework's own import time (urllib, h5py, Pillow, matplotlib are not
# imported until needed).
_LAZY = {
    "array_to_img": "kerasx.preprocessing.image_io",
    "img_to_array": "kerasx.preprocessing.image_io",
    "load_img": "kerasx.preprocessing.image_io",
    "save_img": "kerasx.preprocessing.image_io",
    "pad_sequences": "kerasx.preprocessing.sequence",
    "get_file": "kerasx.utils.file_utils",
    "model_to_dot": "kerasx.utils.model_plot",
    "plot_model": "kerasx.utils.model_plot",
    "plot_history": "kerasx.utils.plotting",
}

__all__ += sorted(_LAZY)


__getattr__ = lazy_getattr("kerasx.utils", _LAZY, globals())
