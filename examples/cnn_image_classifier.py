"""Image classification with a convolutional network (Conv2D + MaxPooling2D).

Convolutions share weights across positions, so they learn local patterns (strokes,
corners) with far fewer parameters than a Dense layer over raw pixels.  Data: the 8x8
scikit-learn digits as one-channel images, channels-last ``(8, 8, 1)``.

Run: ``python examples/cnn_image_classifier.py [--epochs N] [--quick]``
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


def load_images(n_train: int) -> tuple[np.ndarray, ...]:
    digits = load_digits()
    images = (digits.images / 16.0).astype("float32")[..., None]
    labels = digits.target.astype("int32")
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order], labels[order]
    return images[:n_train], labels[:n_train], images[-400:], labels[-400:]


def build_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(8, 8, 1)),
            layers.Conv2D(16, kernel_size=3, padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=2),
            layers.Conv2D(32, kernel_size=3, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ],
        name="digits_cnn",
    )


def main(argv: list[str] | None = None) -> float:
    args = parse_args(argv)
    epochs = args.epochs or (6 if args.quick else 20)
    n_train = 768 if args.quick else 1280
    keras.utils.set_random_seed(0)

    x_train, y_train, x_test, y_test = load_images(n_train)
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
    print(f"RESULT accuracy={accuracy:.4f}")
    return float(accuracy)


if __name__ == "__main__":
    main(sys.argv[1:])
