"""load_img / save_img / array_to_img and flow_from_directory on tiny PNG files."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from kerasx.preprocessing import image
from kerasx.utils import array_to_img, img_to_array, load_img, save_img


def _write_tree(root, per_class=3):
    """root/cats, root/dogs with distinct constant-colour 4x5 RGB PNGs."""
    from PIL import Image

    pixels = {}
    for c, name in enumerate(["cats", "dogs"]):
        (root / name).mkdir()
        for i in range(per_class):
            arr = np.full((4, 5, 3), 40 * c + 10 * i, dtype="uint8")
            arr[0, 0] = [255, 0, 128]
            Image.fromarray(arr).save(root / name / f"img{i}.png")
            pixels[f"{name}/img{i}.png"] = arr
    (root / "dogs" / "notes.txt").write_text("not an image")
    return pixels


def test_round_trip_and_conversions(tmp_path):
    arr = np.random.randint(0, 256, (4, 5, 3)).astype("float32")
    save_img(tmp_path / "a.png", arr, scale=False)
    back = img_to_array(load_img(tmp_path / "a.png"))
    np.testing.assert_array_equal(back, arr)
    gray = img_to_array(load_img(str(tmp_path / "a.png"), color_mode="grayscale"))
    assert gray.shape == (4, 5, 1)
    small = load_img(tmp_path / "a.png", target_size=(2, 3))
    assert small.size == (3, 2)
    assert img_to_array(small, data_format="channels_first").shape == (3, 2, 3)
    scaled = img_to_array(array_to_img(np.array([[[0.0], [0.5], [1.0]]])))
    np.testing.assert_array_equal(scaled[:, :, 0], [[0, 127, 255]])
    with pytest.raises(ValueError, match="color_mode"):
        load_img(tmp_path / "a.png", color_mode="cmyk")
    with pytest.raises(ValueError, match="Unsupported channel number"):
        array_to_img(np.zeros((2, 2, 2)))
    out = image.smart_resize(np.random.rand(6, 4, 1).astype("float32"), (2, 2))
    assert isinstance(out, np.ndarray) and out.shape == (2, 2, 1)


def test_missing_pillow_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="pip install pillow"):
        load_img(tmp_path / "x.png")
    with pytest.raises(ImportError, match="pip install pillow"):
        array_to_img(np.zeros((2, 2, 3)))


def test_flow_from_directory(tmp_path, capsys):
    pixels = _write_tree(tmp_path)
    gen = image.ImageDataGenerator(rescale=1 / 255.0)
    it = gen.flow_from_directory(tmp_path, target_size=(4, 5), batch_size=4, shuffle=False)
    assert "Found 6 images belonging to 2 classes." in capsys.readouterr().out
    assert it.class_indices == {"cats": 0, "dogs": 1}
    assert it.classes.tolist() == [0, 0, 0, 1, 1, 1]
    assert it.filenames[3].replace("\\", "/") == "dogs/img0.png"
    assert len(it) == 2
    x, y = it[0]
    assert x.shape == (4, 4, 5, 3) and x.dtype == np.float32
    np.testing.assert_allclose(x[3], pixels["dogs/img0.png"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, np.eye(2)[[0, 0, 0, 1]])
    x2, y2 = it[1]
    assert x2.shape[0] == 2
    sparse = gen.flow_from_directory(
        tmp_path,
        target_size=(2, 2),
        class_mode="sparse",
        color_mode="grayscale",
        batch_size=6,
        shuffle=True,
        seed=1,
    )
    xs, ys = sparse[0]
    assert xs.shape == (6, 2, 2, 1) and sorted(ys.tolist()) == [0, 0, 0, 1, 1, 1]
    only_x = gen.flow_from_directory(tmp_path, target_size=(4, 5), class_mode=None, batch_size=6)[0]
    assert only_x.shape == (6, 4, 5, 3)


def test_flow_from_directory_subsets(tmp_path):
    _write_tree(tmp_path, per_class=4)
    gen = image.ImageDataGenerator(validation_split=0.25)
    val = gen.flow_from_directory(tmp_path, target_size=(4, 5), subset="validation", shuffle=False)
    train = gen.flow_from_directory(tmp_path, target_size=(4, 5), subset="training", shuffle=False)
    assert [f.replace("\\", "/") for f in val.filenames] == ["cats/img0.png", "dogs/img0.png"]
    assert train.samples == 6 and train.classes.tolist() == [0, 0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="Invalid subset"):
        gen.flow_from_directory(tmp_path, subset="test")
    with pytest.raises(ValueError, match="class_mode"):
        gen.flow_from_directory(tmp_path, class_mode="onehot")
