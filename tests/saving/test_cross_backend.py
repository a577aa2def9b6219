"""Cross-backend portability: train+save on one backend, load+resume on every other.

Three subprocesses (jax, torch, tensorflow) each train a small model a few steps, save
``.keras`` plus its predictions, then continue one more epoch in memory and record the
weights.  Three more subprocesses each load the *other two* backends' files: predictions
must match (atol 1e-6) and one more epoch there must match the original backend's own
continuation (atol 1e-5), i.e. optimizer state moved with the file.

The test drives its own backends in subprocesses, so it runs once (in the jax run of the
suite) rather than once per ``KERASX_BACKEND``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest
from tests.conftest import BACKEND

TRAINABLE_BACKENDS = [
    b
    for b, mod in (("jax", "jax"), ("torch", "torch"), ("tensorflow", "tensorflow"))
    if importlib.util.find_spec(mod)
]

_COMMON = """
import json, sys
import numpy as np
import kerasx
d = sys.argv[1]
rng = np.random.default_rng(0)
x = rng.normal(size=(32, 4)).astype("float32")
y = rng.normal(size=(32, 2)).astype("float32")
"""

_TRAIN = (
    _COMMON
    + """
kerasx.utils.set_random_seed(3)
i = kerasx.Input((4,))
h = kerasx.layers.Dense(8, activation="tanh")(i)
h = kerasx.layers.BatchNormalization()(h)
m = kerasx.Model(i, kerasx.layers.Dense(2)(h))
m.compile(kerasx.optimizers.Adam(0.01), "mse")
m.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
b = kerasx.config.backend()
m.save(f"{d}/{b}.keras")
np.save(f"{d}/{b}_pred.npy", m.predict(x, verbose=0))
m.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
np.savez(f"{d}/{b}_cont.npz", *[w.numpy() for w in m.weights])
"""
)

_CHECK = (
    _COMMON
    + """
out = {}
for src in sys.argv[2:]:
    m = kerasx.saving.load_model(f"{d}/{src}.keras")
    pred = float(np.abs(m.predict(x, verbose=0) - np.load(f"{d}/{src}_pred.npy")).max())
    m.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    ref = np.load(f"{d}/{src}_cont.npz")
    cont = max(
        float(np.abs(w.numpy() - ref[f"arr_{k}"]).max()) for k, w in enumerate(m.weights)
    )
    out[src] = {"pred": pred, "cont": cont, "iterations": int(m.optimizer.iterations.numpy())}
print("RESULT " + json.dumps(out))
"""
)


def _run_all(commands: list[tuple[str, list[str]]]) -> list[str]:
    """Run ``(backend, argv)`` subprocesses concurrently; return their stdouts."""
    procs = []
    for backend, argv in commands:
        env = dict(os.environ, KERASX_BACKEND=backend, OMP_WAIT_POLICY="PASSIVE")
        env.pop("KERAS_BACKEND", None)
        procs.append(
            subprocess.Popen(
                [sys.executable, *argv],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outs = []
    for (backend, _), proc in zip(commands, procs):
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{backend} subprocess failed:\n{stderr[-3000:]}"
        outs.append(stdout)
    return outs


@pytest.mark.skipif(BACKEND != "jax", reason="drives its own backends; runs in the jax run")
def test_every_backend_pair_predicts_and_resumes_identically(tmp_path):
    assert len(TRAINABLE_BACKENDS) >= 2, "needs at least two trainable backends installed"
    d = str(tmp_path)
    train = textwrap.dedent(_TRAIN)
    _run_all([(b, ["-c", train, d]) for b in TRAINABLE_BACKENDS])
    check = textwrap.dedent(_CHECK)
    outs = _run_all(
        [
            (b, ["-c", check, d, *[s for s in TRAINABLE_BACKENDS if s != b]])
            for b in TRAINABLE_BACKENDS
        ]
    )
    for dst, stdout in zip(TRAINABLE_BACKENDS, outs):
        line = [ln for ln in stdout.splitlines() if ln.startswith("RESULT ")][-1]
        for src, r in json.loads(line[len("RESULT ") :]).items():
            assert r["pred"] <= 1e-6, f"{src} -> {dst}: predictions differ by {r['pred']}"
            assert r["cont"] <= 1e-5, f"{src} -> {dst}: resumed training differs by {r['cont']}"
            assert r["iterations"] == 12, f"{src} -> {dst}: optimizer step count not restored"
