"""Every example in examples/ trains on the backend under test and clears its threshold.

The examples run with ``--quick`` in one subprocess for the whole module (see
run_examples.py for why one), with ``KERASX_BACKEND`` set to the backend under test.
Thresholds are checked against what an untrained or broken model would score: chance
accuracy, the "repeat the last value" forecast, predicting the mean rating.  Each check
is a Python expression over the example's ``RESULT`` values so a failure names itself.
One example also runs the way a user runs it (``python examples/<name>.py --quick``) to
cover the ``__main__`` entry point.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BACKEND, requires_training

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = ROOT / "examples"
RUNNER = Path(__file__).with_name("run_examples.py")
NOT_PART_OF_THE_SET = {"digits_classifier"}  # the cross-backend demo; has its own dev command

# Chance levels: 10 digits -> 0.1, odd/even -> 0.5, 3 shapes -> 0.33, 5 digits -> 0.2.
CHECKS: dict[str, list[str]] = {
    "mlp_classifier": ["accuracy > 0.85"],
    "functional_multi_io": ["digit_accuracy > 0.85", "odd_accuracy > 0.8"],
    "cnn_image_classifier": ["accuracy > 0.85"],
    "lstm_sentiment": ["accuracy > 0.85"],
    "lstm_forecasting": ["mse < 0.5 * naive_mse", "mse < 0.05"],
    "transfer_learning": [
        "frozen_base_unchanged == 1",
        "head_accuracy > 0.75",
        "accuracy > 0.8",
    ],
    "early_stopping": [
        "epochs_run < max_epochs",
        "restored_gap < 1e-4",
        "accuracy > 0.9",
    ],
    "batch_normalization": ["accuracy > 0.85", "moving_mean_error < 1.5"],
    "data_augmentation": ["accuracy > 0.7", "train_change > 0.1", "inference_change < 1e-6"],
    "dropout": ["accuracy > 0.85", "training_spread > 1e-3", "inference_spread < 1e-6"],
    "recommender": ["rmse < 0.5 * baseline_rmse"],
}


def _env() -> dict[str, str]:
    return dict(
        os.environ,
        KERASX_BACKEND=BACKEND,
        OMP_WAIT_POLICY="PASSIVE",
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    )


@pytest.fixture(scope="module")
def quick_runs() -> dict[str, dict]:
    proc = subprocess.run(
        [sys.executable, str(RUNNER), *CHECKS],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    records = {}
    for line in proc.stdout.splitlines():
        if line.startswith("EXAMPLE-JSON "):
            record = json.loads(line[len("EXAMPLE-JSON ") :])
            records[record["name"]] = record
    assert records, f"runner produced nothing (rc={proc.returncode}):\n{proc.stderr[-3000:]}"
    return records


@requires_training
@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example_clears_threshold(name: str, quick_runs: dict[str, dict]) -> None:
    record = quick_runs.get(name)
    assert record is not None, f"{name} did not run (an earlier example crashed the runner?)"
    assert record["error"] is None, f"{name} raised:\n{record['error']}\n{record['stdout']}"
    result = record["result"]
    assert result, f"{name} printed no RESULT line:\n{record['stdout']}"
    failed = [check for check in CHECKS[name] if not eval(check, {}, dict(result))]
    assert not failed, f"{name} on {BACKEND}: {failed} with {result}"


@requires_training
def test_example_runs_as_a_script() -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / "recommender.py"), "--quick", "--epochs", "3"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT rmse="), proc.stdout[-2000:]
    values = dict(item.split("=") for item in last.split()[1:])
    assert float(values["rmse"]) < float(values["baseline_rmse"])


def test_every_example_is_checked_and_listed() -> None:
    scripts = {path.stem for path in EXAMPLES_DIR.glob("*.py")} - NOT_PART_OF_THE_SET
    assert scripts == set(CHECKS)
    readme = (EXAMPLES_DIR / "README.md").read_text()
    missing = [name for name in sorted(scripts) if f"{name}.py" not in readme]
    assert not missing, f"not listed in examples/README.md: {missing}"
    for name in scripts:
        source = (EXAMPLES_DIR / f"{name}.py").read_text()
        assert "def main(argv" in source and "--quick" in source and "RESULT " in source, name
