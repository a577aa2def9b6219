"""Time kerasx, Keras 3 and a hand-written native loop on one backend and workload.

Usage: python bench_one.py BACKEND WORKLOAD [STEPS] [ROUNDS]

All three run in this one process and are timed in alternation, round after round, and
each keeps its best round: on a shared machine, load that comes and goes then affects all
three alike instead of whichever happened to run at a bad moment.  Prints one JSON line:
``{"kerasx": {...}, "keras": {...}, "native": {...}}`` with samples_per_s, call_ms and
(for the two Keras APIs) predict_ms.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    backend, workload = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    os.environ["KERASX_BACKEND"] = os.environ["KERAS_BACKEND"] = backend
    import bench_api
    import bench_native
    from workloads import BATCH, data

    x, y = data(workload, BATCH * steps)
    impls = {}
    for name in ("kerasx", "keras"):
        try:
            impls[name] = bench_api.setup(name, workload, x, y)
        except ImportError as e:
            print(f"{name}: {e}", file=sys.stderr)
    impls["native"] = bench_native.setup(backend, workload, x, y)
    results: dict[str, dict[str, float]] = {name: {} for name in impls}

    def best(name: str, key: str, seconds: float) -> None:
        results[name][key] = min(results[name].get(key, float("inf")), seconds)

    one = x[:1]
    for fns in impls.values():
        for _ in range(5):  # warm-up: repeated eager calls compile after a few (jax, tf)
            fns["call"](one)
        if "predict" in fns:
            fns["predict"](x[:BATCH])
    for _ in range(rounds):  # training
        for name, fns in impls.items():
            start = time.perf_counter()
            fns["epoch"](steps)
            best(name, "fit_s", time.perf_counter() - start)
    for _ in range(5):  # batch-1 latency, in a phase of its own (steady state)
        for name, fns in impls.items():
            start = time.perf_counter()
            for _ in range(200):
                out = fns["call"](one)
            if "to_numpy" in fns:
                fns["to_numpy"](out)
            best(name, "call_ms", (time.perf_counter() - start) / 200 * 1000)
    for _ in range(rounds):
        for name, fns in impls.items():
            if "predict" in fns:
                start = time.perf_counter()
                for _ in range(5):
                    fns["predict"](x[:BATCH])
                best(name, "predict_ms", (time.perf_counter() - start) / 5 * 1000)
    for r in results.values():
        r["samples_per_s"] = BATCH * steps / r.pop("fit_s")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
