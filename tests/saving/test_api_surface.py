"""The saving API surface (issue 5, items 1-2), each checked against NumPy or Keras 3.

save_weights/load_weights (.weights.h5, skip_mismatch), get/set_weights,
to_json/model_from_json, clone_model, register_keras_serializable, custom_objects,
CustomObjectScope, and optimizer state moving through .keras files in both directions
between kerasx and real Keras 3 (the ``oracle`` fixture, in-process on JAX).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from tests.conftest import requires_training

import kerasx
from kerasx import layers
from kerasx.saving import LoadError

X = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
Y = np.random.default_rng(1).normal(size=(16, 2)).astype("float32")


def _build(lib, units=2):
    i = lib.Input((4,))
    h = lib.layers.Dense(3, activation="tanh", name="hidden")(i)
    return lib.Model(i, lib.layers.Dense(units, name="head")(h))


def _predict(model):
    return np.asarray(model.predict(X, verbose=0))


def test_get_and_set_weights_follow_keras_order():
    model = _build(kerasx)
    new = [np.full(w.shape, k + 0.5, "float32") for k, w in enumerate(model.get_weights())]
    model.set_weights(new)
    got = model.get_weights()
    assert [w.shape for w in got] == [(4, 3), (3,), (3, 2), (2,)]
    for a, b in zip(got, new):
        np.testing.assert_array_equal(a, b)
    expected = np.tanh(X @ new[0] + new[1]) @ new[2] + new[3]
    np.testing.assert_allclose(_predict(model), expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError):
        model.set_weights(new[:2])


def test_save_and_load_weights_with_skip_mismatch(tmp_path):
    src, dst = _build(kerasx), _build(kerasx, units=5)
    path = str(tmp_path / "w.weights.h5")
    src.save_weights(path)
    head_before = [w.numpy().copy() for w in dst.get_layer("head").weights]
    with pytest.raises(LoadError, match="w.weights.h5"):
        dst.load_weights(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dst.load_weights(path, skip_mismatch=True)
    assert any("head" in str(w.message) or "shape" in str(w.message) for w in caught)
    for a, b in zip(src.get_layer("hidden").weights, dst.get_layer("hidden").weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for w, before in zip(dst.get_layer("head").weights, head_before):
        np.testing.assert_array_equal(w.numpy(), before)
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        src.save_weights(str(tmp_path / "w.h5x"))


def test_weights_files_move_both_ways_with_keras(tmp_path, oracle):
    ours, theirs = _build(kerasx), _build(oracle)
    ours.save_weights(str(tmp_path / "ours.weights.h5"))
    theirs.load_weights(str(tmp_path / "ours.weights.h5"))
    np.testing.assert_allclose(_predict(theirs), _predict(ours), atol=1e-6)
    theirs2, ours2 = _build(oracle), _build(kerasx)
    theirs2.save_weights(str(tmp_path / "theirs.weights.h5"))
    ours2.load_weights(str(tmp_path / "theirs.weights.h5"))
    np.testing.assert_allclose(_predict(ours2), _predict(theirs2), atol=1e-6)


def test_json_round_trip_and_keras_interop(oracle):
    model = _build(kerasx)
    text = model.to_json()
    rebuilt = kerasx.models.model_from_json(text)
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(_predict(rebuilt), _predict(model), atol=1e-6)
    assert json.loads(rebuilt.to_json()) == json.loads(text)
    keras_model = oracle.models.model_from_json(text)
    keras_model.set_weights(model.get_weights())
    np.testing.assert_allclose(_predict(keras_model), _predict(model), atol=1e-6)
    back = kerasx.models.model_from_json(keras_model.to_json())
    back.set_weights(model.get_weights())
    np.testing.assert_allclose(_predict(back), _predict(model), atol=1e-6)


def test_clone_model_same_architecture_fresh_weights():
    model = _build(kerasx)
    clone = kerasx.models.clone_model(model)
    assert clone is not model
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    assert not np.array_equal(clone.get_weights()[0], model.get_weights()[0])
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(_predict(clone), _predict(model), atol=1e-6)
    seen = []

    def clone_function(layer):
        seen.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    kerasx.models.clone_model(model, clone_function=clone_function)
    assert seen == ["hidden", "head"]


@kerasx.saving.register_keras_serializable(package="KxTest")
class Scale(layers.Layer):
    """A registered custom layer with one weight."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return self.w * x * self.factor  # (x * Variable fails in tf.function: see report)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Unregistered(Scale):
    pass


