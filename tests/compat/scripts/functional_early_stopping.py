# `from tensorflow.keras import ...` style: functional model with EarlyStopping.
import numpy as np
from tensorflow.keras import callbacks, layers, models, optimizers
from tensorflow.keras.utils import to_categorical

np.random.seed(1)
centers = np.random.normal(scale=3.0, size=(3, 4))
labels = np.random.randint(0, 3, size=300)
x = (centers[labels] + np.random.normal(size=(300, 4))).astype("float32")
y = to_categorical(labels, num_classes=3)

inputs = layers.Input(shape=(4,))
hidden = layers.Dense(16, activation="relu")(inputs)
hidden = layers.Dropout(0.1)(hidden)
outputs = layers.Dense(3, activation="softmax")(hidden)
model = models.Model(inputs=inputs, outputs=outputs)
model.compile(
    optimizer=optimizers.RMSprop(learning_rate=0.01),
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)
stopper = callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
history = model.fit(
    x, y, validation_split=0.2, epochs=5, batch_size=32, callbacks=[stopper], verbose=0
)
assert "val_loss" in history.history, history.history.keys()
_, acc = model.evaluate(x, y, verbose=0)
print(f"FINAL accuracy={acc:.4f}")
