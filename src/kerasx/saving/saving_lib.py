"""The ``.keras`` format (a zip of config.json, metadata.json, model.weights.h5).

Writing is atomic: the archive is built in a temporary file beside the target and
renamed over it only when complete, so a crash mid-save leaves the previous file intact.
Reading checks the archive first (member names, links, sizes), resolves the config only
through the registry (:mod:`kerasx.saving.serialization`), and reads weights through
:class:`~kerasx.saving.h5_store.H5Reader`.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import stat
import tempfile
import zipfile
from typing import Any

import numpy as np

from kerasx.saving import object_walk
from kerasx.saving.h5_store import H5Reader, H5Writer, LoadError
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object

KERAS_VERSION = "3.15.1"  # the Keras 3 file version kerasx writes
MAX_MEMBER_BYTES = 16 * 1024**3
MAX_CONFIG_BYTES = 256 * 1024**2
_MEMBERS = ("config.json", "metadata.json", "model.weights.h5")


def atomic_write(filepath: str, write: Any) -> None:
    """Call ``write(tmp_path)`` then rename the temp file over ``filepath``."""
    directory = os.path.dirname(os.path.abspath(filepath)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".kerasx-", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def save_weights_to_h5(model: Any, target: Any) -> None:
    writer = H5Writer(target)
    try:
        for path, obj in object_walk.walk(model):
            writer.write(
                path,
                getattr(obj, "name", type(obj).__name__.lower()),
                [np.asarray(v.numpy()) for v in object_walk.own_variables(obj)],
            )
    finally:
        writer.close()


def load_weights_from_h5(
    model: Any, reader: H5Reader, skip_mismatch: bool = False, include_optimizer: bool = True
) -> None:
    problems = []
    for path, obj in object_walk.walk(model):
        if path.split("/")[0] == "optimizer" and not include_optimizer:
            continue
        variables = object_walk.own_variables(obj)
        if path.startswith("optimizer") and not variables:
            continue
        arrays = reader.read(path)
        if not variables and not arrays:
            continue
        if len(arrays) != len(variables):
            msg = f"Layer '{getattr(obj, 'name', path)}' (path '{path}') expects {len(variables)} variables, but the file '{reader.name}' holds {len(arrays)}."
            if skip_mismatch:
                problems.append(msg)
                continue
            raise LoadError(msg)
        for var, arr in zip(variables, arrays):
            if tuple(var.shape) != tuple(arr.shape):
                msg = f"Variable '{var.path}' has shape {tuple(var.shape)}, but the file '{reader.name}' stores shape {tuple(arr.shape)} at '{path}'."
                if skip_mismatch:
                    problems.append(msg)
                    continue
                raise LoadError(msg)
            var.assign(arr.astype(np.dtype(var.dtype)) if var.dtype != "bfloat16" else arr)
    if problems:
        import warnings

        warnings.warn("Skipped mismatched weights:\n" + "\n".join(problems), stacklevel=3)


def save_model(model: Any, filepath: str) -> None:
    """Write ``model`` to a ``.keras`` archive, atomically."""
    config = serialize_keras_object(model)
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }

    def write(tmp: str) -> None:
        weights = io.BytesIO()
        save_weights_to_h5(model, weights)
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr("metadata.json", json.dumps(metadata))
            zf.writestr("config.json", json.dumps(config, default=_json_default))
            zf.writestr("model.weights.h5", weights.getvalue())

    atomic_write(filepath, write)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _open_archive(filepath: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(filepath, "r")
    except FileNotFoundError:
        raise FileNotFoundError(f"No such file: '{filepath}'") from None
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise LoadError(
            f"'{filepath}' is not a valid .keras file (a zip archive was expected): {e}"
        ) from None
    for info in zf.infolist():
        name = info.filename
        if name.startswith("/") or "\\" in name or ".." in name.split("/") or ":" in name:
            raise LoadError(f"'{filepath}': archive member '{name}' has an unsafe path.")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise LoadError(
                f"'{filepath}': archive member '{name}' is a link, which is not allowed."
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise LoadError(
                f"'{filepath}': archive member '{name}' declares {info.file_size} bytes, over the limit."
            )
    return zf


def _read_member(zf: zipfile.ZipFile, name: str, filepath: str, limit: int) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise LoadError(
            f"'{filepath}' has no '{name}': it is not a complete .keras file."
        ) from None
    if info.file_size > limit:
        raise LoadError(
            f"'{filepath}': '{name}' is {info.file_size} bytes, over the {limit} limit."
        )
    try:
        with zf.open(info) as f:
            data = f.read(limit + 1)
    except Exception as e:
        raise LoadError(
            f"'{filepath}': could not read '{name}' ({type(e).__name__}: {e})."
        ) from None
    if len(data) > limit:
        raise LoadError(f"'{filepath}': '{name}' decompresses past the {limit}-byte limit.")
    return data


def load_model(
    filepath: str,
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:  # noqa: A002
    """Rebuild a model from a ``.keras`` archive written by kerasx or Keras 3."""
    zf = _open_archive(filepath)
    with zf:
        try:
            config = json.loads(_read_member(zf, "config.json", filepath, MAX_CONFIG_BYTES))
        except json.JSONDecodeError as e:
            raise LoadError(f"'{filepath}': config.json is not valid JSON ({e}).") from None
        if not compile and isinstance(config, dict):
            config = {k: v for k, v in config.items() if k != "compile_config"}
        try:
            model = deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=safe_mode
            )
        except LoadError:
            raise
        except (ValueError, TypeError, KeyError) as e:
            raise type(e)(f"Could not rebuild the model stored in '{filepath}': {e}") from e
        weights = _read_member(zf, "model.weights.h5", filepath, MAX_MEMBER_BYTES)
    reader = H5Reader(weights, filepath)
    try:
        load_weights_from_h5(model, reader, include_optimizer=compile)
    finally:
        reader.close()
    return model


def save_weights(model: Any, filepath: str) -> None:
    """Write a ``.weights.h5`` file, atomically."""
    atomic_write(filepath, lambda tmp: save_weights_to_h5(model, tmp))


def load_weights(model: Any, filepath: str, skip_mismatch: bool = False) -> None:
    if str(filepath).endswith(".keras"):
        zf = _open_archive(filepath)
        with zf:
            data = _read_member(zf, "model.weights.h5", filepath, MAX_MEMBER_BYTES)
        reader = H5Reader(data, filepath)
    else:
        if not os.path.exists(filepath):
            raise FileNotFoundError(f"No such file: '{filepath}'")
        reader = H5Reader(str(filepath), str(filepath))
    try:
        load_weights_from_h5(model, reader, skip_mismatch=skip_mismatch, include_optimizer=False)
    finally:
        reader.close()
