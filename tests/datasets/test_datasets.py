"""kerasx.datasets loaders on small fixture files written here (never the network).

The downloader is replaced by one that serves the fixture for the exact Keras URL; the
loaders' real sha256 is swapped for the fixture's (and a test checks that the real hash
rejects the fixture).  IMDB, Reuters and the housing sets are compared with Keras 3's
own loaders run on the same fixture file.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import shutil
import tarfile

import numpy as np
import pytest

from kerasx import datasets
from kerasx.utils import file_utils

TF = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@pytest.fixture
def serve(tmp_path, monkeypatch):
    """serve({url: local_file}) -> list of URLs requested."""
    monkeypatch.setenv("KERASX_HOME", str(tmp_path / "home"))
    requested: list[str] = []
    table: dict[str, str] = {}

    def download(url, target):
        requested.append(url)
        if url not in table:
            raise AssertionError(f"unexpected URL {url}")
        shutil.copyfile(table[url], target)

    monkeypatch.setattr(file_utils, "_download", download)

    def register(mapping):
        table.update({k: str(v) for k, v in mapping.items()})
        return requested

    return register


def _sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _use_fixture_hash(monkeypatch, module, path):
    monkeypatch.setattr(module, "_SHA256", _sha(path))


# ---------------------------------------------------------------------------- mnist


def _mnist_npz(tmp_path):
    rng = np.random.RandomState(0)
    arrays = {
        "x_train": rng.randint(0, 256, (20, 28, 28)).astype("uint8"),
        "y_train": rng.randint(0, 10, 20).astype("uint8"),
        "x_test": rng.randint(0, 256, (6, 28, 28)).astype("uint8"),
        "y_test": rng.randint(0, 10, 6).astype("uint8"),
    }
    path = tmp_path / "mnist_fixture.npz"
    np.savez(path, **arrays)
    return path, arrays


def test_mnist(tmp_path, serve, monkeypatch):
    path, arrays = _mnist_npz(tmp_path)
    requested = serve({TF + "mnist.npz": path})
    _use_fixture_hash(monkeypatch, datasets.mnist, path)
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    assert requested == [TF + "mnist.npz"]
    assert x_train.shape == (20, 28, 28) and x_train.dtype == np.uint8
    assert y_test.shape == (6,) and y_test.dtype == np.uint8
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert os.path.exists(tmp_path / "home" / "datasets" / "mnist.npz")
    datasets.mnist.load_data()  # second call: from the cache
    assert len(requested) == 1


def test_mnist_real_hash_rejects_fixture(tmp_path, serve):
    path, _ = _mnist_npz(tmp_path)
    serve({TF + "mnist.npz": path})
    with pytest.raises(ValueError, match="hash does not match"):
        datasets.mnist.load_data()
    assert datasets.mnist._SHA256 == (
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
    )


# -------------------------------------------------------------------- fashion_mnist


def test_fashion_mnist(tmp_path, serve):
    rng = np.random.RandomState(1)
    data = {}
    mapping = {}
    for split, n in (("train", 7), ("t10k", 3)):
        images = rng.randint(0, 256, (n, 28, 28)).astype("uint8")
        labels = rng.randint(0, 10, n).astype("uint8")
        data[split] = (images, labels)
        for kind, header, payload in (
            ("labels-idx1", b"\0\0\x08\x01" + n.to_bytes(4, "big"), labels.tobytes()),
            (
                "images-idx3",
                b"\0\0\x08\x03" + n.to_bytes(4, "big") + bytes([0, 0, 0, 28]) * 2,
                images.tobytes(),
            ),
        ):
            name = f"{split}-{kind}-ubyte.gz"
            with gzip.open(tmp_path / name, "wb") as f:
                f.write(header + payload)
            mapping[TF + name] = tmp_path / name
    requested = serve(mapping)
    (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data()
    assert sorted(requested) == sorted(mapping)
    np.testing.assert_array_equal(x_train, data["train"][0])
    np.testing.assert_array_equal(y_train, data["train"][1])
    np.testing.assert_array_equal(x_test, data["t10k"][0])
    assert x_test.shape == (3, 28, 28) and y_test.dtype == np.uint8
    cached = tmp_path / "home" / "datasets" / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz"
    assert os.path.exists(cached)


# ---------------------------------------------------------------------------- cifar


def _pickled(obj):
    return pickle.dumps(obj, protocol=4)  # py2-era files load the same way


def _cifar_tar(path, folder, files):
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in files.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


def test_cifar10(tmp_path, serve, monkeypatch):
    rng = np.random.RandomState(2)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.randint(0, 256, (2, 3072)).astype("uint8")
        labels = [int(v) for v in rng.randint(0, 10, 2)]
        batches[name] = (data, labels)
    files = {n: _pickled({b"data": d, b"labels": lab}) for n, (d, lab) in batches.items()}
    archive = tmp_path / "cifar10.tar.gz"
    _cifar_tar(archive, "cifar-10-batches-py", files)
    origin = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    serve({origin: archive})
    monkeypatch.setattr(datasets.cifar10, "_SHA256", _sha(archive))
    monkeypatch.setattr("kerasx.datasets.cifar.image_data_format", lambda: "channels_last")
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (2, 32, 32, 3) and y_test.dtype == np.uint8
    first = batches["data_batch_1"][0][0].reshape(3, 32, 32).transpose(1, 2, 0)
    np.testing.assert_array_equal(x_train[0], first)
    np.testing.assert_array_equal(y_train[8:, 0], batches["data_batch_5"][1])
    np.testing.assert_array_equal(y_test[:, 0], batches["test_batch"][1])
    assert os.path.isdir(tmp_path / "home" / "datasets" / "cifar-10-batches-py-target")


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_channels_first(tmp_path, serve, monkeypatch, label_mode):
    rng = np.random.RandomState(3)
    parts = {}
    for name, n in (("train", 4), ("test", 2)):
        parts[name] = {
            b"data": rng.randint(0, 256, (n, 3072)).astype("uint8"),
            b"fine_labels": [int(v) for v in rng.randint(0, 100, n)],
            b"coarse_labels": [int(v) for v in rng.randint(0, 20, n)],
        }
    archive = tmp_path / "cifar100.tar.gz"
    _cifar_tar(archive, "cifar-100-python", {k: _pickled(v) for k, v in parts.items()})
    serve({"https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz": archive})
    monkeypatch.setattr(datasets.cifar100, "_SHA256", _sha(archive))
    monkeypatch.setattr("kerasx.datasets.cifar.image_data_format", lambda: "channels_first")
    (x_train, y_train), (x_test, y_test) = datasets.cifar100.load_data(label_mode=label_mode)
    assert x_train.shape == (4, 3, 32, 32)
    np.testing.assert_array_equal(x_train[1].reshape(-1), parts["train"][b"data"][1])
    np.testing.assert_array_equal(y_test[:, 0], parts["test"][f"{label_mode}_labels".encode()])
    with pytest.raises(ValueError, match="label_mode"):
        datasets.cifar100.load_data(label_mode="medium")


def test_cifar_pickle_with_code_is_refused(tmp_path, serve, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    files = {n: pickle.dumps({b"data": Evil()}) for n in ("train", "test")}
    archive = tmp_path / "evil100.tar.gz"
    _cifar_tar(archive, "cifar-100-python", files)
    serve({"https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz": archive})
    monkeypatch.setattr(datasets.cifar100, "_SHA256", _sha(archive))
    with pytest.raises(pickle.UnpicklingError, match="system"):
        datasets.cifar100.load_data()


# ----------------------------------------------------- imdb / reuters / housing (oracle)


def _ragged(rng, n, vocab):
    out = np.empty(n, dtype="object")
    for i in range(n):
        out[i] = [int(v) for v in rng.randint(1, vocab, rng.randint(2, 9))]
    return out


def _keras_loader(oracle, monkeypatch, module_name, path):
    import importlib

    module = importlib.import_module(f"keras.src.datasets.{module_name}")
    monkeypatch.setattr(module, "get_file", lambda *a, **k: str(path))
    return module.load_data


def _assert_same(got, want):
    for g, w in zip(got, want):
        for a, b in zip(g, w):
            assert len(a) == len(b)
            if a.dtype == object:
                assert [list(v) for v in a] == [list(v) for v in b]
            else:
                np.testing.assert_array_equal(a, b)
                assert a.dtype == b.dtype


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 12, "skip_top": 2, "maxlen": 8, "seed": 5},
        {"oov_char": None, "start_char": None},
    ],
)
def test_imdb_matches_keras(tmp_path, serve, monkeypatch, oracle, kwargs):
    rng = np.random.RandomState(4)
    path = tmp_path / "imdb_fixture.npz"
    np.savez(
        path,
        x_train=_ragged(rng, 12, 30),
        y_train=rng.randint(0, 2, 12),
        x_test=_ragged(rng, 8, 30),
        y_test=rng.randint(0, 2, 8),
    )
    requested = serve({TF + "imdb.npz": path})
    _use_fixture_hash(monkeypatch, datasets.imdb, path)
    got = datasets.imdb.load_data(**kwargs)
    assert requested == [TF + "imdb.npz"]
    want = _keras_loader(oracle, monkeypatch, "imdb", path)(**kwargs)
    _assert_same(got, want)


@pytest.mark.parametrize("kwargs", [{}, {"num_words": 10, "maxlen": 7, "test_split": 0.3}])
def test_reuters_matches_keras(tmp_path, serve, monkeypatch, oracle, kwargs):
    rng = np.random.RandomState(5)
    path = tmp_path / "reuters_fixture.npz"
    np.savez(path, x=_ragged(rng, 15, 25), y=rng.randint(0, 46, 15))
    serve({TF + "reuters.npz": path})
    _use_fixture_hash(monkeypatch, datasets.reuters, path)
    got = datasets.reuters.load_data(**kwargs)
    want = _keras_loader(oracle, monkeypatch, "reuters", path)(**kwargs)
    _assert_same(got, want)
    assert datasets.reuters.get_label_names() == oracle.datasets.reuters.get_label_names()


def test_object_npz_with_code_is_refused(tmp_path, serve, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    evil = np.empty(2, dtype="object")
    evil[0], evil[1] = [1, 2], Evil()
    path = tmp_path / "evil.npz"
    np.savez(path, x=evil, y=np.zeros(2))
    serve({TF + "reuters.npz": path})
    _use_fixture_hash(monkeypatch, datasets.reuters, path)
    with pytest.raises(pickle.UnpicklingError, match="Refusing"):
        datasets.reuters.load_data()


def test_word_index(tmp_path, serve, monkeypatch):
    path = tmp_path / "index.json"
    path.write_text('{"the": 1, "film": 2}')
    serve({TF + "imdb_word_index.json": path})
    monkeypatch.setattr(datasets.imdb, "_INDEX_MD5", hashlib.md5(path.read_bytes()).hexdigest())
    assert datasets.imdb.get_word_index() == {"the": 1, "film": 2}


@pytest.mark.parametrize("name", ["boston_housing", "california_housing"])
def test_housing_matches_keras(tmp_path, serve, monkeypatch, oracle, name):
    rng = np.random.RandomState(6)
    n_features = 13 if name == "boston_housing" else 8
    path = tmp_path / f"{name}.npz"
    np.savez(path, x=rng.rand(30, n_features), y=rng.rand(30) * 50)
    serve({TF + f"{name}.npz": path})
    module = getattr(datasets, name)
    _use_fixture_hash(monkeypatch, module, path)
    got = module.load_data(test_split=0.3, seed=7)
    want = _keras_loader(oracle, monkeypatch, name, path)(test_split=0.3, seed=7)
    _assert_same(got, want)
    assert got[0][0].shape == (21, n_features) and got[1][1].shape == (9,)
    with pytest.raises(ValueError, match="test_split"):
        module.load_data(test_split=1.0)
    if name == "california_housing":
        with pytest.raises(ValueError, match="version"):
            module.load_data(version="medium")
