"""The Keras-API side of a benchmark: kerasx or Keras 3 running the same workload.

``setup(impl, workload, x, y)`` returns the functions ``bench_one.py`` times: one epoch of
``fit``, a batch-1 ``model(x)`` and a 128-sample ``predict``.
"""

from __future__ import annotations

import importlib
from typing import Any

from workloads import BATCH, build


def setup(impl: str, workload: str, x: Any, y: Any) -> dict[str, Any]:
    keras = importlib.import_module(impl)
    model = build(keras, workload)
    model.fit(x[: BATCH * 3], y[: BATCH * 3], batch_size=BATCH, epochs=1, verbose=0)  # warm up

    def epoch(steps: int) -> None:
        model.fit(
            x[: BATCH * steps],
            y[: BATCH * steps],
            batch_size=BATCH,
            epochs=1,
            verbose=0,
            shuffle=False,
        )

    def call(xb: Any) -> Any:
        return model(xb)

    def predict(xb: Any) -> Any:
        return model.predict(xb, batch_size=BATCH, verbose=0)

    return {
        "epoch": epoch,
        "call": call,
        "predict": predict,
        "to_numpy": keras.ops.convert_to_numpy,
    }
