"""TensorBoard event files, read back with tensorboard's own EventAccumulator."""

import os
import sys
import types

import numpy as np
import pytest
from cb_utils import data, fixed_weights, make_model

import kerasx
from conftest import requires_training
from kerasx.callbacks import _tfevents


def _accumulator(path):
    """EventAccumulator over ``path``, without letting tensorboard import TensorFlow."""
    sys.modules.setdefault("tensorboard.compat.notf", types.ModuleType("notf"))
    pytest.importorskip(
        "tensorboard", reason="the `tensorboard` package (event reader) is not installed"
    )
    from tensorboard.backend.event_processing import event_accumulator

    acc = event_accumulator.EventAccumulator(
        str(path), size_guidance={event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0}
    )
    acc.Reload()
    return acc


def _scalars(acc, tag):
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def test_crc32c_and_record_framing():
    assert _tfevents.crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    assert _tfevents.crc32c(b"") == 0
    record = _tfevents.tfrecord(b"abc")
    assert record[:8] == (3).to_bytes(8, "little") and record[12:15] == b"abc"
    assert len(record) == 8 + 4 + 3 + 4


def test_writer_scalars_and_histograms_round_trip(tmp_path):
    writer = _tfevents.EventFileWriter(str(tmp_path))
    values = np.random.default_rng(0).normal(size=200)
    writer.scalar("a/b", 1.25, 0)
    writer.scalar("a/b", -3.5, 7)
    writer.histogram("h", values, 2)
    writer.histogram("const", np.full(5, 2.0), 1)
    writer.close()
    acc = _accumulator(tmp_path)
    assert _scalars(acc, "a/b") == [(0, 1.25), (7, -3.5)]
    (hist,) = acc.Histograms("h")
    h = hist.histogram_value
    assert hist.step == 2 and h.num == 200 and sum(h.bucket) == 200
    np.testing.assert_allclose([h.min, h.max, h.sum], [values.min(), values.max(), values.sum()])
    np.testing.assert_allclose(h.sum_squares, np.square(values).sum())
    counts, edges = np.histogram(values, bins=30)
    np.testing.assert_allclose(h.bucket, counts)
    np.testing.assert_allclose(h.bucket_limit, edges[1:])
    (const,) = acc.Histograms("const")
    assert const.histogram_value.num == 5 and list(const.histogram_value.bucket) == [5.0]


def test_callback_hooks_write_train_and_validation_runs(tmp_path):
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.125), "mse")
    model.optimizer.build(model.trainable_variables)
    cb = kerasx.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=2)
    cb.set_model(model)
    cb.on_train_begin()
    for epoch in range(3):
        cb.on_epoch_begin(epoch)
        cb.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 2.0 + epoch})
    cb.on_train_end()
    train = _accumulator(tmp_path / "train")
    assert _scalars(train, "epoch_loss") == [(0, 1.0), (1, 0.5), (2, pytest.approx(1 / 3))]
    assert _scalars(train, "epoch_learning_rate") == [(e, 0.125) for e in range(3)]
    kernel_tag = model.layers[0].kernel.path.replace(":", "_") + "/histogram"
    assert set(train.Tags()["histograms"]) == {
        w.path.replace(":", "_") + "/histogram" for w in model.weights
    }
    assert [h.step for h in train.Histograms(kernel_tag)] == [0, 2]
    kernel = model.layers[0].kernel.numpy()
    assert train.Histograms(kernel_tag)[0].histogram_value.sum == pytest.approx(kernel.sum())
    val = _accumulator(tmp_path / "validation")
    assert _scalars(val, "epoch_loss") == [(0, 2.0), (1, 3.0), (2, 4.0)]
    assert "epoch_learning_rate" not in val.Tags()["scalars"]


def test_argument_handling(tmp_path):
    cb = kerasx.callbacks.TensorBoard(str(tmp_path), update_freq="batch")
    assert cb.update_freq == 1
    with pytest.raises(ValueError, match="profile_batch"):
        kerasx.callbacks.TensorBoard(str(tmp_path), profile_batch=-1)
    with pytest.warns(UserWarning, match="profil"):
        kerasx.callbacks.TensorBoard(str(tmp_path), profile_batch=(2, 4))


@requires_training
def test_fit_logs_readable_by_tensorboard(tmp_path):
    x, y = data()
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.05), "mse", metrics=["mae"])
    cb = kerasx.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1, update_freq=3)
    history = model.fit(
        x,
        y,
        batch_size=4,
        epochs=3,
        shuffle=False,
        verbose=0,
        validation_data=(x[:8], y[:8]),
        callbacks=[cb],
    )
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    train = _accumulator(tmp_path / "train")
    val = _accumulator(tmp_path / "validation")
    for key, values in history.history.items():
        acc, tag = (val, key[4:]) if key.startswith("val_") else (train, key)
        got = _scalars(acc, f"epoch_{tag}")
        assert [s for s, _ in got] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in got], values, rtol=1e-6)
    # 4 batches per epoch, global batch counter 1..12, written every 3rd batch.
    assert [s for s, _ in _scalars(train, "batch_loss")] == [3, 6, 9, 12]
    # Validation after each epoch, stepped by optimizer iterations.
    evaluation = _scalars(val, "evaluation_loss_vs_iterations")
    assert [s for s, _ in evaluation] == [4, 8, 12]
    np.testing.assert_allclose([v for _, v in evaluation], history.history["val_loss"], rtol=1e-6)
    kernel = model.layers[0].kernel
    hists = train.Histograms(kernel.path.replace(":", "_") + "/histogram")
    assert [h.step for h in hists] == [0, 1, 2]
    assert hists[-1].histogram_value.sum == pytest.approx(float(kernel.numpy().sum()), rel=1e-5)
