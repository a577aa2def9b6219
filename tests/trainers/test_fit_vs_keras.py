"""fit / evaluate / predict against real Keras 3 with identical weights and data.

Each test builds the same model in kerasx and in Keras 3, copies the weights across,
trains both without shuffling and compares the History, the final weights and the
evaluate() results.  SGD keeps the arithmetic simple enough for float32 agreement.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.conftest import requires_training

import kerasx
from kerasx import layers

pytestmark = requires_training

RNG = np.random.default_rng(7)
X = RNG.normal(size=(40, 5)).astype("float32")
Y_REG = RNG.normal(size=(40, 2)).astype("float32")
Y_CLS = RNG.integers(0, 3, size=(40,)).astype("int32")


def _pair(keras, out_units: int, activation: str | None = None):
    """The same small MLP in kerasx and Keras 3, sharing weights."""

    def build(lib):
        inp = lib.Input((5,), name="x")
        h = lib.layers.Dense(8, activation="tanh", name="hidden")(inp)
        out = lib.layers.Dense(out_units, activation=activation, name="out")(h)
        return lib.Model(inp, out)

    ours, theirs = build(kerasx), build(keras)
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def _assert_history(ours, theirs, atol=1e-5):
    assert set(ours.history) == set(theirs.history)
    for key, values in theirs.history.items():
        np.testing.assert_allclose(ours.history[key], values, atol=atol, rtol=1e-4, err_msg=key)


def _assert_weights(ours, theirs, atol=1e-5):
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=atol, rtol=1e-4)


def test_fit_regression_matches_keras(oracle):
    ours, theirs = _pair(oracle, 2)
    for model, lib in ((ours, kerasx), (theirs, oracle)):
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    kw = dict(epochs=3, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    h1 = ours.fit(X, Y_REG, **kw)
    h2 = theirs.fit(X, Y_REG, **kw)
    assert set(h1.history) == {"loss", "mae", "val_loss", "val_mae"}
    _assert_history(h1, h2)
    _assert_weights(ours, theirs)
    r1 = ours.evaluate(X, Y_REG, batch_size=16, verbose=0, return_dict=True)
    r2 = theirs.evaluate(X, Y_REG, batch_size=16, verbose=0, return_dict=True)
    assert set(r1) == set(r2)
    for k in r2:
        np.testing.assert_allclose(r1[k], r2[k], atol=1e-5)
    # List form of evaluate is [loss, *metrics] as in Keras.
    np.testing.assert_allclose(
        ours.evaluate(X, Y_REG, verbose=0), theirs.evaluate(X, Y_REG, verbose=0), atol=1e-5
    )
    np.testing.assert_allclose(
        ours.predict(X, batch_size=7, verbose=0), theirs.predict(X, verbose=0), atol=1e-5
    )


def test_fit_classification_with_class_and_sample_weight(oracle):
    ours, theirs = _pair(oracle, 3, activation="softmax")
    for model, lib in ((ours, kerasx), (theirs, oracle)):
        model.compile(
            optimizer=lib.optimizers.SGD(0.1, momentum=0.9),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            weighted_metrics=["accuracy"],
        )
    sw = np.linspace(0.5, 1.5, 40).astype("float32")
    h1 = ours.fit(X, Y_CLS, epochs=2, batch_size=10, shuffle=False, verbose=0, sample_weight=sw)
    h2 = theirs.fit(X, Y_CLS, epochs=2, batch_size=10, shuffle=False, verbose=0, sample_weight=sw)
    _assert_history(h1, h2)
    cw = {0: 1.0, 1: 2.0, 2: 0.5}
    h1 = ours.fit(X, Y_CLS, epochs=2, batch_size=10, shuffle=False, verbose=0, class_weight=cw)
    h2 = theirs.fit(X, Y_CLS, epochs=2, batch_size=10, shuffle=False, verbose=0, class_weight=cw)
    _assert_history(h1, h2)
    _assert_weights(ours, theirs)


def test_multi_output_dict_losses_weights_and_metrics(oracle):
    def build(lib):
        inp = lib.Input((5,), name="x")
        h = lib.layers.Dense(6, activation="relu", name="trunk")(inp)
        reg = lib.layers.Dense(2, name="reg")(h)
        cls = lib.layers.Dense(3, activation="softmax", name="cls")(h)
        model = lib.Model(inp, {"reg": reg, "cls": cls})
        model.compile(
            optimizer=lib.optimizers.SGD(0.05),
            loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
            loss_weights={"reg": 0.5, "cls": 2.0},
            metrics={"reg": ["mae"], "cls": ["accuracy"]},
        )
        return model

    ours, theirs = build(kerasx), build(oracle)
    ours.set_weights(theirs.get_weights())
    y = {"reg": Y_REG, "cls": Y_CLS}
    h1 = ours.fit(X, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    h2 = theirs.fit(X, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    _assert_history(h1, h2)
    _assert_weights(ours, theirs)
    r1 = ours.evaluate(X, y, verbose=0, return_dict=True)
    r2 = theirs.evaluate(X, y, verbose=0, return_dict=True)
    assert set(r1) == set(r2)
    for k in r2:
        np.testing.assert_allclose(r1[k], r2[k], atol=1e-5, err_msg=k)


def test_multi_output_list_losses(oracle):
    def build(lib):
        inp = lib.Input((5,))
        a = lib.layers.Dense(2, name="a")(inp)
        b = lib.layers.Dense(1, name="b")(inp)
        model = lib.Model(inp, [a, b])
        model.compile(lib.optimizers.SGD(0.05), loss=["mse", "mae"], loss_weights=[1.0, 0.3])
        return model

    ours, theirs = build(kerasx), build(oracle)
    ours.set_weights(theirs.get_weights())
    y = [Y_REG, Y_REG[:, :1]]
    h1 = ours.fit(X, y, epochs=2, batch_size=20, shuffle=False, verbose=0)
    h2 = theirs.fit(X, y, epochs=2, batch_size=20, shuffle=False, verbose=0)
    assert {"a_loss", "b_loss"} <= set(h1.history)
    _assert_history(h1, h2)
    # The list form follows Keras' metrics_names order: [loss, a_loss, b_loss].
    np.testing.assert_allclose(
        ours.evaluate(X, y, verbose=0), theirs.evaluate(X, y, verbose=0), atol=1e-5
    )


def test_batch_methods_match_keras(oracle):
    ours, theirs = _pair(oracle, 2)
    for model, lib in ((ours, kerasx), (theirs, oracle)):
        model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    for _ in range(3):
        a = ours.train_on_batch(X[:8], Y_REG[:8], return_dict=True)
        b = theirs.train_on_batch(X[:8], Y_REG[:8], return_dict=True)
        for k in b:
            np.testing.assert_allclose(a[k], b[k], atol=1e-5)
    np.testing.assert_allclose(
        ours.test_on_batch(X[8:16], Y_REG[8:16]),
        theirs.test_on_batch(X[8:16], Y_REG[8:16]),
        atol=1e-5,
    )
    np.testing.assert_allclose(
        kerasx.ops.convert_to_numpy(ours.predict_on_batch(X[:4])),
        theirs.predict_on_batch(X[:4]),
        atol=1e-5,
    )
    _assert_weights(ours, theirs)


def test_initial_epoch_steps_and_validation_freq(oracle):
    ours, theirs = _pair(oracle, 2)
    for model, lib in ((ours, kerasx), (theirs, oracle)):
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
    kw = dict(
        epochs=4,
        initial_epoch=1,
        batch_size=8,
        steps_per_epoch=2,
        shuffle=False,
        verbose=0,
        validation_data=(X[:8], Y_REG[:8]),
        validation_freq=2,
    )
    h1 = ours.fit(X, Y_REG, **kw)
    h2 = theirs.fit(X, Y_REG, **kw)
    assert h1.epoch == h2.epoch == [1, 2, 3]
    assert len(h1.history["val_loss"]) == len(h2.history["val_loss"])
    _assert_history(h1, h2)


def test_dropout_draws_a_new_mask_every_step():
    """Random layers inside compiled steps must advance their seed state."""
    kerasx.utils.set_random_seed(0)
    model = kerasx.Sequential(
        [
            kerasx.Input((16,)),
            layers.Dropout(0.5),
            layers.Dense(1, kernel_initializer="ones", use_bias=False),
        ]
    )
    model.compile(kerasx.optimizers.SGD(0.0), "mse")
    x = np.ones((4, 16), "float32")
    h = model.fit(x, np.zeros((4, 1), "float32"), batch_size=4, epochs=6, verbose=0)
    assert len(set(np.round(h.history["loss"], 4))) > 2
    # Seed states are variables (threaded through steps) but not weights (not saved).
    assert len(model.weights) == 1 and len(model.variables) == 2


def test_run_eagerly_gives_same_result_as_compiled():
    def run(eager):
        kerasx.utils.set_random_seed(3)
        model = kerasx.Sequential([kerasx.Input((5,)), layers.Dense(4, "relu"), layers.Dense(2)])
        model.compile("adam", "mse", run_eagerly=eager)
        return model.fit(X, Y_REG, epochs=2, batch_size=8, shuffle=False, verbose=0).history

    np.testing.assert_allclose(run(True)["loss"], run(False)["loss"], rtol=1e-5)


def test_bad_data_errors_name_both_shapes():
    model = kerasx.Sequential([kerasx.Input((5,)), layers.Dense(2)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"40.*39|39.*40"):
        model.fit(X, Y_REG[:39], verbose=0)
    with pytest.raises(ValueError, match="(?i)empty|no data|0 samples"):
        model.fit(X[:0], Y_REG[:0], verbose=0)
    with pytest.raises(ValueError, match=r"\(.*3.*\).*\(.*2.*\)|\(.*2.*\).*\(.*3.*\)"):
        model.fit(X, np.zeros((40, 3), "float32"), verbose=0)
    with pytest.raises(ValueError, match="compile"):
        kerasx.Sequential([kerasx.Input((5,)), layers.Dense(2)]).fit(X, Y_REG, verbose=0)


def test_steps_per_execution_matches_keras(oracle):
    """Several steps per compiled call give the same training as Keras (and as 1)."""
    ours, theirs = _pair(oracle, 2)
    for model, lib in ((ours, kerasx), (theirs, oracle)):
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse", steps_per_execution=3)
    seen = []
    cb = kerasx.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs=None: seen.append(b))
    # 40 samples / batch 6 -> 7 batches: executions of 3, 3 and a last partial batch.
    h1 = ours.fit(X, Y_REG, epochs=2, batch_size=6, shuffle=False, verbose=0, callbacks=[cb])
    h2 = theirs.fit(X, Y_REG, epochs=2, batch_size=6, shuffle=False, verbose=0)
    _assert_history(h1, h2)
    _assert_weights(ours, theirs)
    assert seen[:3] == [2, 5, 6]


@pytest.mark.parametrize("optimizer", ["Adam", "RMSprop", "SGD"])
def test_conv_model_optimizers_match_keras(oracle, optimizer):
    """Conv kernels' gradients can be non-contiguous views (torch): the fused optimizer
    paths must still update them exactly like Keras."""

    def build(lib):
        inp = lib.Input((6, 6, 2))
        h = lib.layers.Conv2D(3, 3, padding="same", activation="relu")(inp)
        h = lib.layers.SeparableConv2D(2, 3)(h)
        out = lib.layers.Dense(3, activation="softmax")(lib.layers.Flatten()(h))
        model = lib.Model(inp, out)
        kw = {"momentum": 0.9} if optimizer == "SGD" else {}
        model.compile(
            getattr(lib.optimizers, optimizer)(0.01, **kw), "sparse_categorical_crossentropy"
        )
        return model

    ours, theirs = build(kerasx), build(oracle)
    ours.set_weights(theirs.get_weights())
    x = RNG.normal(size=(16, 6, 6, 2)).astype("float32")
    y = RNG.integers(0, 3, size=(16,))
    h1 = ours.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    h2 = theirs.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    _assert_history(h1, h2)
    _assert_weights(ours, theirs)
