# Keras 3 style: `import keras`, keras.ops in a custom layer, keras.Input.
import keras
import numpy as np
from keras import layers, ops


class Scale(layers.Layer):
    def build(self, input_shape):
        self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gain")

    def call(self, inputs):
        return ops.multiply(inputs, self.gain)


keras.utils.set_random_seed(3)
x = np.random.normal(size=(256, 6)).astype("float32")
y = (x[:, :3].sum(axis=1) > 0).astype("int32")

model = keras.Sequential(
    [keras.Input(shape=(6,)), Scale(), layers.Dense(16, activation="relu"), layers.Dense(2)]
)
model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["sparse_categorical_accuracy"],
)
model.fit(x, y, epochs=6, batch_size=32, verbose=0)
probs = ops.softmax(model.predict(x, verbose=0))
acc = float(np.mean(np.argmax(ops.convert_to_numpy(probs), axis=1) == y))
print(f"FINAL accuracy={acc:.4f}")
