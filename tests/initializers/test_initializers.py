"""kerasx.initializers: statistics, seeding and configs against NumPy and Keras 3."""

from __future__ import annotations

import inspect
import random

import numpy as np
import pytest

from kerasx import initializers, ops
from kerasx.initializers import compute_fans
from kerasx.random import SeedGenerator

CLASSES = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "RandomNormal", "RandomUniform",
    "STFT", "TruncatedNormal", "VarianceScaling", "Zeros",
]  # fmt: skip
RANDOM = [
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
]


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_public_names_match_keras(oracle):
    keras_names = {n for n in dir(oracle.initializers) if not n.startswith("_")}
    missing = keras_names - set(dir(initializers))
    assert not missing, sorted(missing)
    for name in CLASSES:
        theirs = inspect.signature(getattr(oracle.initializers, name)).parameters
        mine = inspect.signature(getattr(initializers, name)).parameters
        assert [(p.name, p.default) for p in theirs.values()] == [
            (p.name, p.default) for p in mine.values()
        ], name


@pytest.mark.parametrize("name", CLASSES)
def test_config_matches_keras(oracle, name):
    kwargs = {"seed": 7} if name in RANDOM else {}
    theirs = getattr(oracle.initializers, name)(**kwargs).get_config()
    mine = getattr(initializers, name)(**kwargs).get_config()
    if name == "Identity":  # Keras 3.15 drops `gain`; kerasx keeps it (see Identity docstring).
        assert theirs == {} and mine == {"gain": 1.0}
        return
    assert mine == theirs
    assert list(mine) == list(theirs)


def test_serialize_round_trips_both_ways(oracle):
    init = initializers.VarianceScaling(
        scale=2.0, mode="fan_out", distribution="uniform", seed=3, input_axes=[0], output_axes=[1]
    )
    config = initializers.serialize(init)
    assert config["module"] == "keras.initializers" and config["class_name"] == "VarianceScaling"
    assert oracle.initializers.deserialize(config).get_config() == init.get_config()
    back = initializers.deserialize(config)
    assert isinstance(back, initializers.VarianceScaling) and back.get_config() == init.get_config()
    np.testing.assert_array_equal(_np(back((4, 5))), _np(init((4, 5))))
    # (Keras' own serialize() imports TensorFlow, which is slow; this is what it writes.)
    keras_config = {
        "module": "keras.initializers",
        "class_name": "Identity",
        "config": {},
        "registered_name": None,
    }
    assert isinstance(initializers.deserialize(keras_config), initializers.Identity)
    assert (
        oracle.initializers.deserialize(
            initializers.serialize(initializers.Identity(gain=2.0))
        ).gain
        == 2.0
    )


def test_get_accepts_every_keras_name(oracle):
    from keras.src.initializers import ALL_OBJECTS_DICT as keras_names

    for name, cls in keras_names.items():
        obj = initializers.get(name)
        assert type(obj).__name__ == cls.__name__, name
    assert initializers.get(None) is None
    inst = initializers.Ones()
    assert initializers.get(inst) is inst
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)
    assert isinstance(
        initializers.get(
            {"class_name": "RandomUniform", "config": {"minval": 0.0, "maxval": 1.0, "seed": None}}
        ),
        initializers.RandomUniform,
    )
    with pytest.raises(ValueError, match="glorot_uniform"):
        initializers.get("glorot_uniformm")


def test_get_array_identifier():
    value = np.arange(6, dtype="float32").reshape(2, 3)
    fn = initializers.get(value)
    np.testing.assert_array_equal(_np(fn((2, 3))), value)
    with pytest.raises(ValueError, match="shape"):
        fn((3, 2))


def test_constant_zeros_ones_identity():
    np.testing.assert_array_equal(
        _np(initializers.Constant(3.5)((2, 3))), np.full((2, 3), 3.5, "float32")
    )
    assert ops.dtype(initializers.Zeros()((2,), dtype="int32")) == "int32"
    np.testing.assert_array_equal(_np(initializers.Ones()((2, 2))), np.ones((2, 2)))
    assert ops.dtype(initializers.Ones()((2, 2))) == "float32"
    np.testing.assert_array_equal(_np(initializers.Identity(gain=2.0)((3, 4))), 2.0 * np.eye(3, 4))
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))
    restored = initializers.Constant.from_config(initializers.Constant(2.0).get_config())
    assert restored.value == 2.0


