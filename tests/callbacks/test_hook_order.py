"""A Callback subclass sees the same hooks, in the same order, as under Keras 3."""

import numpy as np
import pytest
from cb_utils import data, fixed_weights

import kerasx
from conftest import requires_training

HOOKS_NO_INDEX = (
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
)
HOOKS_INDEXED = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


def _keys(logs):
    return None if logs is None else sorted(logs)


def recorder_class(base):
    """A subclass of ``base`` overriding every hook to log (hook, index, log keys)."""

    def plain(name):
        def hook(self, logs=None):
            self.calls.append((name, _keys(logs)))

        return hook

    def indexed(name):
        def hook(self, index, logs=None):
            self.calls.append((name, index, _keys(logs)))

        return hook

    namespace = {name: plain(name) for name in HOOKS_NO_INDEX}
    namespace.update({name: indexed(name) for name in HOOKS_INDEXED})
    namespace["__init__"] = lambda self: (base.__init__(self), setattr(self, "calls", []))[0]
    return type("Recorder", (base,), namespace)


def alias_class(base):
    """Overrides only the legacy ``on_batch_begin``/``on_batch_end`` aliases."""

    def begin(self, batch, logs=None):
        self.calls.append(("on_batch_begin", batch))

    def end(self, batch, logs=None):
        self.calls.append(("on_batch_end", batch, _keys(logs)))

    def init(self):
        base.__init__(self)
        self.calls = []

    return type("Alias", (base,), {"__init__": init, "on_batch_begin": begin, "on_batch_end": end})


def _run(lib, model, train):
    x, y = data(n=10)
    rec = recorder_class(lib.callbacks.Callback)()
    alias = alias_class(lib.callbacks.Callback)()
    if train:
        model.fit(
            x,
            y,
            batch_size=4,
            epochs=2,
            verbose=0,
            validation_data=(x[:6], y[:6]),
            callbacks=[rec, alias],
        )
    model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[rec, alias])
    model.predict(x, batch_size=4, verbose=0, callbacks=[rec, alias])
    return rec.calls, alias.calls, rec


def _model(lib):
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
    model.set_weights(fixed_weights())
    model.compile(lib.optimizers.SGD(0.01), "mse")
    return model


@pytest.mark.parametrize("train", [pytest.param(True, marks=requires_training), False])
def test_hook_sequence_matches_keras(oracle, train):
    ours, ours_alias, rec = _run(kerasx, _model(kerasx), train)
    theirs, theirs_alias, _ = _run(oracle, _model(oracle), train)
    assert ours == theirs
    assert ours_alias == theirs_alias
    assert rec.model is not None
    assert {"epochs", "steps", "verbose"} <= set(rec.params)
    if train:
        # Spot-check the shape of the sequence, independently of Keras.
        names = [c[0] for c in ours]
        assert names[0] == "on_train_begin" and names.count("on_epoch_end") == 2
        first_test = names.index("on_test_begin")
        assert names[first_test - 1] == "on_train_batch_end"
        assert names[names.index("on_test_end") + 1] == "on_epoch_end"
        assert [c[1] for c in ours_alias if c[0] == "on_batch_begin"] == [0, 1, 2, 0, 1, 2]


@requires_training
def test_stop_training_from_a_batch_hook_ends_the_epoch_and_fit():
    x, y = data(n=16)
    model = _model(kerasx)

    class Stop(kerasx.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches = []

        def on_train_batch_end(self, batch, logs=None):
            self.batches.append(batch)
            if batch == 1:
                self.model.stop_training = True

    stop = Stop()
    history = model.fit(x, y, batch_size=4, epochs=3, verbose=0, callbacks=[stop])
    assert stop.batches == [0, 1]
    assert len(history.history["loss"]) == 1
    assert np.isfinite(history.history["loss"][0])
