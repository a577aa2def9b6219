"""Pre-jitted kernels for composite ops.

Eagerly, JAX dispatches every primitive of a composite op separately (and re-traces
``custom_jvp`` functions such as ``jax.nn.relu`` on each call), which makes ops like
softmax, normalisations or attention cost hundreds of microseconds.  Wrapping them in
``jax.jit`` with their configuration as static arguments turns each into one cached
executable; inside a user's own ``jit``/``grad`` the wrapper is simply inlined.
Every static argument must be hashable (tuples, not lists).
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

relu = jax.jit(jax.nn.relu)
relu6 = jax.jit(jax.nn.relu6)
log_sigmoid = jax.jit(jax.nn.log_sigmoid)
log_softmax = partial(jax.jit, static_argnames=("axis",))(
    lambda x, axis: jax.nn.log_softmax(x, axis=axis)
)
softmax = partial(jax.jit, static_argnames=("axis",))(lambda x, axis: jax.nn.softmax(x, axis=axis))
gelu = partial(jax.jit, static_argnames=("approximate",))(
    lambda x, approximate: jax.nn.gelu(x, approximate=approximate)
)
elu = partial(jax.jit, static_argnames=("alpha",))(lambda x, alpha: jax.nn.elu(x, alpha=alpha))
celu = partial(jax.jit, static_argnames=("alpha",))(lambda x, alpha: jax.nn.celu(x, alpha=alpha))
squareplus = partial(jax.jit, static_argnames=("b",))(lambda x, b: jax.nn.squareplus(x, b=b))
sparse_plus = jax.jit(jax.nn.sparse_plus)
logsumexp = partial(jax.jit, static_argnames=("axis", "keepdims"))(
    lambda x, axis, keepdims: jax.nn.logsumexp(x, axis=axis, keepdims=keepdims)
)


@partial(jax.jit, static_argnames=("num_classes", "dtype", "axis"))
def one_hot(x, num_classes, dtype, axis):
    return jax.nn.one_hot(x, num_classes, dtype=dtype, axis=axis)


# ------------------------------------------------------------------ pooling
@partial(jax.jit, static_argnames=("window", "strides", "pads"))
def max_pool(x, window, strides, pads):
    if x.dtype.kind in "iu":
        init = np.array(np.iinfo(x.dtype).min, x.dtype)
    elif x.dtype == jnp.bool_:
        init = np.array(False)
    else:
        init = np.array(-np.inf, x.dtype)
    return lax.reduce_window(x, init, lax.max, window, strides, pads)


@partial(jax.jit, static_argnames=("window", "strides", "pads", "ones_shape", "size"))
def average_pool(x, window, strides, pads, ones_shape, size):
    """Window sums divided by ``size``, or (``ones_shape`` given: padded windows) by
    the count of real elements, a reduce_window over ones."""
    zero = np.array(0, x.dtype)
    summed = lax.reduce_window(x, zero, lax.add, window, strides, pads)
    if ones_shape is None:
        return summed / jnp.asarray(size, x.dtype)
    counts = lax.reduce_window(jnp.ones(ones_shape, x.dtype), zero, lax.add, window, strides, pads)
    return summed / counts


# ------------------------------------------------------------ normalisation
@partial(jax.jit, static_argnames=("axes", "keepdims"))
def moments(x, axes, keepdims):
    low = x.dtype in (jnp.float16, jnp.bfloat16)
    work = x.astype(jnp.float32) if low else x
    mean = jnp.mean(work, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(work - lax.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean, var = jnp.squeeze(mean, axes), jnp.squeeze(var, axes)
    if low:
        mean, var = mean.astype(x.dtype), var.astype(x.dtype)
    return mean, var


@partial(jax.jit, static_argnames=("axis", "epsilon"))
def batch_normalization(x, mean, variance, offset, scale, axis, epsilon):
    view = [1] * x.ndim
    view[axis] = -1
    inv = lax.rsqrt(jnp.reshape(variance, view) + epsilon)
    if scale is not None:
        inv = inv * jnp.reshape(scale, view)
    shift = -jnp.reshape(mean, view) * inv
    if offset is not None:
        shift = shift + jnp.reshape(offset, view)
    return x * inv + shift


@partial(jax.jit, static_argnames=("axes", "epsilon"))
def layer_normalization(x, gamma, beta, axes, epsilon):
    mean, var = moments(x, axes, True)
    out = (x - mean) * lax.rsqrt(var + jnp.asarray(epsilon, var.dtype))
    if gamma is not None:
        out = out * gamma
    if beta is not None:
        out = out + beta
    return out


@partial(jax.jit, static_argnames=("axis", "epsilon"))
def rms_normalization(x, scale, axis, epsilon):
    ms = jnp.mean(jnp.square(x), axis=axis, keepdims=True)
    out = x * lax.rsqrt(ms + jnp.asarray(epsilon, ms.dtype))
    return out if scale is None else out * scale


@partial(jax.jit, static_argnames=("axis", "order", "epsilon"))
def normalize(x, axis, order, epsilon):
    if order == 2:
        sq = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
        return x * lax.rsqrt(jnp.maximum(sq, jnp.asarray(epsilon * epsilon, sq.dtype)))
    n = jnp.sum(jnp.power(jnp.abs(x), float(order)), axis=axis, keepdims=True)
    return x / jnp.maximum(jnp.power(n, 1.0 / order), epsilon)


# ------------------------------------------------------------------- losses
@partial(jax.jit, static_argnames=("from_logits", "epsilon"))
def binary_crossentropy(target, output, from_logits, epsilon):
    if from_logits:
        # max(x, 0) - x * z + log(1 + exp(-|x|)), stable for large |x|.
        return jax.nn.relu(output) - output * target + jnp.log1p(jnp.exp(-jnp.abs(output)))
    p = jnp.clip(output, epsilon, 1.0 - epsilon)
    return -(target * jnp.log(p) + (1.0 - target) * jnp.log(1.0 - p))


def _log_probs(output, from_logits, axis, epsilon):
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    probs = output / jnp.sum(output, axis=axis, keepdims=True)
    return jnp.log(jnp.clip(probs, epsilon, 1.0 - epsilon))


@partial(jax.jit, static_argnames=("from_logits", "axis", "epsilon"))
def categorical_crossentropy(target, output, from_logits, axis, epsilon):
    return -jnp.sum(target * _log_probs(output, from_logits, axis, epsilon), axis=axis)


@partial(jax.jit, static_argnames=("from_logits", "axis", "epsilon"))
def sparse_categorical_crossentropy(target, output, from_logits, axis, epsilon):
    logp = _log_probs(output, from_logits, axis, epsilon)
    # One-hot (not a gather) so out-of-range targets give zero loss, as the protocol.
    oh = jax.nn.one_hot(target.astype(jnp.int32), output.shape[axis], dtype=output.dtype, axis=axis)
    return -jnp.sum(oh * logp, axis=axis)


# ---------------------------------------------------------------- attention
@partial(jax.jit, static_argnames=("scale", "is_causal", "implementation"))
def dot_product_attention(q, k, v, bias, mask, scale, is_causal, implementation):
    return jax.nn.dot_product_attention(
        q,
        k,
        v,
        bias=bias,
        mask=mask,
        scale=scale,
        is_causal=is_causal,
        implementation=implementation,
    )
