"""The JAX backend adapter: ``jax.numpy`` / ``jax.lax`` / ``jax.nn`` behind the protocol.

Keeps JAX's default of ``jax_enable_x64`` off (as Keras 3 does), so 64-bit dtypes are
stored as their 32-bit counterparts.  Variables are mutable boxes around immutable
arrays; training goes through ``jax.value_and_grad`` and compiled steps through
``jax.jit``.
"""

from __future__ import annotations

from kerasx.backends.protocol import Backend


def backend_class() -> type[Backend]:
    from kerasx.backends.jax.backend import JaxBackend

    return JaxBackend
