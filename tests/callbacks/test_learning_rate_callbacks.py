"""ReduceLROnPlateau (against Keras 3 on scripted sequences) and LearningRateScheduler."""

import numpy as np
import pytest
from cb_utils import StubModel, StubOptimizer, data, fixed_weights, make_model

import kerasx
from conftest import requires_training

SEQUENCES = [
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    [1.0, 0.9, 0.89995, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7],
    [0.5, 0.6, 0.7, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65],
]
CONFIGS = [
    dict(monitor="val_loss", patience=1),
    dict(monitor="val_loss", patience=2, factor=0.5, cooldown=2),
    dict(monitor="val_loss", patience=1, factor=0.2, min_lr=0.003),
    dict(monitor="val_loss", patience=0, factor=0.5, min_delta=0.2),
    dict(monitor="acc", mode="max", patience=1, factor=0.5),
]


def _drive(cb, model, sequence, key):
    cb.set_model(model)
    cb.on_train_begin()
    lrs = []
    for epoch, value in enumerate(sequence):
        logs = {key: value}
        cb.on_epoch_end(epoch, logs)
        lrs.append((float(model.optimizer.learning_rate), logs.get("learning_rate")))
    return lrs


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("sequence", SEQUENCES)
def test_reduce_lr_matches_keras(oracle, config, sequence):
    key = config["monitor"]
    ours = _drive(
        kerasx.callbacks.ReduceLROnPlateau(**config),
        StubModel(StubOptimizer(0.1)),
        sequence,
        key,
    )
    theirs = _drive(
        oracle.callbacks.ReduceLROnPlateau(**config), StubModel(StubOptimizer(0.1)), sequence, key
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_reduce_lr_sets_a_real_optimizer_learning_rate():
    model = make_model()
    model.compile(kerasx.optimizers.Adam(0.01), "mse")
    cb = kerasx.callbacks.ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5)
    cb.set_model(model)
    cb.on_train_begin()
    for epoch in range(3):
        cb.on_epoch_end(epoch, {"loss": 1.0})
    np.testing.assert_allclose(float(model.optimizer.learning_rate.numpy()), 0.0025, rtol=1e-6)
    with pytest.raises(ValueError, match="factor"):
        kerasx.callbacks.ReduceLROnPlateau(factor=1.0)


def test_scheduler_sets_lr_each_epoch_and_logs_it():
    model = make_model()
    model.compile(kerasx.optimizers.SGD(0.1), "mse")
    cb = kerasx.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch else lr)
    cb.set_model(model)
    seen = []
    for epoch in range(3):
        cb.on_epoch_begin(epoch)
        logs = {"loss": 1.0}
        cb.on_epoch_end(epoch, logs)
        seen.append(logs["learning_rate"])
    np.testing.assert_allclose(seen, [0.1, 0.05, 0.025], rtol=1e-6)
    one_arg = kerasx.callbacks.LearningRateScheduler(lambda epoch: 0.001 * (epoch + 1))
    one_arg.set_model(model)
    one_arg.on_epoch_begin(4)
    np.testing.assert_allclose(float(model.optimizer.learning_rate.numpy()), 0.005, rtol=1e-6)
    bad = kerasx.callbacks.LearningRateScheduler(lambda epoch, lr: 1)
    bad.set_model(model)
    with pytest.raises(ValueError, match="should be a float"):
        bad.on_epoch_begin(0)


@requires_training
def test_lr_callbacks_in_fit():
    x, y = data()
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.1), "mse")
    at_begin = []
    schedule = kerasx.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    probe = kerasx.callbacks.LambdaCallback(
        on_epoch_begin=lambda e, logs: at_begin.append(float(model.optimizer.learning_rate))
    )
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[schedule, probe])
    np.testing.assert_allclose(at_begin, [0.1, 0.05, 0.1 / 3], rtol=1e-6)
    np.testing.assert_allclose(history.history["learning_rate"], at_begin, rtol=1e-6)

    # A plateau in a scripted metric halves the lr that the following epochs train with.
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.1), "mse")
    at_begin.clear()
    flat = kerasx.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: logs.update(val_m=1.0))
    reduce = kerasx.callbacks.ReduceLROnPlateau(monitor="val_m", mode="min", patience=1, factor=0.5)
    probe = kerasx.callbacks.LambdaCallback(
        on_epoch_begin=lambda e, logs: at_begin.append(float(model.optimizer.learning_rate))
    )
    history = model.fit(x, y, batch_size=8, epochs=4, verbose=0, callbacks=[flat, reduce, probe])
    np.testing.assert_allclose(at_begin, [0.1, 0.1, 0.05, 0.025], rtol=1e-6)
    # The logged lr is the one the epoch trained with (read before reducing).
    np.testing.assert_allclose(history.history["learning_rate"], at_begin, rtol=1e-6)
