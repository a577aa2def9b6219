"""Saving is atomic: a process SIGKILLed while saving leaves the previous file intact.

A child process saves a ~4 MB model over the same path in a loop; the parent kills it
at a random-ish moment (several times), then checks that the file on disk still loads
with the weights of one complete save, and that the temp file the killed save left
behind is removed by the next save.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np

import kerasx
from kerasx.saving import saving_lib

_CHILD = """
import os, sys
import numpy as np
import kerasx
path = sys.argv[1]
i = kerasx.Input((400,))
m = kerasx.Model(i, kerasx.layers.Dense(400)(kerasx.layers.Dense(1000)(i)))
step = 0
while True:
    for v in m.weights:
        v.assign(np.full(v.shape, step, "float32"))
    m.save(path)
    step += 1
    sys.stdout.write(f"{step}\\n"); sys.stdout.flush()
"""


def _temps(directory: str) -> list[str]:
    return [n for n in os.listdir(directory) if n.endswith(".kerasx-tmp")]


def test_sigkill_during_save_keeps_the_previous_file(tmp_path):
    path = str(tmp_path / "big.keras")
    env = dict(os.environ, KERASX_BACKEND="numpy")
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_CHILD), path],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        saves = 0
        deadline = time.monotonic() + 120
        while saves < 3 and time.monotonic() < deadline:  # let a few saves complete
            if proc.stdout.readline():
                saves += 1
        assert saves == 3, "the saving subprocess did not get going"
        killed_mid_save = False
        for _ in range(400):  # kill while a temp file is being written
            if _temps(str(tmp_path)):
                killed_mid_save = True
                break
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    model = kerasx.saving.load_model(path)
    values = {float(np.unique(w.numpy())[0]) for w in model.weights}
    assert len(values) == 1 and all(np.unique(w.numpy()).size == 1 for w in model.weights), (
        "the file holds a mix of two saves"
    )
    assert killed_mid_save, "never caught the child in the middle of a save"
    assert _temps(str(tmp_path)), "expected the killed save's temp file"
    # The next save into the same directory removes what the dead process left.
    model.save(path)
    assert _temps(str(tmp_path)) == []
    kerasx.saving.load_model(path)


def test_failed_save_leaves_no_temp_and_keeps_old_file(tmp_path, monkeypatch):
    path = str(tmp_path / "m.keras")
    i = kerasx.Input((3,))
    model = kerasx.Model(i, kerasx.layers.Dense(2)(i))
    model.save(path)
    before = open(path, "rb").read()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(saving_lib, "save_weights_to_h5", boom)
    try:
        model.save(path)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the save should have failed")
    assert open(path, "rb").read() == before
    assert _temps(str(tmp_path)) == []


def test_live_writers_temp_files_are_not_removed(tmp_path):
    """Only temps of dead processes are cleaned: a concurrent saver keeps its file."""
    path = str(tmp_path / "m.keras")
    live = tmp_path / f".m.keras.{os.getppid()}.abc.kerasx-tmp"
    dead = tmp_path / ".m.keras.999999999.abc.kerasx-tmp"
    live.write_bytes(b"x")
    dead.write_bytes(b"x")
    i = kerasx.Input((3,))
    kerasx.Model(i, kerasx.layers.Dense(2)(i)).save(path)
    assert live.exists() and not dead.exists()
