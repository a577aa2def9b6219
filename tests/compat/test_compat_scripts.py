"""tf.keras-style programs run unchanged through ``python -m kerasx run``.

Every script runs on the backend under test twice: with TensorFlow importable (real
TensorFlow, tf.keras -> kerasx) and with TensorFlow blocked (the stand-in).  On the
TensorFlow backend the blocked run cannot exist; instead it must fail clearly.
"""

from __future__ import annotations

import operator

import pytest
from tests.compat import _driver
from tests.conftest import BACKEND, TRAINABLE

# script -> (metric printed on its FINAL line, comparison, threshold, needs training)
SCRIPTS = {
    "import_forms": ("ok", operator.ge, 1.0, False),
    "tf_sequential_mlp": ("accuracy", operator.ge, 0.85, True),
    "functional_early_stopping": ("accuracy", operator.ge, 0.85, True),
    "subclassed_model": ("r2", operator.ge, 0.8, True),
    "keras3_style": ("accuracy", operator.ge, 0.75, True),
    "k_functions": ("mae", operator.le, 0.3, True),
    "text_lstm": ("accuracy", operator.ge, 0.7, True),
}
MODES = ["real"] if BACKEND == "tensorflow" else ["real", "blocked"]

#: Failures caused by kerasx bugs outside the compat layer (see the compat report).
KNOWN_BUGS: dict[tuple[str, str], str] = {}

CASES = [
    (name, mode)
    for name, (_, _, _, trains) in SCRIPTS.items()
    for mode in MODES
    if TRAINABLE or not trains
]


def _key(name: str, mode: str) -> str:
    return f"{name}-{mode}"


@pytest.fixture(scope="module")
def runs():
    jobs, blocked = {}, {}
    for name, mode in CASES:
        args = ["standin" if mode == "blocked" else "real"] if name == "import_forms" else []
        jobs[_key(name, mode)] = [
            "run",
            "--backend",
            BACKEND,
            str(_driver.SCRIPTS / f"{name}.py"),
            *args,
        ]
        blocked[_key(name, mode)] = mode == "blocked"
    pool = _driver.ScriptRuns(BACKEND, jobs, blocked)
    yield pool
    pool.close()


def _params():
    for name, mode in CASES:
        marks = []
        if (name, BACKEND) in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(reason=KNOWN_BUGS[(name, BACKEND)], strict=True))
        yield pytest.param(name, mode, id=_key(name, mode), marks=marks)


@pytest.mark.parametrize("name,mode", list(_params()))
def test_script_runs_unchanged(runs, name, mode):
    result = runs.get(_key(name, mode))
    assert result.returncode == 0, result.describe()
    metric, compare, threshold, _ = SCRIPTS[name]
    value = result.metric(metric)
    assert compare(value, threshold), f"{metric}={value} misses {threshold}\n{result.describe()}"


if BACKEND == "tensorflow":  # the stand-in cannot carry the TensorFlow backend itself

    def test_tensorflow_backend_without_tensorflow_fails_clearly():
        result = _driver.run(["run", "-c", "print('ran')"], "tensorflow", blocked=True)
        assert result.returncode != 0 and "ran" not in result.stdout
        assert "tensorflow" in result.stderr.lower()
