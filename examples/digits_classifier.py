"""Main example: train a digits classifier on every installed backend, then move it.

For each backend (each in its own process, since a process uses one backend): train a
small MLP on scikit-learn's handwritten digits (shipped with scikit-learn, no network),
print test accuracy and training time, and save the model as ``.keras``.  Then every
saved model is reloaded on every other backend and its predictions are compared.

Run: ``./dev example`` (or ``python examples/digits_classifier.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

WORKER = r"""
import json, sys, time
import numpy as np
import kerasx as keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

mode, path = sys.argv[1], sys.argv[2]
digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target.astype("int32")
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0)
if mode == "train":
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.1),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
    took = time.perf_counter() - start
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    model.save(path)
    np.save(path + ".pred.npy", model.predict(x_test, verbose=0))
    print(json.dumps({"accuracy": acc, "seconds": took}))
else:
    model = keras.saving.load_model(path)
    pred = model.predict(x_test, verbose=0)
    ref = np.load(path + ".pred.npy")
    print(json.dumps({"max_abs_diff": float(np.max(np.abs(pred - ref)))}))
"""


def run(backend: str, *args: str) -> dict:
    env = dict(
        os.environ, KERASX_BACKEND=backend, OMP_WAIT_POLICY="PASSIVE", TF_CPP_MIN_LOG_LEVEL="3"
    )
    out = subprocess.run(
        [sys.executable, "-c", WORKER, *args], env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"[{backend}] failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from kerasx.backends import available

    backends = [b for b in available() if b != "numpy"]
    tmp = tempfile.mkdtemp(prefix="kerasx-digits-")
    print(f"Training on: {', '.join(backends)} (inference also on numpy)")
    saved = {}
    for b in backends:
        path = os.path.join(tmp, f"digits_{b}.keras")
        t0 = time.perf_counter()
        res = run(b, "train", path)
        saved[b] = path
        print(
            f"  {b:<11} test accuracy {res['accuracy']:.3f}   fit time {res['seconds']:.1f}s   (process {time.perf_counter() - t0:.1f}s)"
        )
    print("Reloading each saved model on every backend (max |prediction difference|):")
    for src, path in saved.items():
        cells = []
        for dst in available():
            res = run(dst, "load", path)
            cells.append(f"{dst}={res['max_abs_diff']:.1e}")
        print(f"  saved on {src:<11} -> " + "  ".join(cells))


if __name__ == "__main__":
    main()
