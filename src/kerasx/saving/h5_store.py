"""Reading and writing the variables of a Keras 3 weights file (HDF5), defensively.

Reads fail closed on anything a hostile file could use: external links, soft links
(checked on every path component, before HDF5 could follow them), external or virtual
datasets, filter plugins, compound or object dtypes, and datasets whose declared size
exceeds what is actually stored.  Every failure becomes a :class:`LoadError` naming
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


# HDF5 filters that ship inside HDF5/h5py.  Any other filter id would make HDF5 search
# the plugin path and load a shared library, so a file naming one is refused.
_ALLOWED_FILTERS = {
    1,
    2,
    3,
    4,
    5,
    6,
    32000,
}  # deflate, shuffle, fletcher32, szip, nbit, scaleoffset, lzf


def _check_dataset(ds: h5py.Dataset, where: str) -> None:
    """Refuse datasets that could read outside the file, run plugins or lie about size."""
    plist = ds.id.get_create_plist()
    if plist.get_external_count() > 0:
        raise LoadError(f"{where}: external datasets are not allowed.")
    if ds.is_virtual:
        raise LoadError(f"{where}: virtual datasets are not allowed.")
    for i in range(plist.get_nfilters()):
        filter_id = plist.get_filter(i)[0]
        if filter_id not in _ALLOWED_FILTERS:
            raise LoadError(f"{where}: HDF5 filter {filter_id} is not allowed.")
    if ds.dtype.kind not in "biuf?" or ds.dtype.fields is not None:
        raise LoadError(f"{where}: dataset dtype {ds.dtype} is not a numeric array.")
    shape = ds.shape if ds.shape is not None else None
    if shape is None:
        raise LoadError(f"{where}: empty (null-space) datasets are not allowed.")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    nbytes = count * ds.dtype.itemsize
    if nbytes > MAX_ARRAY_BYTES:
        raise LoadError(
            f"{where}: dataset declares {nbytes} bytes, more than the {MAX_ARRAY_BYTES} allowed."
        )
    if nbytes == 0:
        return
    if ds.chunks is None:
        stored = ds.id.get_storage_size()
        if stored < nbytes:
            raise LoadError(
                f"{where}: dataset declares shape {ds.shape} but stores only {stored} of {nbytes} bytes."
            )
        return
    # Chunked: every chunk must really be stored, otherwise HDF5 would invent fill
    # values for the declared shape (and compression could hide a huge declaration).
    expected = 1
    for dim, chunk in zip(shape, ds.chunks):
        expected *= -(-dim // chunk)
    if ds.id.get_num_chunks() < expected:
        raise LoadError(
            f"{where}: dataset declares shape {ds.shape} but stores only "
            f"{ds.id.get_num_chunks()} of its {expected} chunks."
        )


def _check_link(group: h5py.Group, key: str, where: str) -> None:
    link = group.get(key, getlink=True)
    if not isinstance(link, h5py.HardLink):
        raise LoadError(
            f"{where}: links ({type(link).__name__} at '{group.name}/{key}') are not allowed in weights files."
        )


class H5Reader:
    """Read-only view of a weights file: ``datasets(path)`` lists (checked, unread) the
    arrays of a ``vars`` group so callers can compare shapes before reading data."""

    def __init__(self, source: str | bytes, name: str) -> None:
        self.name = name
        try:
            self.file = h5py.File(io.BytesIO(source) if isinstance(source, bytes) else source, "r")
        except Exception as e:  # h5py raises many types for corrupt files
            raise LoadError(
                f"Could not read weights from '{name}': not a valid HDF5 file ({type(e).__name__}: {e})."
            ) from None

    def _group(self, gpath: str) -> h5py.Group | None:
        """Walk ``gpath`` one hard link at a time: resolving the whole path at once would
        let HDF5 follow a soft or external link (into another file) on the way."""
        node: h5py.Group = self.file
        for part in gpath.split("/"):
            if part not in node.keys():
                return None
            _check_link(node, part, f"'{self.name}'")
            node = node[part]
            if not isinstance(node, h5py.Group):
                raise LoadError(f"'{self.name}': '{node.name}' is not a group.")
        return node

    def has(self, path: str) -> bool:
        try:
            return self._group(f"{path}/vars" if path else "vars") is not None
        except Exception:
            return False

    def datasets(self, path: str) -> list[h5py.Dataset]:
        """The checked datasets stored for ``path``, in index order (data not read)."""
        gpath = f"{path}/vars" if path else "vars"
        try:
            group = self._group(gpath)
            if group is None:
                return []
            keys = list(group.keys())
            for k in keys:
                _check_link(group, k, f"'{self.name}'")
            keys.sort(key=lambda k: int(k) if k.isdigit() else 1 << 30)
            out = []
            for k in keys:
                ds = group[k]
                if not isinstance(ds, h5py.Dataset):
                    raise LoadError(f"'{self.name}': '{gpath}/{k}' is not a dataset.")
                _check_dataset(ds, f"'{self.name}' at '{gpath}/{k}'")
                out.append(ds)
            return out
        except LoadError:
            raise
        except Exception as e:
            raise LoadError(
                f"Could not read '{gpath}' from '{self.name}': {type(e).__name__}: {e}"
            ) from None

    def read_dataset(self, ds: h5py.Dataset) -> np.ndarray:
        """The data of a dataset returned by :meth:`datasets`."""
        try:
            return np.asarray(ds[()])
        except Exception as e:
            raise LoadError(
                f"Could not read '{ds.name}' from '{self.name}': {type(e).__name__}: {e}"
            ) from None

    def read(self, path: str) -> list[np.ndarray]:
        """All arrays stored for ``path`` (checked, then read)."""
        return [self.read_dataset(ds) for ds in self.datasets(path)]

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

    def write_store(self, path: str, name: str, store: dict[str, Any]) -> None:
        """Arrays under the keys a layer's ``save_own_variables`` chose."""
        gpath = f"{path}/vars" if path else "vars"
        group = self.file.require_group(gpath)
        group.attrs["name"] = name
        for key, arr in store.items():
            group.create_dataset(str(key), data=np.asarray(arr))

    def close(self) -> None:
        self.file.close()
