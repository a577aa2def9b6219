"""Text classification: an LSTM reads token sequences and predicts their sentiment.

Reviews are synthetic but learnable: a vocabulary with a few "positive" and a few
"negative" words among many neutral ones; a review has a random length, contains one
to three sentiment words of the same polarity at random positions, and its label is that
polarity.  Reviews are padded with ``pad_sequences``; ``Embedding(mask_zero=True)``
tells the LSTM to skip the padding.

Run: ``python examples/lstm_sentiment.py [--epochs N] [--quick]``
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import kerasx as keras
from kerasx import layers

VOCAB_SIZE = 40  # token 0 is padding
POSITIVE = np.arange(1, 5)  # "great", "love", ...
NEGATIVE = np.arange(5, 9)  # "awful", "boring", ...
NEUTRAL = np.arange(9, VOCAB_SIZE)
MAX_LEN = 12


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="training epochs")
    parser.add_argument("--quick", action="store_true", help="tiny settings (for tests)")
    return parser.parse_args(argv)


def make_reviews(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Token id lists of varying length, padded at the front like Keras's default."""
    reviews, labels = [], []
    for _ in range(n):
        length = int(rng.integers(5, MAX_LEN + 1))
        tokens = rng.choice(NEUTRAL, size=length)
        label = int(rng.integers(0, 2))
        words = POSITIVE if label else NEGATIVE
        n_sentiment = int(rng.integers(1, 4))
        spots = rng.choice(length, size=n_sentiment, replace=False)
        tokens[spots] = rng.choice(words, size=n_sentiment)
        reviews.append(tokens.tolist())
        labels.append(label)
    padded = keras.utils.pad_sequences(reviews, maxlen=MAX_LEN)
    return padded.astype("int32"), np.asarray(labels, dtype="float32")


def build_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(MAX_LEN,), dtype="int32"),
            layers.Embedding(VOCAB_SIZE, 16, mask_zero=True),
            layers.LSTM(16),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="sentiment_lstm",
    )


def main(argv: list[str] | None = None) -> float:
    args = parse_args(argv)
    epochs = args.epochs or (6 if args.quick else 15)
    n_train = 1024 if args.quick else 4096
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)

    x_train, y_train = make_reviews(n_train, rng)
    x_test, y_test = make_reviews(400, rng)
    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-2),
        loss="binary_crossentropy",
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
