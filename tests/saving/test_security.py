"""Hostile model files fail closed at every entry point (issue 5, "safe by construction").

The files live in tests/fixtures/attacks/ and are written by tools/make_attack_fixtures.py
(one attack per file on top of a valid ``Input(3) -> Dense(2)`` model).  Each test checks
the load raises kerasx's ``LoadError``/``ValueError`` *and* that the attack had no side
effect: no marker file, no module named by the file imported, no file outside read.
"""

from __future__ import annotations

import builtins
import json
import os
import sys
import zipfile

import numpy as np
import pytest

import kerasx
from kerasx.saving import LoadError, saving_lib

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "attacks")
FIXTURES = os.path.normpath(FIXTURES)
MARKER = "/tmp/kerasx_attack_marker"
# Modules the fixtures name that kerasx itself never imports.
NAMED_MODULES = ("smtplib", "webbrowser")

KERAS_ATTACKS = {
    # name: a fragment the error must contain (explains *why* it was refused)
    "class_os_system.keras": "system",
    "class_subprocess_popen.keras": "Popen",
    "class_smtplib.keras": "SMTP",
    "class_builtins_eval.keras": "eval",
    "activation_builtins_function.keras": "exec",
    "activation_dotted_name.keras": "webbrowser.open",
    "activation_keras_utils_get_file.keras": "get_file",
    "initializer_callbacks_csvlogger.keras": "CSVLogger",
    "loss_os_system.keras": "function",
    "lambda_bytecode.keras": "safe_mode",
    "lambda_safe_mode_false.keras": "safe_mode",
    "pickle_reduce_payload.keras": "__pickle__",
    "numpy_object_dtype.keras": "object",
    "vocabulary_etc_passwd.keras": "vocabulary",
    "config_path_kwarg.keras": "filepath",
    "zip_dotdot.keras": "unsafe path",
    "zip_absolute.keras": "unsafe path",
    "zip_symlink.keras": "link",
    "zip_bomb.keras": "decompression bomb",
    "h5_external_link.keras": "ExternalLink",
    "truncated.keras": "not a valid .keras",
    "empty.keras": "not a valid .keras",
    "not_a_zip.keras": "not a valid .keras",
    "config_not_json.keras": "not valid JSON",
    "config_deeply_nested.keras": "not valid JSON",
    "config_not_a_model.keras": "model config",
    "missing_weights.keras": "model.weights.h5",
    "weights_corrupt.keras": "not a valid HDF5",
}
H5_ATTACKS = {
    "external_link.weights.h5": "ExternalLink",
    "soft_link.weights.h5": "SoftLink",
    "soft_link_dataset.weights.h5": "SoftLink",
    "external_dataset.weights.h5": "external datasets",
    "virtual_dataset.weights.h5": "virtual datasets",
    "declared_shape_unallocated.weights.h5": "stores only",
    "declared_shape_missing_chunks.weights.h5": "stores only",
    "unknown_filter.weights.h5": "filter 31999",
    "object_dtype.weights.h5": "dtype",
    "truncated.weights.h5": "not a valid HDF5",
    "corrupt.weights.h5": "not a valid HDF5",
    "not_hdf5.weights.h5": "not a valid HDF5",
}
# Attacks that live in config.json, replayed through the config-level entry points.
CONFIG_ATTACKS = [
    "class_os_system.keras",
    "class_subprocess_popen.keras",
    "class_smtplib.keras",
    "activation_builtins_function.keras",
    "activation_keras_utils_get_file.keras",
    "initializer_callbacks_csvlogger.keras",
    "lambda_safe_mode_false.keras",
    "pickle_reduce_payload.keras",
    "numpy_object_dtype.keras",
    "vocabulary_etc_passwd.keras",
]


def _fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def _model() -> kerasx.Model:
    i = kerasx.Input((3,))
    return kerasx.Model(i, kerasx.layers.Dense(2, name="dense")(i))


@pytest.fixture
def watch(monkeypatch, tmp_path):
    """Records every path opened for reading through Python, and checks that the attack
    had no side effect.  (HDF5 opens files in C: the link fixtures prove those reads
    did not happen by pointing at valid data that would have loaded.)"""
    if os.path.exists(MARKER):
        os.remove(MARKER)
    before = {m for m in NAMED_MODULES if m in sys.modules}
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and not set(mode) & set("wax+"):
            opened.append(os.path.abspath(os.fsdecode(file)))
        return real_open(file, mode, *args, **kwargs)

    def spy_os_open(path, flags, *args, **kwargs):
        if not flags & (os.O_WRONLY | os.O_RDWR):
            opened.append(os.path.abspath(os.fsdecode(path)))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    yield opened
    monkeypatch.undo()
    assert not os.path.exists(MARKER), "a payload from the file ran"
    assert {m for m in NAMED_MODULES if m in sys.modules} == before, (
        "a module named in a file was imported"
    )
    outside = [
        p
        for p in opened
        if not p.startswith((FIXTURES, str(tmp_path), sys.prefix, sys.base_prefix))
    ]
    assert not outside, f"files outside were read: {outside}"


