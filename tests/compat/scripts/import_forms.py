# Every import spelling of tf.keras / Keras resolves to kerasx; TensorFlow itself is
# real when importable and a keras-only stand-in when not.
import sys

import keras
import keras.layers
import tensorflow as tf
from keras import layers
from keras.layers import Dense
from keras.models import Sequential
from tensorflow import keras as tf_keras
from tensorflow.keras.layers import Dense as TFDense
from tensorflow.keras.preprocessing.sequence import pad_sequences

import kerasx

assert keras is kerasx and tf_keras is kerasx and tf.keras is kerasx
assert layers is kerasx.layers and keras.layers is kerasx.layers
assert sys.modules["tensorflow.keras.layers"] is kerasx.layers
assert Dense is TFDense is tf.keras.layers.Dense is kerasx.layers.Dense
assert Sequential is kerasx.models.Sequential
assert pad_sequences is kerasx.preprocessing.sequence.pad_sequences
assert kerasx.layers.__spec__.name == "kerasx.layers"  # aliasing left kerasx intact
onehot = tf.keras.utils.to_categorical([0, 2], num_classes=3)
assert onehot.tolist() == [[1, 0, 0], [0, 0, 1]]
assert isinstance(tf.keras.layers.Dense(2), keras.layers.Layer)

try:
    import keras.no_such_module  # noqa: F401
except ModuleNotFoundError as err:
    assert "keras.no_such_module" in str(err), err
else:
    raise AssertionError("keras.no_such_module imported")

expect_real = sys.argv[1] == "real"
if expect_real:
    assert tf.__name__ == "tensorflow" and hasattr(tf, "constant")
    assert float(tf.reduce_sum(tf.constant([1.0, 2.0]))) == 3.0
else:
    assert not hasattr(tf, "constant")
    try:
        tf.constant(1.0)
    except AttributeError as err:
        assert "TensorFlow itself" in str(err) and "tf.keras" in str(err), err
    else:
        raise AssertionError("the stand-in served tf.constant")
    try:
        from tensorflow import data  # noqa: F401
    except ImportError as err:
        assert "TensorFlow itself" in str(err), err
    else:
        raise AssertionError("the stand-in served tensorflow.data")
print(f"FINAL ok=1 tensorflow={'real' if expect_real else 'standin'}")
