"""Merging layers and their functional forms against the Keras 3 oracle and NumPy:
broadcasting, masks, Dot's axes and normalization, errors."""

import numpy as np
import pytest
from tests.layer_test_utils import random_input, run_layer_test

import kerasx
from conftest import requires_training
from kerasx import layers, ops
from kerasx.saving import registry

CASES = [
    # (class, kwargs, input shapes, output shape)
    (layers.Add, {}, [(2, 3, 4), (2, 3, 4)], (2, 3, 4)),
    (layers.Add, {}, [(2, 3, 4), (2, 3, 4), (2, 3, 4)], (2, 3, 4)),
    (layers.Add, {}, [(2, 3, 4), (2, 4)], (2, 3, 4)),
    (layers.Add, {}, [(2, 3, 4), (2, 1, 4)], (2, 3, 4)),
    (layers.Subtract, {}, [(2, 3, 4), (2, 3, 4)], (2, 3, 4)),
    (layers.Multiply, {}, [(2, 3, 4), (2, 3, 1)], (2, 3, 4)),
    (layers.Average, {}, [(2, 3, 4), (2, 3, 4), (2, 3, 4)], (2, 3, 4)),
    (layers.Maximum, {}, [(2, 3, 4), (2, 3, 4)], (2, 3, 4)),
    (layers.Minimum, {}, [(2, 3, 4), (2, 4)], (2, 3, 4)),
    (layers.Concatenate, {}, [(2, 3, 4), (2, 3, 2)], (2, 3, 6)),
    (layers.Concatenate, {"axis": 1}, [(2, 3, 4), (2, 1, 4), (2, 2, 4)], (2, 6, 4)),
    (layers.Dot, {"axes": 1}, [(2, 4), (2, 4)], (2, 1)),
    (layers.Dot, {"axes": -1, "normalize": True}, [(2, 3, 4), (2, 5, 4)], (2, 3, 5)),
    (layers.Dot, {"axes": [1, 2]}, [(2, 3, 4), (2, 4, 3)], (2, 4, 4)),
    (layers.Dot, {"axes": (2, 1)}, [(2, 3, 4), (2, 4)], (2, 3)),
]


@pytest.mark.parametrize("cls,kwargs,shapes,out_shape", CASES)
def test_merging_layers(cls, kwargs, shapes, out_shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=shapes,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=0,
        supports_masking=True,
    )


def test_elementwise_results_match_numpy():
    a, b, c = (random_input((2, 3, 4), seed=s) for s in range(3))
    checks = {
        layers.Add: a + b + c,
        layers.Multiply: a * b * c,
        layers.Average: (a + b + c) / 3,
        layers.Maximum: np.maximum(np.maximum(a, b), c),
        layers.Minimum: np.minimum(np.minimum(a, b), c),
    }
    for cls, expected in checks.items():
        np.testing.assert_allclose(
            ops.convert_to_numpy(cls()([a, b, c])), expected, atol=1e-6, err_msg=cls.__name__
        )
    np.testing.assert_allclose(ops.convert_to_numpy(layers.Subtract()([a, b])), a - b, atol=1e-6)


def test_dot_matches_numpy_and_cosine_similarity():
    a, b = random_input((3, 5), seed=1), random_input((3, 5), seed=2)
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.Dot(axes=1)([a, b])), (a * b).sum(1, keepdims=True), atol=1e-5
    )
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.Dot(axes=1, normalize=True)([a, b]))[:, 0], cos, atol=1e-5
    )
    x, y = random_input((2, 3, 4), seed=3), random_input((2, 4, 5), seed=4)
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.Dot(axes=(2, 1))([x, y])), x @ y, atol=1e-5
    )


FUNCTIONS = [
    ("add", layers.Add, {}),
    ("subtract", layers.Subtract, {}),
    ("multiply", layers.Multiply, {}),
    ("average", layers.Average, {}),
    ("maximum", layers.Maximum, {}),
    ("minimum", layers.Minimum, {}),
    ("concatenate", layers.Concatenate, {"axis": 1}),
    ("dot", layers.Dot, {"axes": -1}),
]


@pytest.mark.parametrize("fname,cls,kwargs", FUNCTIONS)
def test_functional_forms(fname, cls, kwargs):
    fn = getattr(kerasx.layers, fname)
    assert registry.builtin_path(fn) == ("keras.layers", fname)
    a, b = random_input((2, 4), seed=5), random_input((2, 4), seed=6)
    np.testing.assert_allclose(
        ops.convert_to_numpy(fn([a, b], **kwargs)),
        ops.convert_to_numpy(cls(**kwargs)([a, b])),
        atol=1e-6,
    )
    i1, i2 = kerasx.Input((4,)), kerasx.Input((4,))
    out = fn([i1, i2], name=f"my_{fname}", **kwargs)
    model = kerasx.Model([i1, i2], out)
    assert isinstance(model.get_layer(f"my_{fname}"), cls)
    np.testing.assert_allclose(
        ops.convert_to_numpy(model([a, b])), ops.convert_to_numpy(cls(**kwargs)([a, b])), atol=1e-6
    )


