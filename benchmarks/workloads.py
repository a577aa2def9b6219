"""The benchmark models, written once against the Keras API (kerasx or Keras 3)."""

from __future__ import annotations

from typing import Any

import numpy as np

BATCH = 128


def data(name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    if name == "mlp":
        x = rng.random((n, 784), dtype=np.float32)
    elif name == "cnn":
        x = rng.random((n, 28, 28, 1), dtype=np.float32)
    else:  # lstm: 32 steps of 16 features
        x = rng.random((n, 32, 16), dtype=np.float32)
    y = rng.integers(0, 10, n).astype("int32")
    return x, y


def build(keras: Any, name: str) -> Any:
    L = keras.layers
    if name == "mlp":
        layers = [
            keras.Input((784,)),
            L.Dense(512, activation="relu"),
            L.Dense(512, activation="relu"),
            L.Dense(10),
        ]
    elif name == "cnn":
        layers = [
            keras.Input((28, 28, 1)),
            L.Conv2D(32, 3, activation="relu"),
            L.MaxPooling2D(),
            L.Conv2D(64, 3, activation="relu"),
            L.MaxPooling2D(),
            L.Flatten(),
            L.Dense(10),
        ]
    else:
        layers = [keras.Input((32, 16)), L.LSTM(64), L.Dense(10)]
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
