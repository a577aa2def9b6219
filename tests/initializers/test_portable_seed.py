"""The same seed gives bit-identical initial weights on every installed backend.

The backend under test computes its hash in this process; every other installed
backend runs in its own interpreter (a process holds one backend), all started at once.
The hash covers the raw bytes of several seeded initializers (and one unseeded one,
after seeding Python's ``random``).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys

import kerasx
from kerasx.backends import available

BODY = r"""
def weights_hash():
    import hashlib, random
    import numpy as np
    from kerasx import initializers, ops
    random.seed(5)
    digest = hashlib.sha256()
    cases = [
        initializers.RandomNormal(seed=1), initializers.RandomUniform(-1.0, 1.0, seed=2),
        initializers.TruncatedNormal(seed=3), initializers.GlorotUniform(seed=4),
        initializers.HeNormal(seed=5), initializers.LecunUniform(seed=6),
        initializers.VarianceScaling(distribution="untruncated_normal", seed=7),
        initializers.Orthogonal(seed=8), initializers.GlorotNormal(),
    ]
    for init in cases:
        value = np.asarray(ops.convert_to_numpy(init((17, 3, 33), dtype="float32")))
        assert value.dtype == np.float32, value.dtype
        digest.update(value.tobytes())
    return digest.hexdigest()
"""


def test_same_seed_same_weights_on_every_backend():
    backends = available()
    assert "numpy" in backends
    procs = {}
    for name in backends:
        if name == kerasx.config.backend():
            continue
        env = dict(
            os.environ,
            KERASX_BACKEND=name,
            KERAS_BACKEND=name,
            OMP_WAIT_POLICY="PASSIVE",
            TF_CPP_MIN_LOG_LEVEL="3",
        )
        code = BODY + "\nprint('HASH', weights_hash())\n"
        procs[name] = subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    namespace: dict = {}
    exec(BODY, namespace)
    state = random.getstate()
    try:
        hashes = {kerasx.config.backend(): namespace["weights_hash"]()}
    finally:
        random.setstate(state)
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"{name} failed:\n{err[-3000:]}"
        hashes[name] = [line for line in out.splitlines() if line.startswith("HASH")][-1].split()[1]
    assert len(hashes) == len(backends)
    assert len(set(hashes.values())) == 1, hashes
