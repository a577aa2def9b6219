"""Reading and writing the variables of a Keras 3 weights file (HDF5), defensively.

Reads fail closed on anything a hostile file could use: external links, soft links,
external or virtual datasets, compound or object dtypes, and datasets whose declared
size exceeds what is actually stored.  Every failure becomes a :class:`LoadError` naming
the file, never a crash.
"""

from __future__ import annotations

import io
from typing import Any

import h5py
import numpy as np

MAX_ARRAY_BYTES = 8 * 1024**3


class LoadError(ValueError):
    """A model or weights file could not be loaded safely."""


def _check_dataset(ds: h5py.Dataset, where: str) -> None:
    plist = ds.id.get_create_plist()
    if plist.get_external_count() > 0:
        raise LoadError(f"{where}: external datasets are not allowed.")
    if ds.is_virtual:
        raise LoadError(f"{where}: virtual datasets are not allowed.")
    if ds.dtype.kind not in "biuf?" and ds.dtype != np.dtype("bool"):
        raise LoadError(f"{where}: dataset dtype {ds.dtype} is not a numeric array.")
    nbytes = (
        int(np.prod(ds.shape, dtype=np.int64)) * ds.dtype.itemsize
        if ds.shape
        else ds.dtype.itemsize
    )
    if nbytes > MAX_ARRAY_BYTES:
        raise LoadError(
            f"{where}: dataset declares {nbytes} bytes, more than the {MAX_ARRAY_BYTES} allowed."
        )
    if ds.chunks is None and nbytes > 0:
        stored = ds.id.get_storage_size()
        if stored < nbytes and ds.compression is None:
            raise LoadError(
                f"{where}: dataset declares shape {ds.shape} but stores only {stored} of {nbytes} bytes."
            )


def _check_links(group: h5py.Group, where: str) -> None:
    for key in group.keys():
        link = group.get(key, getlink=True)
        if isinstance(link, (h5py.ExternalLink, h5py.SoftLink)):
            raise LoadError(
                f"{where}: links ({type(link).__name__} at '{group.name}/{key}') are not allowed in weights files."
            )


class H5Reader:
    """Read-only view of a weights file: ``read(path)`` returns the arrays of a ``vars`` group."""

    def __init__(self, source: str | bytes, name: str) -> None:
        self.name = name
        try:
            self.file = h5py.File(io.BytesIO(source) if isinstance(source, bytes) else source, "r")
        except Exception as e:  # h5py raises many types for corrupt files
            raise LoadError(
                f"Could not read weights from '{name}': not a valid HDF5 file ({type(e).__name__}: {e})."
            ) from None

    def has(self, path: str) -> bool:
        try:
            return f"{path}/vars" in self.file if path else "vars" in self.file
        except Exception:
            return False

    def read(self, path: str) -> list[np.ndarray]:
        gpath = f"{path}/vars" if path else "vars"
        try:
            group = self.file[gpath] if gpath in self.file else None
            if group is None:
                return []
            if not isinstance(group, h5py.Group):
                raise LoadError(f"'{self.name}': '{gpath}' is not a group.")
            _check_links(group, f"'{self.name}'")
            keys = sorted(group.keys(), key=lambda k: int(k) if k.isdigit() else 1 << 30)
            out = []
            for k in keys:
                ds = group[k]
                if not isinstance(ds, h5py.Dataset):
                    raise LoadError(f"'{self.name}': '{gpath}/{k}' is not a dataset.")
                _check_dataset(ds, f"'{self.name}' at '{gpath}/{k}'")
                out.append(np.asarray(ds[()]))
            return out
        except LoadError:
            raise
        except Exception as e:
            raise LoadError(
                f"Could not read '{gpath}' from '{self.name}': {type(e).__name__}: {e}"
            ) from None

    def close(self) -> None:
        try:
            self.file.close()
        except Exception:
            pass


class H5Writer:
    """Write ``vars`` groups the way Keras 3 lays them out."""

    def __init__(self, target: Any) -> None:
        self.file = h5py.File(target, "w")

    def write(self, path: str, name: str, arrays: list[np.ndarray]) -> None:
        gpath = f"{path}/vars" if path else "vars"
        group = self.file.require_group(gpath)
        group.attrs["name"] = name
        for i, arr in enumerate(arrays):
            group.create_dataset(str(i), data=np.asarray(arr))

    def close(self) -> None:
        self.file.close()
