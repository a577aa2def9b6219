"""Run example scripts' ``main(["--quick"])`` one after another in this one process.

Used by test_examples.py as a subprocess per backend.  One process for all examples
pays the framework import (and, on TensorFlow, the first trace of the training step)
once instead of once per script, which keeps the suite within its time budget.  Each
example's stdout is captured; the last ``RESULT key=value ...`` line is parsed.  One
JSON line per example is printed, prefixed with ``EXAMPLE-JSON`` so framework noise on
stdout cannot be mistaken for it.

Usage: ``python tests/examples/run_examples.py NAME [NAME ...]`` (names without ``.py``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
import time
import traceback
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
MARKER = "EXAMPLE-JSON "


def parse_result(stdout: str) -> dict[str, float] | None:
    """The key=value pairs of the last line that starts with ``RESULT``."""
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        return None
    pairs = (item.split("=", 1) for item in lines[-1].split()[1:])
    return {key: float(value) for key, value in pairs}


def run_one(name: str) -> dict:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES_DIR / f"{name}.py")
    captured = io.StringIO()
    record: dict = {"name": name, "error": None}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with contextlib.redirect_stdout(captured):
            module.main(["--quick"])
    except BaseException:  # noqa: BLE001 - report every failure, keep running the rest
        record["error"] = traceback.format_exc()[-4000:]
    record["wall_s"] = time.perf_counter() - wall
    record["cpu_s"] = time.process_time() - cpu
    record["stdout"] = captured.getvalue()[-2000:]
    record["result"] = parse_result(captured.getvalue())
    return record


def main(names: list[str]) -> None:
    for name in names:
        print(MARKER + json.dumps(run_one(name)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
