"""Runs tests/compat/scripts through ``python -m kerasx run`` in subprocesses.

Each run is a fresh interpreter (the hook, the backend and TensorFlow are per-process);
``block_tensorflow/`` on PYTHONPATH makes TensorFlow unimportable for the "blocked"
runs.  The runs of one pytest session start together on a small thread pool, so the
slow part (interpreter + framework start-up) overlaps.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"
BLOCKER = HERE / "block_tensorflow"
REPO = HERE.parents[1]


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str

    def metric(self, name: str) -> float:
        found = re.findall(rf"^FINAL .*\b{name}=([-0-9.eE]+)", self.stdout, flags=re.M)
        if not found:
            raise AssertionError(f"no FINAL {name}= line.\n{self.describe()}")
        return float(found[-1])

    def describe(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout[-2000:]}\n--- stderr\n{self.stderr[-4000:]}"


def environment(backend: str, blocked: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        KERASX_BACKEND=backend,
        OMP_WAIT_POLICY="PASSIVE",
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("KERAS_BACKEND", None)
    paths = [str(REPO / "src")] + ([str(BLOCKER)] if blocked else [])
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def run(argv: list[str], backend: str, blocked: bool, timeout: float = 300) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "kerasx", *argv],
        env=environment(backend, blocked),
        cwd=str(REPO),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


class ScriptRuns:
    """Starts every (script, mode) run at once; ``get`` waits for one."""

    def __init__(self, backend: str, jobs: dict[str, list[str]], blocked: dict[str, bool]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=2)
        self._futures: dict[str, Future[Result]] = {
            key: self._pool.submit(run, argv, backend, blocked[key]) for key, argv in jobs.items()
        }

    def get(self, key: str) -> Result:
        return self._futures[key].result()

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True)
