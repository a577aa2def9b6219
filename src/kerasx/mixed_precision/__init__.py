"""``keras.mixed_precision``: the tf.keras-era names for dtype policies and loss scaling.

Scripts written for tf.keras call ``mixed_precision.set_global_policy("mixed_float16")``
and wrap optimizers in ``LossScaleOptimizer``; these are the same objects as
:mod:`kerasx.dtype_policies` and :class:`kerasx.optimizers.LossScaleOptimizer`, so a
policy set here is the one layers read.
"""

from __future__ import annotations

from kerasx.dtype_policies import (
    DTypePolicy,
    dtype_policy,
    global_policy,
    set_dtype_policy,
    set_global_policy,
)
from kerasx.optimizers.loss_scale_optimizer import LossScaleOptimizer

#: tf.keras 2 called DTypePolicy ``Policy``.
Policy = DTypePolicy

__all__ = [
    "DTypePolicy",
    "LossScaleOptimizer",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]