@pytest.mark.parametrize("side", ["real", "imag"])
@pytest.mark.parametrize(
    "window,periodic,scaling",
    [
        ("hann", False, "density"),
        ("hamming", True, "spectrum"),
        (None, False, None),
        ("blackman", True, "density"),
    ],
)
def test_stft_matches_keras(oracle, side, window, periodic, scaling):
    kwargs = dict(side=side, window=window, periodic=periodic, scaling=scaling)
    expected = np.asarray(oracle.initializers.STFT(**kwargs)((16, 1, 9)))
    # Keras evaluates the angles in float32; kerasx in float64 (differences ~2e-6).
    np.testing.assert_allclose(_np(initializers.STFT(**kwargs)((16, 1, 9))), expected, atol=1e-5)


def test_random_normal_and_uniform_statistics():
    x = _np(initializers.RandomNormal(mean=1.0, stddev=0.5, seed=1)((300, 300)))
    assert abs(x.mean() - 1.0) < 0.01 and abs(x.std() - 0.5) < 0.01
    u = _np(initializers.RandomUniform(minval=-2.0, maxval=3.0, seed=2)((300, 300)))
    assert u.min() >= -2.0 and u.max() < 3.0
    assert abs(u.mean() - 0.5) < 0.03 and abs(u.std() - 5 / np.sqrt(12)) < 0.02


def test_truncated_normal_statistics():
    x = _np(initializers.TruncatedNormal(mean=0.5, stddev=2.0, seed=3)((300, 300)))
    assert x.min() >= 0.5 - 4.0 and x.max() <= 0.5 + 4.0
    assert abs(x.mean() - 0.5) < 0.03
    assert abs(x.std() - 2.0 * 0.8796256610342398) < 0.02


@pytest.mark.parametrize(
    "name,shape,variance",
    [
        ("GlorotUniform", (200, 300), 2.0 / 500),
        ("GlorotNormal", (200, 300), 2.0 / 500),
        ("HeNormal", (3, 3, 64, 32), 2.0 / (9 * 64)),
        ("HeUniform", (400, 100), 2.0 / 400),
        ("LecunNormal", (500, 100), 1.0 / 500),
        ("LecunUniform", (3, 100, 200), 1.0 / 300),
    ],
)
def test_variance_scaling_presets(name, shape, variance):
    x = _np(getattr(initializers, name)(seed=4)(shape))
    assert x.shape == shape and x.dtype == np.float32
    assert abs(x.var() / variance - 1.0) < 0.05
    assert abs(x.mean()) < 0.05 * np.sqrt(variance)
    if "Uniform" in name:
        assert np.abs(x).max() <= np.sqrt(3 * variance) + 1e-7
    else:
        assert np.abs(x).max() <= 2 * np.sqrt(variance) / 0.8796256610342398 + 1e-6


def test_variance_scaling_modes_and_validation():
    x = _np(
        initializers.VarianceScaling(
            scale=3.0, mode="fan_out", distribution="untruncated_normal", seed=5
        )((100, 400))
    )
    assert abs(x.var() / (3.0 / 400) - 1) < 0.05 and np.abs(x).max() > 2 * np.sqrt(3.0 / 400)
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"
    with pytest.raises(ValueError):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError):
        initializers.VarianceScaling(mode="fan_sideways")
    with pytest.raises(ValueError):
        initializers.VarianceScaling(distribution="cauchy")
    axes = _np(
        initializers.VarianceScaling(
            scale=1.0,
            mode="fan_in",
            distribution="uniform",
            seed=6,
            input_axes=[0, 1],
            output_axes=[2],
        )((20, 30, 8))
    )
    assert np.abs(axes).max() <= np.sqrt(3.0 / 600) + 1e-7


