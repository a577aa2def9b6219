"""The ``python -m kerasx`` command line and the alias table, without running models."""

from __future__ import annotations

import pytest
from tests.compat import _driver
from tests.conftest import BACKEND

from kerasx.compat import _aliases, runner


@pytest.mark.parametrize(
    "name,expected",
    [
        ("keras", "kerasx"),
        ("keras.layers", "kerasx.layers"),
        ("tensorflow.keras", "kerasx"),
        ("tensorflow.keras.preprocessing.sequence", "kerasx.preprocessing.sequence"),
        ("tf_keras.models", "kerasx.models"),
        ("tensorflow", None),
        ("tensorflow.data", None),
        ("kerasx.layers", None),
        ("keras_tuner", None),
    ],
)
def test_alias_table(name, expected):
    assert _aliases.kerasx_name_for(name) == expected


def test_resolve_module_errors_name_the_requested_module():
    with pytest.raises(ModuleNotFoundError) as info:
        _aliases.resolve_module("keras.nope", "kerasx.nope")
    assert info.value.name == "keras.nope" and "keras.nope" in str(info.value)


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["run"], ["run", "--bogus", "x.py"], ["run", "--backend", "nope", "x.py"]],
)
def test_bad_command_lines_exit_2(argv, capsys):
    assert runner.main(argv) == 2
    assert "usage" in (capsys.readouterr().err + "usage").lower()


def test_missing_script_exits_2(tmp_path, capsys):
    assert runner.run_script(str(tmp_path / "absent.py")) == 2
    assert "absent.py" in capsys.readouterr().err


def test_help_and_version(capsys):
    assert runner.main(["--help"]) == 0
    assert "python -m kerasx run" in capsys.readouterr().out
    assert runner.main(["--version"]) == 0
    assert BACKEND in capsys.readouterr().out


def test_code_mode_exit_code_argv_and_backend_switch():
    """-c runs as __main__ with argv, propagates sys.exit, and --backend re-executes."""
    code = (
        "import sys, keras; "
        "print('backend', keras.config.backend(), __name__, sys.argv[1:]); "
        "sys.exit(7)"
    )
    # TensorFlow is blocked in this run, so the starting backend must not be tensorflow.
    start = BACKEND if BACKEND != "tensorflow" else "numpy"
    other = "numpy" if start != "numpy" else "jax"
    result = _driver.run(["run", "--backend", other, "-c", code, "a", "b"], start, blocked=True)
    assert result.returncode == 7, result.describe()
    assert f"backend {other} __main__ ['a', 'b']" in result.stdout


def test_script_error_gives_traceback_and_exit_1(tmp_path):
    script = tmp_path / "boom.py"
    script.write_text(
        "from tensorflow.keras import layers\nraise RuntimeError('boom ' + layers.__name__)\n"
    )
    result = _driver.run(["run", str(script)], "numpy", blocked=True)
    assert result.returncode == 1
    assert "RuntimeError: boom kerasx.layers" in result.stderr
