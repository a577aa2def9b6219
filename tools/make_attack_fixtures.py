"""Write the hostile model files that tests/saving/test_security.py must refuse.

Run from the repository root (no deep-learning framework is needed, only numpy and h5py):

    .venv/bin/python tools/make_attack_fixtures.py            # -> tests/fixtures/attacks/

Each fixture is a small, otherwise valid Keras 3 file (a Functional model ``Input(3) ->
Dense(2, name="dense")``) with exactly one attack planted in it, so a test failing on
a fixture points at one missing defence.  Payloads that would run if a loader obeyed
them only ``touch`` :data:`MARKER`, and the modules they name are ones kerasx never
imports itself (``smtplib``, ``webbrowser``...), so tests can check ``sys.modules``.
"""

from __future__ import annotations

import base64
import io
import json
import os
import pickle
import sys
import zipfile
from collections.abc import Callable
from typing import Any

import h5py
import numpy as np

MARKER = "/tmp/kerasx_attack_marker"
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "attacks")
KERNEL = np.arange(6, dtype="float32").reshape(3, 2) / 10
BIAS = np.array([0.5, -0.5], dtype="float32")


def _dense(**overrides: Any) -> dict[str, Any]:
    config = {
        "name": "dense",
        "trainable": True,
        "dtype": {
            "module": "keras",
            "class_name": "DTypePolicy",
            "config": {"name": "float32"},
            "registered_name": None,
        },
        "units": 2,
        "activation": "linear",
        "use_bias": True,
        "kernel_initializer": {
            "module": "keras.initializers",
            "class_name": "Zeros",
            "config": {},
            "registered_name": None,
        },
        "bias_initializer": {
            "module": "keras.initializers",
            "class_name": "Zeros",
            "config": {},
            "registered_name": None,
        },
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
    }
    config.update(overrides)
    return {"module": "keras.layers", "class_name": "Dense", "config": config}


def _node(layer: dict[str, Any], name: str = "dense") -> dict[str, Any]:
    """Wire ``layer`` after the input layer as a Functional layer entry."""
    tensor = {
        "class_name": "__keras_tensor__",
        "config": {"shape": [None, 3], "dtype": "float32", "keras_history": ["input_layer", 0, 0]},
    }
    out = dict(layer)
    out.update(
        {
            "registered_name": None,
            "build_config": {"input_shape": [None, 3]},
            "name": name,
            "inbound_nodes": [{"args": [tensor], "kwargs": {}}],
        }
    )
    return out


def base_config(layer: dict[str, Any] | None = None, name: str = "dense") -> dict[str, Any]:
    """The valid model config every attack starts from."""
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {
            "name": "base",
            "trainable": True,
            "layers": [
                {
                    "module": "keras.layers",
                    "class_name": "InputLayer",
                    "config": {
                        "batch_shape": [None, 3],
                        "dtype": "float32",
                        "sparse": False,
                        "ragged": False,
                        "name": "input_layer",
                        "optional": False,
                    },
                    "registered_name": None,
                    "name": "input_layer",
                    "inbound_nodes": [],
                },
                _node(layer or _dense(), name),
            ],
            "input_layers": ["input_layer", 0, 0],
            "output_layers": [name, 0, 0],
        },
        "registered_name": None,
        "build_config": {"input_shape": [None, 3]},
    }


def weights_h5(plant: Callable[[h5py.File], None] | None = None) -> bytes:
    """Keras 3 layout of the base model's weights; ``plant`` edits it before closing."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("vars")
        f.create_group("layers/input_layer/vars")
        g = f.create_group("layers/dense/vars")
        g.create_dataset("0", data=KERNEL)
        g.create_dataset("1", data=BIAS)
        if plant is not None:
            plant(f)
    return buf.getvalue()


class _Zip(zipfile.ZipFile):
    """ZipFile whose string-named members get a fixed timestamp (reproducible fixtures)."""

    def writestr(self, info: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(info, str):
            info = zipfile.ZipInfo(info, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
        super().writestr(info, data, *args, **kwargs)


def archive(
    path: str,
    config: Any = None,
    weights: bytes | None = None,
    extra: list[tuple[zipfile.ZipInfo | str, bytes]] = (),
    metadata: dict[str, Any] | None = None,
    raw_config: bytes | None = None,
) -> None:
    """A .keras zip; ``extra`` members are appended verbatim (hostile names included)."""
    meta = {"keras_version": "3.15.1", "date_saved": "2025-01-01@00:00:00"}
    meta.update(metadata or {})
    with _Zip(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps(meta))
        zf.writestr(
            "config.json",
            raw_config if raw_config is not None else json.dumps(config or base_config()),
        )
        zf.writestr("model.weights.h5", weights if weights is not None else weights_h5())
        for info, data in extra:
            zf.writestr(info, data)


class _Payload:
    """Pickles to ``os.system("touch MARKER")``: the classic pickle attack."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {MARKER}",))


