"""``kerasx.ops.math``, ``kerasx.ops.linalg`` and ``kerasx.ops.image.resize``.

Decompositions whose outputs are unique only up to signs (qr, svd, eigh) are checked
through their defining properties (reconstruction, orthonormality, triangularity).
"""

from __future__ import annotations

import math

import numpy as np

from . import references as R
from .helpers import EXACT, C, L, T, d, f32, i32, params, rnd, run_case

X = rnd(3, 4)
XU = rnd(2, 5, lo=-0.95, hi=0.95)
_M = rnd(2, 3, 3, seed=7)
SPD = (_M @ np.swapaxes(_M, -1, -2) + 3 * np.eye(3)).astype(np.float32)  # batched SPD
A = rnd(3, 3, seed=8) + 2 * np.eye(3, dtype=np.float32)
NEG_DET = f32([[0.0, 2.0, 1.0], [1.0, 0.5, 0.0], [0.0, 1.0, 3.0]])
LOWER = np.tril(rnd(3, 3, seed=9)) + 3 * np.eye(3, dtype=np.float32)
BV = rnd(3, 2)
XSEQ = rnd(2, 10)

MATH = [
    C("erf", X, R.erf, tol=T),
    C("erf", i32([0, 1, -2]), R.erf, dtype="float32", tol=T, id="int"),
    C("erfc", X, lambda x: 1 - R.erf(x), tol=T),
    C("erfinv", XU, R.erfinv, tol=(1e-4, 1e-5)),
    C("rsqrt", rnd(3, 4, lo=0.1, hi=4), lambda x: 1 / np.sqrt(d(x)), tol=T),
    C("rsqrt", i32([1, 4, 16]), f32([1.0, 0.5, 0.25]), dtype="float32", tol=T, id="int"),
    C("logsumexp", X, lambda x: R.logsumexp(x, axis=1), kw={"axis": 1}, tol=T, id="axis"),
    C(
        "logsumexp",
        rnd(2, 3, 4),
        lambda x: R.logsumexp(x, (0, 2), True),
        kw={"axis": (0, 2), "keepdims": True},
        tol=T,
        id="tuple-keepdims",
    ),
    C(
        "logsumexp",
        f32([[1000.0, 1000.0], [-1000.0, -1001.0]]),
        lambda x: R.logsumexp(x, -1),
        kw={"axis": -1},
        tol=T,
        id="large",
    ),
    C(
        "logsumexp",
        f32([[-np.inf, -np.inf], [0.0, 0.0]]),
        f32([-np.inf, math.log(2.0)]),
        kw={"axis": 1},
        tol=T,
        id="all-neg-inf",
    ),
    C(
        "logsumexp",
        i32([[1, 2], [3, 4]]),
        lambda x: R.logsumexp(x),
        dtype="float32",
        tol=T,
        id="int",
    ),
    C(
        "segment_sum",
        (rnd(5, 2), i32([0, 0, 1, 3, 3])),
        lambda x, s: np.stack([d(x)[s == i].sum(0) for i in range(4)]),
        kw={"num_segments": 4},
        id="empty-segment",
    ),
    C(
        "segment_sum",
        (rnd(5, 2), i32([0, 0, 1, 3, 3])),
        lambda x, s: np.stack([d(x)[s == i].sum(0) for i in range(4)]),
        kw={"sorted": True},
        id="sorted-inferred",
    ),
    C(
        "segment_sum",
        (i32([1, 2, 3, 4]), i32([1, 0, 1, 0])),
        i32([6, 4]),
        kw={"num_segments": 2},
        id="int-unsorted",
    ),
    C(
        "segment_max",
        (rnd(5, 2), i32([0, 1, 0, 2, 1])),
        lambda x, s: np.stack([x[s == i].max(0) for i in range(3)]),
        kw={"num_segments": 3},
        tol=EXACT,
    ),
    C(
        "segment_max",
        (i32([5, -2, 7, 1]), i32([1, 1, 0, 0])),
        i32([7, 5]),
        kw={"num_segments": 2},
        id="int",
    ),
    C(
        "segment_min",
        (rnd(5, 2), i32([0, 1, 0, 2, 1])),
        lambda x, s: np.stack([x[s == i].min(0) for i in range(3)]),
        kw={"num_segments": 3},
        tol=EXACT,
    ),
    C(
        "segment_prod",
        (rnd(5, 2), i32([0, 1, 0, 2, 1])),
        lambda x, s: np.stack([d(x)[s == i].prod(0) for i in range(3)]),
        kw={"num_segments": 3},
    ),
    C(
        "segment_prod",
        (f32([2.0, 3.0]), i32([0, 0])),
        f32([6.0, 1.0]),
        kw={"num_segments": 2},
        id="empty-segment",
    ),
    C(
        "top_k",
        (f32([[1.0, 5.0, 3.0, -2.0, 4.0], [0.5, -1.0, 2.0, 7.0, 0.0]]), 2),
        (f32([[5, 4], [7, 2]]), i32([[1, 4], [3, 2]])),
        dtype=("float32", "int32"),
    ),
    C(
        "top_k",
        (f32([3.0, 1.0, 2.0]), 3),
        (f32([3, 2, 1]), i32([0, 2, 1])),
        dtype=("float32", "int32"),
        id="1d-all",
    ),
    C("top_k", (i32([[4, 9, 1]]), 1), (i32([[9]]), i32([[1]])), dtype=("int32", "int32"), id="int"),
    C(
        "in_top_k",
        (
            i32([1, 0, 4]),
            f32([[0.1, 0.5, 0.3, 0.0, 0.1], [0.1, 0.2, 0.3, 0.4, 0.0], [0.2, 0.2, 0.1, 0.1, 0.3]]),
            2,
        ),
        np.array([True, False, True]),
        dtype="bool",
    ),
    C(
        "in_top_k",
        (i32([2, 3]), f32([[0.1, 0.5, 0.3, 0.0], [0.4, 0.3, 0.2, 0.1]]), 1),
        np.array([False, False]),
        dtype="bool",
        id="k1",
    ),
    C(
        "extract_sequences",
        (XSEQ, 4, 3),
        lambda x, n, s: np.stack([x[:, i : i + n] for i in range(0, 7, s)], 1),
        tol=EXACT,
    ),
    C(
        "extract_sequences",
        (rnd(8), 3, 1),
        lambda x, n, s: np.stack([x[i : i + n] for i in range(6)]),
        tol=EXACT,
        id="1d-stride1",
    ),
    C("logdet", SPD, lambda x: np.linalg.slogdet(d(x))[1], tol=L),
]


