"""Export hooks of the jax adapter: a ``jax.jit``-compiled pure inference function.

JAX has no format that stores a jitted function together with its parameters, so the
jax native artifact is the model config plus its weights; this hook turns the rebuilt
model into ``fn(params, *inputs)``, pure and jitted, and the current parameter values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax


def jit_inference(model: Any, pack: Callable[[Any], Any]) -> tuple[Any, Any]:
    """``(jitted fn(params, *inputs), params)`` for ``model`` in inference mode.

    ``params`` is ``(trainable values, non-trainable values)``; the function reads only
    its arguments, so new parameter values need no recompilation.
    """
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]

    def pure(params: Any, *inputs: Any) -> Any:
        outputs, _ = model.stateless_call(params[0], params[1], pack(inputs), training=False)
        return outputs

    return jax.jit(pure), (trainable, non_trainable)


__all__ = ["jit_inference"]
