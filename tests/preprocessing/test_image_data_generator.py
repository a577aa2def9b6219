"""ImageDataGenerator and the image transforms: NumPy expectations plus bit-for-bit
agreement with Keras's own legacy generator (run by the oracle Keras)."""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest

from conftest import requires_training
from kerasx.preprocessing import image

H, W = 5, 6


@pytest.fixture
def legacy(oracle):
    return importlib.import_module("keras.src.legacy.preprocessing.image")


def _images(n=6, c=3):
    return np.random.uniform(0, 255, (n, H, W, c)).astype("float32")


def test_explicit_flips_and_integer_shift():
    gen = image.ImageDataGenerator()
    x = _images(1)[0]
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_horizontal": True}), x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_vertical": True}), x[::-1])
    # Output (i, j) reads input (i + ty, j + tx); outside is cval in constant mode.
    out = image.apply_affine_transform(
        x, tx=2, ty=1, row_axis=0, col_axis=1, channel_axis=2, fill_mode="constant", cval=-1.0
    )
    expected = np.full_like(x, -1.0)
    expected[: H - 1, : W - 2] = x[1:, 2:]
    np.testing.assert_array_equal(out, expected)
    nearest = image.apply_affine_transform(x, tx=2, row_axis=0, col_axis=1, channel_axis=2)
    np.testing.assert_array_equal(nearest[:, -1], x[:, -1])  # edge pixels repeat
    sq = np.arange(16.0).reshape(4, 4, 1)
    rot = image.apply_affine_transform(sq, theta=90, row_axis=0, col_axis=1, channel_axis=2)
    np.testing.assert_allclose(rot[..., 0], np.rot90(sq[..., 0]), atol=1e-5)


def test_seeded_random_flips_are_one_of_the_two():
    gen = image.ImageDataGenerator(horizontal_flip=True)
    x = _images(8)
    batch = gen.flow(x, batch_size=8, shuffle=False, seed=3)[0]
    # Keras 2 draws two uniforms per image (horizontal, then vertical flip) after
    # seeding NumPy with seed + batches_seen.
    np.random.seed(3)
    draws = np.random.random(16).reshape(8, 2)[:, 0] < 0.5
    assert draws.any() and not draws.all()
    for got, orig, flip in zip(batch, x, draws):
        np.testing.assert_array_equal(got, orig[:, ::-1] if flip else orig)


def test_rescale_and_featurewise_statistics():
    x = _images(6)
    gen = image.ImageDataGenerator(
        featurewise_center=True, featurewise_std_normalization=True, rescale=0.5
    )
    gen.fit(x)
    np.testing.assert_allclose(gen.mean.ravel(), (0.5 * x).mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(gen.std.ravel(), (0.5 * x).std(axis=(0, 1, 2)), rtol=1e-4)
    assert gen.mean.shape == (1, 1, 3)
    batch = gen.flow(x, batch_size=6, shuffle=False)[0]
    np.testing.assert_allclose(batch.mean(axis=(0, 1, 2)), 0, atol=1e-4)
    np.testing.assert_allclose(batch.std(axis=(0, 1, 2)), 1, atol=1e-3)
    plain = image.ImageDataGenerator(rescale=1 / 255.0).flow(x, batch_size=6, shuffle=False)[0]
    np.testing.assert_allclose(plain, x / 255.0, rtol=1e-6)
    sample = image.ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    out = sample.standardize(x[0].copy())
    assert abs(out.mean()) < 1e-4 and abs(out.std() - 1) < 1e-3
    with pytest.warns(UserWarning, match="fit"):
        image.ImageDataGenerator(featurewise_center=True).standardize(x[0].copy())


def test_flow_batching_shuffling_and_seeding():
    x = _images(7)
    y = np.arange(7)
    w = np.linspace(0.1, 0.7, 7)
    gen = image.ImageDataGenerator()
    it = gen.flow(x, y, batch_size=3, shuffle=False, sample_weight=w)
    assert len(it) == 3
    bx, by, bw = it[2]
    assert bx.shape == (1, H, W, 3) and by.tolist() == [6] and bw.tolist() == [w[6]]
    # the endless iterator cycles through epochs
    sizes = [len(next(it)[1]) for _ in range(4)]
    assert sizes == [3, 3, 1, 3]
    a = gen.flow(x, y, batch_size=7, seed=11)
    b = gen.flow(x, y, batch_size=7, seed=11)
    xa, ya = next(a)
    xb, yb = next(b)
    np.testing.assert_array_equal(ya, yb)
    assert sorted(ya.tolist()) == list(range(7)) and ya.tolist() != list(range(7))
    np.testing.assert_array_equal(xa, x[ya])  # images stay paired with their labels
    extra = gen.flow((x, np.arange(7) * 2), y, batch_size=2, shuffle=False)[0]
    assert isinstance(extra[0], list) and extra[0][1].tolist() == [0, 2]


def test_validation_split_subsets():
    x = _images(10)
    y = np.array([0, 1] * 5)
    gen = image.ImageDataGenerator(validation_split=0.3)
    val = gen.flow(x, y, batch_size=10, shuffle=False, subset="validation")[0]
    train = gen.flow(x, y, batch_size=10, shuffle=False, subset="training")[0]
    np.testing.assert_array_equal(val[0], x[:3])
    np.testing.assert_array_equal(train[1], y[3:])
    with pytest.raises(ValueError, match="different number of classes"):
        gen.flow(x, np.sort(y), subset="validation")
    with pytest.raises(ValueError, match="strictly between"):
        image.ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="rank 4"):
        gen.flow(x[0])


