"""Loading files written by tf.keras 2 (HDF5 models, HDF5 weights, Keras 2.13/2.15 .keras).

The fixtures in tests/fixtures/legacy/ were written by the real tf.keras 2.13 and 2.15
(tools/make_legacy_fixtures.py); each ``<name>.<tag>.npz`` holds the inputs and the
predictions tf.keras itself computed, which are the reference here.
"""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

import kerasx
from conftest import BACKEND, requires_training
from kerasx import layers, ops
from kerasx.saving.h5_store import LoadError
from kerasx.saving.legacy_keras2_format import compile_args, convert_layer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "legacy"
MODELS = ["seq_mlp", "func_conv", "multi_io", "rnn", "nested"]


def _io(name: str, tag: str = "k215") -> tuple[list[np.ndarray], list[np.ndarray]]:
    data = np.load(FIXTURES / f"{name}.{tag}.npz")
    xs = [data[k] for k in sorted(data.files) if k.startswith("x")]
    ys = [data[k] for k in sorted(data.files) if k.startswith("y")]
    return xs, ys


def _predict(model, xs):
    out = model(xs if len(xs) > 1 else xs[0], training=False)
    out = out if isinstance(out, (list, tuple)) else [out]
    return [ops.convert_to_numpy(o) for o in out]


def _check_predictions(model, name, tag="k215"):
    xs, ys = _io(name, tag)
    preds = _predict(model, xs)
    assert len(preds) == len(ys)
    for p, y in zip(preds, ys):
        np.testing.assert_allclose(p, y, atol=1e-5, rtol=1e-5)


