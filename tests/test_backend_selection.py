"""Backend selection: env vars, config file, defaults, errors, and no foreign imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kerasx import backends

FRAMEWORKS = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow"}


def _run(
    code: str, env_updates: dict[str, str | None], home: str
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KERASX_BACKEND", "KERAS_BACKEND", "KERASX_HOME")
    }
    env["KERASX_HOME"] = home
    for k, v in env_updates.items():
        if v is not None:
            env[k] = v
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


PRINT = "import kerasx, sys; print(kerasx.backend.backend()); print(sorted(m for m in ('jax','torch','tensorflow') if m in sys.modules))"


@pytest.mark.parametrize("name", backends.available())
def test_env_var_selects_and_imports_no_other_framework(name, tmp_path):
    out = _run(PRINT, {"KERASX_BACKEND": name}, str(tmp_path))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0] == name
    loaded = eval(lines[1])  # a list literal printed above
    expected = [FRAMEWORKS[name]] if name in FRAMEWORKS else []
    assert loaded == expected, f"backend {name} imported {loaded}"
    assert not any(tmp_path.iterdir()), "importing kerasx must not write to KERASX_HOME"


def test_kerasx_backend_wins_over_keras_backend(tmp_path):
    out = _run(PRINT, {"KERASX_BACKEND": "numpy", "KERAS_BACKEND": "jax"}, str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "numpy"


def test_keras_backend_is_honoured(tmp_path):
    out = _run(PRINT, {"KERAS_BACKEND": "numpy"}, str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "numpy"


def test_config_file_selects_backend_and_settings(tmp_path):
    (tmp_path / "kerasx.json").write_text(
        json.dumps(
            {
                "backend": "numpy",
                "floatx": "float16",
                "epsilon": 1e-5,
                "image_data_format": "channels_first",
            }
        )
    )
    code = "import kerasx; c = kerasx.config; print(c.backend(), c.floatx(), c.epsilon(), c.image_data_format())"
    out = _run(code, {}, str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["numpy", "float16", "1e-05", "channels_first"]


def test_default_is_first_installed(tmp_path):
    out = _run(PRINT, {}, str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == backends.available()[0]


def test_unknown_backend_lists_valid_names(tmp_path):
    out = _run(PRINT, {"KERASX_BACKEND": "theano"}, str(tmp_path))
    assert out.returncode != 0
    assert "ValueError" in out.stderr
    for name in ("jax", "torch", "tensorflow", "numpy"):
        assert name in out.stderr.splitlines()[-1]


def test_missing_framework_names_the_extra(tmp_path):
    # Hide torch from the import system in the child process.
    code = (
        "import importlib.util, sys\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n == 'torch' else real(n, *a)\n"
        "import kerasx\n"
    )
    out = _run(code, {"KERASX_BACKEND": "torch"}, str(tmp_path))
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError") and 'pip install "kerasx[torch]"' in last


def test_spec_errors_in_process():
    with pytest.raises(ValueError, match="Valid backends are: jax, torch, tensorflow, numpy"):
        backends.spec("mxnet")


def test_import_kerasx_leaves_file_and_network_libraries_unloaded(tmp_path):
    """h5py, urllib's HTTP stack, PIL and rich load when first used, not on import."""
    code = (
        "import kerasx, sys; print(sorted(m for m in ('h5py', 'http.client', 'PIL', 'rich') "
        "if m in sys.modules))"
    )
    out = _run(code, {"KERASX_BACKEND": "numpy"}, str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    out = _run(
        "import kerasx.saving as s; print(s.LoadError.__name__, s.load_model.__name__)",
        {"KERASX_BACKEND": "numpy"},
        str(tmp_path),
    )
    assert out.stdout.split() == ["LoadError", "load_model"], out.stderr