def _orthonormal_columns(q, tol=1e-4):
    q = d(q)
    np.testing.assert_allclose(
        np.swapaxes(q, -1, -2) @ q,
        np.broadcast_to(np.eye(q.shape[-1]), q.shape[:-2] + (q.shape[-1],) * 2),
        atol=tol,
    )


def check_qr(mode, m, n):
    def check(out, x):
        q, r = out
        k = min(m, n) if mode == "reduced" else m
        assert q.shape == (*x.shape[:-2], m, k) and r.shape == (*x.shape[:-2], k, n), (
            q.shape,
            r.shape,
        )
        np.testing.assert_allclose(d(q) @ d(r), d(x), atol=1e-4)
        _orthonormal_columns(q)
        np.testing.assert_allclose(np.tril(d(r), -1), 0, atol=1e-5)

    return check


def check_svd(full):
    def check(out, x):
        u, s, vh = out
        m, n = x.shape[-2:]
        k = min(m, n)
        assert u.shape[-2:] == ((m, m) if full else (m, k)) and s.shape[-1] == k
        assert vh.shape[-2:] == ((n, n) if full else (k, n))
        np.testing.assert_allclose(
            d(s), np.linalg.svd(d(x), compute_uv=False), rtol=1e-4, atol=1e-5
        )
        recon = (d(u)[..., :, :k] * d(s)[..., None, :]) @ d(vh)[..., :k, :]
        np.testing.assert_allclose(recon, d(x), atol=1e-4)
        _orthonormal_columns(u)
        _orthonormal_columns(np.swapaxes(vh, -1, -2))

    return check


