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
MAX_CONFIG_BYTES = 64 * 1024**2
MAX_MEMBERS = 100_000
# A member that inflates past the floor *and* past this ratio of its stored size is a
# decompression bomb (Keras and kerasx store members uncompressed).
BOMB_FLOOR_BYTES = 64 * 1024**2
MAX_EXPANSION = 100
_MEMBERS = ("config.json", "metadata.json", "model.weights.h5")
_TMP_SUFFIX = ".kerasx-tmp"


def _tmp_prefix(filepath: str) -> str:
    return f".{os.path.basename(filepath)}."


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_stale_temps(filepath: str) -> None:
    """Delete temp files that an earlier save of ``filepath`` left behind when its
    process was killed (their name carries the writer's pid, checked to be gone)."""
    directory = os.path.dirname(os.path.abspath(filepath))
    prefix = _tmp_prefix(filepath)
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(_TMP_SUFFIX)):
            continue
        pid_text = name[len(prefix) :].split(".", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _pid_alive(int(pid_text)):
            continue
        try:
            os.remove(os.path.join(directory, name))
        except OSError:
            pass


def atomic_write(filepath: str, write: Any) -> None:
    """Call ``write(tmp_path)`` on a temp file beside ``filepath``, flush it to disk,
    then rename it over ``filepath``: readers see the old file or the new one, never
    half of one, even if this process is killed."""
    directory = os.path.dirname(os.path.abspath(filepath))
    _remove_stale_temps(filepath)
    fd, tmp = tempfile.mkstemp(
        prefix=f"{_tmp_prefix(filepath)}{os.getpid()}.", suffix=_TMP_SUFFIX, dir=directory
    )
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
    _fsync_dir(directory)


def _fsync_dir(directory: str) -> None:
    """Persist the rename itself (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _custom_hook(obj: Any, name: str) -> Any:
    """A layer's own ``save_own_variables`` / ``load_own_variables`` (Keras' per-layer
    state hooks, e.g. TF-IDF weights of lookup layers); None for the standard layout.
    Optimizers define them too but follow the standard layout, handled here."""
    if hasattr(obj, "apply_gradients"):
        return None
    return getattr(obj, name, None)


def save_weights_to_h5(model: Any, target: Any) -> None:
    writer = H5Writer(target)
    try:
        for path, obj in object_walk.walk(model):
            hook = _custom_hook(obj, "save_own_variables")
            if hook is not None:
                store: dict[str, Any] = {}
                hook(store)
                writer.write_store(path, getattr(obj, "name", type(obj).__name__.lower()), store)
                continue
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
    """Assign every variable of ``model`` from ``reader``, by Keras 3 weight path.

    Shapes are compared with the file's *declared* shapes before any data is read, so a
    file cannot make kerasx allocate more than the model itself holds."""
    problems = []
    for path, obj in object_walk.walk(model):
        if path.split("/")[0] == "optimizer" and not include_optimizer:
            continue
        hook = _custom_hook(obj, "load_own_variables")
        if hook is not None:
            datasets = reader.datasets(path)
            hook({ds.name.rsplit("/", 1)[-1]: reader.read_dataset(ds) for ds in datasets})
            continue
        variables = object_walk.own_variables(obj)
        if path.startswith("optimizer") and not variables:
            continue
        datasets = reader.datasets(path)
        if not variables and not datasets:
            continue
        if len(datasets) != len(variables):
            msg = f"Layer '{getattr(obj, 'name', path)}' (path '{path}') expects {len(variables)} variables, but the file '{reader.name}' holds {len(datasets)}."
            if skip_mismatch:
                problems.append(msg)
                continue
            raise LoadError(msg)
        for var, ds in zip(variables, datasets):
            if tuple(var.shape) != tuple(ds.shape):
                msg = f"Variable '{var.path}' has shape {tuple(var.shape)}, but the file '{reader.name}' stores shape {tuple(ds.shape)} at '{path}'."
                if skip_mismatch:
                    problems.append(msg)
                    continue
                raise LoadError(msg)
            arr = reader.read_dataset(ds)
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
            _save_assets(model, zf)

    atomic_write(filepath, write)


def _save_assets(model: Any, zf: zipfile.ZipFile) -> None:
    """Files written by ``save_assets`` (e.g. adapted vocabularies) go under
    ``assets/<weight path>/`` as in Keras."""
    for path, obj in object_walk.walk(model):
        hook = getattr(obj, "save_assets", None)
        if hook is None:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            hook(tmp)
            for root, _, files in os.walk(tmp):
                for fname in files:
                    full = os.path.join(root, fname)
                    rel = os.path.relpath(full, tmp).replace(os.sep, "/")
                    zf.write(full, f"assets/{path}/{rel}" if path else f"assets/{rel}")


def _load_assets(model: Any, zf: zipfile.ZipFile, filepath: str) -> None:
    """Give each object with ``load_assets`` a temporary folder holding its own
    ``assets/<path>/`` members (already checked by :func:`_check_members`); nothing
    outside the archive is ever read."""
    names = [n for n in zf.namelist() if n.startswith("assets/") and not n.endswith("/")]
    if not names:
        return
    for path, obj in object_walk.walk(model):
        hook = getattr(obj, "load_assets", None)
        if hook is None:
            continue
        prefix = f"assets/{path}/" if path else "assets/"
        mine = [n for n in names if n.startswith(prefix)]
        if not mine:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            for name in mine:
                target = os.path.join(tmp, *name[len(prefix) :].split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(_read_member(zf, name, filepath, MAX_MEMBER_BYTES))
            try:
                hook(tmp)
            except Exception as e:
                raise LoadError(
                    f"Could not load the assets of '{path}' from '{filepath}': "
                    f"{type(e).__name__}: {e}"
                ) from e


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _open_archive(filepath: str) -> zipfile.ZipFile:
    """Open a ``.keras`` zip after checking every member: no absolute or ``..`` names,
    no links, no bombs.  Nothing is ever extracted to disk."""
    try:
        zf = zipfile.ZipFile(filepath, "r")
    except FileNotFoundError:
        raise FileNotFoundError(f"No such file: '{filepath}'") from None
    except IsADirectoryError:
        raise LoadError(
            f"'{filepath}' is a directory; kerasx only loads zipped .keras files."
        ) from None
    except Exception as e:  # BadZipFile, OSError, ValueError, struct/overflow errors...
        raise LoadError(
            f"'{filepath}' is not a valid .keras file (a zip archive was expected): "
            f"{type(e).__name__}: {e}"
        ) from None
    try:
        _check_members(zf, filepath)
    except BaseException:
        zf.close()
        raise
    return zf


def _check_members(zf: zipfile.ZipFile, filepath: str) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise LoadError(f"'{filepath}': the archive has {len(infos)} members, over the limit.")
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith("/") or "\\" in name or ".." in parts or ":" in name or "\0" in name:
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
        if info.file_size > BOMB_FLOOR_BYTES and info.file_size > MAX_EXPANSION * max(
            info.compress_size, 1
        ):
            raise LoadError(
                f"'{filepath}': archive member '{name}' would inflate {info.compress_size} bytes "
                f"to {info.file_size}: refusing a likely decompression bomb."
            )


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


def _parse_config(data: bytes, filepath: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as e:  # JSONDecodeError, bad UTF-8, deep nesting
        raise LoadError(
            f"'{filepath}': config.json is not valid JSON ({type(e).__name__}: {e})."
        ) from None


def load_model(
    filepath: str,
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:  # noqa: A002
    """Rebuild a model from a ``.keras`` archive written by kerasx or Keras 3.

    Every failure caused by the file's contents is a :class:`LoadError` naming it."""
    zf = _open_archive(filepath)
    with zf:
        config = _parse_config(
            _read_member(zf, "config.json", filepath, MAX_CONFIG_BYTES), filepath
        )
        if not isinstance(config, dict):
            raise LoadError(f"'{filepath}': config.json does not hold a model config.")
        if not compile:
            config = {k: v for k, v in config.items() if k != "compile_config"}
        try:
            model = deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=safe_mode
            )
        except LoadError:
            raise
        except Exception as e:
            raise LoadError(
                f"Could not rebuild the model stored in '{filepath}': {type(e).__name__}: {e}"
            ) from e
        if not object_walk.is_saveable(model):
            raise LoadError(f"'{filepath}': config.json does not describe a model.")
        weights = _read_member(zf, "model.weights.h5", filepath, MAX_MEMBER_BYTES)
        _load_h5_into(model, weights, filepath, include_optimizer=compile)
        _load_assets(model, zf, filepath)  # after the weights, as Keras (TF-IDF needs both)
    return model


