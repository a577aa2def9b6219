"""EarlyStopping against Keras 3 on scripted metric sequences, and inside ``fit``."""

import numpy as np
import pytest
from cb_utils import StubModel, data, fixed_weights, make_model

import kerasx
from conftest import requires_training

SEQUENCES = [
    [5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 3.05, 2.0],
    [1.0, 1.0, 1.0, 1.0, 1.0],
    [3.0, 2.9999, 2.5, 2.49, 2.6, 2.7, 2.8, 2.9],
    [0.1, 0.2, 0.3, 0.25, 0.35, 0.34, 0.33, 0.32],
]
CONFIGS = [
    dict(monitor="val_loss", patience=0),
    dict(monitor="val_loss", patience=2, restore_best_weights=True),
    dict(monitor="val_loss", patience=1, min_delta=0.05),
    dict(monitor="val_loss", patience=2, baseline=2.4, restore_best_weights=True),
    dict(monitor="score", mode="max", patience=1, restore_best_weights=True),
    dict(monitor="val_loss", patience=1, start_from_epoch=3, restore_best_weights=True),
]


def _drive(cb, model, sequence, key):
    cb.set_model(model)
    cb.on_train_begin()
    ran = 0
    for epoch, value in enumerate(sequence):
        model.epoch = epoch
        cb.on_epoch_begin(epoch)
        cb.on_epoch_end(epoch, {key: value, "loss": 0.0})
        ran += 1
        if model.stop_training:
            break
    cb.on_train_end()
    return ran


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("sequence", SEQUENCES)
def test_matches_keras_on_scripted_sequences(oracle, config, sequence):
    key = config["monitor"]
    ours, theirs = StubModel(), StubModel()
    cb = kerasx.callbacks.EarlyStopping(**config)
    ref = oracle.callbacks.EarlyStopping(**config)
    assert _drive(cb, ours, sequence, key) == _drive(ref, theirs, sequence, key)
    assert ours.stop_training == theirs.stop_training
    assert (cb.stopped_epoch, cb.best_epoch, cb.wait) == (
        ref.stopped_epoch,
        ref.best_epoch,
        ref.wait,
    )
    assert cb.best == ref.best
    assert ours.restored == theirs.restored


def test_defaults_and_missing_metric_warns():
    cb = kerasx.callbacks.EarlyStopping()
    assert (cb.monitor, cb.patience, cb.min_delta, cb.mode, cb.start_from_epoch) == (
        "val_loss",
        0,
        0,
        "auto",
        0,
    )
    cb.set_model(StubModel())
    cb.on_train_begin()
    with pytest.warns(UserWarning, match="not available"):
        cb.on_epoch_end(0, {"loss": 1.0})


def test_auto_mode_needs_a_known_direction():
    cb = kerasx.callbacks.EarlyStopping(monitor="weird_quantity")
    cb.set_model(StubModel())
    cb.on_train_begin()
    with pytest.raises(ValueError, match="mode='max'"):
        cb.on_epoch_end(0, {"weird_quantity": 1.0})


@requires_training
def test_stops_at_right_epoch_and_restores_best_weights():
    x, y = data()
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.05), "mse")
    scripted = [5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 1.0, 0.5]
    recorded = []

    def inject(epoch, logs):
        logs["val_fake"] = scripted[epoch]

    def record(epoch, logs):
        recorded.append([w.copy() for w in model.get_weights()])

    stopper = kerasx.callbacks.EarlyStopping(
        monitor="val_fake", mode="min", patience=2, restore_best_weights=True
    )
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=len(scripted),
        shuffle=False,
        verbose=0,
        callbacks=[
            kerasx.callbacks.LambdaCallback(on_epoch_end=inject),
            kerasx.callbacks.LambdaCallback(on_epoch_end=record),
            stopper,
        ],
    )
    # Best at epoch 2; epochs 3 and 4 do not improve -> stop after epoch 4.
    assert len(history.history["loss"]) == 5
    assert stopper.stopped_epoch == 4 and stopper.best_epoch == 2
    assert history.history["val_fake"] == scripted[:5]
    for got, want in zip(model.get_weights(), recorded[2]):
        np.testing.assert_allclose(got, want, rtol=0, atol=0)
    # Training did move the weights after the best epoch.
    assert not np.allclose(recorded[2][0], recorded[4][0])
