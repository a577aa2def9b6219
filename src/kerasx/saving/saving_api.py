"""Public save/load entry points, dispatching on the file extension."""

from __future__ import annotations

import os
from typing import Any

from kerasx.saving import saving_lib


def _path(filepath: Any) -> str:
    return os.fspath(filepath)


def save_model(
    model: Any, filepath: Any, overwrite: bool = True, zipped: bool | None = None, **kwargs: Any
) -> None:
    """Save a model as ``.keras`` (Keras 3 format)."""
    path = _path(filepath)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"File '{path}' exists and overwrite=False.")
    if path.endswith((".h5", ".hdf5")):
        raise ValueError(
            f"kerasx writes the Keras 3 `.keras` format; legacy HDF5 files can be loaded but not written. Received: filepath={path}"
        )
    if not path.endswith(".keras"):
        raise ValueError(
            f"Invalid filepath extension for saving. Please add the `.keras` extension. Received: filepath={path}"
        )
    saving_lib.save_model(model, path)


def load_model(
    filepath: Any,
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:  # noqa: A002
    """Load a ``.keras`` model (written by kerasx or Keras 3)."""
    path = _path(filepath)
    if path.endswith((".h5", ".hdf5")):
        from kerasx.saving.legacy_h5 import load_model_from_hdf5

        return load_model_from_hdf5(
            path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    if not path.endswith(".keras") and not os.path.isfile(path):
        raise ValueError(
            f"File format not supported: filepath={path}. kerasx supports `.keras` files and legacy `.h5` files."
        )
    from kerasx.saving import legacy_keras2_archive

    if legacy_keras2_archive.is_keras2_archive(path):  # written by Keras 2.13-2.15
        return legacy_keras2_archive.load_keras2_archive(
            path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    return saving_lib.load_model(
        path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
    )


def save_weights(model: Any, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
    path = _path(filepath)
    if not path.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={path}")
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"File '{path}' exists and overwrite=False.")
    saving_lib.save_weights(model, path)


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
    path = _path(filepath)
    if path.endswith(".keras"):
        from kerasx.saving import legacy_keras2_archive

        if legacy_keras2_archive.is_keras2_archive(path):  # written by Keras 2.13-2.15
            legacy_keras2_archive.load_weights_from_keras2_archive(model, path)
            return
    if path.endswith(".keras") or path.endswith(".weights.h5"):
        saving_lib.load_weights(model, path, skip_mismatch=skip_mismatch)
        return
    if path.endswith((".h5", ".hdf5")):
        from kerasx.saving.legacy_h5 import load_weights_from_hdf5

        load_weights_from_hdf5(
            model, path, skip_mismatch=skip_mismatch, by_name=kwargs.get("by_name", False)
        )
        return
    raise ValueError(f"File format not supported: filepath={path}. Use `.weights.h5` or `.keras`.")
