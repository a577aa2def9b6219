"""Write TensorBoard event files without TensorFlow.

An event file is a sequence of TFRecords, each holding one serialized ``Event`` protobuf.
The messages needed here are small, so they are encoded by hand:

* ``Event``: wall_time (1, double), step (2, int64), file_version (3, string),
  summary (5, Summary).
* ``Summary``: value (1, repeated Value).
* ``Summary.Value``: tag (1, string), simple_value (2, float), histo (5, HistogramProto).
* ``HistogramProto``: min, max, num, sum, sum_squares (1-5, double),
  bucket_limit (6, packed double), bucket (7, packed double).

A TFRecord is ``uint64 length | uint32 masked_crc32c(length) | data | uint32
masked_crc32c(data)``, little-endian, where the CRC is CRC-32C (Castagnoli).
"""

from __future__ import annotations

import os
import socket
import struct
import time
from typing import Any

import numpy as np

# ------------------------------------------------------------------- CRC-32C


def _make_crc_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _make_crc_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (reflected polynomial 0x82F63B78), as used by TFRecord."""
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data: bytes) -> bytes:
    """Frame one record."""
    header = struct.pack("<Q", len(data))
    return (
        header
        + struct.pack("<I", masked_crc32c(header))
        + data
        + struct.pack("<I", masked_crc32c(data))
    )


# ------------------------------------------------------------------ protobuf


def _varint(value: int) -> bytes:
    value &= 0xFFFFFFFFFFFFFFFF  # int64 two's complement for negatives
    out = bytearray()
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return _varint((field << 3) | wire_type)


def _double(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", float(value))


def _float(field: int, value: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", float(value))


def _int(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(int(value))


def _bytes(field: int, value: bytes) -> bytes:
    return _key(field, 2) + _varint(len(value)) + value


def _packed_doubles(field: int, values: Any) -> bytes:
    arr = np.asarray(values, dtype="<f8")
    return _bytes(field, arr.tobytes())


def scalar_value(tag: str, value: float) -> bytes:
    """A ``Summary.Value`` with ``simple_value``."""
    return _bytes(1, tag.encode("utf-8")) + _float(2, value)


def histogram_proto(values: Any, bins: int = 30) -> bytes:
    """A ``HistogramProto`` of ``values`` with ``bins`` equal-width buckets.

    ``bucket_limit[i]`` is the right edge of bucket ``i``; the first bucket starts at min.
    """
    arr = np.asarray(values, dtype="float64").reshape(-1)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        lo = hi = 0.0
        limits, counts = np.array([0.0]), np.array([0.0])
    else:
        lo, hi = float(arr.min()), float(arr.max())
        if lo == hi:
            limits, counts = np.array([hi]), np.array([float(arr.size)])
        else:
            counts, edges = np.histogram(arr, bins=bins, range=(lo, hi))
            limits = edges[1:]
    return (
        _double(1, lo)
        + _double(2, hi)
        + _double(3, float(arr.size))
        + _double(4, float(arr.sum()))
        + _double(5, float(np.square(arr).sum()))
        + _packed_doubles(6, limits)
        + _packed_doubles(7, np.asarray(counts, dtype="float64"))
    )


def histogram_value(tag: str, values: Any) -> bytes:
    """A ``Summary.Value`` with ``histo``."""
    return _bytes(1, tag.encode("utf-8")) + _bytes(5, histogram_proto(values))


def event(
    step: int,
    summary_values: list[bytes] | None = None,
    wall_time: float | None = None,
    file_version: str | None = None,
) -> bytes:
    """A serialized ``Event``."""
    out = _double(1, time.time() if wall_time is None else wall_time) + _int(2, step)
    if file_version is not None:
        out += _bytes(3, file_version.encode("utf-8"))
    if summary_values:
        out += _bytes(5, b"".join(_bytes(1, v) for v in summary_values))
    return out


# -------------------------------------------------------------------- writer


class EventFileWriter:
    """Append-only writer of one ``events.out.tfevents.*`` file in ``logdir``.

    The file is created on the first write; ``flush`` makes records visible to readers.
    """

    _counter = 0

    def __init__(self, logdir: str) -> None:
        self.logdir = logdir
        self._file: Any = None
        self.path: str | None = None

    def _open(self) -> None:
        os.makedirs(self.logdir, exist_ok=True)
        EventFileWriter._counter += 1
        name = (
            f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
            f"{os.getpid()}.{EventFileWriter._counter}.v2"
        )
        self.path = os.path.join(self.logdir, name)
        self._file = open(self.path, "ab")  # noqa: SIM115
        self._file.write(tfrecord(event(0, file_version="brain.Event:2")))

    def write_values(self, step: int, values: list[bytes]) -> None:
        if not values:
            return
        if self._file is None:
            self._open()
        self._file.write(tfrecord(event(step, values)))

    def scalar(self, tag: str, value: float, step: int) -> None:
        self.write_values(step, [scalar_value(tag, value)])

    def histogram(self, tag: str, values: Any, step: int) -> None:
        self.write_values(step, [histogram_value(tag, values)])

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
