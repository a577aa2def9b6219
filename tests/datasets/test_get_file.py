"""kerasx.utils.get_file: cache layout, hash checks, offline message, safe extraction.

Everything is served from files under tmp_path (``file://`` URLs) or through a
replaced downloader; the network is never used.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import urllib.error
import zipfile

import pytest

from kerasx.utils import file_utils, get_file


@pytest.fixture
def home(tmp_path, monkeypatch):
    root = tmp_path / "home"
    monkeypatch.setenv("KERASX_HOME", str(root))
    return root


def _payload(tmp_path, name="data.bin", content=b"kerasx test payload\n"):
    src = tmp_path / "remote" / name
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_bytes(content)
    return src


def test_download_into_default_cache_with_both_hash_kinds(tmp_path, home, monkeypatch):
    src = _payload(tmp_path)
    data = src.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    md5 = hashlib.md5(data).hexdigest()
    path = get_file("data.bin", origin=src.as_uri(), file_hash=sha)
    assert path == str(home / "datasets" / "data.bin")
    with open(path, "rb") as f:
        assert f.read() == data
    # cached + md5 (auto-detected from the 32-digit hash): no second download
    monkeypatch.setattr(
        file_utils, "_download", lambda url, target: pytest.fail("downloaded again")
    )
    assert get_file("data.bin", origin=src.as_uri(), file_hash=md5) == path
    assert get_file(origin=src.as_uri(), md5_hash=md5) == path  # name taken from the URL


def test_hash_helpers_agree_with_hashlib(tmp_path):
    src = _payload(tmp_path, content=os.urandom(70000))
    data = src.read_bytes()
    assert file_utils.hash_file(src) == hashlib.sha256(data).hexdigest()
    assert file_utils.hash_file(src, algorithm="md5") == hashlib.md5(data).hexdigest()
    assert file_utils.validate_file(src, hashlib.md5(data).hexdigest())
    assert file_utils.validate_file(src, hashlib.sha256(data).hexdigest())
    assert not file_utils.validate_file(src, "0" * 64)


def test_hash_mismatch_on_download_raises_and_keeps_nothing(tmp_path, home):
    src = _payload(tmp_path)
    with pytest.raises(ValueError, match="hash does not match"):
        get_file("data.bin", origin=src.as_uri(), file_hash="0" * 64)
    assert not os.path.exists(home / "datasets" / "data.bin")
    assert os.listdir(home / "datasets") == []


def test_corrupt_cached_file_is_downloaded_again(tmp_path, home):
    src = _payload(tmp_path)
    cached = home / "datasets" / "data.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"truncated")
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    assert get_file("data.bin", origin=src.as_uri(), file_hash=sha) == str(cached)
    assert cached.read_bytes() == src.read_bytes()


def test_force_download_and_explicit_cache_dir(tmp_path, home):
    src = _payload(tmp_path)
    other = tmp_path / "elsewhere"
    path = get_file("d.bin", origin=src.as_uri(), cache_dir=str(other), cache_subdir="sub")
    assert path == str(other / "sub" / "d.bin")
    src.write_bytes(b"new version")
    assert open(path, "rb").read() != b"new version"
    get_file(
        "d.bin", origin=src.as_uri(), cache_dir=str(other), cache_subdir="sub", force_download=True
    )
    assert open(path, "rb").read() == b"new version"


def test_offline_error_names_url_and_manual_path(home, monkeypatch):
    def offline(url, target):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(file_utils, "_download", offline)
    url = "https://example.invalid/files/weights.h5"
    with pytest.raises(OSError) as info:
        get_file("weights.h5", origin=url, cache_subdir="models")
    msg = str(info.value)
    assert url in msg
    assert str(home / "models" / "weights.h5") in msg
    assert "offline" in msg and "copy it to" in msg
    assert not os.path.exists(home / "models" / "weights.h5")


def test_missing_file_url_is_reported_like_offline(tmp_path, home):
    with pytest.raises(OSError, match="Could not download file://"):
        get_file("x.bin", origin=(tmp_path / "absent.bin").as_uri())


def test_argument_errors(tmp_path, home):
    with pytest.raises(ValueError, match="origin"):
        get_file("x")
    with pytest.raises(ValueError, match="fname"):
        get_file(os.path.join("a", "b.bin"), origin="file:///tmp/b.bin")
    with pytest.raises(ValueError, match="file name"):
        get_file(origin="https://example.invalid/")


# ----------------------------------------------------------------------- extraction


def _tar(path, members):
    """members: list of (TarInfo kwargs, bytes or None)."""
    with tarfile.open(path, "w:gz") as tar:
        for info_kw, data in members:
            info = tarfile.TarInfo(info_kw.pop("name"))
            for k, v in info_kw.items():
                setattr(info, k, v)
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)


def test_extract_tar_and_zip(tmp_path, home):
    tgz = tmp_path / "remote" / "bundle.tar.gz"
    tgz.parent.mkdir()
    _tar(tgz, [({"name": "bundle/a.txt"}, b"alpha"), ({"name": "bundle/sub/b.txt"}, b"beta")])
    root = get_file("bundle", origin=tgz.as_uri(), extract=True)
    assert root == str(home / "datasets" / "bundle")
    assert open(os.path.join(root, "bundle", "sub", "b.txt"), "rb").read() == b"beta"
    assert os.path.exists(home / "datasets" / "bundle_archive")

    zpath = tmp_path / "remote" / "pack.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("inner/c.txt", "gamma")
    # fname with a dot: archive kept under its name, extracted to <stem>_extracted
    root = get_file("pack.zip", origin=zpath.as_uri(), extract=True)
    assert root == str(home / "datasets" / "pack_extracted")
    assert open(os.path.join(root, "inner", "c.txt")).read() == "gamma"


@pytest.mark.parametrize(
    "evil",
    [
        {"name": "../escape.txt"},
        {"name": "ok/../../escape.txt"},
        {"name": "/tmp/kerasx_abs_escape.txt"},
        {"name": "link", "type": tarfile.SYMTYPE, "linkname": "../../outside"},
        {"name": "link2", "type": tarfile.SYMTYPE, "linkname": "/etc/passwd"},
        {"name": "hard", "type": tarfile.LNKTYPE, "linkname": "../outside"},
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "symlink-out", "symlink-abs", "hardlink-out"],
)
def test_unsafe_tar_members_are_refused_before_anything_is_written(tmp_path, home, evil):
    tgz = tmp_path / "remote" / "evil.tar.gz"
    tgz.parent.mkdir()
    is_link = "linkname" in evil
    _tar(tgz, [({"name": "first.txt"}, b"harmless"), (dict(evil), None if is_link else b"x")])
    with pytest.raises(ValueError, match="Refusing to extract") as info:
        get_file("evil", origin=tgz.as_uri(), extract=True)
    assert repr(evil["name"]) in str(info.value)
    assert not os.path.exists(home / "datasets" / "evil" / "first.txt")
    assert not os.path.exists(tmp_path / "escape.txt")
    assert not os.path.exists(home / "escape.txt")


def test_safe_symlink_inside_archive_is_kept(tmp_path, home):
    tgz = tmp_path / "remote" / "links.tar.gz"
    tgz.parent.mkdir()
    _tar(
        tgz,
        [
            ({"name": "d/real.txt"}, b"content"),
            ({"name": "d/alias.txt", "type": tarfile.SYMTYPE, "linkname": "real.txt"}, None),
        ],
    )
    root = get_file("links", origin=tgz.as_uri(), extract=True)
    assert open(os.path.join(root, "d", "alias.txt"), "rb").read() == b"content"


def test_unsafe_zip_member_is_refused(tmp_path, home):
    zpath = tmp_path / "remote" / "evil.zip"
    zpath.parent.mkdir()
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("fine.txt", "ok")
        z.writestr("../zip_escape.txt", "bad")
    with pytest.raises(ValueError, match="zip_escape"):
        get_file("evilzip", origin=zpath.as_uri(), extract=True)
    assert not os.path.exists(home / "datasets" / "zip_escape.txt")
    assert not os.path.exists(home / "datasets" / "evilzip" / "fine.txt")
