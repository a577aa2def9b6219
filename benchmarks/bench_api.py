"""Time one Keras-API implementation (kerasx or Keras 3) on one backend; print JSON.

Usage: python bench_api.py {kerasx|keras} WORKLOAD
The backend comes from KERASX_BACKEND / KERAS_BACKEND set by run.py.
"""

from __future__ import annotations

import importlib
import json
import sys
import time

from workloads import BATCH, REPEATS, build, data


def main() -> None:
    impl, workload = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    keras = importlib.import_module(impl)
    x, y = data(workload, BATCH * steps)
    model = build(keras, workload)
    model.fit(
        x[: BATCH * 3], y[: BATCH * 3], batch_size=BATCH, epochs=1, verbose=0
    )  # compile / warm up
    fit_s = float("inf")
    for _ in range(REPEATS):  # best of a few epochs: the machine may be shared
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
        fit_s = min(fit_s, time.perf_counter() - start)
    one = x[:1]
    for _ in range(5):  # warm-up: repeated eager calls compile after a few (jax, tensorflow)
        model(one)
    reps = 50
    start = time.perf_counter()
    for _ in range(reps):
        out = model(one)
    keras.ops.convert_to_numpy(out)
    call_ms = (time.perf_counter() - start) / reps * 1000
    model.predict(x[:BATCH], verbose=0)
    start = time.perf_counter()
    for _ in range(10):
        model.predict(x[:BATCH], batch_size=BATCH, verbose=0)
    predict_ms = (time.perf_counter() - start) / 10 * 1000
    print(
        json.dumps(
            {"samples_per_s": BATCH * steps / fit_s, "call_ms": call_ms, "predict_ms": predict_ms}
        )
    )


if __name__ == "__main__":
    main()
