"""Early stopping: stop training when validation loss stops improving.

A network big enough to memorise a small training set starts to overfit after a few
epochs: training loss keeps falling while validation loss rises.  ``EarlyStopping``
watches ``val_loss``, stops after ``patience`` epochs without improvement, and with
``restore_best_weights=True`` puts back the weights from the best epoch.  Data: the
breast cancer table shipped with scikit-learn (30 features, benign vs malignant).

Run: ``python examples/early_stopping.py [--epochs N] [--quick]``
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer

import kerasx as keras
from kerasx import layers


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="maximum epochs")
    parser.add_argument("--quick", action="store_true", help="tiny settings (for tests)")
    return parser.parse_args(argv)


def load_data() -> tuple[np.ndarray, ...]:
    """Standardise with training statistics only (no peeking at the held-out rows)."""
    x, y = load_breast_cancer(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order].astype("float32"), y[order].astype("float32")
    x_train, y_train = x[:256], y[:256]
    x_val, y_val = x[256:384], y[256:384]
    x_test, y_test = x[384:], y[384:]
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6
    return (
        (x_train - mean) / std,
        y_train,
        (x_val - mean) / std,
        y_val,
        (x_test - mean) / std,
        y_test,
    )


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    max_epochs = args.epochs or 100
    keras.utils.set_random_seed(0)
    x_train, y_train, x_val, y_val, x_test, y_test = load_data()

    model = keras.Sequential(
        [
            keras.Input(shape=(30,)),
            layers.Dense(128, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3), loss="binary_crossentropy", metrics=["accuracy"]
    )
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=3, restore_best_weights=True, verbose=0 if args.quick else 1
    )
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        batch_size=64,
        epochs=max_epochs,
        callbacks=[stopper],
        verbose=0 if args.quick else 2,
    )
    epochs_run = len(history.history["val_loss"])
    best_val_loss = min(history.history["val_loss"])
    val_loss, _ = model.evaluate(x_val, y_val, batch_size=64, verbose=0)
    _, test_accuracy = model.evaluate(x_test, y_test, batch_size=64, verbose=0)
    print(f"ran {epochs_run} of {max_epochs} epochs; best val_loss {best_val_loss:.4f}")
    print(f"val_loss after restoring the best weights: {val_loss:.4f}")
    result = {
        "accuracy": float(test_accuracy),
        "epochs_run": float(epochs_run),
        "max_epochs": float(max_epochs),
        "restored_gap": abs(float(val_loss) - best_val_loss),
    }
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in result.items()))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
