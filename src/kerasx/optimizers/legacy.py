"""``kerasx.optimizers.legacy``: the tf.keras 2 import path, aliased to the Keras 3
optimizers so code written as ``tf.keras.optimizers.legacy.Adam`` keeps running."""

from kerasx.optimizers.adadelta import Adadelta
from kerasx.optimizers.adagrad import Adagrad
from kerasx.optimizers.adam import Adam
from kerasx.optimizers.adamax import Adamax
from kerasx.optimizers.ftrl import Ftrl
from kerasx.optimizers.nadam import Nadam
from kerasx.optimizers.optimizer import Optimizer
from kerasx.optimizers.rmsprop import RMSprop
from kerasx.optimizers.sgd import SGD

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Ftrl", "Nadam", "Optimizer", "RMSprop"]
