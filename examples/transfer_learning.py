"""Transfer learning: reuse a pretrained feature extractor, then fine-tune it.

The usual recipe: take a base model trained on a large task, freeze it
(``base.trainable = False``), put a new head on top for your task and train only the
head; then unfreeze the base and fine-tune everything with a low learning rate.  To stay
offline and fast, the "pretrained" base here is a small CNN trained in this script on
digits 0-4; the new task is telling digits 5-9 apart from only a few hundred examples.
(With real images you would start from e.g. ``keras.applications.MobileNetV2``.)

Run: ``python examples/transfer_learning.py [--epochs N] [--quick]``
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
    parser.add_argument("--epochs", type=int, default=None, help="epochs per training phase")
    parser.add_argument("--quick", action="store_true", help="tiny settings (for tests)")
    return parser.parse_args(argv)


def split_tasks() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Source task: digits 0-4 (plenty).  Target task: digits 5-9, relabelled 0-4."""
    digits = load_digits()
    images = (digits.images / 16.0).astype("float32")[..., None]
    labels = digits.target.astype("int32")
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order], labels[order]
    source = labels < 5
    x_target, y_target = images[~source], labels[~source] - 5
    return (
        (images[source][:768], labels[source][:768]),
        (x_target[:256], y_target[:256]),
        (x_target[-400:], y_target[-400:]),
    )


def build_base() -> keras.Model:
    """The feature extractor that gets pretrained, then reused."""
    inputs = keras.Input(shape=(8, 8, 1))
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(32, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    features = layers.Flatten()(x)
    return keras.Model(inputs, features, name="base")


def pretrain(base: keras.Model, x: np.ndarray, y: np.ndarray, epochs: int, verbose: int) -> None:
    source_model = keras.Sequential([base, layers.Dense(5, activation="softmax")])
    source_model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    source_model.fit(x, y, batch_size=64, epochs=epochs, verbose=verbose)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    epochs = args.epochs or (6 if args.quick else 20)
    verbose = 0 if args.quick else 2
    keras.utils.set_random_seed(0)
    (x_src, y_src), (x_new, y_new), (x_test, y_test) = split_tasks()

    base = build_base()
    pretrain(base, x_src, y_src, epochs, verbose)

    # Phase 1: freeze the base; only the new head learns.  training=False keeps the
    # base's BatchNormalization in inference mode even when it is unfrozen later.
    base.trainable = False
    inputs = keras.Input(shape=(8, 8, 1))
    features = base(inputs, training=False)
    outputs = layers.Dense(5, activation="softmax", name="new_head")(layers.Dropout(0.2)(features))
    model = keras.Model(inputs, outputs, name="transfer")
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    frozen_before = [w.copy() for w in base.get_weights()]
    model.fit(x_new, y_new, batch_size=64, epochs=epochs, verbose=verbose)
    frozen_kept = all(np.array_equal(a, b) for a, b in zip(frozen_before, base.get_weights()))
    _, head_accuracy = model.evaluate(x_test, y_test, batch_size=200, verbose=0)
    print(f"head only: accuracy={head_accuracy:.4f}  base unchanged={frozen_kept}")

    # Phase 2: unfreeze and fine-tune everything with a small learning rate.  Changing
    # ``trainable`` needs a new compile() to take effect.
    base.trainable = True
    model.compile(
        optimizer=keras.optimizers.Adam(1e-4),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x_new, y_new, batch_size=64, epochs=epochs, verbose=verbose)
    _, accuracy = model.evaluate(x_test, y_test, batch_size=200, verbose=0)
    result = {
        "head_accuracy": float(head_accuracy),
        "accuracy": float(accuracy),
        "frozen_base_unchanged": float(frozen_kept),
    }
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in result.items()))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
