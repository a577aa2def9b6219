"""Sequential API: a multi-layer perceptron that classifies handwritten digits.

The simplest Keras workflow: stack Dense layers in a ``keras.Sequential``, compile with an
optimizer, a loss and a metric, ``fit`` on training data and ``evaluate`` on held-out data.
Data: scikit-learn's 8x8 digits (shipped with scikit-learn, no download).

Run: ``python examples/mlp_classifier.py [--epochs N] [--quick]``
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from sklearn.datasets import load_digits

import kerasx as keras
from kerasx import layers


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="training epochs")
    parser.add_argument("--quick", action="store_true", help="tiny settings (for tests)")
    return parser.parse_args(argv)


def load_data(n_train: int) -> tuple[np.ndarray, ...]:
    """Scale pixels to [0, 1]; a fixed shuffle so every run sees the same split."""
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    return x[:n_train], y[:n_train], x[-400:], y[-400:]


def build_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="mlp",
    )


def main(argv: list[str] | None = None) -> float:
    args = parse_args(argv)
    epochs = args.epochs or (8 if args.quick else 30)
    # A multiple of the batch size keeps one batch shape (no recompiles on jax).
    n_train = 768 if args.quick else 1280
    keras.utils.set_random_seed(0)

    x_train, y_train, x_test, y_test = load_data(n_train)
    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    if not args.quick:
        model.summary()
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=0 if args.quick else 2)
    _, accuracy = model.evaluate(x_test, y_test, batch_size=200, verbose=0)

    probs = model.predict(x_test[:3], verbose=0)
    print("first test digits:", y_test[:3].tolist(), "predicted:", probs.argmax(-1).tolist())
    print(f"RESULT accuracy={accuracy:.4f}")
    return float(accuracy)


if __name__ == "__main__":
    main(sys.argv[1:])
