"""Recommendation: neural collaborative filtering with Embedding layers.

Every user and every item gets a learned vector (an ``Embedding``) and a learned bias;
the predicted rating is the dot product of the two vectors plus both biases.  Ratings
are synthetic with a hidden low-rank structure (users and items have a few latent
tastes), and only some user/item pairs are observed, so the model has to generalise to
pairs it never saw.  The report compares with predicting the average rating.

Run: ``python examples/recommender.py [--epochs N] [--quick]``
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import kerasx as keras
from kerasx import layers

RANK = 3


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="training epochs")
    parser.add_argument("--quick", action="store_true", help="tiny settings (for tests)")
    return parser.parse_args(argv)


def make_ratings(n_users: int, n_items: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Observed (user, item, rating) triples, shuffled; ratings are centred near 3."""
    tastes = rng.normal(size=(n_users, RANK))
    traits = rng.normal(size=(n_items, RANK))
    user_bias = rng.normal(0, 0.3, size=n_users)
    item_bias = rng.normal(0, 0.3, size=n_items)
    users, items = np.meshgrid(np.arange(n_users), np.arange(n_items), indexing="ij")
    users, items = users.ravel(), items.ravel()
    score = (tastes[users] * traits[items]).sum(-1) / np.sqrt(RANK)
    rating = 3 + score + user_bias[users] + item_bias[items] + rng.normal(0, 0.1, users.size)
    keep = rng.permutation(users.size)[: users.size // 2]
    return {
        "user": users[keep].astype("int32"),
        "item": items[keep].astype("int32"),
        "rating": rating[keep].astype("float32"),
    }


def build_model(n_users: int, n_items: int, dim: int = 8) -> keras.Model:
    user = keras.Input(shape=(), dtype="int32", name="user")
    item = keras.Input(shape=(), dtype="int32", name="item")
    user_vec = layers.Embedding(n_users, dim, name="user_embedding")(user)
    item_vec = layers.Embedding(n_items, dim, name="item_embedding")(item)
    user_bias = layers.Embedding(n_users, 1, name="user_bias")(user)
    item_bias = layers.Embedding(n_items, 1, name="item_bias")(item)
    affinity = layers.Dot(axes=1, name="affinity")([user_vec, item_vec])
    rating = layers.Add(name="rating")([affinity, user_bias, item_bias])
    rating = layers.Rescaling(1.0, offset=3.0, name="centre")(rating)
    return keras.Model(inputs=[user, item], outputs=rating, name="ncf")


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    epochs = args.epochs or (12 if args.quick else 40)
    n_users, n_items = (100, 64) if args.quick else (400, 200)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)

    data = make_ratings(n_users, n_items, rng)
    n_test = 512
    n_train = (data["rating"].size - n_test) // 128 * 128  # whole batches only
    train = {key: value[:n_train] for key, value in data.items()}
    test = {key: value[-n_test:] for key, value in data.items()}

    model = build_model(n_users, n_items)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-2), loss="mse")
    if not args.quick:
        model.summary()
    model.fit(
        {"user": train["user"], "item": train["item"]},
        train["rating"],
        batch_size=128,
        epochs=epochs,
        verbose=0 if args.quick else 2,
    )
    predicted = model.predict(
        {"user": test["user"], "item": test["item"]}, batch_size=256, verbose=0
    )
    rmse = float(np.sqrt(np.mean((predicted[:, 0] - test["rating"]) ** 2)))
    baseline = float(np.sqrt(np.mean((train["rating"].mean() - test["rating"]) ** 2)))
    result = {"rmse": rmse, "baseline_rmse": baseline}
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in result.items()))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
