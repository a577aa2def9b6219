"""Write the legacy Keras 2 fixture files under tests/fixtures/legacy/ with the real libraries.

kerasx cannot write tf.keras 2 files itself, so its tests for reading them need files made
by tf.keras 2.  This script runs in a *separate* virtualenv that has TensorFlow 2.x with its
Keras 2 (``tf_keras`` or ``tf.keras``), never in the kerasx one::

    python3.11 -m venv /work/fixenv
    /work/fixenv/bin/pip install "tensorflow-cpu==2.15.*" "tf_keras==2.15.*"
    /work/fixenv/bin/python tools/make_legacy_fixtures.py

For every model it writes, next to each other:

* ``<name>.<tag>.h5``     full model (``model.save("x.h5")``: config, weights, training config)
* ``<name>_w.<tag>.h5``   weights only (``model.save_weights("x.h5")``)
* ``<name>.<tag>.keras``  the Keras 2.13-2.15 zip format
* ``<name>.<tag>.npz``    the fixed inputs (``x0``, ``x1``...) and the model's predictions on
                          them (``y0``, ``y1``...): the reference the tests compare to.

``<tag>`` is the Keras version that wrote the file (``k215`` for 2.15), so runs in venvs
with different Keras 2 versions add files side by side.

Models are tiny so the whole folder stays well under 2 MB.
"""

from __future__ import annotations

import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

try:  # tf_keras is the maintained home of Keras 2; tf.keras is the same code in TF <= 2.15
    import tf_keras as keras
except ImportError:  # pragma: no cover - depends on the fixture venv
    import tensorflow as tf

    keras = tf.keras

L = keras.layers
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "legacy")


def _randomize(model: keras.Model, rng: np.random.Generator) -> None:
    """Give every weight a distinct random value so a wrong mapping changes predictions.

    Variances stay positive (BatchNormalization's moving_variance)."""
    values = []
    for w in model.weights:
        v = rng.normal(0.0, 0.5, size=tuple(w.shape)).astype("float32")
        if "moving_variance" in w.name:
            v = np.abs(v) + 0.5
        values.append(v)
    model.set_weights(values)


def seq_mlp() -> tuple[keras.Model, list[np.ndarray]]:
    model = keras.Sequential(
        [
            L.InputLayer(input_shape=(4,)),
            L.Dense(8, activation="relu", kernel_regularizer=keras.regularizers.l2(0.01)),
            L.Dropout(0.2),
            L.Dense(3, activation="softmax", name="probs"),
        ],
        name="seq_mlp",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"]
    )
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    # One training step so the optimizer has weights the loader must set aside.
    model.fit(x, np.eye(3, dtype="float32")[[0, 2]], epochs=1, verbose=0)
    return model, [x]


def func_conv() -> tuple[keras.Model, list[np.ndarray]]:
    inp = keras.Input((6, 6, 2), name="image")
    h = L.Conv2D(3, 3, padding="same", name="conv")(inp)
    h = L.BatchNormalization(name="bn")(h)
    h = L.Activation("relu")(h)
    h = L.MaxPooling2D(2)(h)
    h = L.Conv2D(2, 2, strides=1, use_bias=False, activation="tanh")(h)
    h = L.GlobalAveragePooling2D()(h)
    out = L.Dense(2, name="logits")(h)
    model = keras.Model(inp, out, name="func_conv")
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(1).normal(size=(2, 6, 6, 2)).astype("float32")
    return model, [x]