def _load(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kerasx.saving.load_model(path, **kwargs)


@pytest.fixture(autouse=True)
def _no_tensorflow():
    """Legacy files must load without TensorFlow on the other backends (checked per
    test: other test files, e.g. ones using the Keras oracle, may import it)."""
    preloaded = "tensorflow" in sys.modules
    yield
    if BACKEND != "tensorflow" and not preloaded:
        assert "tensorflow" not in sys.modules


# ---------------------------------------------------------------- full HDF5 models


@pytest.mark.parametrize(
    "name,tag", [(m, "k215") for m in MODELS] + [("multi_io", "k213"), ("nested", "k213")]
)
def test_h5_model_predicts_like_tf_keras(name, tag):
    model = _load(FIXTURES / f"{name}.{tag}.h5")
    _check_predictions(model, name, tag)


def test_h5_model_restores_compile_and_warns_about_optimizer_state():
    with pytest.warns(UserWarning, match="optimizer state"):
        model = kerasx.saving.load_model(FIXTURES / "seq_mlp.k215.h5")
    assert type(model.optimizer).__name__ == "Adam"
    assert float(ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(1e-3)
    assert model.get_compile_config()["loss"] == "categorical_crossentropy"
    uncompiled = _load(FIXTURES / "seq_mlp.k215.h5", compile=False)
    assert getattr(uncompiled, "optimizer", None) is None


@requires_training
def test_h5_compiled_model_evaluates_its_loss():
    model = _load(FIXTURES / "seq_mlp.k215.h5")
    (x,), (probs,) = _io("seq_mlp")
    y = np.eye(3, dtype="float32")[[1, 0]]
    model.run_eagerly = True  # the graph trace would dominate this tiny check
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    with h5py.File(FIXTURES / "seq_mlp.k215.h5", "r") as f:
        kernel = f["model_weights/dense/dense/kernel:0"][()]
    crossentropy = np.mean(-np.sum(y * np.log(np.clip(probs, 1e-7, 1.0)), axis=-1))
    expected = float(crossentropy + 0.01 * np.sum(kernel**2))  # + the l2 kernel_regularizer
    assert result["loss"] == pytest.approx(expected, rel=1e-4, abs=1e-5)
    assert result["accuracy"] == pytest.approx(float(np.mean(probs.argmax(-1) == [1, 0])))


def test_h5_structure_is_converted():
    model = _load(FIXTURES / "nested.k215.h5", compile=False)
    assert [layer.name for layer in model.layers][-3:] == ["inner_seq", "inner_func", "top"]
    rnn = _load(FIXTURES / "rnn.k215.h5", compile=False)
    assert rnn.get_layer("gru_v1").get_config()["reset_after"] is False
    assert rnn.get_layer("gru").get_config()["reset_after"] is True
    conv = _load(FIXTURES / "func_conv.k215.h5", compile=False)
    assert conv.get_layer("bn").get_config()["axis"] == 3


def test_weights_only_file_is_not_a_model():
    with pytest.raises(ValueError, match="only weights"):
        kerasx.saving.load_model(FIXTURES / "seq_mlp_w.k215.h5")


# ---------------------------------------------------------------- Keras 2 .keras zips


@pytest.mark.parametrize("tag", ["k213", "k215"])
@pytest.mark.parametrize("name", MODELS)
def test_keras2_archive_predicts_like_tf_keras(name, tag):
    model = _load(FIXTURES / f"{name}.{tag}.keras")
    _check_predictions(model, name, tag)


def test_keras2_archive_compiles_from_compile_config():
    model = _load(FIXTURES / "multi_io.k213.keras")
    assert type(model.optimizer).__name__ == "RMSprop"
    assert model.get_compile_config()["loss"] == {"out_a": "mse", "out_b": "binary_crossentropy"}


def test_keras2_archive_load_weights():
    model = _load(FIXTURES / "nested.k215.h5", compile=False)
    for v in model.weights:
        v.assign(np.zeros(v.shape, dtype="float32"))
    model.load_weights(FIXTURES / "nested.k213.keras")
    _check_predictions(model, "nested", "k213")


# ---------------------------------------------------------------- weights-only HDF5


def _zeroed(name):
    model = _load(FIXTURES / f"{name}.k215.h5", compile=False)
    for v in model.weights:
        v.assign(np.zeros(v.shape, dtype="float32"))
    return model


@pytest.mark.parametrize("name", ["func_conv", "nested"])
def test_weights_h5_in_topological_order(name):
    model = _zeroed(name)
    model.load_weights(FIXTURES / f"{name}_w.k215.h5")
    _check_predictions(model, name)


def _hand_built_mlp(last_units=3, extra=False):
    """seq_mlp rebuilt by hand in kerasx (names as tf.keras gave them)."""
    inp = kerasx.Input((4,))
    h = layers.Dense(8, activation="relu", name="dense")(inp)
    if extra:
        h = layers.Dense(8, name="not_in_file")(h)
    out = layers.Dense(last_units, activation="softmax", name="probs")(h)
    return kerasx.Model(inp, out)


def test_weights_h5_into_hand_built_model():
    model = _hand_built_mlp()
    model.load_weights(FIXTURES / "seq_mlp_w.k215.h5")
    _check_predictions(model, "seq_mlp")


def test_weights_h5_by_name_and_skip_mismatch():
    with h5py.File(FIXTURES / "seq_mlp_w.k215.h5", "r") as f:
        kernel = f["dense/dense/kernel:0"][()]
    model = _hand_built_mlp(last_units=5, extra=True)
    before = [v.numpy() for v in model.get_layer("probs").weights]
    extra = [v.numpy() for v in model.get_layer("not_in_file").weights]
    with pytest.raises(ValueError, match="probs"):
        model.load_weights(FIXTURES / "seq_mlp_w.k215.h5", by_name=True)
    with pytest.warns(UserWarning, match="probs"):
        model.load_weights(FIXTURES / "seq_mlp_w.k215.h5", by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(model.get_layer("dense").kernel.numpy(), kernel)
    for v, old in zip(model.get_layer("probs").weights, before):
        np.testing.assert_array_equal(v.numpy(), old)
    for v, old in zip(model.get_layer("not_in_file").weights, extra):
        np.testing.assert_array_equal(v.numpy(), old)


def test_weights_h5_topological_count_mismatch_and_flags():
    model = _hand_built_mlp(extra=True)
    with pytest.raises(ValueError, match="3 layers with weights"):
        model.load_weights(FIXTURES / "seq_mlp_w.k215.h5")
    with pytest.raises(ValueError, match="by_name"):
        model.load_weights(FIXTURES / "seq_mlp_w.k215.h5", skip_mismatch=True)


# ---------------------------------------------------------------- errors and safety


def _edited_copy(tmp_path, name, edit):
    target = tmp_path / f"{name}_{edit.__name__}.h5"
    shutil.copy(FIXTURES / f"{name}.k215.h5", target)
    with h5py.File(target, "r+") as f:
        edit(f)
    return target


def _rename_class(f, old, new):
    config = json.loads(f.attrs["model_config"])
    for entry in config["config"]["layers"]:
        if entry["class_name"] == old:
            entry["class_name"] = new
            break
    f.attrs["model_config"] = json.dumps(config)


def test_unknown_layer_class_is_named(tmp_path):
    path = _edited_copy(tmp_path, "multi_io", lambda f: _rename_class(f, "Dense", "FancyDense"))
    with pytest.raises(ValueError, match="FancyDense"):
        _load(path)
    model = _load(path, custom_objects={"FancyDense": layers.Dense})
    _check_predictions(model, "multi_io")


def test_tf_only_layer_is_refused(tmp_path):
    path = _edited_copy(tmp_path, "multi_io", lambda f: _rename_class(f, "Add", "TFOpLambda"))
    with pytest.raises(ValueError, match="TFOpLambda"):
        _load(path)


def test_lambda_refused_in_safe_mode_loaded_outside():
    with pytest.raises(ValueError, match="safe_mode"):
        _load(FIXTURES / "with_lambda.k215.h5")
    model = _load(FIXTURES / "with_lambda.k215.h5", safe_mode=False)
    _check_predictions(model, "with_lambda")


def test_links_and_external_datasets_are_refused(tmp_path):
    def soft(f):
        f["model_weights/probs"]["evil"] = h5py.SoftLink("/model_weights/dense")

    def external(f):
        f["model_weights"]["evil"] = h5py.ExternalLink("other.h5", "/x")

    def external_data(f):
        raw = tmp_path / "raw.bin"
        raw.write_bytes(np.zeros(4, "float32").tobytes())
        f["model_weights/probs"].create_dataset(
            "ext", shape=(4,), dtype="float32", external=[(str(raw), 0, 16)]
        )

    for edit in (soft, external, external_data):
        path = _edited_copy(tmp_path, "seq_mlp", edit)
        with pytest.raises(LoadError):
            _load(path)
        with pytest.raises(LoadError):
            _hand_built_mlp().load_weights(path)


# ---------------------------------------------------------------- config conversion


def test_config_conversion_rules():
    lstm = convert_layer(
        {
            "class_name": "LSTM",
            "config": {
                "name": "l",
                "units": 2,
                "time_major": False,
                "implementation": 1,
                "dtype": {"class_name": "Policy", "config": {"name": "mixed_float16"}},
            },
        }
    )
    assert lstm["config"]["dtype"] == "mixed_float16"
    assert "time_major" not in lstm["config"] and "implementation" not in lstm["config"]
    with pytest.raises(ValueError, match="time_major"):
        convert_layer({"class_name": "GRU", "config": {"units": 2, "time_major": True}})
    leaky = convert_layer({"class_name": "LeakyReLU", "config": {"alpha": 0.2}})
    assert leaky["config"]["negative_slope"] == 0.2
    inp = convert_layer(
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 3], "ragged": False}}
    )
    assert inp["config"]["batch_shape"] == [None, 3]
    args = compile_args(
        {
            "loss": {"class_name": "MeanSquaredError", "config": {"reduction": "auto"}},
            "metrics": [[{"class_name": "MeanMetricWrapper", "config": {"name": "acc"}}]],
            "optimizer_config": {
                "class_name": "Custom>SGD",
                "config": {"learning_rate": 0.5, "jit_compile": True, "is_legacy_optimizer": False},
            },
        }
    )
    assert args["loss"]["config"]["reduction"] == "sum_over_batch_size"
    assert args["metrics"] == ["accuracy"]
    assert type(args["optimizer"]).__name__ == "SGD"
    assert float(ops.convert_to_numpy(args["optimizer"].learning_rate)) == pytest.approx(0.5)
