"""Shared helpers for the callback tests: tiny linear models and data."""

from __future__ import annotations

import numpy as np

import kerasx

FEATURES = 3


def make_model(weights=None, units: int = 1):
    """A built ``Sequential([Input(3), Dense(units)])``, optionally with given weights."""
    model = kerasx.Sequential([kerasx.Input((FEATURES,)), kerasx.layers.Dense(units)])
    if weights is not None:
        model.set_weights(weights)
    return model


def data(n: int = 16, seed: int = 0, units: int = 1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, FEATURES)).astype("float32")
    w = rng.normal(size=(FEATURES, units)).astype("float32")
    y = (x @ w + 0.1 * rng.normal(size=(n, units))).astype("float32")
    return x, y


def fixed_weights(units: int = 1, seed: int = 7):
    rng = np.random.default_rng(seed)
    return [
        rng.normal(size=(FEATURES, units)).astype("float32"),
        rng.normal(size=(units,)).astype("float32"),
    ]


def mse(weights, x, y) -> float:
    kernel, bias = weights
    return float(np.mean((x @ kernel + bias - y) ** 2))


class StubModel:
    """Just enough model for callbacks that only read logs and flip ``stop_training``."""

    def __init__(self, optimizer=None):
        self.stop_training = False
        self.optimizer = optimizer
        self.epoch = -1
        self.restored = None

    def get_weights(self):
        return [self.epoch]

    def set_weights(self, weights):
        self.restored = weights[0]


class StubOptimizer:
    def __init__(self, learning_rate: float):
        self.learning_rate = learning_rate
