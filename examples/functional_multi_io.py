"""Functional API: a model with two inputs and two outputs.

The Functional API wires layers as a graph, so one model can read several inputs and
predict several targets, each with its own loss, loss weight and metrics.  Here the two
halves of a handwritten digit (top rows, bottom rows) enter through separate branches
that are merged; the model predicts the digit class (softmax over 10) and, as a second
yes/no task with its own loss, whether the digit is odd (sigmoid).

Run: ``python examples/functional_multi_io.py [--epochs N] [--quick]``
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


def load_data() -> tuple[dict, dict]:
    """Inputs and targets as dicts keyed by the layer names used in the model."""
    digits = load_digits()
    images = (digits.data / 16.0).astype("float32")
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order], digits.target[order].astype("int32")
    odd = (labels % 2).astype("float32")[:, None]
    inputs = {"top_half": images[:, :32], "bottom_half": images[:, 32:]}
    targets = {"digit": labels, "odd": odd}
    return inputs, targets


def take(data: dict, part: slice) -> dict:
    return {key: value[part] for key, value in data.items()}


def build_model() -> keras.Model:
    top = keras.Input(shape=(32,), name="top_half")
    bottom = keras.Input(shape=(32,), name="bottom_half")
    top_features = layers.Dense(32, activation="relu", name="top_branch")(top)
    bottom_features = layers.Dense(32, activation="relu", name="bottom_branch")(bottom)
    merged = layers.Concatenate(name="merge")([top_features, bottom_features])
    hidden = layers.Dense(64, activation="relu", name="shared")(merged)
    digit = layers.Dense(10, activation="softmax", name="digit")(hidden)
    odd = layers.Dense(1, activation="sigmoid", name="odd")(hidden)
    return keras.Model(inputs=[top, bottom], outputs=[digit, odd], name="two_in_two_out")


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    epochs = args.epochs or (8 if args.quick else 30)
    n_train = 768 if args.quick else 1280
    keras.utils.set_random_seed(0)

    inputs, targets = load_data()
    train, test = slice(0, n_train), slice(-400, None)
    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=3e-3),
        loss={"digit": "sparse_categorical_crossentropy", "odd": "binary_crossentropy"},
        loss_weights={"digit": 1.0, "odd": 0.5},
        metrics={"digit": ["accuracy"], "odd": ["accuracy"]},
    )
    if not args.quick:
        model.summary()
    model.fit(
        take(inputs, train),
        take(targets, train),
        batch_size=64,
        epochs=epochs,
        verbose=0 if args.quick else 2,
    )
    scores = model.evaluate(
        take(inputs, test), take(targets, test), batch_size=200, verbose=0, return_dict=True
    )
    digit_probs, odd_probs = model.predict(take(inputs, slice(0, 4)), verbose=0)
    print("digits:", digit_probs.argmax(-1).tolist(), "odd:", (odd_probs[:, 0] > 0.5).tolist())
    result = {
        "digit_accuracy": float(scores["digit_accuracy"]),
        "odd_accuracy": float(scores["odd_accuracy"]),
    }
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in result.items()))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