def _lambda_config(source: str, **extra: Any) -> dict[str, Any]:
    code = compile(source, "<attack>", "eval").co_consts[0]
    config = {
        "name": "lambda",
        "trainable": True,
        "dtype": "float32",
        "function": {
            "class_name": "__lambda__",
            "config": {
                "code": base64.encodebytes(__import__("marshal").dumps(code)).decode("ascii"),
                "defaults": None,
                "closure": None,
            },
        },
        "arguments": {},
    }
    config.update(extra)
    return {"module": "keras.layers", "class_name": "Lambda", "config": config}


def _with_layer(layer: dict[str, Any]) -> dict[str, Any]:
    return base_config(layer)


def _symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.external_attr = (0o120777 << 16) | 0x20  # S_IFLNK | rwx
    return info


def keras_fixtures() -> dict[str, Callable[[str], None]]:
    """name -> writer for every hostile .keras archive."""
    evil_lambda = f"lambda x: (__import__('pathlib').Path({MARKER!r}).touch(), x)[1]"
    pickle_b64 = base64.b64encode(pickle.dumps(_Payload())).decode("ascii")
    fixtures: dict[str, Callable[[str], None]] = {
        "valid_base.keras": lambda p: archive(p),
        "class_os_system.keras": lambda p: archive(
            p,
            _with_layer(
                {"module": "os", "class_name": "system", "config": {"command": f"touch {MARKER}"}}
            ),
        ),
        "class_subprocess_popen.keras": lambda p: archive(
            p,
            _with_layer(
                {
                    "module": "subprocess",
                    "class_name": "Popen",
                    "config": {"args": ["touch", MARKER]},
                }
            ),
        ),
        "class_smtplib.keras": lambda p: archive(
            p,
            _with_layer(
                {
                    "module": "smtplib",
                    "class_name": "SMTP",
                    "config": {"host": "127.0.0.1", "port": 9},
                    "registered_name": "smtplib.SMTP",
                }
            ),
        ),
        "class_builtins_eval.keras": lambda p: archive(
            p,
            _with_layer(
                {
                    "module": "builtins",
                    "class_name": "eval",
                    "config": {"source": f"open({MARKER!r}, 'w')"},
                }
            ),
        ),
        "activation_builtins_function.keras": lambda p: archive(
            p,
            _with_layer(
                _dense(
                    activation={
                        "module": "builtins",
                        "class_name": "function",
                        "config": "exec",
                        "registered_name": "function",
                    }
                )
            ),
        ),
        "activation_dotted_name.keras": lambda p: archive(
            p, _with_layer(_dense(activation="webbrowser.open"))
        ),
        "activation_keras_utils_get_file.keras": lambda p: archive(
            p,
            _with_layer(
                _dense(
                    activation={
                        "module": "keras.utils",
                        "class_name": "get_file",
                        "config": {"origin": "http://127.0.0.1:9/evil", "fname": "evil"},
                        "registered_name": None,
                    }
                )
            ),
        ),
        "initializer_callbacks_csvlogger.keras": lambda p: archive(
            p,
            _with_layer(
                _dense(
                    kernel_initializer={
                        "module": "keras.callbacks",
                        "class_name": "CSVLogger",
                        "config": {"filename": MARKER},
                        "registered_name": None,
                    }
                )
            ),
        ),
        "loss_os_system.keras": lambda p: archive(
            p,
            dict(
                base_config(),
                compile_config={
                    "optimizer": "sgd",
                    "loss": {
                        "module": "os",
                        "class_name": "function",
                        "config": "system",
                        "registered_name": "function",
                    },
                    "metrics": None,
                    "loss_weights": None,
                    "weighted_metrics": None,
                    "run_eagerly": False,
                    "steps_per_execution": 1,
                    "jit_compile": False,
                },
            ),
        ),
        "lambda_bytecode.keras": lambda p: archive(
            p, base_config(_lambda_config(evil_lambda), "lambda"), weights=_lambda_weights()
        ),
        "lambda_safe_mode_false.keras": lambda p: archive(
            p,
            dict(
                base_config(_lambda_config(evil_lambda, safe_mode=False), "lambda"),
                safe_mode=False,
            ),
            weights=_lambda_weights(),
            metadata={"safe_mode": False},
        ),
        "pickle_reduce_payload.keras": lambda p: archive(
            p,
            _with_layer(
                _dense(
                    kernel_initializer={
                        "module": "keras.initializers",
                        "class_name": "Constant",
                        "config": {
                            "value": {
                                "class_name": "__pickle__",
                                "config": {"value": pickle_b64},
                                "__reduce__": ["os.system", [f"touch {MARKER}"]],
                            }
                        },
                        "registered_name": None,
                    }
                )
            ),
        ),
        "numpy_object_dtype.keras": lambda p: archive(
            p,
            _with_layer(
                _dense(
                    kernel_initializer={
                        "module": "keras.initializers",
                        "class_name": "Constant",
                        "config": {
                            "value": {
                                "class_name": "__numpy__",
                                "config": {"value": [pickle_b64], "dtype": "object"},
                            }
                        },
                        "registered_name": None,
                    }
                )
            ),
        ),
        "vocabulary_etc_passwd.keras": lambda p: archive(
            p,
            _with_layer(
                {
                    "module": "keras.layers",
                    "class_name": "StringLookup",
                    "config": {"name": "dense", "vocabulary": "/etc/passwd"},
                }
            ),
            extra=[("assets/layers/dense/vocabulary.txt", b"a\nb\n")],
        ),
        "config_path_kwarg.keras": lambda p: archive(
            p, _with_layer(_dense(filepath="/etc/passwd", vocabulary="/etc/passwd"))
        ),
        "zip_dotdot.keras": lambda p: archive(p, extra=[("assets/../../escape.txt", b"x")]),
        "zip_absolute.keras": lambda p: archive(p, extra=[("/tmp/kerasx_abs.txt", b"x")]),
        "zip_symlink.keras": lambda p: archive(
            p, extra=[(_symlink_info("assets/pw"), b"/etc/passwd")]
        ),
        "zip_bomb.keras": _zip_bomb,
        "h5_external_link.keras": lambda p: archive(p, weights=weights_h5(_plant_external_link)),
        "truncated.keras": _truncated,
        "empty.keras": lambda p: open(p, "wb").close(),
        "not_a_zip.keras": lambda p: _write(p, b"PK\x03\x04 this is not really a zip archive"),
        "config_not_json.keras": lambda p: archive(p, raw_config=b'{"class_name": "Functional", '),
        "config_deeply_nested.keras": lambda p: archive(p, raw_config=b"[" * 5000 + b"]" * 5000),
        "config_not_a_model.keras": lambda p: archive(p, raw_config=b'["not", "a", "model"]'),
        "missing_weights.keras": _missing_weights,
        "weights_corrupt.keras": lambda p: archive(p, weights=_corrupt(weights_h5())),
    }
    return fixtures


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


