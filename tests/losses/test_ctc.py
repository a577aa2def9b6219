"""CTC against a brute-force NumPy reference that sums over every alignment."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import kerasx
from conftest import requires_training
from kerasx import losses, ops

RNG = np.random.default_rng(3)
LABELS = np.array([[1, 2, 2], [3, 0, 0], [2, 3, 1], [0, 0, 0]], dtype="int32")
LOGITS = RNG.normal(size=(4, 6, 4)).astype("float32")


def _collapse(path):
    merged = [k for k, _ in itertools.groupby(path)]
    return [k for k in merged if k != 0]


def _brute_force(labels, logits):
    """-log of the total probability of all paths that collapse to each label row."""
    out = []
    for target, row in zip(labels, logits.astype("float64")):
        logp = row - np.log(np.exp(row).sum(axis=-1, keepdims=True))
        wanted = [int(v) for v in target if v != 0]
        total = -np.inf
        for path in itertools.product(range(row.shape[-1]), repeat=row.shape[0]):
            if _collapse(path) == wanted:
                total = np.logaddexp(total, sum(logp[t, k] for t, k in enumerate(path)))
        out.append(-total)
    return np.array(out)


EXPECTED = _brute_force(LABELS, LOGITS)


def _np(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def test_ctc_function_matches_brute_force():
    np.testing.assert_allclose(_np(losses.ctc(LABELS, LOGITS)), EXPECTED, rtol=1e-5)


def test_ctc_class_reductions_and_weights():
    sw = np.array([0.5, 1.0, 2.0, 0.0], dtype="float32")
    np.testing.assert_allclose(_np(losses.CTC()(LABELS, LOGITS)), EXPECTED.mean(), rtol=1e-5)
    np.testing.assert_allclose(
        _np(losses.CTC(reduction="sum")(LABELS, LOGITS, sample_weight=sw)),
        (EXPECTED * sw).sum(),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        _np(losses.CTC(reduction="mean_with_sample_weight")(LABELS, LOGITS, sample_weight=sw)),
        (EXPECTED * sw).sum() / sw.sum(),
        rtol=1e-5,
    )
    np.testing.assert_allclose(_np(losses.CTC(reduction=None)(LABELS, LOGITS)), EXPECTED, rtol=1e-5)


def test_ctc_shape_errors_and_config(oracle):
    with pytest.raises(ValueError, match="y_true.shape"):
        losses.ctc(LABELS[:, :, None], LOGITS)
    with pytest.raises(ValueError, match="y_pred.shape"):
        losses.ctc(LABELS, LOGITS[:, 0])
    assert losses.CTC(name="c").get_config() == oracle.losses.CTC(name="c").get_config()


@requires_training
def test_ctc_gradient_is_finite_and_centred():
    B = kerasx._backend.B

    def total(logits):
        return ops.sum(losses.ctc(ops.convert_to_tensor(LABELS), logits))

    value, grad = B.value_and_grad(total)(ops.convert_to_tensor(LOGITS))
    grad = _np(grad)
    np.testing.assert_allclose(float(_np(value)), EXPECTED.sum(), rtol=1e-5)
    assert np.isfinite(grad).all()
    # d(-log p)/d(logits) = softmax - posterior occupancy: sums to zero over classes.
    np.testing.assert_allclose(grad.sum(axis=-1), 0.0, atol=1e-5)
