"""Functional, Sequential and subclassed models: structure, configs, graph errors."""

import json

import numpy as np
import pytest

import kerasx
from kerasx import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


def test_functional_multi_input_output_matches_numpy():
    a = kerasx.Input((3,), name="a")
    b = kerasx.Input((2,), name="b")
    d1 = layers.Dense(4, name="d1")
    d2 = layers.Dense(4, name="d2")
    h = ops.add(d1(a), d2(b))
    out1 = layers.Dense(1, name="o1")(h)
    out2 = layers.Dense(2, name="o2")(h)
    model = kerasx.Model([a, b], [out1, out2])
    xa, xb = np.random.rand(5, 3).astype("float32"), np.random.rand(5, 2).astype("float32")
    y1, y2 = model([xa, xb])
    k1, b1 = d1.get_weights()
    k2, b2 = d2.get_weights()
    hh = xa @ k1 + b1 + xb @ k2 + b2
    ko, bo = model.get_layer("o1").get_weights()
    np.testing.assert_allclose(_np(y1), hh @ ko + bo, atol=1e-5)
    assert _np(y2).shape == (5, 2)
    assert [layer.name for layer in model.layers][:2] == ["a", "b"]


def test_functional_dict_inputs():
    a = kerasx.Input((3,), name="a")
    b = kerasx.Input((3,), name="b")
    model = kerasx.Model({"a": a, "b": b}, layers.Dense(2)(ops.multiply(a, b)))
    out = model({"a": np.ones((2, 3), "float32"), "b": np.ones((2, 3), "float32")})
    assert _np(out).shape == (2, 2)


def test_shared_layer_and_nested_model():
    shared = layers.Dense(3, name="shared")
    i1, i2 = kerasx.Input((4,)), kerasx.Input((4,))
    inner_in = kerasx.Input((3,))
    inner = kerasx.Model(inner_in, layers.Dense(2, name="inner_dense")(inner_in), name="inner")
    out = (
        layers.Concatenate()([inner(shared(i1)), inner(shared(i2))])
        if hasattr(layers, "Concatenate")
        else ops.concatenate([inner(shared(i1)), inner(shared(i2))], axis=-1)
    )
    model = kerasx.Model([i1, i2], out)
    x = np.random.rand(2, 4).astype("float32")
    y = _np(model([x, x]))
    np.testing.assert_allclose(y[:, :2], y[:, 2:], atol=1e-6)
    assert len(model.weights) == 4


def test_graph_disconnected_names_missing_input():
    a = kerasx.Input((3,), name="present")
    b = kerasx.Input((3,), name="missing_input")
    out = ops.add(layers.Dense(2)(a), layers.Dense(2)(b))
    with pytest.raises(ValueError, match="missing_input"):
        kerasx.Model(a, out)


def test_functional_config_round_trip_and_keras_layout():
    i = kerasx.Input((4,))
    h = layers.Dense(3, activation="relu")(i)
    o = layers.Dense(2)(h)
    model = kerasx.Model(i, o, name="f")
    config = model.get_config()
    assert set(config) == {"name", "trainable", "layers", "input_layers", "output_layers"}
    node = config["layers"][1]["inbound_nodes"][0]
    assert node["args"][0]["class_name"] == "__keras_tensor__"
    clone = kerasx.Model.from_config(json.loads(json.dumps(config)))
    clone.set_weights(model.get_weights())
    x = np.random.rand(3, 4).astype("float32")
    np.testing.assert_allclose(_np(clone(x)), _np(model(x)), atol=1e-6)


def test_sequential_add_pop_and_deferred_build():
    model = kerasx.Sequential()
    model.add(layers.Dense(4))
    model.add(layers.Dense(2))
    assert not model.built
    y = model(np.ones((3, 5), "float32"))
    assert _np(y).shape == (3, 2) and model.built
    assert len(model.layers) == 2
    popped = model.pop()
    assert popped.units == 2 and len(model.layers) == 1


def test_sequential_input_shape_kwarg_builds_graph():
    model = kerasx.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(1)])
    assert model.built
    assert model.output_shape == (None, 1)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]


def test_sequential_config_matches_keras_keys(oracle):
    model = kerasx.Sequential([kerasx.Input((4,)), layers.Dense(2)])
    kmodel = oracle.Sequential([oracle.Input((4,)), oracle.layers.Dense(2)])
    assert set(model.get_config()) == set(kmodel.get_config())
    assert (
        model.get_config()["layers"][1]["config"].keys()
        == kmodel.get_config()["layers"][1]["config"].keys()
    )


class Tiny(kerasx.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [layers.Dense(4, activation="relu"), layers.Dense(3)]
        self.head = layers.Dense(1)

    def call(self, x, training=False):
        for block in self.blocks:
            x = block(x)
        return self.head(x)


def test_subclassed_model_tracks_layers_in_lists():
    model = Tiny()
    y = model(np.ones((2, 5), "float32"))
    assert _np(y).shape == (2, 1)
    assert len(model.trainable_weights) == 6
    assert [v.path for v in model.head.weights] == [
        f"{model.head.name}/kernel",
        f"{model.head.name}/bias",
    ]


def test_subclassed_model_build_creates_weights():
    model = Tiny()
    model.build((None, 5))
    assert len(model.weights) == 6


def test_trainable_flag_propagates():
    model = Tiny()
    model(np.ones((1, 5), "float32"))
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 6
    assert all(not layer.trainable for layer in model.blocks)


def test_symbolic_and_eager_agree():
    i = kerasx.Input((6,))
    o = layers.Dense(2)(layers.Dense(3)(i))
    model = kerasx.Model(i, o)
    assert o.shape == (None, 2)
    assert _np(model(np.zeros((7, 6), "float32"))).shape == (7, 2)
