"""Time-series forecasting: an LSTM predicts the next value of a noisy sine wave.

Each training example is a window of past values; the target is the value that follows.
Series have random frequencies and phases, so the model must read the window to learn
where the wave is heading rather than memorise one curve.  The report compares the LSTM
with the "repeat the last value" baseline that every forecast should beat.

Run: ``python examples/lstm_forecasting.py [--epochs N] [--quick]``
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import kerasx as keras
from kerasx import layers

WINDOW = 16


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="training epochs")
    parser.add_argument("--quick", action="store_true", help="tiny settings (for tests)")
    return parser.parse_args(argv)


def make_windows(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` windows of shape (WINDOW, 1) and the value right after each one."""
    freq = rng.uniform(0.2, 0.6, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    steps = np.arange(WINDOW + 1)[None, :]
    series = np.sin(freq * steps + phase) + rng.normal(0, 0.05, size=(n, WINDOW + 1))
    series = series.astype("float32")
    return series[:, :WINDOW, None], series[:, WINDOW:]


def build_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(WINDOW, 1)),
            layers.LSTM(32),
            layers.Dense(1),
        ],
        name="sine_forecaster",
    )


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    epochs = args.epochs or (8 if args.quick else 30)
    n_train = 1024 if args.quick else 4096
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)

    x_train, y_train = make_windows(n_train, rng)
    x_test, y_test = make_windows(400, rng)
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse", metrics=["mae"])
    if not args.quick:
        model.summary()
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=0 if args.quick else 2)
    mse, _ = model.evaluate(x_test, y_test, batch_size=200, verbose=0)
    naive_mse = float(np.mean((x_test[:, -1] - y_test) ** 2))
    forecast = model.predict(x_test[:3], verbose=0)[:, 0]
    print("next values:", y_test[:3, 0].round(3), "forecast:", forecast.round(3))
    result = {"mse": float(mse), "naive_mse": naive_mse}
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in result.items()))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
