# Token sequences: pad_sequences + Embedding + LSTM (tf.keras preprocessing namespace).
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import LSTM, Dense, Embedding
from tensorflow.keras.models import Sequential
from tensorflow.keras.preprocessing.sequence import pad_sequences

tf.keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)
sequences, labels = [], []
for _ in range(300):
    length = int(rng.integers(3, 12))
    tokens = rng.integers(2, 20, size=length).tolist()
    label = int(rng.random() < 0.5)
    if label:
        tokens[int(rng.integers(0, length))] = 1  # the "positive" token
    sequences.append(tokens)
    labels.append(label)
x = pad_sequences(sequences, maxlen=12)
y = np.array(labels, dtype="float32")[:, None]
assert x.shape == (300, 12), x.shape

model = Sequential([Embedding(20, 8), LSTM(8), Dense(1, activation="sigmoid")])
model.compile(
    optimizer=tf.keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"]
)
model.fit(x, y, epochs=5, batch_size=32, verbose=0)
_, acc = model.evaluate(x, y, verbose=0)
print(f"FINAL accuracy={acc:.4f}")
