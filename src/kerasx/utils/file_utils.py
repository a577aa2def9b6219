"""Download-and-cache of remote files (``keras.utils.get_file``), with hash checks and
safe archive extraction.

Datasets and pretrained weights are fetched through :func:`get_file`, so the cache
location, integrity check and the offline message are the same everywhere.  The cache
root is ``$KERASX_HOME`` (default ``~/.kerasx``) instead of Keras's ``~/.keras`` so the
two libraries never overwrite each other's files.

Archives are extracted only after *every* member has been checked: a member whose path
is absolute, climbs out with ``..``, or is a link pointing outside the extraction
directory makes the whole extraction fail (nothing is written), because a tampered
archive is exactly the case where partial extraction is dangerous.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from typing import Any

from kerasx.saving.registry import keras_export

_CHUNK = 1 << 16


def cache_root(cache_dir: Any = None) -> str:
    """The directory under which cached files live (``$KERASX_HOME`` or ``~/.kerasx``)."""
    if cache_dir is None:
        from kerasx.config import kerasx_home

        cache_dir = kerasx_home()
    return os.path.expanduser(os.fspath(cache_dir))


# --------------------------------------------------------------------------- hashing


def _hasher(algorithm: str, file_hash: str | None = None) -> Any:
    """sha256 when asked, or in ``auto`` mode for a 64-hex-digit hash; md5 otherwise."""
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "auto" and file_hash is not None and len(file_hash) == 64:
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(f"Unknown hash algorithm: {algorithm!r}. Use 'auto', 'sha256' or 'md5'.")


def hash_file(fpath: Any, algorithm: str = "sha256", chunk_size: int = 65535) -> str:
    """Hex digest of a file (``algorithm``: 'sha256', 'md5', or 'auto' = sha256)."""
    hasher = _hasher("sha256" if algorithm == "auto" else algorithm)
    with open(os.fspath(fpath), "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(
    fpath: Any, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535
) -> bool:
    """Whether the file's digest equals ``file_hash`` (algorithm detected from its length)."""
    hasher = _hasher(algorithm, file_hash)
    with open(os.fspath(fpath), "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest() == str(file_hash).lower()


def _algorithm_name(algorithm: str, file_hash: str) -> str:
    if algorithm != "auto":
        return algorithm
    return "sha256" if len(file_hash) == 64 else "md5"


# --------------------------------------------------------------------------- extraction


def _inside(base: str, relative: str) -> bool:
    """Whether ``base/relative`` resolves to a path inside ``base`` (``base`` resolved)."""
    target = os.path.realpath(os.path.join(base, relative))
    try:
        return os.path.commonpath([target, base]) == base
    except ValueError:  # different drives
        return False


def _unsafe_reason(name: str, base: str) -> str | None:
    if os.path.isabs(name) or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "it is an absolute path"
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return "it contains '..'"
    if not _inside(base, name):
        return "it resolves outside the extraction directory"
    return None


def _check_tar_members(archive: tarfile.TarFile, base: str) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for m in members:
        reason = _unsafe_reason(m.name, base)
        if reason is None and m.issym():
            link_dir = os.path.dirname(os.path.join(base, m.name))
            if os.path.isabs(m.linkname) or not _inside(base, os.path.join(link_dir, m.linkname)):
                reason = f"it is a symbolic link to {m.linkname!r} outside the extraction directory"
        elif reason is None and m.islnk():
            if _unsafe_reason(m.linkname, base) is not None:
                reason = f"it is a hard link to {m.linkname!r} outside the extraction directory"
        elif reason is None and not (m.isfile() or m.isdir()):
            reason = "it is a device, FIFO or other special file"
        if reason is not None:
            raise ValueError(
                f"Refusing to extract the archive: member {m.name!r} is unsafe because {reason}."
            )
    return members


def _check_zip_members(archive: zipfile.ZipFile, base: str) -> None:
    for info in archive.infolist():
        reason = _unsafe_reason(info.filename, base)
        # zip entries whose Unix mode says "symlink" are extracted by Python as plain
        # files, so they cannot escape; only the path itself matters.
        if reason is not None:
            raise ValueError(
                f"Refusing to extract the archive: member {info.filename!r} is unsafe because "
                f"{reason}."
            )


def extract_archive(file_path: Any, path: Any = ".", archive_format: Any = "auto") -> bool:
    """Extract a tar(.gz/.bz2/.xz) or zip archive into ``path``; False if not an archive.

    Raises ValueError (and writes nothing) when any member is unsafe.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    if isinstance(formats, str):
        formats = [formats]
    file_path = os.fspath(file_path)
    path = os.fspath(path)
    for fmt in formats:
        if fmt == "tar":
            if not tarfile.is_tarfile(file_path):
                continue
            os.makedirs(path, exist_ok=True)
            base = os.path.realpath(path)
            with tarfile.open(file_path) as archive:
                members = _check_tar_members(archive, base)
                _extract_or_clean(path, _extract_tar, archive, members, path)
            return True
        if fmt == "zip":
            if not zipfile.is_zipfile(file_path):
                continue
            os.makedirs(path, exist_ok=True)
            base = os.path.realpath(path)
            with zipfile.ZipFile(file_path) as archive:
                _check_zip_members(archive, base)
                _extract_or_clean(path, archive.extractall, path)
            return True
        raise NotImplementedError(f"Unknown archive format: {fmt!r}. Use 'tar' or 'zip'.")
    return False


def _extract_tar(archive: tarfile.TarFile, members: list[tarfile.TarInfo], path: str) -> None:
    # Python >= 3.11.4 also offers the "data" filter; it is a second line of defence.
    try:
        archive.extractall(path, members=members, filter="data")
    except TypeError:
        archive.extractall(path, members=members)


def _extract_or_clean(path: str, extract: Any, *args: Any) -> None:
    """Run ``extract(*args)``; on failure remove the half-written ``path``."""
    try:
        extract(*args)
    except (tarfile.TarError, zipfile.BadZipFile, RuntimeError, KeyboardInterrupt, OSError):
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        raise


# --------------------------------------------------------------------------- download


def _download(url: str, target: str) -> None:
    """Fetch ``url`` into ``target``.  Tests replace this function to stay offline."""
    with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:  # noqa: S310
        shutil.copyfileobj(response, out, _CHUNK)


def _offline_error(origin: str, target: str, err: BaseException) -> OSError:
    return OSError(
        f"Could not download {origin} ({type(err).__name__}: {err}). If this machine is "
        f"offline, download the file elsewhere and copy it to {target} (the cache path kerasx "
        "looks in; set KERASX_HOME or pass `cache_dir` to use another directory). It will be "
        "used without downloading as long as its hash matches."
    )


def _writable_root(root: str) -> str:
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        pass
    if os.access(root, os.W_OK):
        return root
    return os.path.join(tempfile.gettempdir(), ".kerasx")


@keras_export("keras.utils.get_file")
def get_file(
    fname: Any = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: Any = "auto",
    cache_dir: Any = None,
    force_download: bool = False,
) -> str:
    """Return the local path of ``origin``, downloading it into the cache if needed.

    Same arguments and cache layout as Keras 3 (``<cache_dir>/<cache_subdir>/<fname>``;
    with ``extract=True`` the archive is saved as ``<fname>_archive`` and unpacked into
    ``<fname>``), except that the default cache root is ``$KERASX_HOME`` or ``~/.kerasx``.
    A cached file whose hash does not match is downloaded again; a downloaded file whose
    hash does not match raises ValueError.
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir = os.path.join(_writable_root(cache_root(cache_dir)), cache_subdir)
    os.makedirs(datadir, exist_ok=True)

    given_name = fname is not None and os.fspath(fname) != ""
    name = os.fspath(fname) if given_name else ""
    if not name:
        name = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not name:
            raise ValueError(
                f"Can't parse the file name from the origin provided: '{origin}'. "
                "Please specify the `fname` argument."
            )
    elif os.sep in name or "/" in name:
        raise ValueError(
            "Paths are no longer accepted as the `fname` argument. To specify the file's "
            f"parent directory, use the `cache_dir` argument. Received: fname={name}"
        )

    if extract or untar:
        if given_name and "." in name:
            target = os.path.join(datadir, name)
            extraction_dir = os.path.join(datadir, f"{name[: name.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, name)
            target = os.path.join(datadir, f"{name}_archive")
    else:
        target = os.path.join(datadir, name)
        extraction_dir = None

    need = force_download or not os.path.exists(target)
    if not need and file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
        print(
            f"A local file was found at {target}, but its "
            f"{_algorithm_name(hash_algorithm, file_hash)} hash does not match {file_hash}; "
            "downloading it again."
        )
        need = True

    if need:
        print(f"Downloading data from {origin}")
        partial = target + ".part"
        try:
            _download(origin, partial)
        except (urllib.error.URLError, OSError, ValueError) as err:
            if os.path.exists(partial):
                os.remove(partial)
            raise _offline_error(origin, target, err) from err
        except BaseException:
            if os.path.exists(partial):
                os.remove(partial)
            raise
        if file_hash is not None and not validate_file(partial, file_hash, hash_algorithm):
            os.remove(partial)
            raise ValueError(
                f"Incomplete or corrupted file detected for {origin}: the "
                f"{_algorithm_name(hash_algorithm, file_hash)} file hash does not match the "
                f"provided value of {file_hash}."
            )
        os.replace(partial, target)

    if extraction_dir is not None:
        fmt = "tar" if untar else archive_format
        if not extract_archive(target, extraction_dir, fmt):
            import warnings

            warnings.warn(f"Could not extract archive {target}.", stacklevel=2)
        return extraction_dir
    return target


__all__ = ["extract_archive", "get_file", "hash_file", "validate_file"]
