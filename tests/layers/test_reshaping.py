"""Reshaping layers against the Keras 3 oracle and NumPy."""

import numpy as np
import pytest
from tests.layer_test_utils import random_input, run_layer_test

import kerasx
from kerasx import layers, ops

CF = {"data_format": "channels_first"}

CASES = [
    (layers.Reshape, {"target_shape": (4, 3)}, (2, 3, 4), (2, 4, 3)),
    (layers.Reshape, {"target_shape": (-1, 2)}, (2, 3, 4), (2, 6, 2)),
    (layers.Reshape, {"target_shape": (12,)}, (2, 3, 2, 2), (2, 12)),
    (layers.Permute, {"dims": (2, 1)}, (2, 3, 4), (2, 4, 3)),
    (layers.Permute, {"dims": (3, 1, 2)}, (2, 3, 4, 5), (2, 5, 3, 4)),
    (layers.RepeatVector, {"n": 3}, (2, 4), (2, 3, 4)),
    (layers.Cropping1D, {}, (2, 5, 3), (2, 3, 3)),
    (layers.Cropping1D, {"cropping": (0, 2)}, (2, 5, 3), (2, 3, 3)),
    (layers.Cropping2D, {"cropping": ((1, 0), (2, 1))}, (2, 5, 6, 3), (2, 4, 3, 3)),
    (layers.Cropping2D, {"cropping": 1, **CF}, (2, 3, 5, 4), (2, 3, 3, 2)),
    (layers.Cropping2D, {"cropping": (1, 2)}, (2, 5, 6, 1), (2, 3, 2, 1)),
    (layers.Cropping3D, {}, (1, 4, 5, 3, 2), (1, 2, 3, 1, 2)),
    (layers.Cropping3D, {"cropping": ((0, 1), 1, (2, 0)), **CF}, (1, 2, 4, 4, 5), (1, 2, 3, 2, 3)),
    (layers.UpSampling1D, {}, (2, 3, 4), (2, 6, 4)),
    (layers.UpSampling1D, {"size": 3}, (2, 2, 3), (2, 6, 3)),
    (layers.UpSampling2D, {}, (2, 3, 4, 2), (2, 6, 8, 2)),
    (layers.UpSampling2D, {"size": (1, 3), **CF}, (2, 2, 3, 2), (2, 2, 3, 6)),
    (
        layers.UpSampling2D,
        {"size": (2, 3), "interpolation": "bilinear"},
        (2, 3, 4, 2),
        (2, 6, 12, 2),
    ),
    (layers.UpSampling2D, {"interpolation": "bilinear", **CF}, (2, 2, 3, 4), (2, 2, 6, 8)),
    (layers.UpSampling3D, {}, (1, 2, 3, 2, 2), (1, 4, 6, 4, 2)),
    (layers.UpSampling3D, {"size": (1, 2, 3), **CF}, (1, 2, 2, 2, 2), (1, 2, 2, 4, 6)),
    (layers.ZeroPadding1D, {}, (2, 3, 2), (2, 5, 2)),
    (layers.ZeroPadding1D, {"padding": (2, 0), **CF}, (2, 3, 2), (2, 3, 4)),
    (layers.ZeroPadding2D, {}, (2, 3, 4, 2), (2, 5, 6, 2)),
    (layers.ZeroPadding2D, {"padding": ((1, 0), (0, 2)), **CF}, (2, 2, 3, 4), (2, 2, 4, 6)),
    (layers.ZeroPadding3D, {}, (1, 2, 3, 2, 2), (1, 4, 5, 4, 2)),
    (layers.ZeroPadding3D, {"padding": (1, 0, 2), **CF}, (1, 2, 2, 3, 2), (1, 2, 4, 3, 6)),
]


@pytest.mark.parametrize("cls,kwargs,shape,out_shape", CASES)
def test_reshaping(cls, kwargs, shape, out_shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=0,
    )


def test_numerics_match_numpy():
    x = random_input((2, 3, 4))
    np_ = ops.convert_to_numpy
    np.testing.assert_array_equal(np_(layers.Reshape((-1,))(x)), x.reshape(2, 12))
    np.testing.assert_array_equal(np_(layers.Permute((2, 1))(x)), x.transpose(0, 2, 1))
    np.testing.assert_array_equal(np_(layers.Cropping1D((1, 0))(x)), x[:, 1:])
    np.testing.assert_array_equal(np_(layers.UpSampling1D(2)(x)), np.repeat(x, 2, axis=1))
    np.testing.assert_array_equal(
        np_(layers.ZeroPadding1D((1, 2))(x)), np.pad(x, ((0, 0), (1, 2), (0, 0)))
    )
    v = random_input((2, 5))
    np.testing.assert_array_equal(
        np_(layers.RepeatVector(3)(v)), np.repeat(v[:, None, :], 3, axis=1)
    )


