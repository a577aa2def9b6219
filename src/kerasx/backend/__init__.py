"""``kerasx.backend``: which backend is active, and Keras' backend utilities."""

from kerasx.backends.common.dtypes import result_type, standardize_dtype
from kerasx.backends.common.settings import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from kerasx.config import backend
from kerasx.trainers.gradients import value_and_grad

__all__ = [
    "backend",
    "epsilon",
    "floatx",
    "image_data_format",
    "result_type",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "standardize_dtype",
    "value_and_grad",
]