def _lambda_weights() -> bytes:
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("vars")
        f.create_group("layers/input_layer/vars")
        f.create_group("layers/lambda/vars")
    return buf.getvalue()


def _zip_bomb(path: str) -> None:
    """80 MiB of zeros deflated to ~80 KiB in the weights member."""
    with _Zip(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("metadata.json", "{}")
        zf.writestr("config.json", json.dumps(base_config()))
        zf.writestr("model.weights.h5", bytes(80 * 1024 * 1024))


def _truncated(path: str) -> None:
    buf = io.BytesIO()
    with _Zip(buf, "w") as zf:
        zf.writestr("config.json", json.dumps(base_config()))
        zf.writestr("model.weights.h5", weights_h5())
    data = buf.getvalue()
    _write(path, data[: len(data) * 2 // 3])


def _missing_weights(path: str) -> None:
    with _Zip(path, "w") as zf:
        zf.writestr("config.json", json.dumps(base_config()))


def _corrupt(data: bytes) -> bytes:
    out = bytearray(data)
    for i in range(0, min(len(out), 2048), 7):  # superblock and root object headers
        out[i] ^= 0x5A
    return bytes(out)


# --------------------------------------------------------------------- HDF5 attacks
def _replace(f: h5py.File, path: str) -> None:
    del f[path]


def _plant_external_link(f: h5py.File) -> None:
    _replace(f, "layers/dense")
    f["layers/dense"] = h5py.ExternalLink("secret.weights.h5", "/layers/dense")


def _plant_soft_link(f: h5py.File) -> None:
    f.create_group("stash/vars")
    f["stash/vars"].create_dataset("0", data=KERNEL + 1)
    f["stash/vars"].create_dataset("1", data=BIAS + 1)
    _replace(f, "layers/dense/vars")
    f["layers/dense/vars"] = h5py.SoftLink("/stash/vars")


def _plant_soft_link_dataset(f: h5py.File) -> None:
    f.create_dataset("stash", data=KERNEL + 1)
    _replace(f, "layers/dense/vars/0")
    f["layers/dense/vars/0"] = h5py.SoftLink("/stash")


def _plant_external_dataset(f: h5py.File) -> None:
    _replace(f, "layers/dense/vars/0")
    f["layers/dense/vars"].create_dataset(
        "0", shape=(3, 2), dtype="float32", external=[("secret.bin", 0, 24)]
    )


def _plant_virtual_dataset(f: h5py.File) -> None:
    _replace(f, "layers/dense/vars/0")
    layout = h5py.VirtualLayout(shape=(3, 2), dtype="float32")
    layout[:] = h5py.VirtualSource("secret.weights.h5", "layers/dense/vars/0", shape=(3, 2))
    f["layers/dense/vars"].create_virtual_dataset("0", layout)


def _plant_unallocated(f: h5py.File) -> None:
    """Declares a (3, 2) kernel but stores no data: HDF5 would return fill values."""
    _replace(f, "layers/dense/vars/0")
    f["layers/dense/vars"].create_dataset("0", shape=(3, 2), dtype="float32")


def _plant_missing_chunks(f: h5py.File) -> None:
    """Chunked and compressed, only one of three chunks written."""
    _replace(f, "layers/dense/vars/0")
    ds = f["layers/dense/vars"].create_dataset(
        "0", shape=(3, 2), dtype="float32", chunks=(1, 2), compression="gzip"
    )
    ds[0] = KERNEL[0]


def _plant_unknown_filter(f: h5py.File) -> None:
    """A filter id HDF5 would try to load from its plugin path."""
    _replace(f, "layers/dense/vars/0")
    f["layers/dense/vars"].create_dataset(
        "0", data=KERNEL, chunks=(3, 2), compression=31999, allow_unknown_filter=True
    )


def _plant_object_dtype(f: h5py.File) -> None:
    _replace(f, "layers/dense/vars/1")
    f["layers/dense/vars"].create_dataset(
        "1", data=np.array([b"a", b"b"], dtype=object), dtype=h5py.string_dtype()
    )


def h5_fixtures() -> dict[str, Callable[[str], None]]:
    """name -> writer for every hostile .weights.h5 (plus the targets they point to)."""
    out: dict[str, Callable[[str], None]] = {
        "valid_base.weights.h5": lambda p: _write(p, weights_h5()),
        "secret.weights.h5": lambda p: _write(p, _secret()),
        "secret.bin": lambda p: _write(p, (KERNEL + 2).tobytes()),
        "truncated.weights.h5": lambda p: _write(p, weights_h5()[:1500]),
        "corrupt.weights.h5": lambda p: _write(p, _corrupt(weights_h5())),
        "not_hdf5.weights.h5": lambda p: _write(p, b"\x89HDF\r\n\x1a\n but nothing else"),
    }
    for name, plant in {
        "external_link": _plant_external_link,
        "soft_link": _plant_soft_link,
        "soft_link_dataset": _plant_soft_link_dataset,
        "external_dataset": _plant_external_dataset,
        "virtual_dataset": _plant_virtual_dataset,
        "declared_shape_unallocated": _plant_unallocated,
        "declared_shape_missing_chunks": _plant_missing_chunks,
        "unknown_filter": _plant_unknown_filter,
        "object_dtype": _plant_object_dtype,
    }.items():
        out[f"{name}.weights.h5"] = lambda p, plant=plant: _write(p, weights_h5(plant))
    return out


def _secret() -> bytes:
    """A valid weights file: if a link into it were followed, the load would succeed."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        g = f.create_group("layers/dense/vars")
        g.create_dataset("0", data=KERNEL + 2)
        g.create_dataset("1", data=BIAS + 2)
    return buf.getvalue()


def write_all(out_dir: str = OUT) -> list[str]:
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name, make in {**keras_fixtures(), **h5_fixtures()}.items():
        path = os.path.join(out_dir, name)
        make(path)
        written.append(name)
    return written


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else OUT
    names = write_all(target)
    print(f"wrote {len(names)} fixtures to {os.path.normpath(target)}")