def multi_io() -> tuple[keras.Model, list[np.ndarray]]:
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    ha = L.Dense(5, activation="relu", name="da")(a)
    hb = L.Dense(5, activation="sigmoid", name="db")(b)
    merged = L.Concatenate(name="cat")([ha, hb])
    added = L.Add(name="sum")([ha, hb])
    out1 = L.Dense(2, name="out_a")(merged)
    out2 = L.Dense(1, activation="sigmoid", name="out_b")(added)
    model = keras.Model([a, b], [out1, out2], name="multi_io")
    model.compile(
        optimizer="rmsprop",
        loss={"out_a": "mse", "out_b": "binary_crossentropy"},
        metrics={"out_b": ["accuracy"]},
    )
    rng = np.random.default_rng(2)
    return model, [
        rng.normal(size=(2, 4)).astype("float32"),
        rng.normal(size=(2, 3)).astype("float32"),
    ]


def rnn() -> tuple[keras.Model, list[np.ndarray]]:
    tokens = keras.Input((5,), dtype="int32", name="tokens")
    h = L.Embedding(10, 4, name="emb")(tokens)
    h = L.Bidirectional(L.SimpleRNN(2, return_sequences=True), name="bidi")(h)
    h = L.TimeDistributed(L.Dense(4), name="td")(h)
    h = L.LeakyReLU(0.2)(h)  # Keras 2 spells the slope `alpha`
    h = L.LSTM(4, return_sequences=True, name="lstm")(h)
    h = L.GRU(3, return_sequences=True, reset_after=False, name="gru_v1")(h)
    h = L.GRU(3, name="gru")(h)
    out = L.Dense(1, name="head")(h)
    model = keras.Model(tokens, out, name="rnn")
    x = np.array([[1, 2, 3, 4, 5], [9, 8, 7, 0, 1]], dtype="int32")
    return model, [x]


def nested() -> tuple[keras.Model, list[np.ndarray]]:
    inner_seq = keras.Sequential(
        [L.InputLayer(input_shape=(4,)), L.Dense(4, activation="relu"), L.BatchNormalization()],
        name="inner_seq",
    )
    i = keras.Input((4,))
    inner_func = keras.Model(
        i, L.Dense(3, activation="elu", name="inner_dense")(i), name="inner_func"
    )
    x_in = keras.Input((4,), name="x")
    out = L.Dense(2, name="top")(inner_func(inner_seq(x_in)))
    model = keras.Model(x_in, out, name="nested")
    x = np.linspace(-2, 2, 8, dtype="float32").reshape(2, 4)
    return model, [x]


def with_lambda() -> tuple[keras.Model, list[np.ndarray]]:
    model = keras.Sequential(
        [L.InputLayer(input_shape=(3,)), L.Lambda(lambda t: t * 2.0, name="double"), L.Dense(2)],
        name="with_lambda",
    )
    return model, [np.ones((1, 3), dtype="float32")]


BUILDERS = {f.__name__: f for f in (seq_mlp, func_conv, multi_io, rnn, nested, with_lambda)}


def _keras_version() -> str:
    version = getattr(keras, "__version__", None)
    if version is None:  # tf.keras in TF 2.13 hides it; the keras package has it
        import keras as keras_package

        version = keras_package.__version__
    return version


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    version = _keras_version()
    tag = "k" + "".join(version.split(".")[:2])  # "k215"
    for index, (name, build) in enumerate(BUILDERS.items()):
        keras.utils.set_random_seed(0)
        model, xs = build()
        if name != "seq_mlp":  # seq_mlp keeps its trained weights + optimizer state
            _randomize(model, np.random.default_rng(100 + index))
        ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = ys if isinstance(ys, list) else [ys]
        model.save(os.path.join(OUT, f"{name}.{tag}.h5"))
        model.save_weights(os.path.join(OUT, f"{name}_w.{tag}.h5"))
        if name != "with_lambda":
            model.save(os.path.join(OUT, f"{name}.{tag}.keras"))
        arrays = {f"x{i}": x for i, x in enumerate(xs)} | {f"y{i}": y for i, y in enumerate(ys)}
        np.savez(os.path.join(OUT, f"{name}.{tag}.npz"), **arrays)
        print(name, [y.shape for y in ys], file=sys.stderr)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, keras {version}")


if __name__ == "__main__":
    main()
