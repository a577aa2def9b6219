"""Coverage of the public op surface by the conformance suite.

Every name in ``kerasx.ops.op_names()`` must appear in some case table (or a
``@covers`` hand-written test) of this package, unless it is listed in ``EXCLUDED``
with a reason.  The count is also printed at the end of the run by ``conftest.py``.
"""

from __future__ import annotations

import importlib

from kerasx import ops

from .helpers import BACKEND, COVERED

MODULES = (
    "test_elementwise_ops",
    "test_reduction_ops",
    "test_creation_shape_ops",
    "test_indexing_products_ops",
    "test_nn_ops",
    "test_conv_ops",
    "test_math_linalg_ops",
    "test_core_ops",
    "test_gradients",
)

#: Ops deliberately left out of the suite, each with its reason.  Keep it short: an op
#: belongs here only when it cannot be checked against a NumPy reference.
EXCLUDED: dict[str, str] = {}

MIN_COVERED = 180


def covered_ops() -> set[str]:
    """Op names declared by the suite's tables (importing every test module)."""
    for name in MODULES:
        importlib.import_module(f"{__package__}.{name}")
    return COVERED & set(ops.op_names())


def test_every_public_op_is_covered():
    names = set(ops.op_names())
    missing = sorted(names - covered_ops() - set(EXCLUDED))
    assert not missing, f"ops without conformance cases: {missing}"


def test_coverage_count():
    # conftest.py prints "conformance: N ops covered on <backend>" after the run.
    assert len(covered_ops()) >= MIN_COVERED, f"only {len(covered_ops())} ops covered on {BACKEND}"


def test_exclusions_are_public_ops():
    assert set(EXCLUDED) <= set(ops.op_names())
    assert not set(EXCLUDED) & covered_ops(), "an excluded op is covered: drop it from EXCLUDED"


def test_tables_name_only_public_ops():
    unknown = sorted(covered_ops() ^ COVERED)
    assert not unknown, f"cases name ops that kerasx.ops does not export: {unknown}"