def check_eigh(out, x):
    w, v = out
    np.testing.assert_allclose(d(w), np.linalg.eigvalsh(d(x)), rtol=1e-4, atol=1e-4)
    assert np.all(np.diff(d(w), axis=-1) >= 0), "eigenvalues must be ascending"
    np.testing.assert_allclose(d(x) @ d(v), d(v) * d(w)[..., None, :], atol=1e-3)
    _orthonormal_columns(v)


TALL = rnd(4, 3, seed=11)
WIDE = rnd(2, 3, 5, seed=12)
RANK2 = f32([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]])
NV = f32([3.0, -4.0, 0.0, 1.0])
NM = rnd(3, 4, seed=13)
LINALG = [
    C("cholesky", SPD, lambda x: np.linalg.cholesky(d(x)), tol=L),
    C(
        "cholesky",
        SPD[0],
        lambda x: np.swapaxes(np.linalg.cholesky(d(x)), -1, -2),
        kw={"upper": True},
        tol=L,
        id="upper",
    ),
    C("cholesky_inverse", LOWER, lambda x: np.linalg.inv(d(x) @ d(x).T), tol=L),
    C(
        "cholesky_inverse",
        LOWER.T.copy(),
        lambda x: np.linalg.inv(d(x).T @ d(x)),
        kw={"upper": True},
        tol=L,
        id="upper",
    ),
    C("det", A, lambda x: np.linalg.det(d(x)), tol=L),
    C("det", SPD, lambda x: np.linalg.det(d(x)), tol=L, id="batched"),
    C("det", NEG_DET, lambda x: np.linalg.det(d(x)), tol=L, id="negative"),
    C("inv", A, lambda x: np.linalg.inv(d(x)), tol=L),
    C("inv", SPD, lambda x: np.linalg.inv(d(x)), tol=L, id="batched"),
    C("solve", (A, BV), lambda a, b: np.linalg.solve(d(a), d(b)), tol=L),
    C("solve", (SPD, rnd(2, 3, 1)), lambda a, b: np.linalg.solve(d(a), d(b)), tol=L, id="batched"),
    C(
        "solve_triangular",
        (LOWER, BV),
        lambda a, b: np.linalg.solve(np.tril(d(a)), d(b)),
        kw={"lower": True},
        tol=L,
        id="lower",
    ),
    C(
        "solve_triangular",
        (LOWER.T.copy(), BV),
        lambda a, b: np.linalg.solve(np.triu(d(a)), d(b)),
        tol=L,
        id="upper",
    ),
    C(
        "solve_triangular",
        (LOWER + np.triu(f32(np.ones((3, 3))), 1), BV),
        lambda a, b: np.linalg.solve(np.tril(d(a)), d(b)),
        kw={"lower": True},
        tol=L,
        id="ignores-other-triangle",
    ),
    C("slogdet", NEG_DET, lambda x: tuple(np.linalg.slogdet(d(x))), tol=L),
    C("slogdet", SPD, lambda x: tuple(np.linalg.slogdet(d(x))), tol=L, id="batched"),
    C("qr", TALL, check=check_qr("reduced", 4, 3), dtype="float32"),
    C(
        "qr",
        TALL,
        kw={"mode": "complete"},
        check=check_qr("complete", 4, 3),
        dtype="float32",
        id="complete",
    ),
    C("qr", WIDE, check=check_qr("reduced", 3, 5), dtype="float32", id="wide-batched"),
    C("svd", TALL, check=check_svd(True), dtype="float32"),
    C(
        "svd",
        WIDE,
        kw={"full_matrices": False},
        check=check_svd(False),
        dtype="float32",
        id="reduced-batched",
    ),
    C(
        "svd",
        TALL,
        lambda x: np.linalg.svd(d(x), compute_uv=False),
        kw={"compute_uv": False},
        tol=L,
        id="values-only",
    ),
    C("eigh", SPD, check=check_eigh, dtype="float32"),
    C("eigh", f32([[2.0, 1.0], [1.0, 2.0]]), check=check_eigh, dtype="float32", id="2x2"),
    C(
        "lstsq",
        (rnd(5, 3, seed=14), rnd(5, 2)),
        lambda a, b: np.linalg.lstsq(d(a), d(b), rcond=None)[0],
        tol=L,
    ),
    C(
        "lstsq",
        (rnd(5, 3, seed=14), rnd(5)),
        lambda a, b: np.linalg.lstsq(d(a), d(b), rcond=None)[0],
        tol=L,
        id="vector",
    ),
    C("pinv", TALL, lambda x: np.linalg.pinv(d(x)), tol=L),
    C("pinv", RANK2, lambda x: np.linalg.pinv(d(x)), tol=L, id="rank-deficient"),
    C("matrix_rank", RANK2, 2, dtype=None),
    C("matrix_rank", SPD, i32([3, 3]), dtype=None, id="batched"),
    C("matrix_rank", np.zeros((2, 2), np.float32), 0, dtype=None, id="zero"),
    C("norm", NV, lambda x: np.linalg.norm(d(x)), tol=L),
    C("norm", NM, lambda x: np.linalg.norm(d(x)), tol=L, id="matrix-default"),
    C("norm", rnd(2, 3, 4), lambda x: np.linalg.norm(d(x).ravel()), tol=L, id="3d-default"),
    C(
        "norm",
        NM,
        lambda x: np.linalg.norm(d(x), axis=-1, keepdims=True),
        kw={"axis": -1, "keepdims": True},
        tol=L,
        id="axis-keepdims",
    ),
    C(
        "norm",
        rnd(2, 3, 4),
        lambda x: np.linalg.norm(d(x), "fro", (1, 2)),
        kw={"ord": "fro", "axis": (1, 2)},
        tol=L,
        id="batched-fro",
    ),
    C(
        "norm",
        rnd(2, 3, 4),
        lambda x: np.linalg.norm(d(x), 2, (0, 2), keepdims=True),
        kw={"ord": 2, "axis": (0, 2), "keepdims": True},
        tol=L,
        id="spectral-keepdims",
    ),
]
for _ord in (1, np.inf, -np.inf, 0, 3):  # (ord=None/2 is the default case above)
    LINALG.append(
        C(
            "norm",
            NV,
            lambda x, o=_ord: np.linalg.norm(d(x), o),
            kw={"ord": _ord},
            tol=L,
            id=f"vector-ord={_ord}",
        )
    )
