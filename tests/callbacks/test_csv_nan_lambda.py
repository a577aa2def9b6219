"""CSVLogger content, TerminateOnNaN and LambdaCallback."""

import csv

import numpy as np
import pytest
from cb_utils import data, fixed_weights, make_model

import kerasx
from conftest import requires_training


def _read(path, sep=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=sep))


def test_csv_logger_columns_rows_and_append(tmp_path):
    path = str(tmp_path / "log.csv")
    cb = kerasx.callbacks.CSVLogger(path)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 0.5, "mae": 0.25})
    cb.on_epoch_end(1, {"mae": 0.125, "loss": 0.375, "val_loss": 0.75})
    cb.on_train_end()
    assert _read(path) == [
        ["epoch", "loss", "mae", "val_loss", "val_mae"],
        ["0", "0.5", "0.25", "NA", "NA"],
        ["1", "0.375", "0.125", "0.75", "NA"],
    ]
    again = kerasx.callbacks.CSVLogger(path, separator=";", append=True)
    again.on_train_begin()
    again.on_epoch_end(0, {"loss": 0.25, "mae": 0.5, "val_loss": 1.0, "val_mae": 2.0})
    again.on_train_end()
    with open(path) as f:
        lines = f.read().splitlines()
    assert lines[3] == "0;0.25;0.5;1.0;2.0"
    assert len(lines) == 4  # no second header
    fresh = kerasx.callbacks.CSVLogger(path, separator=";")
    fresh.on_train_begin()
    fresh.on_epoch_end(0, {"loss": 1.5, "val_loss": 2.5})
    fresh.on_train_end()
    assert _read(path, ";") == [["epoch", "loss", "val_loss"], ["0", "1.5", "2.5"]]


@requires_training
def test_csv_logger_in_fit_matches_history(tmp_path):
    x, y = data()
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.05), "mse", metrics=["mae"])
    path = str(tmp_path / "fit.csv")
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=3,
        verbose=0,
        validation_data=(x[:4], y[:4]),
        callbacks=[kerasx.callbacks.CSVLogger(path)],
    )
    rows = _read(path)
    assert rows[0] == ["epoch", *sorted(history.history)]
    assert len(rows[0]) == 5
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]
    for col, key in enumerate(rows[0][1:], start=1):
        np.testing.assert_allclose([float(r[col]) for r in rows[1:]], history.history[key])


def test_terminate_on_nan_hooks():
    model = make_model()
    cb = kerasx.callbacks.TerminateOnNaN()
    cb.set_model(model)
    model.stop_training = False
    cb.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    cb.on_train_batch_end(1, {"loss": float("inf")})
    assert model.stop_training
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 3"):
        kerasx.callbacks.TerminateOnNaN(raise_error=True).on_train_batch_end(3, {"loss": np.nan})


@requires_training
def test_terminate_on_nan_stops_fit():
    x, y = data()
    x = x.copy()
    x[9] = np.nan  # second batch of 8 has a NaN input -> NaN loss
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.01), "mse")
    batches = []
    probe = kerasx.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: batches.append((b, logs["loss"]))
    )
    history = model.fit(
        x,
        y,
        batch_size=4,
        epochs=5,
        shuffle=False,
        verbose=0,
        callbacks=[probe, kerasx.callbacks.TerminateOnNaN()],
    )
    assert [b for b, _ in batches] == [0, 1, 2]
    assert np.isfinite(batches[1][1]) and np.isnan(batches[2][1])
    assert len(history.history["loss"]) == 1
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.01), "mse")
    with pytest.raises(RuntimeError, match="NaN or Inf"):
        model.fit(
            x,
            y,
            batch_size=4,
            shuffle=False,
            verbose=0,
            callbacks=[kerasx.callbacks.TerminateOnNaN(raise_error=True)],
        )


def test_lambda_callback_non_training_hooks():
    model = make_model()
    model.compile("sgd", "mse")
    x, y = data(n=6)
    calls = []
    cb = kerasx.callbacks.LambdaCallback(
        on_test_begin=lambda logs: calls.append("test_begin"),
        on_test_batch_end=lambda b, logs: calls.append(("test_batch", b, sorted(logs))),
        on_predict_batch_end=lambda b, logs: calls.append(("predict_batch", b)),
        on_predict_end=lambda logs: calls.append("predict_end"),
    )
    model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[cb])
    model.predict(x, batch_size=4, verbose=0, callbacks=[cb])
    assert calls == [
        "test_begin",
        ("test_batch", 0, ["loss"]),
        ("test_batch", 1, ["loss"]),
        ("predict_batch", 0),
        ("predict_batch", 1),
        "predict_end",
    ]


@requires_training
def test_lambda_callback_training_hooks():
    x, y = data(n=8)
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.01), "mse")
    calls = []
    cb = kerasx.callbacks.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda e, logs: calls.append(("epoch_begin", e)),
        on_train_batch_begin=lambda b, logs: calls.append(("batch_begin", b)),
        on_train_batch_end=lambda b, logs: calls.append(("batch_end", b, sorted(logs))),
        on_epoch_end=lambda e, logs: calls.append(("epoch_end", e, sorted(logs))),
        on_train_end=lambda logs: calls.append(("train_end", sorted(logs))),
    )
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[cb])
    per_epoch = lambda e: [  # noqa: E731
        ("epoch_begin", e),
        ("batch_begin", 0),
        ("batch_end", 0, ["loss"]),
        ("batch_begin", 1),
        ("batch_end", 1, ["loss"]),
        ("epoch_end", e, ["loss"]),
    ]
    assert calls == ["train_begin", *per_epoch(0), *per_epoch(1), ("train_end", ["loss"])]
