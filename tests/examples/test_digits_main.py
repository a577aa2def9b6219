"""The README's main example: the digits classifier trains past an accuracy threshold on
the backend under test, and its saved file predicts identically on the NumPy backend."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from tests.conftest import BACKEND, requires_training

ROOT = Path(__file__).resolve().parents[2]


def _example():
    spec = importlib.util.spec_from_file_location(
        "digits_classifier", ROOT / "examples" / "digits_classifier.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@requires_training
@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="needs scikit-learn")
def test_digits_classifier_threshold_and_reload(tmp_path):
    example = _example()
    path = str(tmp_path / f"digits_{BACKEND}.keras")
    trained = example.run(BACKEND, "train", path)
    assert trained["accuracy"] > 0.93, trained
    reloaded = example.run("numpy", "check", path)
    assert reloaded["max_abs_diff"] < 1e-5, reloaded