for _ord in ("nuc", 1, -1, 2, -2, np.inf):  # ("fro" is the matrix default above)
    LINALG.append(
        C(
            "norm",
            NM,
            lambda x, o=_ord: np.linalg.norm(d(x), o),
            kw={"ord": _ord},
            tol=L,
            id=f"matrix-ord={_ord}",
        )
    )

IMG = rnd(2, 4, 6, 3)
IMAGE = [
    C("resize", (IMG, (8, 12)), lambda x, s: R.resize(x, s), tol=L, id="bilinear-up"),
    C("resize", (rnd(1, 8, 6, 2), (4, 3)), lambda x, s: R.resize(x, s), tol=L, id="bilinear-down"),
    C("resize", (IMG, (6, 4)), lambda x, s: R.resize(x, s), tol=L, id="bilinear-mixed"),
    C(
        "resize",
        (IMG, (8, 9)),
        lambda x, s: R.resize(x, s, "nearest"),
        kw={"interpolation": "nearest"},
        tol=EXACT,
        id="nearest-up",
    ),
    C(
        "resize",
        (rnd(1, 8, 6, 2), (4, 2)),
        lambda x, s: R.resize(x, s, "nearest"),
        kw={"interpolation": "nearest"},
        tol=EXACT,
        id="nearest-down",
    ),
    C("resize", (IMG[0], (5, 7)), lambda x, s: R.resize(x, s), tol=L, id="unbatched"),
    C(
        "resize",
        (np.moveaxis(IMG, -1, 1).copy(), (8, 3)),
        lambda x, s: R.resize(x, s, data_format="channels_first"),
        kw={"data_format": "channels_first"},
        tol=L,
        id="channels-first",
    ),
]

ALL_CASES = MATH + LINALG + IMAGE


@params(ALL_CASES)
def test_math_linalg_image(case):
    run_case(case)


def test_reference_erfinv_inverts_erf():
    y = np.linspace(-0.99, 0.99, 11)
    np.testing.assert_allclose(R.erf(R.erfinv(y)), y, atol=1e-12)
