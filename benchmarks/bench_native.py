"""Hand-written training loops in each framework, for the same three workloads.

Each loop is what a practitioner would write without Keras: jax.jit + optax,
torch eager + torch.optim, tf.function + GradientTape.  ``setup`` returns the functions
``bench_one.py`` times.
"""

from __future__ import annotations

import numpy as np
from workloads import BATCH


def glorot(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    fan_in = int(np.prod(shape[:-1]))
    fan_out = shape[-1] if len(shape) == 2 else int(np.prod(shape[:-2])) * shape[-1]
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-lim, lim, shape).astype("float32")


def params(workload: str) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    if workload == "mlp":
        return {
            "w1": glorot(rng, (784, 512)),
            "b1": np.zeros(512, "float32"),
            "w2": glorot(rng, (512, 512)),
            "b2": np.zeros(512, "float32"),
            "w3": glorot(rng, (512, 10)),
            "b3": np.zeros(10, "float32"),
        }
    if workload == "cnn":
        return {
            "k1": glorot(rng, (3, 3, 1, 32)),
            "c1": np.zeros(32, "float32"),
            "k2": glorot(rng, (3, 3, 32, 64)),
            "c2": np.zeros(64, "float32"),
            "w": glorot(rng, (1600, 10)),
            "b": np.zeros(10, "float32"),
        }
    return {
        "wi": glorot(rng, (16, 256)),
        "wh": glorot(rng, (64, 256)),
        "bl": np.zeros(256, "float32"),
        "w": glorot(rng, (64, 10)),
        "b": np.zeros(10, "float32"),
    }