def _masked_branches(k, merge):
    """Two Embedding(mask_zero) branches merged, then mask-aware pooling."""
    i1 = k.Input((5,), dtype="int32")
    i2 = k.Input((5,), dtype="int32")
    e1 = k.layers.Embedding(6, 3, mask_zero=True, name="e1")(i1)
    e2 = k.layers.Embedding(6, 3, mask_zero=True, name="e2")(i2)
    merged = merge(k)([e1, e2])
    out = k.layers.GlobalAveragePooling1D()(merged)
    return k.Model([i1, i2], out)


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("Add", {}),
        ("Multiply", {}),
        ("Maximum", {}),
        ("Minimum", {}),
        ("Average", {}),
        ("Concatenate", {}),
        ("Concatenate", {"axis": 1}),
    ],
)
def test_masks_through_merges_match_keras(oracle, name, kwargs):
    ids1 = np.array([[1, 2, 0, 0, 0], [3, 0, 5, 1, 0]], "int32")
    ids2 = np.array([[4, 0, 0, 2, 0], [1, 1, 0, 0, 0]], "int32")

    def merge(k):
        return getattr(k.layers, name)(**kwargs)

    ours = _masked_branches(kerasx, merge)
    theirs = _masked_branches(oracle, merge)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours([ids1, ids2])),
        oracle.ops.convert_to_numpy(theirs([ids1, ids2])),
        atol=1e-5,
    )


def test_compute_mask_rules(oracle):
    x = [random_input((2, 3, 4), seed=1), random_input((2, 3, 4), seed=2)]
    m = [np.array([[1, 1, 0], [1, 0, 0]], bool), np.array([[0, 1, 0], [1, 1, 0]], bool)]
    for name, kwargs in [("Add", {}), ("Concatenate", {}), ("Concatenate", {"axis": 1})]:
        ours = getattr(layers, name)(**kwargs).compute_mask(x, m)
        theirs = getattr(oracle.layers, name)(**kwargs).compute_mask(x, m)
        np.testing.assert_array_equal(
            ops.convert_to_numpy(ours), oracle.ops.convert_to_numpy(theirs), err_msg=name
        )
    assert layers.Add().compute_mask(x, [m[0], None]) is None
    assert layers.Dot(axes=1).compute_mask(x, m) is None
    assert layers.Add().compute_mask(x, None) is None
    partial = layers.Concatenate().compute_mask(x, [m[0], None])
    np.testing.assert_array_equal(ops.convert_to_numpy(partial), np.ones((2, 3), bool))


def test_multiply_masked_entries_count_as_one():
    a, b = random_input((1, 3, 2), seed=1), random_input((1, 3, 2), seed=2)
    ma = np.array([[True, False, False]])
    mb = np.array([[True, True, False]])
    y = ops.convert_to_numpy(layers.Multiply()([a, b], mask=[ma, mb]))
    expected = np.stack([a[0, 0] * b[0, 0], b[0, 1], np.zeros(2)])[None]
    np.testing.assert_allclose(y, expected, atol=1e-6)


def test_configs_from_keras_load(oracle):
    for name, kwargs in [
        ("Add", {}),
        ("Concatenate", {"axis": 1}),
        ("Dot", {"axes": [1, 2], "normalize": True}),
        ("Maximum", {}),
    ]:
        config = getattr(oracle.layers, name)(**kwargs).get_config()
        assert getattr(layers, name).from_config(config).get_config() == config


def test_keras_saved_merge_model_loads(tmp_path, oracle):
    keras = oracle
    i1, i2 = keras.Input((4,)), keras.Input((4,))
    h1 = keras.layers.Dense(3)(i1)
    h2 = keras.layers.Dense(3)(i2)
    s = keras.layers.add([h1, h2])
    d = keras.layers.Dot(axes=1, normalize=True)([h1, h2])
    c = keras.layers.concatenate([s, d, keras.layers.maximum([h1, h2])])
    model = keras.Model([i1, i2], keras.layers.Dense(2)(c))
    path = tmp_path / "merge.keras"
    model.save(path)
    x = [random_input((3, 4), seed=1), random_input((3, 4), seed=2)]
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)), atol=1e-5
    )


def test_bad_inputs():
    a = np.zeros((2, 3), "float32")
    with pytest.raises(ValueError, match="list"):
        layers.Add()(a)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([a, a, a])
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([a, np.zeros((2, 4), "float32")])
    with pytest.raises(ValueError, match="different batch sizes"):
        layers.Add()([a, np.zeros((3, 3), "float32")])
    with pytest.raises(ValueError, match="matching shapes"):
        layers.Concatenate(axis=1)([np.zeros((2, 3, 4), "float32"), np.zeros((2, 3, 5), "float32")])
    with pytest.raises(ValueError, match="Incompatible input shapes"):
        layers.Dot(axes=1)([a, np.zeros((2, 4), "float32")])
    with pytest.raises(ValueError, match="two elements"):
        layers.Dot(axes=[1, 2, 3])
    with pytest.raises(TypeError, match="axes"):
        layers.Dot(axes="x")


@requires_training
def test_merge_model_trains_in_compiled_steps(oracle):
    x = [random_input((16, 3, 4), seed=1), random_input((16, 4), seed=2)]
    y = random_input((16, 3), seed=3)

    def build(k):
        a, b = k.Input((3, 4)), k.Input((4,))
        da = k.layers.Dense(4)(a)
        s = k.layers.add([da, b])
        m = k.layers.multiply([s, k.layers.maximum([da, a])])
        c = k.layers.concatenate([m, k.layers.subtract([a, da])], axis=1)
        d = k.layers.dot([c, k.layers.average([da, a])], axes=(2, 2), normalize=True)
        return k.Model([a, b], k.layers.Dense(3)(k.layers.Flatten()(d)))

    ours, theirs = build(kerasx), build(oracle)
    theirs.set_weights(ours.get_weights())
    ours.compile(optimizer=kerasx.optimizers.SGD(0.1), loss="mse")
    theirs.compile(optimizer=oracle.optimizers.SGD(0.1), loss="mse")
    ours.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    theirs.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for w1, w2 in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(w1, w2, atol=1e-4, rtol=1e-4)