def test_compute_fans_matches_keras(oracle):
    from keras.src.initializers.random_initializers import compute_fans as keras_fans

    for shape, kw in [
        ((), {}),
        ((5,), {}),
        ((4, 6), {}),
        ((3, 3, 8, 16), {}),
        ((2, 5, 7), {"input_axes": [0, 1], "output_axes": [2]}),
    ]:
        assert compute_fans(shape, **kw) == keras_fans(shape, **kw)


@pytest.mark.parametrize("shape", [(40, 25), (25, 40), (3, 4, 20), (10, 10)])
def test_orthogonal(shape):
    q = _np(initializers.Orthogonal(gain=1.5, seed=7)(shape)).astype("float64")
    assert q.shape == shape
    flat = q.reshape(-1, shape[-1])
    small = min(flat.shape)
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, 1.5**2 * np.eye(small), atol=1e-5)
    with pytest.raises(ValueError, match="two-dimensional"):
        initializers.Orthogonal()((5,))


@pytest.mark.parametrize("name", RANDOM)
def test_int_seed_is_deterministic(name):
    cls = getattr(initializers, name)
    a = _np(cls(seed=11)((6, 5)))
    b = cls(seed=11)
    np.testing.assert_array_equal(a, _np(b((6, 5))))
    np.testing.assert_array_equal(a, _np(b((6, 5))))
    np.testing.assert_array_equal(a, _np(b.clone()((6, 5))))
    assert not np.array_equal(a, _np(cls(seed=12)((6, 5))))


def test_unseeded_draws_fresh_values_reproducibly():
    init = initializers.GlorotUniform()
    random.seed(99)
    first, second = _np(init((8, 8))), _np(init((8, 8)))
    assert not np.array_equal(first, second)
    random.seed(99)
    np.testing.assert_array_equal(first, _np(initializers.GlorotUniform()((8, 8))))
    assert init.get_config()["seed"] is None


def test_seed_generator_seed_advances():
    init = initializers.RandomNormal(seed=SeedGenerator(5))
    a, b = _np(init((10,))), _np(init((10,)))
    assert not np.array_equal(a, b)
    again = initializers.RandomNormal(seed=SeedGenerator(5))
    np.testing.assert_array_equal(a, _np(again((10,))))


def test_invalid_seed_and_dtype():
    with pytest.raises(ValueError, match="seed"):
        initializers.RandomNormal(seed="7")
    with pytest.raises(ValueError, match="floating"):
        initializers.RandomUniform(seed=1)((2,), dtype="int32")
    assert ops.dtype(initializers.HeNormal(seed=1)((2, 2), dtype="float16")) == "float16"


def test_truncated_normal_inverse_cdf_is_accurate():
    from math import erf, sqrt

    from kerasx.initializers._host_random import ndtri

    p = np.array([1e-6, 0.01, 0.02275, 0.02425, 0.2, 0.5, 0.7, 0.97575, 0.999])
    z = ndtri(p)
    back = np.array([0.5 * (1 + erf(v / sqrt(2))) for v in z])
    np.testing.assert_allclose(back, p, rtol=1e-7)
    known = {
        0.975: 1.959963984540054,
        0.8413447460685429: 1.0,
        0.02275013194817921: -2.0,
        1e-12: -7.034483825011946,
    }
    np.testing.assert_allclose(ndtri(np.array(list(known))), list(known.values()), rtol=1e-8)


def test_set_random_seed_makes_unseeded_initializers_reproducible():
    from kerasx.utils import set_random_seed

    set_random_seed(1234)
    first = [
        _np(initializers.get(name)((7, 5)))
        for name in ("glorot_uniform", "he_normal", "orthogonal")
    ]
    set_random_seed(1234)
    second = [
        _np(initializers.get(name)((7, 5)))
        for name in ("glorot_uniform", "he_normal", "orthogonal")
    ]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    set_random_seed(4321)
    assert not np.array_equal(first[0], _np(initializers.get("glorot_uniform")((7, 5))))
