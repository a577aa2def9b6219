"""Shared test setup: quiet frameworks, an oracle Keras on a fixed backend, helpers.

The backend under test is chosen by ``KERASX_BACKEND`` (one pytest run per backend;
see README / tox.ini / .ci/run).  Real Keras 3, used as an oracle, runs on JAX (or NumPy
when JAX is absent) so it never interferes with the backend under test.
"""

from __future__ import annotations

import importlib.util
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "jax" if importlib.util.find_spec("jax") else "numpy")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasx  # noqa: E402

BACKEND = kerasx.config.backend()
TRAINABLE = BACKEND != "numpy"


@pytest.fixture
def backend_name() -> str:
    return BACKEND


@pytest.fixture
def oracle():
    """Real Keras 3 (skips the test when keras is not installed)."""
    return pytest.importorskip("keras")


requires_training = pytest.mark.skipif(not TRAINABLE, reason="the NumPy backend is inference-only")


@pytest.fixture(autouse=True)
def _seed_everything():
    np.random.seed(1234)
    yield
