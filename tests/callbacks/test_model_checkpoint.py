"""ModelCheckpoint: file templates, save_best_only, weights-only vs full model, save_freq."""

import os

import numpy as np
import pytest
from cb_utils import data, fixed_weights, make_model

import kerasx
from conftest import requires_training


def _epochs(cb, model, losses, weights_per_epoch=None):
    cb.set_model(model)
    cb.on_train_begin()
    for epoch, loss in enumerate(losses):
        if weights_per_epoch is not None:
            model.set_weights(weights_per_epoch[epoch])
        cb.on_epoch_begin(epoch)
        cb.on_epoch_end(epoch, {"loss": loss + 1.0, "val_loss": loss})
    cb.on_train_end()


def _weights(epoch):
    return [w + epoch for w in fixed_weights()]


def test_template_and_save_best_only_weights(tmp_path):
    model = make_model()
    model.compile("sgd", "mse")
    losses = [0.5, 0.7, 0.3, 0.3, 0.1]
    path = str(tmp_path / "ck-{epoch:02d}-{val_loss:.2f}.weights.h5")
    cb = kerasx.callbacks.ModelCheckpoint(path, save_best_only=True, save_weights_only=True)
    _epochs(cb, model, losses, [_weights(e) for e in range(5)])
    assert sorted(os.listdir(tmp_path)) == [
        "ck-01-0.50.weights.h5",
        "ck-03-0.30.weights.h5",
        "ck-05-0.10.weights.h5",
    ]
    assert cb.best == 0.1
    check = make_model()
    check.load_weights(str(tmp_path / "ck-03-0.30.weights.h5"))
    for got, want in zip(check.get_weights(), _weights(2)):
        np.testing.assert_array_equal(got, want)


def test_saves_every_epoch_full_model(tmp_path):
    model = make_model()
    model.compile("sgd", "mse")
    cb = kerasx.callbacks.ModelCheckpoint(str(tmp_path / "sub" / "m{epoch}.keras"))
    _epochs(cb, model, [0.5, 0.7, 0.9], [_weights(e) for e in range(3)])
    assert sorted(os.listdir(tmp_path / "sub")) == ["m1.keras", "m2.keras", "m3.keras"]
    loaded = kerasx.models.load_model(str(tmp_path / "sub" / "m2.keras"))
    for got, want in zip(loaded.get_weights(), _weights(1)):
        np.testing.assert_array_equal(got, want)


def test_fixed_path_overwritten_only_on_improvement_max_mode(tmp_path):
    model = make_model()
    model.compile("sgd", "mse")
    path = str(tmp_path / "best.weights.h5")
    cb = kerasx.callbacks.ModelCheckpoint(
        path, monitor="val_loss", mode="max", save_best_only=True, save_weights_only=True
    )
    _epochs(cb, model, [0.2, 0.9, 0.4, 0.95, 0.1], [_weights(e) for e in range(5)])
    check = make_model()
    check.load_weights(path)
    np.testing.assert_array_equal(check.get_weights()[0], _weights(3)[0])


def test_initial_value_threshold(tmp_path):
    model = make_model()
    model.compile("sgd", "mse")
    cb = kerasx.callbacks.ModelCheckpoint(
        str(tmp_path / "w{epoch}.weights.h5"),
        save_best_only=True,
        save_weights_only=True,
        initial_value_threshold=0.4,
    )
    _epochs(cb, model, [0.5, 0.45, 0.35, 0.38])
    assert os.listdir(tmp_path) == ["w3.weights.h5"]


def test_save_freq_in_batches_counts_across_epochs(tmp_path):
    model = make_model()
    model.compile("sgd", "mse")
    cb = kerasx.callbacks.ModelCheckpoint(
        str(tmp_path / "e{epoch}b{batch}.weights.h5"), save_freq=3, save_weights_only=True
    )
    cb.set_model(model)
    cb.on_train_begin()
    for epoch in range(2):
        cb.on_epoch_begin(epoch)
        for batch in range(4):
            cb.on_train_batch_end(batch, {"loss": 1.0})
        cb.on_epoch_end(epoch, {"loss": 1.0})
    # Batches 3, 6 (= epoch 2 batch 2) -> 1-based names.
    assert sorted(os.listdir(tmp_path)) == ["e1b3.weights.h5", "e2b2.weights.h5"]


def test_argument_validation(tmp_path):
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        kerasx.callbacks.ModelCheckpoint(str(tmp_path / "x.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match=r"\.keras"):
        kerasx.callbacks.ModelCheckpoint(str(tmp_path / "x.weights"))
    with pytest.raises(ValueError, match="save_freq"):
        kerasx.callbacks.ModelCheckpoint(str(tmp_path / "x.keras"), save_freq="batch")
    cb = kerasx.callbacks.ModelCheckpoint(str(tmp_path / "{missing}.keras"))
    cb.set_model(make_model())
    with pytest.raises(KeyError, match="Failed to format"):
        cb.on_epoch_end(0, {"val_loss": 1.0})


@requires_training
def test_in_fit_best_only_and_batch_saves_see_current_weights(tmp_path):
    x, y = data()
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.05), "mse")
    seen = []
    recorder = kerasx.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: None,
        on_epoch_end=lambda e, logs: seen.append([w.copy() for w in model.get_weights()]),
    )
    best = kerasx.callbacks.ModelCheckpoint(
        str(tmp_path / "best.keras"), monitor="val_loss", save_best_only=True
    )
    per_batch = kerasx.callbacks.ModelCheckpoint(
        str(tmp_path / "b" / "e{epoch}-{batch}.weights.h5"), save_freq=2, save_weights_only=True
    )
    history = model.fit(
        x,
        y,
        batch_size=4,
        epochs=3,
        shuffle=False,
        verbose=0,
        validation_data=(x, y),
        callbacks=[recorder, best, per_batch],
    )
    val = history.history["val_loss"]
    assert os.path.exists(tmp_path / "best.keras")
    loaded = kerasx.models.load_model(str(tmp_path / "best.keras"))
    best_epoch = int(np.argmin(val))
    for got, want in zip(loaded.get_weights(), seen[best_epoch]):
        np.testing.assert_allclose(got, want, rtol=0, atol=0)
    # 4 batches per epoch, every 2nd batch -> batches 2 and 4 of each epoch.
    names = sorted(os.listdir(tmp_path / "b"))
    assert names == [f"e{e}-{b}.weights.h5" for e in (1, 2, 3) for b in (2, 4)]
    # The save at the last batch of an epoch holds that epoch's final weights, and a
    # mid-epoch save holds weights that differ from both neighbouring epoch ends.
    end = make_model()
    end.load_weights(str(tmp_path / "b" / "e2-4.weights.h5"))
    np.testing.assert_allclose(end.get_weights()[0], seen[1][0], rtol=1e-6, atol=1e-7)
    mid = make_model()
    mid.load_weights(str(tmp_path / "b" / "e2-2.weights.h5"))
    assert not np.allclose(mid.get_weights()[0], seen[0][0])
    assert not np.allclose(mid.get_weights()[0], seen[1][0])