def test_the_untouched_base_fixtures_load(watch):
    """The attacks are planted in files that otherwise load, so each refusal is the defence."""
    model = kerasx.saving.load_model(_fixture("valid_base.keras"))
    x = np.ones((1, 3), "float32")
    expected = x @ (np.arange(6, dtype="float32").reshape(3, 2) / 10) + [0.5, -0.5]
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-6)
    other = _model()
    other.load_weights(_fixture("valid_base.weights.h5"))
    np.testing.assert_allclose(other.predict(x, verbose=0), expected, atol=1e-6)


@pytest.mark.parametrize("name", sorted(KERAS_ATTACKS))
def test_hostile_keras_file_fails_closed(name, watch):
    path = _fixture(name)
    with pytest.raises(LoadError) as info:
        kerasx.saving.load_model(path)
    assert name in str(info.value), "the error must name the file"
    assert KERAS_ATTACKS[name] in str(info.value)
    with pytest.raises(LoadError):  # the public alias is the same door
        kerasx.models.load_model(path, safe_mode=True)


@pytest.mark.parametrize(
    "name", ["zip_dotdot.keras", "zip_symlink.keras", "zip_bomb.keras", "truncated.keras"]
)
def test_hostile_keras_file_fails_closed_in_load_weights(name, watch):
    with pytest.raises(LoadError, match=name.replace(".", r"\.")):
        _model().load_weights(_fixture(name))


@pytest.mark.parametrize("name", sorted(H5_ATTACKS))
def test_hostile_weights_file_fails_closed(name, watch):
    model = _model()
    before = [w.numpy().copy() for w in model.weights]
    with pytest.raises(LoadError) as info:
        model.load_weights(_fixture(name))
    assert name in str(info.value) and H5_ATTACKS[name] in str(info.value)
    for w, b in zip(model.weights, before):  # refused before anything was assigned
        np.testing.assert_array_equal(w.numpy(), b)


def _config(name: str) -> dict:
    with zipfile.ZipFile(_fixture(name)) as zf:
        return json.loads(zf.read("config.json"))


@pytest.mark.parametrize("name", CONFIG_ATTACKS)
def test_config_entry_points_fail_closed(name, watch):
    config = _config(name)
    with pytest.raises(ValueError):
        kerasx.saving.deserialize_keras_object(config)
    with pytest.raises(ValueError):
        kerasx.Model.from_config(config["config"])
    with pytest.raises(ValueError):
        kerasx.models.model_from_json(json.dumps(config))


def test_clone_model_fails_closed_on_a_hostile_layer_config(watch):
    """clone_model rebuilds layers from their configs: a config naming a helper that
    fetches files must not be resolved (and nothing is called)."""
    model = _model()
    hostile = dict(model.layers[1].get_config())
    hostile["activation"] = {
        "module": "keras.utils",
        "class_name": "get_file",
        "config": {"origin": "http://127.0.0.1:9/x", "fname": "x"},
    }
    model.layers[1].get_config = lambda: hostile
    with pytest.raises(ValueError, match="get_file"):
        kerasx.models.clone_model(model)


def test_registered_functions_are_returned_never_called(watch):
    """A config naming a registered function yields the function; its "config" is
    never used as call arguments (Keras 3 behaves the same)."""
    fn = kerasx.saving.deserialize_keras_object(
        {"module": "keras.activations", "class_name": "relu", "config": {"x": [1.0]}}
    )
    assert fn is kerasx.activations.relu


def test_safe_mode_false_is_only_the_callers_choice(tmp_path, watch):
    """A benign Lambda loads with safe_mode=False (so the refusals above are the safe
    mode, not a broken Lambda), but never when only the file asks for it."""
    i = kerasx.Input((3,))
    model = kerasx.Model(i, kerasx.layers.Lambda(lambda t: t * 3.0)(i))
    path = str(tmp_path / "lam.keras")
    model.save(path)
    with pytest.raises(LoadError, match="safe_mode"):
        kerasx.saving.load_model(path)
    loaded = kerasx.saving.load_model(path, safe_mode=False)
    x = np.arange(3, dtype="float32")[None]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), x * 3.0)
    assert kerasx.saving.serialization.in_safe_mode()  # nothing stayed switched off
    with pytest.raises(LoadError, match="safe_mode"):
        kerasx.saving.load_model(path)


def test_oversized_config_stops_at_the_limit(monkeypatch, watch):
    monkeypatch.setattr(saving_lib, "MAX_CONFIG_BYTES", 1024)
    with pytest.raises(LoadError, match="over the 1024 limit"):
        kerasx.saving.load_model(_fixture("valid_base.keras"))


def test_truncations_of_a_valid_file_raise_load_error(tmp_path, watch):
    data = open(_fixture("valid_base.keras"), "rb").read()
    for cut in (10, len(data) // 3, len(data) - 30):
        path = tmp_path / f"cut{cut}.keras"
        path.write_bytes(data[:cut])
        with pytest.raises(LoadError, match=f"cut{cut}"):
            kerasx.saving.load_model(str(path))
