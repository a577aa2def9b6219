"""Fuzz harness for kerasx's model and weights loaders (hypothesis).

Starting from the valid ``.keras`` and ``.weights.h5`` files in tests/fixtures/attacks/,
it flips bits, truncates, drops/renames/swaps zip members, corrupts the embedded HDF5
file and mutates config.json as JSON (values replaced with hostile names, wrong types,
keys deleted).  The property: loading either succeeds or raises
:class:`kerasx.saving.LoadError` (kerasx's ``ValueError`` subclass), within a few
seconds.  Anything else -- another exception type, a crash, a hang -- is a bug.

``KERASX_FUZZ_EXAMPLES`` sets the number of examples per property (default 20, the
short run in the normal suite; use thousands for a real campaign).  Short runs are
derandomized so the suite is reproducible; long runs draw fresh examples.
"""

from __future__ import annotations

import io
import json
import os
import signal
import tempfile
import time
import zipfile
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kerasx
from kerasx.saving import LoadError

EXAMPLES = int(os.environ.get("KERASX_FUZZ_EXAMPLES", "20"))
TIME_LIMIT_S = float(os.environ.get("KERASX_FUZZ_TIME_LIMIT", "10"))
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "attacks")
SEED_KERAS = open(os.path.join(FIXTURES, "valid_base.keras"), "rb").read()
SEED_H5 = open(os.path.join(FIXTURES, "valid_base.weights.h5"), "rb").read()
_WORKDIR = tempfile.mkdtemp(prefix="kerasx-fuzz-")

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # timing is checked by the harness itself (SIGALRM), see _time_limit
    derandomize=EXAMPLES <= 100,
    database=None,
    suppress_health_check=list(HealthCheck),
)

INTERESTING_STRINGS = [
    "",
    "os.system",
    "subprocess.Popen",
    "builtins",
    "function",
    "__lambda__",
    "__numpy__",
    "__keras_tensor__",
    "keras.utils",
    "keras.layers",
    "Dense",
    "Functional",
    "InputLayer",
    "/etc/passwd",
    "../../x",
    "float64",
    "object",
    "dense",
    "input_layer",
]
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 64),  # no huge sizes: a config may legitimately declare big layers
        st.floats(width=32),
        st.sampled_from(INTERESTING_STRINGS),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.fixed_dictionaries(
            {
                "class_name": st.sampled_from(INTERESTING_STRINGS),
                "module": st.sampled_from(INTERESTING_STRINGS),
                "config": inner,
            }
        ),
    ),
    max_leaves=6,
)


@contextmanager
def _time_limit(seconds: float):
    """Turn a hang into a test failure instead of a stuck run."""

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"load did not finish within {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, payload in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), payload)
    return buf.getvalue()


def _flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for pos, mask in flips:
        if out:
            out[pos % len(out)] ^= mask
    return bytes(out)


def _json_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    paths = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            paths += _json_paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            paths += _json_paths(v, (*prefix, i))
    return paths


def _mutate_json(config: Any, draw: Any) -> Any:
    for _ in range(draw(st.integers(1, 3))):
        paths = _json_paths(config)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        if not path:
            config = draw(JSON_VALUES)
            continue
        parent = config
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return config


def mutate_keras(draw: Any) -> bytes:
    """One mutated ``.keras`` archive."""
    kind = draw(
        st.sampled_from(["flip", "truncate", "json", "h5", "drop", "rename", "swap", "duplicate"])
    )
    members = _members(SEED_KERAS)
    if kind == "flip":
        return _flip(
            SEED_KERAS,
            draw(
                st.lists(
                    st.tuples(st.integers(0, 1 << 20), st.integers(1, 255)), min_size=1, max_size=8
                )
            ),
        )
    if kind == "truncate":
        return SEED_KERAS[: draw(st.integers(0, len(SEED_KERAS) - 1))]
    names = [n for n, _ in members]
    if kind == "json":
        i = names.index("config.json")
        config = _mutate_json(json.loads(members[i][1]), draw)
        members[i] = ("config.json", json.dumps(config).encode())
    elif kind == "h5":
        i = names.index("model.weights.h5")
        flips = draw(
            st.lists(
                st.tuples(st.integers(0, 1 << 16), st.integers(1, 255)), min_size=1, max_size=8
            )
        )
        members[i] = (names[i], _flip(members[i][1], flips))
    elif kind == "drop":
        members.pop(draw(st.integers(0, len(members) - 1)))
    elif kind == "rename":
        i = draw(st.integers(0, len(members) - 1))
        members[i] = (
            draw(st.sampled_from(["../config.json", "/abs", "a/../b", "x", "assets/"])),
            members[i][1],
        )
    elif kind == "swap":
        a, b = draw(st.integers(0, len(members) - 1)), draw(st.integers(0, len(members) - 1))
        members[a], members[b] = (members[a][0], members[b][1]), (members[b][0], members[a][1])
    else:
        members.append(members[draw(st.integers(0, len(members) - 1))])
    return _zip(members)


def mutate_weights(draw: Any) -> bytes:
    """One mutated ``.weights.h5`` file."""
    if draw(st.booleans()):
        return SEED_H5[: draw(st.integers(0, len(SEED_H5) - 1))]
    flips = draw(
        st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(1, 255)), min_size=1, max_size=8)
    )
    return _flip(SEED_H5, flips)


def check_load_model(data: bytes) -> None:
    path = os.path.join(_WORKDIR, "fuzz.keras")
    with open(path, "wb") as f:
        f.write(data)
    start = time.monotonic()
    with _time_limit(TIME_LIMIT_S):
        try:
            kerasx.saving.load_model(path)
        except LoadError:
            pass
    assert time.monotonic() - start < TIME_LIMIT_S


def _base_model() -> Any:
    i = kerasx.Input((3,))
    return kerasx.Model(i, kerasx.layers.Dense(2, name="dense")(i))


def check_load_weights(data: bytes, model: Any) -> None:
    path = os.path.join(_WORKDIR, "fuzz.weights.h5")
    with open(path, "wb") as f:
        f.write(data)
    with _time_limit(TIME_LIMIT_S):
        try:
            model.load_weights(path)
        except LoadError:
            pass


@FUZZ_SETTINGS
@given(st.data())
def fuzz_load_model(data: Any) -> None:
    """Property: a mutated .keras file loads or raises LoadError, never anything else."""
    check_load_model(mutate_keras(data.draw))


_MODEL: list[Any] = []


@FUZZ_SETTINGS
@given(st.data())
def fuzz_load_weights(data: Any) -> None:
    """Property: a mutated .weights.h5 file loads or raises LoadError."""
    if not _MODEL:
        _MODEL.append(_base_model())
    check_load_weights(mutate_weights(data.draw), _MODEL[0])


if __name__ == "__main__":
    fuzz_load_model()
    fuzz_load_weights()
    print(f"fuzzing done: {EXAMPLES} examples per property, no unexpected error")
