"""``tf_saved_model`` and ``native`` export: the artifact, reloaded outside kerasx's
model objects, must reproduce ``model.predict`` at two batch sizes.

Each backend checks its own artifact (torch.export program, SavedModel, jax config +
parameters); the numpy backend and the wrong backends must refuse with a clear error.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import kerasx as keras
from kerasx import layers as L
from kerasx.export import NativeFunction, load_native

BACKEND = keras.config.backend()

BATCHES = (2, 5)


def _model() -> keras.Model:
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    x = L.Concatenate()([L.Dense(5, activation="relu")(a), b])
    x = L.BatchNormalization()(x)
    model = keras.Model([a, b], L.Dense(2, activation="tanh")(x))
    rng = np.random.default_rng(0)
    model.set_weights(
        [
            (
                np.abs(rng.normal(size=v.shape)) + 0.5
                if "variance" in v.path
                else rng.normal(size=v.shape)
            ).astype("float32")
            for v in model.weights
        ]
    )
    return model


def _inputs(n: int) -> list[np.ndarray]:
    return [
        np.random.uniform(-1, 1, size=(n, 4)).astype("float32"),
        np.random.uniform(-1, 1, size=(n, 3)).astype("float32"),
    ]


def _to_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu()
    return np.asarray(x)


def _compare(model: keras.Model, run) -> None:
    for n in BATCHES:
        xs = _inputs(n)
        want = np.asarray(model.predict(xs, verbose=0, batch_size=n))
        got = _to_numpy(run(xs))
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)


def test_tf_saved_model(tmp_path):
    model = _model()
    path = str(tmp_path / "saved")
    if BACKEND != "tensorflow":
        with pytest.raises(ValueError, match="tensorflow backend"):
            model.export(path, format="tf_saved_model", verbose=False)
        return
    import tensorflow as tf

    model.export(path, verbose=False)  # tf_saved_model is the Keras default format
    restored = tf.saved_model.load(path)
    _compare(model, lambda xs: restored.serve(*xs))
    serving = restored.signatures["serving_default"]
    out = serving(a=tf.constant(_inputs(3)[0]), b=tf.constant(_inputs(3)[1]))
    assert list(out.values())[0].shape == (3, 2)


def test_native_artifact(tmp_path):
    model = _model()
    path = str(tmp_path / ("model.pt2" if BACKEND == "torch" else "native"))
    if BACKEND == "numpy":
        with pytest.raises(ValueError, match="no native export"):
            model.export(path, format="native", verbose=False)
        return
    model.export(path, format="native", verbose=False)
    if BACKEND == "torch":
        import torch

        program = torch.export.load(path).module()
        _compare(model, lambda xs: program(*[torch.from_numpy(x) for x in xs]))
        loaded = load_native(path, safe_mode=False)
        _compare(model, lambda xs: loaded(*[torch.from_numpy(x) for x in xs]))
    elif BACKEND == "tensorflow":
        restored = load_native(path, safe_mode=False)
        _compare(model, lambda xs: restored.serve(*xs))
    else:  # jax: config + plain-array parameters, rebuilt into a jitted function
        assert sorted(os.listdir(path)) == ["config.json", "kerasx_native.json", "params.npz"]
        with np.load(os.path.join(path, "params.npz"), allow_pickle=False) as data:
            assert len(data.files) == len(model.weights)
        with open(os.path.join(path, "kerasx_native.json")) as f:
            assert json.load(f)["inputs"][0]["shape"] == [None, 4]
        fn = load_native(path)
        assert isinstance(fn, NativeFunction)
        assert hasattr(fn.fn, "lower")  # a jax.jit-compiled function
        _compare(model, lambda xs: fn(*xs))


def test_executable_artifacts_need_safe_mode_off(tmp_path):
    model = _model()
    if BACKEND not in ("torch", "tensorflow"):
        # Without an executable artifact to write, a missing path fails cleanly.
        with pytest.raises(FileNotFoundError):
            load_native(str(tmp_path / "missing"))
        return
    path = str(tmp_path / ("model.pt2" if BACKEND == "torch" else "native"))
    model.export(path, format="native", verbose=False)
    with pytest.raises(ValueError, match="safe_mode=False"):
        load_native(path)
