"""Dropout: randomly silence units while training so the network cannot over-rely on any.

``Dropout(rate)`` zeroes a fraction ``rate`` of its inputs during training (and scales
the rest up), and does nothing at inference.  So the same input gives different outputs
when called with ``training=True`` but always the same prediction from ``predict``.
Data: scikit-learn's digits with a deliberately small training set, where regularising
matters.

Run: ``python examples/dropout.py [--epochs N] [--quick]``
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
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    return x[:n_train], y[:n_train], x[-400:], y[-400:]


def build_model(rate: float) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.Dense(128, activation="relu"),
            layers.Dropout(rate),
            layers.Dense(64, activation="relu"),
            layers.Dropout(rate),
            layers.Dense(10, activation="softmax"),
        ],
        name="mlp_dropout",
    )


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    epochs = args.epochs or (10 if args.quick else 40)
    n_train = 384 if args.quick else 640
    keras.utils.set_random_seed(0)
    x_train, y_train, x_test, y_test = load_data(n_train)

    model = build_model(rate=0.3)
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    if not args.quick:
        model.summary()
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=0 if args.quick else 2)
    _, accuracy = model.evaluate(x_test, y_test, batch_size=200, verbose=0)

    sample = x_test[:8]
    noisy_a = keras.ops.convert_to_numpy(model(sample, training=True))
    noisy_b = keras.ops.convert_to_numpy(model(sample, training=True))
    calm_a = model.predict(sample, verbose=0)
    calm_b = model.predict(sample, verbose=0)
    training_spread = float(np.abs(noisy_a - noisy_b).max())
    inference_spread = float(np.abs(calm_a - calm_b).max())
    print(
        f"max output change between two calls: training {training_spread:.3f}, inference {inference_spread:.3f}"
    )
    result = {
        "accuracy": float(accuracy),
        "training_spread": training_spread,
        "inference_spread": inference_spread,
    }
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in result.items()))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