CONFIGS = [
    dict(rotation_range=30, width_shift_range=0.2, height_shift_range=2, fill_mode="reflect"),
    dict(shear_range=20, zoom_range=(0.6, 1.2), fill_mode="constant", cval=3.0, vertical_flip=True),
    dict(zoom_range=0.3, fill_mode="wrap", channel_shift_range=20.0, brightness_range=(0.5, 1.5)),
    dict(
        rotation_range=15, data_format="channels_first", interpolation_order=0, horizontal_flip=True
    ),
]


@pytest.mark.parametrize("cfg", CONFIGS)
def test_flow_matches_keras_legacy_generator(legacy, cfg):
    x = _images(4)
    if cfg.get("data_format") == "channels_first":
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    y = np.arange(4)
    ours = image.ImageDataGenerator(**cfg).flow(x, y, batch_size=3, seed=5)
    ref = legacy.ImageDataGenerator(**cfg).flow(x, y, batch_size=3, seed=5)
    for _ in range(2):
        (xo, yo), (xr, yr) = next(ours), next(ref)
        np.testing.assert_array_equal(yo, yr)
        np.testing.assert_allclose(xo, xr, atol=1e-4)
    (xo, _), (xr, _) = ours[1], ref[1]
    np.testing.assert_allclose(xo, xr, atol=1e-4)


def test_fit_with_augment_and_zca_match_keras(legacy):
    x = _images(5, c=1)
    for cfg, kw in (
        (dict(zca_whitening=True), {}),
        (dict(featurewise_center=True, rotation_range=20), dict(augment=True, rounds=2, seed=4)),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours, ref = image.ImageDataGenerator(**cfg), legacy.ImageDataGenerator(**cfg)
        ours.fit(x, **kw)
        ref.fit(x, **kw)
        np.testing.assert_allclose(ours.mean, ref.mean, rtol=1e-5)
        if cfg.get("zca_whitening"):
            np.testing.assert_allclose(
                ours.zca_whitening_matrix, ref.zca_whitening_matrix, rtol=1e-4, atol=1e-6
            )
            np.testing.assert_allclose(
                ours.standardize(x.copy()), ref.standardize(x.copy()), rtol=1e-4, atol=1e-4
            )


def test_random_helpers_and_brightness_against_pillow(legacy):
    from PIL import Image, ImageEnhance

    x = _images(1)[0].transpose(2, 0, 1)  # helpers default to channels first
    for fn, args in (
        (image.random_rotation, (40,)),
        (image.random_shift, (0.2, 0.3)),
        (image.random_shear, (15,)),
        (image.random_zoom, ((0.7, 1.3),)),
    ):
        np.random.seed(2)
        ours = fn(x, *args, fill_mode="nearest")
        np.random.seed(2)
        ref = getattr(legacy, fn.__name__)(x, *args, fill_mode="nearest")
        np.testing.assert_allclose(ours, ref, atol=1e-4)
    hwc = np.random.uniform(0, 255, (H, W, 3)).astype("float32")
    for factor in (0.3, 1.0, 1.7):
        pil = ImageEnhance.Brightness(Image.fromarray(hwc.astype("uint8"), "RGB")).enhance(factor)
        np.testing.assert_array_equal(
            image.apply_brightness_shift(hwc, factor, scale=False), np.asarray(pil, "float32")
        )
    shifted = image.apply_channel_shift(hwc, 300.0, channel_axis=2)
    np.testing.assert_array_equal(shifted, np.full_like(hwc, hwc.max()))


@requires_training
def test_model_fit_on_flow():
    import kerasx as keras

    x = _images(8).astype("float32") / 255.0
    y = np.eye(2, dtype="float32")[np.arange(8) % 2]
    model = keras.Sequential(
        [
            keras.Input((H, W, 3)),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    hist = model.fit(
        image.ImageDataGenerator(horizontal_flip=True).flow(x, y, batch_size=4, seed=0),
        epochs=1,
        verbose=0,
    )
    assert np.isfinite(hist.history["loss"][0])