def _custom_model(cls):
    i = kerasx.Input((4,))
    return kerasx.Model(i, cls(3.0, name="scale")(i))


def test_registered_custom_layer_round_trips(tmp_path):
    model = _custom_model(Scale)
    model.get_layer("scale").w.assign(np.arange(4, dtype="float32"))
    path = str(tmp_path / "c.keras")
    model.save(path)
    layer_cfg = json.loads(model.to_json())["config"]["layers"][1]
    assert layer_cfg["registered_name"] == "KxTest>Scale"
    assert kerasx.saving.get_registered_name(Scale) == "KxTest>Scale"
    assert kerasx.saving.get_registered_object("KxTest>Scale") is Scale
    loaded = kerasx.saving.load_model(path)
    assert isinstance(loaded.get_layer("scale"), Scale)
    np.testing.assert_allclose(_predict(loaded), X * np.arange(4) * 3.0, atol=1e-6)


def test_custom_objects_and_scope_resolve_unregistered_classes(tmp_path):
    model = _custom_model(Unregistered)
    path = str(tmp_path / "u.keras")
    model.save(path)
    with pytest.raises(LoadError, match="Unregistered"):
        kerasx.saving.load_model(path)
    loaded = kerasx.saving.load_model(path, custom_objects={"Unregistered": Unregistered})
    assert type(loaded.get_layer("scale")) is Unregistered
    with kerasx.saving.CustomObjectScope({"Unregistered": Unregistered}):
        loaded = kerasx.saving.load_model(path)
        rebuilt = kerasx.models.model_from_json(model.to_json())
    assert type(rebuilt.get_layer("scale")) is Unregistered
    np.testing.assert_allclose(_predict(loaded), _predict(model), atol=1e-6)
    with pytest.raises(ValueError):  # the scope ended
        kerasx.models.model_from_json(model.to_json())


def _train(model, epochs=1):
    model.fit(X, Y, epochs=epochs, batch_size=4, shuffle=False, verbose=0)


@requires_training
def test_keras_trained_file_resumes_in_kerasx(tmp_path, oracle):
    """Keras 3 trains with Adam and saves; kerasx loads the optimizer state and one more
    epoch matches Keras' own next epoch."""
    theirs = _build(oracle)
    theirs.compile(oracle.optimizers.Adam(0.01), "mse")
    _train(theirs)
    path = str(tmp_path / "theirs.keras")
    theirs.save(path)
    ours = kerasx.saving.load_model(path)
    np.testing.assert_allclose(_predict(ours), _predict(theirs), atol=1e-6)
    assert int(np.asarray(ours.optimizer.iterations.numpy())) == 4
    for a, b in zip(ours.optimizer.variables, theirs.optimizer.variables):
        np.testing.assert_allclose(np.asarray(a.numpy()), np.asarray(b.numpy()), atol=1e-7)
    _train(theirs)
    _train(ours)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


@requires_training
def test_kerasx_trained_file_resumes_in_keras(tmp_path, oracle):
    ours = _build(kerasx)
    ours.compile(kerasx.optimizers.Adam(0.01), "mse")
    _train(ours)
    path = str(tmp_path / "ours.keras")
    ours.save(path)
    theirs = oracle.saving.load_model(path)
    np.testing.assert_allclose(_predict(theirs), _predict(ours), atol=1e-6)
    assert int(np.asarray(theirs.optimizer.iterations)) == 4
    _train(theirs)
    _train(ours)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
