# `from tensorflow import keras` with a subclassed Model (regression).
import numpy as np
from tensorflow import keras


class TwoLayerRegressor(keras.Model):
    def __init__(self, units=16, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(units, activation="tanh")
        self.out = keras.layers.Dense(1)

    def call(self, inputs, training=False):
        return self.out(self.hidden(inputs))


keras.utils.set_random_seed(2)
x = np.random.uniform(-1, 1, size=(256, 3)).astype("float32")
y = (2 * x[:, :1] - x[:, 1:2] + 0.5 * x[:, 2:3]).astype("float32")

model = TwoLayerRegressor()
model.compile(optimizer=keras.optimizers.Adam(0.03), loss="mse", metrics=["mae"])
model.fit(x, y, epochs=5, batch_size=32, verbose=0)
mse, mae = model.evaluate(x, y, verbose=0)
r2 = 1.0 - mse / float(np.var(y))
print(f"FINAL r2={r2:.4f}")
