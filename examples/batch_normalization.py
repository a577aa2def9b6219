"""Batch normalization: normalise activations per batch to train faster and steadier.

``BatchNormalization`` standardises its inputs with the statistics of the current batch
while training, and keeps moving averages of those statistics that it uses at inference
time.  The usual placement is between a layer without bias and its activation.  Data:
scikit-learn's digits, deliberately left unscaled (pixel values 0-16) - the first batch
norm takes care of the scale.

Run: ``python examples/batch_normalization.py [--epochs N] [--quick]``
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
    x, y = digits.data.astype("float32"), digits.target.astype("int32")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    return x[:n_train], y[:n_train], x[-400:], y[-400:]


def build_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.BatchNormalization(momentum=0.9, name="input_norm"),
            layers.Dense(64, use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.Dense(32, use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="mlp_batchnorm",
    )


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    epochs = args.epochs or (6 if args.quick else 20)
    n_train = 768 if args.quick else 1280
    keras.utils.set_random_seed(0)
    x_train, y_train, x_test, y_test = load_data(n_train)

    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    if not args.quick:
        model.summary()
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=0 if args.quick else 2)
    _, accuracy = model.evaluate(x_test, y_test, batch_size=200, verbose=0)

    # The moving statistics followed the data: compare with the true pixel means.
    input_norm = model.get_layer("input_norm")
    moving_mean = keras.ops.convert_to_numpy(input_norm.moving_mean)
    mean_error = float(np.abs(moving_mean - x_train.mean(0)).max())
    print(f"largest |moving_mean - pixel mean|: {mean_error:.3f} (pixel values go up to 16)")
    result = {"accuracy": float(accuracy), "moving_mean_error": mean_error}
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in result.items()))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
