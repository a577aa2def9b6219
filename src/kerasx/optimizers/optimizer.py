"""``kerasx.optimizers.Optimizer``: the public base class for custom optimizers."""

from __future__ import annotations

from kerasx.optimizers.base_optimizer import BaseOptimizer
from kerasx.saving.registry import keras_export


@keras_export("keras.optimizers.Optimizer", "keras.Optimizer")
class Optimizer(BaseOptimizer):
    """Base class of every optimizer: subclass it, create slot variables in ``build``
    (``add_variable_from_reference``) and implement ``update_step``."""