def _load_h5_into(
    model: Any,
    source: str | bytes,
    filepath: str,
    skip_mismatch: bool = False,
    include_optimizer: bool = True,
) -> None:
    reader = H5Reader(source, filepath)
    try:
        load_weights_from_h5(
            model, reader, skip_mismatch=skip_mismatch, include_optimizer=include_optimizer
        )
    except LoadError:
        raise
    except Exception as e:
        raise LoadError(
            f"Could not load the weights stored in '{filepath}': {type(e).__name__}: {e}"
        ) from e
    finally:
        reader.close()


def save_weights(model: Any, filepath: str) -> None:
    """Write a ``.weights.h5`` file, atomically."""
    atomic_write(filepath, lambda tmp: save_weights_to_h5(model, tmp))


def load_weights(model: Any, filepath: str, skip_mismatch: bool = False) -> None:
    """Load variables from a ``.weights.h5`` file or the weights inside a ``.keras``."""
    if str(filepath).endswith(".keras"):
        zf = _open_archive(filepath)
        with zf:
            data = _read_member(zf, "model.weights.h5", filepath, MAX_MEMBER_BYTES)
        _load_h5_into(model, data, filepath, skip_mismatch=skip_mismatch, include_optimizer=False)
        return
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such file: '{filepath}'")
    _load_h5_into(
        model, str(filepath), str(filepath), skip_mismatch=skip_mismatch, include_optimizer=False
    )
