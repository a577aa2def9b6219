"""Conformance suite configuration: report how many ops the suite covers."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    try:
        from kerasx import ops

        from .helpers import BACKEND, COVERED
    except Exception as e:  # kerasx or the backend failed to import
        terminalreporter.write_line(f"conformance: coverage unavailable ({type(e).__name__}: {e})")
        return
    names = set(ops.op_names())
    covered = COVERED & names
    terminalreporter.write_line(
        f"conformance: {len(covered)} of {len(names)} ops covered on {BACKEND}"
    )
