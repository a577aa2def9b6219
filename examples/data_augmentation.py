"""Data augmentation: random flips, rotations and zooms as layers inside the model.

Augmentation layers (``RandomFlip``, ``RandomRotation``, ``RandomZoom``) transform each
training batch differently, so the network sees new variants every epoch and learns
what does not matter (here: mirror image, small tilt, size).  They are active only while
training; ``predict`` and ``evaluate`` pass images through unchanged.  Data: synthetic
16x16 images of three shapes (hollow square, filled square, plus sign) of random size and
position - shapes whose class survives flips, small rotations and zooms.

Run: ``python examples/data_augmentation.py [--epochs N] [--quick]``
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import kerasx as keras
from kerasx import layers

SIZE = 16
CLASSES = ("hollow square", "filled square", "plus")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="training epochs")
    parser.add_argument("--quick", action="store_true", help="tiny settings (for tests)")
    return parser.parse_args(argv)


def draw_shapes(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 16, 16, 1) in [0, 1] with light noise, and their class ids."""
    images = rng.uniform(0, 0.15, size=(n, SIZE, SIZE)).astype("float32")
    labels = rng.integers(0, len(CLASSES), size=n).astype("int32")
    for image, label in zip(images, labels):
        side = int(rng.integers(6, 11))
        top, left = rng.integers(1, SIZE - side, size=2)
        box = image[top : top + side, left : left + side]
        if label == 0:
            box[[0, -1], :] = 1.0
            box[:, [0, -1]] = 1.0
        elif label == 1:
            box[:] = 1.0
        else:
            box[side // 2 - 1 : side // 2 + 1, :] = 1.0
            box[:, side // 2 - 1 : side // 2 + 1] = 1.0
    return images[..., None], labels


def build_model() -> keras.Model:
    augment = keras.Sequential(
        [
            layers.RandomFlip("horizontal"),
            layers.RandomRotation(0.04),
            layers.RandomZoom(0.1),
        ],
        name="augment",
    )
    return keras.Sequential(
        [
            keras.Input(shape=(SIZE, SIZE, 1)),
            augment,
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(len(CLASSES), activation="softmax"),
        ],
        name="shapes_cnn",
    )


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    epochs = args.epochs or (8 if args.quick else 25)
    n_train = 512 if args.quick else 2048
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x_train, y_train = draw_shapes(n_train, rng)
    x_test, y_test = draw_shapes(300, rng)

    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    if not args.quick:
        model.summary()
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=0 if args.quick else 2)
    _, accuracy = model.evaluate(x_test, y_test, batch_size=100, verbose=0)

    augment = model.get_layer("augment")
    sample = x_test[:8]
    changed = float(
        np.abs(keras.ops.convert_to_numpy(augment(sample, training=True)) - sample).max()
    )
    unchanged = float(
        np.abs(keras.ops.convert_to_numpy(augment(sample, training=False)) - sample).max()
    )
    print(
        f"augmentation changes pixels by up to {changed:.2f} in training, {unchanged:.2f} at inference"
    )
    result = {"accuracy": float(accuracy), "train_change": changed, "inference_change": unchanged}
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in result.items()))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
