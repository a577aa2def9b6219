# tf.keras backend functions (`K`) in a custom loss, a metric and a Lambda layer.
import numpy as np
import tensorflow as tf
from tensorflow.keras import backend as K


def rmse(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))


def mean_abs_error(y_true, y_pred):
    return K.mean(K.abs(y_pred - y_true))


K.clear_session()
tf.keras.utils.set_random_seed(4)
x = np.random.uniform(-1, 1, size=(256, 4)).astype(K.floatx())
y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], dtype="float32")).astype("float32")

inputs = tf.keras.Input(shape=(4,))
doubled = tf.keras.layers.Lambda(lambda t: K.concatenate([t, K.square(t)], axis=-1))(inputs)
assert K.int_shape(doubled) == (None, 8), K.int_shape(doubled)
outputs = tf.keras.layers.Dense(1)(doubled)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss=rmse, metrics=[mean_abs_error])
model.fit(x, y, epochs=6, batch_size=32, verbose=0)
weights = model.layers[-1].kernel
assert K.int_shape(weights) == (8, 1)
_, mae = model.evaluate(x, y, verbose=0)
print(f"FINAL mae={mae:.4f} epsilon={K.epsilon()}")