def test_symbolic_shapes_with_unknown_dims():
    inp = kerasx.Input((None, 4))
    assert tuple(layers.Reshape((-1, 2))(inp).shape) == (None, None, 2)
    assert tuple(layers.UpSampling1D(3)(inp).shape) == (None, None, 4)
    assert tuple(layers.Cropping1D((1, 1))(inp).shape) == (None, None, 4)
    assert tuple(layers.ZeroPadding1D(2)(inp).shape) == (None, None, 4)
    assert tuple(layers.Permute((2, 1))(inp).shape) == (None, 4, None)


def test_configs_are_normalized_like_keras(oracle):
    for name, kwargs in [
        ("Cropping2D", {"cropping": 2}),
        ("Cropping2D", {"cropping": (1, 2)}),
        ("Cropping3D", {"cropping": ((0, 1), 1, (2, 0))}),
        ("ZeroPadding1D", {"padding": 3}),
        ("ZeroPadding2D", {"padding": (1, 2)}),
        ("ZeroPadding3D", {"padding": 1}),
        ("UpSampling2D", {"size": 3, "interpolation": "BILINEAR"}),
        ("Reshape", {"target_shape": [2, -1]}),
        ("Permute", {"dims": [2, 1]}),
    ]:
        ours = getattr(layers, name)(**kwargs).get_config()
        theirs = getattr(oracle.layers, name)(**kwargs).get_config()
        for key in set(theirs) - {"name", "dtype"}:
            assert ours[key] == theirs[key], (name, key, ours[key], theirs[key])


def test_wrong_rank_raises_with_layer_name_and_shape():
    with pytest.raises(ValueError, match=r"rv.*expected ndim=2.*found ndim=3.*\(2, 3, 4\)"):
        layers.RepeatVector(2, name="rv")(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"zp.*expected ndim=4.*found ndim=3"):
        layers.ZeroPadding2D(name="zp")(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"perm.*expected ndim=3.*found ndim=4"):
        layers.Permute((2, 1), name="perm")(kerasx.Input((3, 4, 5)))


def test_bad_sizes_raise():
    with pytest.raises(ValueError, match=r"rs.*total size.*\(3, 4\)"):
        layers.Reshape((5, 2), name="rs")(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"rs2.*\(3, 4\)"):
        layers.Reshape((5, -1), name="rs2")(kerasx.Input((3, 4)))
    with pytest.raises(ValueError, match=r"crop.*smaller.*\(2, 3, 4\)"):
        layers.Cropping1D((2, 1), name="crop")(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"crop2.*smaller"):
        layers.Cropping2D(((1, 1), (2, 2)), name="crop2")(kerasx.Input((5, 4, 1)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="target_shape"):
        layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match="dims"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match="n"):
        layers.RepeatVector(0)
    with pytest.raises(ValueError, match="cropping"):
        layers.Cropping2D(((1, 1), (1, 1), (1, 1)))
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding3D((1, 2))
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling3D(size=(2, 0, 2))


def test_keras_saved_reshaping_model_loads(tmp_path, oracle):
    keras = oracle
    x = random_input((2, 6, 4), seed=8)
    inp = keras.Input((6, 4))
    h = keras.layers.Reshape((6, 2, 2))(inp)
    h = keras.layers.ZeroPadding2D(((1, 0), (0, 1)))(h)
    h = keras.layers.UpSampling2D((1, 2), interpolation="bilinear")(h)
    h = keras.layers.Cropping2D(((0, 1), (1, 1)))(h)
    h = keras.layers.Permute((3, 1, 2))(h)
    h = keras.layers.Reshape((-1,))(h)
    h = keras.layers.Dense(3)(h)
    out = keras.layers.RepeatVector(2)(h)
    model = keras.Model(inp, out)
    path = tmp_path / "reshape.keras"
    model.save(path)
    expected = keras.ops.convert_to_numpy(model(x))
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), expected, atol=1e-5)
