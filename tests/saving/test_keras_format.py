"""The .keras format: round trips, Keras 3 interop both ways, atomicity, failing closed."""

import os
import signal
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest
from tests.conftest import TRAINABLE

import kerasx
from kerasx import layers, ops


def _model():
    kerasx.utils.set_random_seed(1)
    i = kerasx.Input((6,))
    h = layers.Dense(8, activation="relu")(i)
    o = layers.Dense(3, activation="softmax")(h)
    return kerasx.Model(i, o)


def _data():
    rng = np.random.default_rng(0)
    return rng.random((32, 6)).astype("float32"), rng.integers(0, 3, 32)


def test_round_trip_predictions(tmp_path):
    model = _model()
    x, _ = _data()
    path = tmp_path / "m.keras"
    model.save(path)
    assert sorted(zipfile.ZipFile(path).namelist()) == [
        "config.json",
        "metadata.json",
        "model.weights.h5",
    ]
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded(x)), ops.convert_to_numpy(model(x)), atol=1e-6
    )


@pytest.mark.skipif(not TRAINABLE, reason="needs training")
def test_optimizer_state_survives_and_training_resumes(tmp_path):
    x, y = _data()
    model = _model()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = kerasx.saving.load_model(path)
    assert int(ops.convert_to_numpy(loaded.optimizer.iterations)) == 4
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-7)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)


def _keras_subprocess(code: str) -> str:
    env = dict(os.environ)
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_file_written_by_kerasx_loads_in_keras(tmp_path, oracle):
    model = _model()
    x, _ = _data()
    path = tmp_path / "ours.keras"
    model.save(path)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "p.npy", ops.convert_to_numpy(model(x)))
    out = _keras_subprocess(f"""
        import numpy as np, keras
        m = keras.saving.load_model({str(path)!r})
        p = m.predict(np.load({str(tmp_path / "x.npy")!r}), verbose=0)
        print(float(np.abs(p - np.load({str(tmp_path / "p.npy")!r})).max()))
    """)
    assert float(out.strip().splitlines()[-1]) < 1e-5


def test_file_written_by_keras_loads_in_kerasx(tmp_path, oracle):
    path = tmp_path / "theirs.keras"
    x, _ = _data()
    np.save(tmp_path / "x.npy", x)
    _keras_subprocess(f"""
        import numpy as np, keras
        i = keras.Input((6,))
        h = keras.layers.Dense(5, activation="tanh")(i)
        h = keras.layers.Dropout(0.2)(h)
        o = keras.layers.Dense(2)(h)
        m = keras.Model(i, o)
        m.compile("sgd", "mse")
        m.save({str(path)!r})
        np.save({str(tmp_path / "p.npy")!r}, m.predict(np.load({str(tmp_path / "x.npy")!r}), verbose=0))
    """)
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), np.load(tmp_path / "p.npy"), atol=1e-5)


def test_weights_file_round_trip(tmp_path):
    a, b = _model(), _model()
    for v in b.weights:
        v.assign(np.zeros(v.shape, "float32"))
    a.save_weights(tmp_path / "w.weights.h5")
    b.load_weights(tmp_path / "w.weights.h5")
    for va, vb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(va.numpy(), vb.numpy())


def test_corrupt_and_truncated_files_raise_load_error(tmp_path):
    good = tmp_path / "good.keras"
    _model().save(good)
    data = good.read_bytes()
    bad = tmp_path / "truncated.keras"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(kerasx.saving.LoadError, match="truncated.keras"):
        kerasx.saving.load_model(bad)
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(kerasx.saving.LoadError, match="junk.keras"):
        kerasx.saving.load_model(junk)


def test_zip_member_with_parent_path_is_refused(tmp_path):
    good = tmp_path / "good.keras"
    _model().save(good)
    evil = tmp_path / "evil.keras"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("../escape.txt", "x")
    with pytest.raises(kerasx.saving.LoadError, match="unsafe path"):
        kerasx.saving.load_model(evil)


def test_unregistered_class_in_config_fails_closed(tmp_path):
    good = tmp_path / "good.keras"
    _model().save(good)
    evil = tmp_path / "evil.keras"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "config.json":
                data = data.replace(b'"class_name": "Dense"', b'"class_name": "Popen"').replace(
                    b'"module": "keras.layers"', b'"module": "subprocess"'
                )
            dst.writestr(info, data)
    before = set(sys.modules)
    with pytest.raises((ValueError, TypeError), match="Popen"):
        kerasx.saving.load_model(evil)
    assert "subprocess" in before or "subprocess" not in sys.modules


def test_killed_save_leaves_previous_file_intact(tmp_path):
    path = tmp_path / "m.keras"
    _model().save(path)
    before = path.read_bytes()
    code = textwrap.dedent(f"""
        import os, signal, kerasx
        from kerasx.saving import saving_lib
        i = kerasx.Input((6,)); m = kerasx.Model(i, kerasx.layers.Dense(300)(kerasx.layers.Dense(300)(i)))
        real = saving_lib.save_weights_to_h5
        def slow(model, target):
            real(model, target)
            os.kill(os.getpid(), signal.SIGKILL)  # die after writing part of the archive
        saving_lib.save_weights_to_h5 = slow
        m.save({str(path)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    kerasx.saving.load_model(path)
