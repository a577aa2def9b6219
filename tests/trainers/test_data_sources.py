"""fit / evaluate / predict accept every data source Keras users bring.

The reference is the same model trained on plain NumPy arrays: each source delivers the
same batches in the same order, so the final weights must match that run exactly.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from tests.conftest import requires_training

import kerasx
from kerasx import layers

RNG = np.random.default_rng(3)
X = RNG.normal(size=(24, 4)).astype("float32")
Y = (X @ RNG.normal(size=(4, 1))).astype("float32")
BATCH = 8


def _model():
    kerasx.utils.set_random_seed(11)
    model = kerasx.Sequential([kerasx.Input((4,)), layers.Dense(3, "tanh"), layers.Dense(1)])
    model.compile(kerasx.optimizers.SGD(0.05), "mse", metrics=["mae"])
    return model


def _reference(epochs=2):
    model = _model()
    history = model.fit(X, Y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0)
    return model.get_weights(), history.history["loss"]


def _check(model, history, epochs=2):
    weights, losses = _reference(epochs)
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-5)
    for a, b in zip(model.get_weights(), weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@requires_training
def test_python_generator_with_steps_per_epoch():
    def gen():
        while True:
            for i in range(0, len(X), BATCH):
                yield X[i : i + BATCH], Y[i : i + BATCH]

    model = _model()
    history = model.fit(gen(), steps_per_epoch=3, epochs=2, verbose=0)
    _check(model, history)


@requires_training
def test_pydataset_with_workers():
    class Batches(kerasx.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return X[i * BATCH : (i + 1) * BATCH], Y[i * BATCH : (i + 1) * BATCH]

    model = _model()
    history = model.fit(Batches(workers=2, use_multiprocessing=False), epochs=2, verbose=0)
    _check(model, history)
    preds = model.predict(Batches(), verbose=0)
    np.testing.assert_allclose(preds, model.predict(X, verbose=0), rtol=1e-5, atol=1e-6)


@requires_training
def test_pandas_dataframe_and_series():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=list("abcd"))
    target = pd.Series(Y[:, 0])
    model = _model()
    history = model.fit(frame, target, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    _check(model, history)
    np.testing.assert_allclose(
        model.predict(frame, verbose=0), model.predict(X, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_dict_inputs_by_input_name():
    a = kerasx.Input((2,), name="a")
    b = kerasx.Input((2,), name="b")
    out = layers.Dense(1, kernel_initializer="ones", use_bias=False)(layers.Concatenate()([a, b]))
    model = kerasx.Model({"a": a, "b": b}, out)
    pred = model.predict({"b": X[:, 2:], "a": X[:, :2]}, verbose=0)
    np.testing.assert_allclose(pred[:, 0], X.sum(axis=1), rtol=1e-5)


@requires_training
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs tensorflow")
def test_tf_data_dataset_on_any_backend():
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(BATCH)
    model = _model()
    history = model.fit(ds, epochs=2, verbose=0)
    _check(model, history)
    result = model.evaluate(ds, verbose=0, return_dict=True)
    expected = model.evaluate(X, Y, batch_size=BATCH, verbose=0, return_dict=True)
    assert result == pytest.approx(expected, rel=1e-5)


@requires_training
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch")
def test_torch_dataloader_on_any_backend():
    import torch

    data = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
    loader = torch.utils.data.DataLoader(data, batch_size=BATCH, shuffle=False)
    model = _model()
    history = model.fit(loader, epochs=2, verbose=0)
    _check(model, history)
    np.testing.assert_allclose(
        model.predict(loader, verbose=0), model.predict(X, verbose=0), rtol=1e-5, atol=1e-6
    )


@requires_training
def test_steps_per_epoch_continues_and_runs_out_like_keras():
    """With steps_per_epoch an epoch resumes where the last one stopped; running out of
    data ends training with a warning (Keras 3's EpochIterator)."""
    model = _model()
    seen = []
    cb = kerasx.callbacks.LambdaCallback(on_train_batch_begin=lambda b, logs=None: seen.append(b))
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(
            X,
            Y,
            batch_size=BATCH,
            epochs=5,
            steps_per_epoch=2,
            shuffle=False,
            verbose=0,
            callbacks=[cb],
        )
    assert history.epoch == [0, 1]
    assert seen == [0, 1, 0]


def test_predict_on_numpy_backend_and_generators():
    model = kerasx.Sequential([kerasx.Input((4,)), layers.Dense(2)])
    full = model.predict(X, batch_size=5, verbose=0)
    assert full.shape == (24, 2)

    def gen():
        for i in range(0, len(X), BATCH):
            yield (X[i : i + BATCH],)

    # Different batch sizes may take different kernels: float32 rounding only.
    np.testing.assert_allclose(model.predict(gen(), verbose=0), full, rtol=1e-5, atol=1e-6)
