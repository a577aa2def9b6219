"""``kerasx.ops``: every op of Keras 3's ``keras.ops`` that kerasx implements.

The functions are generated from the backend protocol (see ``_dispatch``); they accept
Python scalars, NumPy arrays, the active framework's tensors, :class:`kerasx.Variable`
and, inside Functional models, symbolic KerasTensors.
"""

from kerasx.ops import core, image, linalg, math, nn, numpy
from kerasx.ops.core import *  # noqa: F403
from kerasx.ops.linalg import *  # noqa: F403
from kerasx.ops.math import *  # noqa: F403
from kerasx.ops.nn import *  # noqa: F403
from kerasx.ops.numpy import *  # noqa: F403

__all__ = sorted(
    {
        *core.__all__,
        *linalg.__all__,
        *math.__all__,
        *nn.__all__,
        *numpy.__all__,
        "core",
        "image",
        "linalg",
        "math",
        "nn",
        "numpy",
    }
)


def op_names() -> list[str]:
    """Public op function names (for the conformance suite's coverage count)."""
    fams = (core, image, linalg, math, nn, numpy)
    return sorted({n for m in fams for n in m.__all__})
