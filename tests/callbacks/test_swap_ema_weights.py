"""SwapEMAWeights: evaluation / prediction / epoch ends use the optimizer's EMA weights."""

import numpy as np
import pytest
from cb_utils import data, fixed_weights, make_model, mse

import kerasx
from conftest import requires_training


def _ema_model():
    model = make_model(fixed_weights())
    model.compile(kerasx.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5), "mse")
    model.optimizer.build(model.trainable_variables)
    return model


def test_predict_and_evaluate_use_ema_weights_then_restore():
    model = _ema_model()
    raw = model.get_weights()
    ema = [w * 0.5 - 1.0 for w in raw]
    for avg, value in zip(model.optimizer._model_variables_moving_average, ema):
        avg.assign(value)
    x, y = data(n=6)
    before = model.predict(x, verbose=0)
    swapped = model.predict(x, verbose=0, callbacks=[kerasx.callbacks.SwapEMAWeights()])
    np.testing.assert_allclose(swapped, x @ ema[0] + ema[1], rtol=1e-5, atol=1e-5)
    for got, want in zip(model.get_weights(), raw):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(model.predict(x, verbose=0), before, rtol=0, atol=0)
    loss = model.evaluate(x, y, verbose=0, callbacks=[kerasx.callbacks.SwapEMAWeights()])
    np.testing.assert_allclose(loss, mse(ema, x, y), rtol=1e-5)
    for got, want in zip(model.get_weights(), raw):
        np.testing.assert_array_equal(got, want)
    avgs = [a.numpy() for a in model.optimizer._model_variables_moving_average]
    for got, want in zip(avgs, ema):
        np.testing.assert_array_equal(got, want)


def test_requires_an_ema_optimizer():
    model = make_model()
    model.compile(kerasx.optimizers.SGD(0.1), "mse")
    with pytest.raises(ValueError, match="use_ema=True"):
        model.predict(
            np.ones((2, 3), "float32"), verbose=0, callbacks=[kerasx.callbacks.SwapEMAWeights()]
        )


class _Probe(kerasx.callbacks.Callback):
    """Listed after SwapEMAWeights: records what the model holds at each hook."""

    def __init__(self):
        super().__init__()
        self.at_test_begin = []
        self.avg_at_test_begin = []
        self.at_test_end = []
        self.at_epoch_end = []
        self.at_epoch_begin = []

    def _weights(self):
        return [w.copy() for w in self.model.get_weights()]

    def on_test_begin(self, logs=None):
        self.at_test_begin.append(self._weights())
        avgs = self.model.optimizer._model_variables_moving_average
        self.avg_at_test_begin.append([a.numpy().copy() for a in avgs])

    def on_test_end(self, logs=None):
        self.at_test_end.append(self._weights())

    def on_epoch_begin(self, epoch, logs=None):
        self.at_epoch_begin.append(self._weights())

    def on_epoch_end(self, epoch, logs=None):
        self.at_epoch_end.append(self._weights())


@requires_training
@pytest.mark.parametrize("swap_on_epoch", [False, True])
def test_validation_in_fit_uses_ema(swap_on_epoch):
    x, y = data()
    xv, yv = x[:8] * 2.0, y[:8]
    model = _ema_model()
    probe = _Probe()
    history = model.fit(
        x,
        y,
        batch_size=4,
        epochs=3,
        shuffle=False,
        verbose=0,
        validation_data=(xv, yv),
        callbacks=[kerasx.callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch), probe],
    )
    for epoch in range(3):
        ema = probe.at_test_begin[epoch]
        raw = probe.avg_at_test_begin[epoch]  # the raw weights sit in the EMA slots
        assert not np.allclose(ema[0], raw[0])
        np.testing.assert_allclose(history.history["val_loss"][epoch], mse(ema, xv, yv), rtol=1e-5)
        for got, want in zip(probe.at_test_end[epoch], raw):
            np.testing.assert_array_equal(got, want)
        at_end = probe.at_epoch_end[epoch]
        expected = ema if swap_on_epoch else raw
        for got, want in zip(at_end, expected):
            np.testing.assert_array_equal(got, want)
    if swap_on_epoch:
        # Swapped back before training resumes.
        for got, want in zip(probe.at_epoch_begin[1], probe.avg_at_test_begin[0]):
            np.testing.assert_array_equal(got, want)
    # After fit the model holds the final EMA weights either way.
    for got, want in zip(model.get_weights(), probe.at_test_begin[-1]):
        np.testing.assert_allclose(got, want, rtol=1e-6)
