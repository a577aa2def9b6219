# A tf.keras 2 style script: Sequential MLP, fit/evaluate/predict, save and reload.
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(256, 8)).astype("float32")
y = (x[:, 0] + x[:, 1] - x[:, 2] > 0).astype("float32").reshape(-1, 1)

model = tf.keras.Sequential(
    [
        tf.keras.layers.Dense(16, activation="relu", input_shape=(8,)),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.05),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
model.fit(x, y, batch_size=32, epochs=4, verbose=0)
loss, acc = model.evaluate(x, y, verbose=0)
pred = model.predict(x[:16], verbose=0)

path = os.path.join(tempfile.mkdtemp(), "mlp.keras")
model.save(path)
restored = tf.keras.models.load_model(path)
if not np.allclose(restored.predict(x[:16], verbose=0), pred, atol=1e-5):
    print("reloaded model predicts differently")
    sys.exit(1)
print(f"FINAL accuracy={acc:.4f}")