def run_jax(workload: str, x: np.ndarray, y: np.ndarray) -> tuple[float, callable]:
    import jax
    import jax.numpy as jnp
    import optax

    p = {k: jnp.asarray(v) for k, v in params(workload).items()}

    def forward(p, xb):
        if workload == "mlp":
            h = jax.nn.relu(xb @ p["w1"] + p["b1"])
            h = jax.nn.relu(h @ p["w2"] + p["b2"])
            return h @ p["w3"] + p["b3"]
        if workload == "cnn":
            dn = ("NHWC", "HWIO", "NHWC")
            h = jax.nn.relu(
                jax.lax.conv_general_dilated(xb, p["k1"], (1, 1), "VALID", dimension_numbers=dn)
                + p["c1"]
            )
            h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
            h = jax.nn.relu(
                jax.lax.conv_general_dilated(h, p["k2"], (1, 1), "VALID", dimension_numbers=dn)
                + p["c2"]
            )
            h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
            return h.reshape(h.shape[0], -1) @ p["w"] + p["b"]

        def cell(carry, xt):
            h, c = carry
            z = xt @ p["wi"] + h @ p["wh"] + p["bl"]
            i, f, g, o = jnp.split(z, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None

        zeros = jnp.zeros((xb.shape[0], 64), xb.dtype)
        (h, _), _ = jax.lax.scan(cell, (zeros, zeros), jnp.swapaxes(xb, 0, 1))
        return h @ p["w"] + p["b"]

    opt = optax.adam(1e-3)
    state = opt.init(p)

    @jax.jit
    def step(p, state, xb, yb):
        def loss_fn(p):
            return optax.softmax_cross_entropy_with_integer_labels(forward(p, xb), yb).mean()

        loss, g = jax.value_and_grad(loss_fn)(p)
        upd, state = opt.update(g, state, p)
        return optax.apply_updates(p, upd), state, loss

    def epoch(n):
        nonlocal p, state
        for i in range(n):
            p, state, loss = step(
                p, state, x[i * BATCH : (i + 1) * BATCH], y[i * BATCH : (i + 1) * BATCH]
            )
        loss.block_until_ready()

    fwd = jax.jit(forward)
    return epoch, lambda xb: np.asarray(fwd(p, xb))


def run_torch(workload: str, x: np.ndarray, y: np.ndarray):
    import torch

    p = {k: torch.nn.Parameter(torch.tensor(v)) for k, v in params(workload).items()}
    F = torch.nn.functional

    def forward(xb):
        if workload == "mlp":
            h = F.relu(xb @ p["w1"] + p["b1"])
            h = F.relu(h @ p["w2"] + p["b2"])
            return h @ p["w3"] + p["b3"]
        if workload == "cnn":
            h = xb.permute(0, 3, 1, 2)
            h = F.max_pool2d(F.relu(F.conv2d(h, p["k1"].permute(3, 2, 0, 1), p["c1"])), 2)
            h = F.max_pool2d(F.relu(F.conv2d(h, p["k2"].permute(3, 2, 0, 1), p["c2"])), 2)
            return h.permute(0, 2, 3, 1).reshape(h.shape[0], -1) @ p["w"] + p["b"]
        h = torch.zeros(xb.shape[0], 64)
        c = torch.zeros(xb.shape[0], 64)
        for t in range(xb.shape[1]):
            z = xb[:, t] @ p["wi"] + h @ p["wh"] + p["bl"]
            i, f, g, o = z.chunk(4, dim=-1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        return h @ p["w"] + p["b"]

    opt = torch.optim.Adam(p.values(), lr=1e-3, foreach=True)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).long()

    def epoch(n):
        for i in range(n):
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(
                forward(xt[i * BATCH : (i + 1) * BATCH]), yt[i * BATCH : (i + 1) * BATCH]
            )
            loss.backward()
            opt.step()
        float(loss)

    def call(xb):
        with torch.no_grad():
            return forward(torch.from_numpy(xb)).numpy()

    return epoch, call


def run_tensorflow(workload: str, x: np.ndarray, y: np.ndarray):
    import tensorflow as tf

    p = {k: tf.Variable(v) for k, v in params(workload).items()}
    m = {k: tf.Variable(tf.zeros_like(v)) for k, v in p.items()}
    v_ = {k: tf.Variable(tf.zeros_like(v)) for k, v in p.items()}
    t = tf.Variable(0.0)

    def forward(xb):
        if workload == "mlp":
            h = tf.nn.relu(xb @ p["w1"] + p["b1"])
            h = tf.nn.relu(h @ p["w2"] + p["b2"])
            return h @ p["w3"] + p["b3"]
        if workload == "cnn":
            h = tf.nn.max_pool2d(
                tf.nn.relu(tf.nn.conv2d(xb, p["k1"], 1, "VALID") + p["c1"]), 2, 2, "VALID"
            )
            h = tf.nn.max_pool2d(
                tf.nn.relu(tf.nn.conv2d(h, p["k2"], 1, "VALID") + p["c2"]), 2, 2, "VALID"
            )
            return tf.reshape(h, (tf.shape(h)[0], -1)) @ p["w"] + p["b"]

        def cell(carry, xt):
            h, c = carry
            z = xt @ p["wi"] + h @ p["wh"] + p["bl"]
            i, f, g, o = tf.split(z, 4, axis=-1)
            c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
            return (tf.sigmoid(o) * tf.tanh(c), c)

        zeros = tf.zeros((tf.shape(xb)[0], 64))
        h, _ = tf.scan(cell, tf.transpose(xb, (1, 0, 2)), initializer=(zeros, zeros))
        return h[-1] @ p["w"] + p["b"]

    @tf.function(jit_compile=False, reduce_retracing=True)
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(yb, forward(xb)))
        grads = tape.gradient(loss, list(p.values()))
        t.assign_add(1.0)
        lr = 1e-3 * tf.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        for (k, var), g in zip(p.items(), grads):
            m[k].assign(0.9 * m[k] + 0.1 * g)
            v_[k].assign(0.999 * v_[k] + 0.001 * g * g)
            var.assign_sub(lr * m[k] / (tf.sqrt(v_[k]) + 1e-7))
        return loss

    xt, yt = tf.constant(x), tf.constant(y)

    def epoch(n):
        for i in range(n):
            loss = step(xt[i * BATCH : (i + 1) * BATCH], yt[i * BATCH : (i + 1) * BATCH])
        float(loss)

    fwd = tf.function(forward)
    return epoch, lambda xb: fwd(tf.constant(xb)).numpy()


def setup(fw: str, workload: str, x: np.ndarray, y: np.ndarray) -> dict:
    epoch, call = {"jax": run_jax, "torch": run_torch, "tensorflow": run_tensorflow}[fw](
        workload, x, y
    )
    epoch(3)  # warm up / compile
    return {"epoch": epoch, "call": call}
