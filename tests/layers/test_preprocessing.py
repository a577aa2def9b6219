"""Numeric and image preprocessing layers, checked against Keras 3 and NumPy.

Deterministic layers (and random layers whose factor range is a single value, which
makes them deterministic) are compared with real Keras 3; random layers are checked
for the structural properties of their output (a flip is one of two images, a crop is
a window of the input, contrast is ``(x - mean) * f + mean``), identity at inference
and seeded reproducibility.  One shared image shape keeps JAX compilation cheap.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.conftest import requires_training
from tests.layer_test_utils import run_layer_test

import kerasx
from kerasx import ops
from kerasx.layers.preprocessing import _image_ops

L = kerasx.layers
IMG = np.random.default_rng(0).uniform(0, 255, size=(2, 6, 6, 3)).astype("float32")
TAB = np.random.default_rng(1).normal(2.0, 3.0, size=(8, 3)).astype("float32")


def np_(x):
    return ops.convert_to_numpy(x)


def keras_out(oracle, layer, x, **kw):
    return oracle.ops.convert_to_numpy(layer(x, **kw))


# ------------------------------------------------------------------ Normalization
def test_normalization_fixed_stats_and_invert(oracle):
    for kwargs in (
        {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0]},
        {"mean": 2.0, "variance": 3.0, "axis": None},
        {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0], "invert": True},
    ):
        run_layer_test(L.Normalization, kwargs, input_data=TAB, expected_output_shape=(8, 3))


def test_normalization_adapt_array_matches_keras(oracle):
    for axis, data in ((-1, TAB), (None, TAB), ((1, 2), IMG[..., :2])):
        ours = L.Normalization(axis=axis)
        ours.adapt(data)
        theirs = oracle.layers.Normalization(axis=axis)
        theirs.adapt(data)
        assert [w.path.split("/")[-1] for w in ours.weights] == ["mean", "variance", "count"]
        for a, b in zip(ours.get_weights(), theirs.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(
            np_(ours(data)), keras_out(oracle, theirs, data), rtol=1e-5, atol=1e-5
        )
    # Standardised output really has zero mean and unit variance per feature.
    layer = L.Normalization()
    layer.adapt(TAB)
    out = np_(layer(TAB))
    np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(0), 1.0, atol=1e-5)


def test_normalization_invert_adapted(oracle):
    ours = L.Normalization(invert=True)
    ours.adapt(TAB)
    theirs = oracle.layers.Normalization(invert=True)
    theirs.adapt(TAB)
    x = TAB[:2]
    np.testing.assert_allclose(np_(ours(x)), keras_out(oracle, theirs, x), rtol=1e-5, atol=1e-5)
    # Inverting a normalisation gives the input back.
    fwd = L.Normalization()
    fwd.adapt(TAB)
    np.testing.assert_allclose(np_(ours(fwd(TAB))), TAB, rtol=1e-5, atol=1e-4)


class _Batches(kerasx.utils.PyDataset):
    def __len__(self):
        return 3

    def __getitem__(self, i):
        return TAB[3 * i : 3 * i + 3], np.zeros(3)


def test_normalization_adapt_iterables():
    expected_mean, expected_var = TAB.astype("float64").mean(0), TAB.astype("float64").var(0)
    sources = {
        "list": [TAB[:3], TAB[3:5], TAB[5:]],
        "generator": (b for b in (TAB[:4], TAB[4:])),
        "pydataset": _Batches(),
        "tuples": [(TAB[:5], None), (TAB[5:], None)],
    }
    try:
        import tensorflow as tf

        sources["tf.data"] = tf.data.Dataset.from_tensor_slices(TAB).batch(3)
        sources["tf.data unbatched rows"] = tf.data.Dataset.from_tensor_slices(TAB[:, 0])
    except ImportError:  # pragma: no cover - tensorflow is part of the dev environment
        pass
    for name, data in sources.items():
        layer = L.Normalization(axis=None if "rows" in name else -1)
        layer.adapt(data)
        mean, var = layer.get_weights()[:2]
        if "rows" in name:
            np.testing.assert_allclose(mean, TAB[:, 0].mean(), rtol=1e-5, err_msg=name)
            np.testing.assert_allclose(var, TAB[:, 0].var(), rtol=1e-4, err_msg=name)
        else:
            np.testing.assert_allclose(mean, expected_mean, rtol=1e-5, err_msg=name)
            np.testing.assert_allclose(var, expected_var, rtol=1e-4, err_msg=name)
    with pytest.raises(TypeError):
        L.Normalization().adapt([1.0, 2.0])
    with pytest.raises(ValueError):
        L.Normalization(mean=[1.0, 2.0], variance=[1.0])


def test_normalization_config_and_symbolic(oracle):
    layer = L.Normalization(axis=-1, mean=[1.0, 2.0], variance=[1.0, 4.0], invert=True)
    config = layer.get_config()
    kconf = oracle.layers.Normalization(
        axis=-1, mean=[1.0, 2.0], variance=[1.0, 4.0], invert=True
    ).get_config()
    assert set(kconf) <= set(config)
    for key in ("axis", "invert", "mean", "variance"):
        assert config[key] == kconf[key]
    assert L.Normalization.from_config(config).get_config() == config
    out = L.Normalization()(kerasx.Input((5,)))
    assert tuple(out.shape) == (None, 5)


def test_keras_saved_normalization_rescaling_model_loads(oracle, tmp_path):
    k = oracle
    norm = k.layers.Normalization()
    norm.adapt(TAB)
    model = k.Sequential([k.Input((3,)), norm, k.layers.Rescaling(0.5, offset=1.0)])
    path = str(tmp_path / "prep.keras")
    model.save(path)
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(
        np_(loaded.predict(TAB, verbose=0)),
        np.asarray(model.predict(TAB, verbose=0)),
        rtol=1e-5,
        atol=1e-5,
    )


# -------------------------------------------------------------------- Rescaling
def test_rescaling(oracle):
    run_layer_test(L.Rescaling, {"scale": 1 / 255.0}, input_data=IMG)
    run_layer_test(L.Rescaling, {"scale": [0.5, 1.0, 2.0], "offset": -1.0}, input_data=IMG)
    ints = IMG.astype("int32")
    out = L.Rescaling(2.0, offset=0.5)(ints)
    assert ops.dtype(out) == "float32"
    np.testing.assert_allclose(np_(out), ints * 2.0 + 0.5)


# --------------------------------------------------------- Resizing / CenterCrop
@pytest.mark.parametrize(
    "kwargs",
    [
        {"height": 4, "width": 9},
        {"height": 4, "width": 9, "interpolation": "nearest"},
        {"height": 3, "width": 5, "crop_to_aspect_ratio": True},
        {"height": 3, "width": 5, "pad_to_aspect_ratio": True, "fill_value": 7.0},
        {"height": 5, "width": 3, "pad_to_aspect_ratio": True},
    ],
)
def test_resizing_matches_keras(kwargs, oracle):
    run_layer_test(L.Resizing, kwargs, input_data=IMG, atol=1e-4)
    out = L.Resizing(**kwargs)(IMG[0])  # a single image
    assert tuple(out.shape) == (kwargs["height"], kwargs["width"], 3)


def test_resizing_integer_images(oracle):
    x = IMG.astype("uint8")
    ours = L.Resizing(4, 9)(x)
    assert ops.dtype(ours) == "uint8"
    theirs = keras_out(oracle, oracle.layers.Resizing(4, 9), x)
    assert np.abs(np_(ours).astype(int) - theirs.astype(int)).max() <= 1


def test_center_crop_matches_keras(oracle):
    run_layer_test(L.CenterCrop, {"height": 3, "width": 4}, input_data=IMG)
    run_layer_test(L.CenterCrop, {"height": 8, "width": 3}, input_data=IMG, atol=1e-4)
    np.testing.assert_array_equal(np_(L.CenterCrop(2, 4)(IMG)), IMG[:, 2:4, 1:5])


# -------------------------------------------------------------- random layers
def test_random_flip_is_one_of_two_images():
    x = np.random.default_rng(2).uniform(size=(16, 6, 6, 3)).astype("float32")
    for mode, flip in (
        ("horizontal", lambda a: a[:, ::-1]),
        ("vertical", lambda a: a[::-1]),
        ("horizontal_and_vertical", lambda a: a[::-1, ::-1]),
    ):
        out = np_(L.RandomFlip(mode, seed=3)(x))
        flipped = [np.array_equal(o, flip(a)) for o, a in zip(out, x)]
        same = [np.array_equal(o, a) for o, a in zip(out, x)]
        assert all(f or s for f, s in zip(flipped, same)), mode
        assert any(flipped) and any(same), mode
    np.testing.assert_array_equal(np_(L.RandomFlip(seed=3)(x, training=False)), x)


def test_random_rotation_quarter_turn_is_rot90(oracle):
    layer = L.RandomRotation((0.25, 0.25), interpolation="nearest", seed=1)
    np.testing.assert_array_equal(np_(layer(IMG)), np.rot90(IMG, 1, axes=(1, 2)))
    np.testing.assert_array_equal(np_(layer(IMG[0])), np.rot90(IMG[0], 1, axes=(0, 1)))
    bilinear = L.RandomRotation((-0.5, -0.5), seed=1)
    np.testing.assert_allclose(np_(bilinear(IMG)), IMG[:, ::-1, ::-1], atol=1e-2)


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("RandomRotation", {"factor": (0.1, 0.1)}),
        ("RandomRotation", {"factor": (-0.07, -0.07), "fill_mode": "constant", "fill_value": 3.0}),
        ("RandomZoom", {"height_factor": (-0.4, -0.4), "width_factor": (0.3, 0.3)}),
        (
            "RandomZoom",
            {"height_factor": (0.5, 0.5), "fill_mode": "wrap", "interpolation": "nearest"},
        ),
        ("RandomTranslation", {"height_factor": (0.25, 0.25), "width_factor": (-0.4, -0.4)}),
        (
            "RandomTranslation",
            {"height_factor": (0.3, 0.3), "width_factor": (0.2, 0.2), "fill_mode": "nearest"},
        ),
    ],
)
def test_fixed_range_geometric_layers_match_keras(cls, kwargs, oracle):
    # A one-value factor range makes the draw deterministic, so Keras must agree exactly.
    run_layer_test(getattr(L, cls), kwargs, input_data=IMG, atol=1e-3, rtol=1e-4)


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest", "mirror"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_matches_keras_op(fill_mode, interpolation, oracle):
    rng = np.random.default_rng(5)
    transform = np.concatenate(
        [rng.uniform(-1.5, 1.5, size=(2, 6)), np.zeros((2, 2))], axis=1
    ).astype("float32")
    ours = _image_ops.affine_transform(IMG, transform, interpolation, fill_mode, 2.0)
    theirs = oracle.ops.image.affine_transform(
        IMG, transform, interpolation=interpolation, fill_mode=fill_mode, fill_value=2.0
    )
    np.testing.assert_allclose(np_(ours), np.asarray(theirs), atol=2e-3, rtol=1e-4)


def test_random_contrast_applies_a_factor_in_range():
    layer = L.RandomContrast((0.3, 0.6), value_range=(-1e6, 1e6), seed=4)
    out = np_(layer(IMG))
    mean = IMG.mean(axis=(1, 2), keepdims=True)
    dev = IMG - mean
    f = ((out - mean) * dev).sum(axis=(1, 2, 3)) / (dev * dev).sum(axis=(1, 2, 3))
    assert np.all((f >= 0.7 - 1e-5) & (f <= 1.6 + 1e-5)), f
    expected = dev * f[:, None, None, None] + mean
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-2)
    clipped = np_(L.RandomContrast((0.9, 0.9), value_range=(0, 255), seed=4)(IMG))
    assert clipped.min() >= 0 and clipped.max() <= 255
    np.testing.assert_array_equal(np_(layer(IMG, training=False)), IMG)


def test_random_crop_is_a_window():
    layer = L.RandomCrop(3, 4, seed=6)
    x = IMG[:1]
    out = np_(layer(x))
    assert out.shape == (1, 3, 4, 3)
    windows = [x[0, i : i + 3, j : j + 4] for i in range(4) for j in range(3)]
    assert any(np.array_equal(out[0], w) for w in windows)
    assert tuple(layer(kerasx.Input((6, 6, 3))).shape) == (None, 3, 4, 3)
    np.testing.assert_array_equal(np_(layer(x, training=False)), x)  # as Keras 3


def test_random_crop_upscales_small_images(oracle):
    run_layer_test(L.RandomCrop, {"height": 8, "width": 7, "seed": 1}, input_data=IMG, atol=1e-4)


def test_random_layers_seeded_identity_and_config(oracle):
    specs = [
        ("RandomFlip", {"mode": "horizontal"}),
        ("RandomRotation", {"factor": 0.2}),
        ("RandomZoom", {"height_factor": 0.3}),
        ("RandomTranslation", {"height_factor": 0.2, "width_factor": (-0.1, 0.3)}),
        ("RandomContrast", {"factor": 0.4}),
        ("RandomCrop", {"height": 4, "width": 4}),
    ]
    for name, kwargs in specs:
        cls = getattr(L, name)
        a, b = cls(seed=11, **kwargs), cls(seed=11, **kwargs)
        first = np_(a(IMG))
        np.testing.assert_array_equal(first, np_(b(IMG)), err_msg=name)
        assert not np.array_equal(first, np_(a(IMG))), name  # the generator advances
        np.testing.assert_array_equal(np_(a(IMG, training=False)), IMG, err_msg=name)
        config = a.get_config()
        kconf = getattr(oracle.layers, name)(seed=11, **kwargs).get_config()
        assert set(config) == set(kconf), name
        for key in set(kconf) - {"name", "dtype"}:
            assert config[key] == kconf[key], (name, key)
        assert cls.from_config(config).get_config() == config, name


def test_augmentation_is_identity_in_predict():
    model = kerasx.Sequential(
        [kerasx.Input((6, 6, 3)), L.RandomFlip(seed=1), L.RandomRotation(0.3, seed=2)]
    )
    np.testing.assert_allclose(np_(model.predict(IMG, verbose=0)), IMG)


@requires_training
def test_augmentation_runs_in_training_step():
    model = kerasx.Sequential(
        [kerasx.Input((6, 6, 3)), L.RandomFlip(seed=1), L.Flatten(), L.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(IMG, np.zeros((2, 1)), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


# ---------------------------------------------------- Discretization / encoding
@pytest.mark.parametrize("output_mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_boundaries_match_keras(output_mode, oracle):
    x = np.array([[-1.5, 0.0, 0.2], [1.0, 3.0, 0.99]], dtype="float32")
    run_layer_test(
        L.Discretization,
        {"bin_boundaries": [0.0, 0.5, 1.0], "output_mode": output_mode},
        input_data=x,
    )


def test_discretization_adapt_matches_keras(oracle):
    data = np.random.default_rng(3).normal(size=(200,)).astype("float32")
    ours = L.Discretization(num_bins=4, epsilon=0.01)
    ours.adapt(data)
    theirs = oracle.layers.Discretization(num_bins=4, epsilon=0.01)
    theirs.adapt(data)
    np.testing.assert_allclose(ours.bin_boundaries, theirs.bin_boundaries, rtol=1e-5)
    np.testing.assert_allclose(np.quantile(data, [0.25, 0.5, 0.75]), ours.bin_boundaries, atol=0.1)
    batched = L.Discretization(num_bins=4)
    batched.adapt([data[:100], data[100:]])
    assert len(batched.bin_boundaries) == 3
    np.testing.assert_array_equal(np_(ours(data)), keras_out(oracle, theirs, data))
    config = ours.get_config()
    assert config == theirs.get_config() | {"name": ours.name}
    assert L.Discretization.from_config(config).bin_boundaries == ours.bin_boundaries
    with pytest.raises(ValueError):
        L.Discretization(bin_boundaries=[0.0], num_bins=2)


@pytest.mark.parametrize("output_mode", ["one_hot", "multi_hot", "count"])
def test_category_encoding_matches_keras(output_mode, oracle):
    x = np.array([[0, 3], [2, 2], [1, 0]], dtype="int32")
    run_layer_test(
        L.CategoryEncoding,
        {"num_tokens": 4, "output_mode": output_mode},
        input_data=x,
        input_dtype="int32",
    )
    ids = np.array([1, 3, 3], dtype="int32")
    ours = np_(L.CategoryEncoding(4, output_mode=output_mode)(ids))
    np.testing.assert_array_equal(
        ours, keras_out(oracle, oracle.layers.CategoryEncoding(4, output_mode=output_mode), ids)
    )


def test_category_encoding_count_weights_and_errors(oracle):
    x = np.array([[0, 1, 1], [2, 2, 3]], dtype="int32")
    w = np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 3.0]], dtype="float32")
    ours = np_(L.CategoryEncoding(4, output_mode="count")(x, count_weights=w))
    theirs = keras_out(
        oracle, oracle.layers.CategoryEncoding(4, output_mode="count"), x, count_weights=w
    )
    np.testing.assert_allclose(ours, theirs)
    out = L.CategoryEncoding(4, output_mode="multi_hot")(kerasx.Input((3,), dtype="int32"))
    assert tuple(out.shape) == (None, 4)
    with pytest.raises(ValueError):
        L.CategoryEncoding(4, output_mode="one_hot")(x, count_weights=w)
    with pytest.raises(ValueError):
        L.CategoryEncoding(0)
