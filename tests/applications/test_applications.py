"""kerasx.applications against real Keras 3: structure, weight files, predictions,
preprocessing, decoding, and the offline ImageNet download path.

Keras's side is produced once per run by ``_keras_reference.py`` in a subprocess
(Keras on its NumPy backend builds these models in seconds); the network is never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error

import numpy as np
import pytest
from _apps_cases import PREDICT_CASES, STRUCTURE_CASES

import kerasx
from kerasx import applications
from kerasx.applications import imagenet_utils
from kerasx.utils import file_utils

HERE = os.path.dirname(os.path.abspath(__file__))


def _reference_dir() -> str:
    """Where Keras's reference output lives: a temp folder keyed by the Keras version
    and the two scripts that define it, so the four per-backend runs build it once."""
    keras = pytest.importorskip("keras")
    digest = hashlib.sha256(keras.__version__.encode())
    for name in ("_keras_reference.py", "_apps_cases.py"):
        with open(os.path.join(HERE, name), "rb") as f:
            digest.update(f.read())
    return os.path.join(tempfile.gettempdir(), f"kerasx_apps_ref_{digest.hexdigest()[:16]}")


@pytest.fixture(scope="module")
def ref():
    out = _reference_dir()
    if not os.path.exists(os.path.join(out, "ref.json")):
        work = tempfile.mkdtemp(prefix="kerasx_apps_ref_")
        env = dict(os.environ, KERAS_BACKEND="numpy", TF_CPP_MIN_LOG_LEVEL="3")
        proc = subprocess.run(
            [sys.executable, os.path.join(HERE, "_keras_reference.py"), work],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        try:
            os.rename(work, out)
        except OSError:  # another process finished first
            shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(out, "ref.json")) as f:
        data = json.load(f)
    data["dir"] = out
    return data


_AUTO = re.compile(r"^(input_layer|global_average_pooling2d|global_max_pooling2d)(_\d+)?$")


def _names(names):
    """Layer names with auto-generated suffixes (``input_layer_7``) stripped: those
    depend on how many models the process built before, not on the architecture."""
    return [_AUTO.sub(r"\1", n) for n in names]


def _build(fn, kwargs, **extra):
    return getattr(applications, fn)(**kwargs, **extra)


def _shape(t):
    return [None if d is None else int(d) for d in t.shape]


@pytest.mark.parametrize("key", sorted(STRUCTURE_CASES))
def test_structure_matches_keras(ref, key):
    fn, kwargs = STRUCTURE_CASES[key]
    model = _build(fn, kwargs, weights=None)
    want = ref["structure"][key]
    assert model.name == want["name"]
    assert sorted(_names(layer.name for layer in model.layers)) == sorted(_names(want["layers"]))
    assert model.count_params() == want["params"]
    assert _shape(model.output) == want["output_shape"]
    assert _shape(model.input) == want["input_shape"]
    assert sorted(w.path for w in model.weights) == sorted(want["weight_paths"])


@pytest.mark.parametrize(
    "key", [k for k in sorted(STRUCTURE_CASES) if k in ("vgg19_max", "mnv2_none", "resnet50_avg")]
)
def test_layer_order_matches_keras(ref, key):
    fn, kwargs = STRUCTURE_CASES[key]
    model = _build(fn, kwargs, weights=None)
    got = _names(layer.name for layer in model.layers)
    assert got == _names(ref["structure"][key]["layers"])


def _predict(model, x):
    return kerasx.ops.convert_to_numpy(model(x))


@pytest.mark.parametrize("key", ["vgg16", "mnv2"])
def test_weights_file_loads_with_identical_predictions(ref, key):
    fn, kwargs = PREDICT_CASES[key]
    d = ref["dir"]
    model = _build(fn, kwargs, weights=os.path.join(d, f"{key}.weights.h5"))
    x = np.load(os.path.join(d, "x.npy"))
    np.testing.assert_allclose(
        _predict(model, x), np.load(os.path.join(d, f"{key}_pred.npy")), rtol=1e-4, atol=1e-4
    )


def test_resnet_weights_h5_positional_file(ref):
    """Keras-3 .weights.h5 files address Functional layers by position, so this needs
    kerasx to list ResNet's branch layers in Keras' order."""
    fn, kwargs = PREDICT_CASES["resnet50"]
    d = ref["dir"]
    model = _build(fn, kwargs, weights=os.path.join(d, "resnet50.weights.h5"))
    x = np.load(os.path.join(d, "x.npy"))
    np.testing.assert_allclose(
        _predict(model, x), np.load(os.path.join(d, "resnet50_pred.npy")), rtol=1e-4, atol=1e-4
    )


def test_resnet_legacy_h5_loads_by_name(ref):
    """The published ImageNet files use this layout; the match is by layer name."""
    fn, kwargs = PREDICT_CASES["resnet50"]
    d = ref["dir"]
    model = _build(fn, kwargs, weights=os.path.join(d, "resnet50_legacy.h5"))
    x = np.load(os.path.join(d, "x.npy"))
    np.testing.assert_allclose(
        _predict(model, x), np.load(os.path.join(d, "resnet50_pred.npy")), rtol=1e-4, atol=1e-4
    )


def test_bad_weights_argument_and_classes():
    with pytest.raises(ValueError, match="weights"):
        applications.VGG16(weights="/no/such/file.h5")
    with pytest.raises(ValueError, match="classes"):
        applications.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="static"):
        applications.VGG16(weights=None, include_top=True, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="at least 32"):
        applications.VGG16(weights=None, include_top=False, input_shape=(16, 16, 3))


# ----------------------------------------------------------------- weights="imagenet"


def _offline(monkeypatch, tmp_path, seen):
    monkeypatch.setenv("KERASX_HOME", str(tmp_path))

    def refuse(url, target):
        seen.append(url)
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr(file_utils, "_download", refuse)


def test_imagenet_offline_error_names_url_and_cache_path(ref, monkeypatch, tmp_path):
    seen: list[str] = []
    _offline(monkeypatch, tmp_path, seen)
    with pytest.raises(OSError) as info:
        applications.ResNet50(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    fname = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    url = ref["urls"]["resnet_base"] + fname
    assert seen == [url]
    msg = str(info.value)
    assert url in msg
    assert os.path.join(str(tmp_path), "models", fname) in msg
    assert "copy it to" in msg

    seen.clear()
    with pytest.raises(OSError, match="vgg16"):
        applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert seen == [ref["urls"]["vgg16_notop"]]


def test_imagenet_hash_mismatch_in_cache_triggers_download(ref, monkeypatch, tmp_path):
    """A corrupt cached ResNet file is not used: kerasx tries to fetch a fresh one."""
    seen: list[str] = []
    _offline(monkeypatch, tmp_path, seen)
    fname = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    os.makedirs(tmp_path / "models")
    (tmp_path / "models" / fname).write_bytes(b"not the published file")
    with pytest.raises(OSError):
        applications.ResNet50(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert seen == [ref["urls"]["resnet_base"] + fname]


def test_imagenet_download_served_locally_loads(ref, monkeypatch, tmp_path):
    """MobileNetV2 ImageNet path end to end with the 'download' served from a fixture
    (same weights regardless of the input size, so a 96x96 model takes the 32x32 file)."""
    monkeypatch.setenv("KERASX_HOME", str(tmp_path))
    seen: list[str] = []
    legacy = os.path.join(ref["dir"], "mnv2_legacy.h5")

    def serve(url, target):
        seen.append(url)
        with open(legacy, "rb") as src, open(target, "wb") as dst:
            dst.write(src.read())

    monkeypatch.setattr(file_utils, "_download", serve)
    model = applications.MobileNetV2(
        weights="imagenet", alpha=0.35, include_top=False, input_shape=(96, 96, 3)
    )
    name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    assert seen == [ref["urls"]["mobilenet_v2_base"] + name]
    assert os.path.exists(tmp_path / "models" / name)
    want = np.load(os.path.join(ref["dir"], "mnv2_weights.npz"))
    got = {w.path: kerasx.ops.convert_to_numpy(w.value) for w in model.weights}
    for path, value in got.items():
        np.testing.assert_array_equal(value, want[path])
    assert model.name == "mobilenetv2_0.35_96"


# ----------------------------------------------------------------- preprocess / decode


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
def test_preprocess_input_numpy_matches_keras(ref, mode, fmt):
    img = np.load(os.path.join(ref["dir"], "img.npy"))
    arr = img if fmt == "channels_last" else img.transpose(0, 3, 1, 2)
    before = arr.copy()
    got = imagenet_utils.preprocess_input(arr, data_format=fmt, mode=mode)
    want = np.load(os.path.join(ref["dir"], f"pre_{mode}_{fmt}.npy"))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(arr, before)  # the input is not modified


def test_preprocess_input_by_hand_and_on_tensors():
    img = np.array([[[[10.0, 20.0, 30.0]]]], dtype="float32")
    caffe = applications.vgg16.preprocess_input(img)
    np.testing.assert_allclose(caffe[0, 0, 0], [30 - 103.939, 20 - 116.779, 10 - 123.68], 1e-5)
    np.testing.assert_allclose(applications.mobilenet_v2.preprocess_input(img), img / 127.5 - 1)
    torch_mode = imagenet_utils.preprocess_input(img, mode="torch")
    np.testing.assert_allclose(
        torch_mode[0, 0, 0],
        (img[0, 0, 0] / 255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225],
        rtol=1e-5,
    )
    uint = np.full((1, 2, 2, 3), 255, dtype="uint8")
    assert applications.mobilenet_v2.preprocess_input(uint).dtype == np.float32
    for mode in ("caffe", "tf", "torch"):
        x = np.random.uniform(0, 255, (2, 3, 3, 3)).astype("float32")
        t = imagenet_utils.preprocess_input(kerasx.ops.convert_to_tensor(x), mode=mode)
        np.testing.assert_allclose(
            kerasx.ops.convert_to_numpy(t),
            imagenet_utils.preprocess_input(x, mode=mode),
            rtol=1e-5,
            atol=1e-4,
        )
    with pytest.raises(ValueError, match="mode"):
        imagenet_utils.preprocess_input(img, mode="bgr")
    with pytest.raises(ValueError, match="data_format"):
        imagenet_utils.preprocess_input(img, data_format="nhwc")


def test_decode_predictions_with_local_class_index(monkeypatch, tmp_path):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    src = tmp_path / "imagenet_class_index.json"
    src.write_text(json.dumps(index))
    monkeypatch.setenv("KERASX_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", src.as_uri())
    monkeypatch.setattr(
        imagenet_utils, "CLASS_INDEX_HASH", hashlib.md5(src.read_bytes()).hexdigest()
    )
    preds = np.random.RandomState(3).dirichlet(np.ones(1000), size=2).astype("float32")
    got = applications.resnet50.decode_predictions(preds, top=3)
    assert len(got) == 2
    for row, decoded in zip(preds, got):
        best = np.argsort(-row)[:3]
        assert [d[0] for d in decoded] == [f"n{i:08d}" for i in best]
        assert [d[1] for d in decoded] == [f"class_{i}" for i in best]
        np.testing.assert_allclose([d[2] for d in decoded], row[best])
    assert os.path.exists(tmp_path / "home" / "models" / "imagenet_class_index.json")
    with pytest.raises(ValueError, match="1000"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))
