"""Conformance suite configuration: report how many ops the suite covers."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print "conformance: N ops covered on <backend>" (also under pytest-xdist, where
    the controller process has not imported the test modules)."""
    try:
        from kerasx import ops

        from .helpers import BACKEND
        from .test_coverage import covered_ops

        covered = covered_ops()
    except Exception as e:  # kerasx or the backend failed to import
        terminalreporter.write_line(f"conformance: coverage unavailable ({type(e).__name__}: {e})")
        return
    total = len(ops.op_names())
    terminalreporter.write_line(
        f"conformance: {len(covered)} ops covered on {BACKEND} (of {total} public ops)"
    )
