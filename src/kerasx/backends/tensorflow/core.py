"""Core of the TensorFlow adapter: tensors, indexing, scatter, control flow, variables,
gradients, compilation, devices and shape inference."""

from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np
import optree

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.tensorflow._tf import (
    SCALAR_TYPES,
    EagerTensor,
    Tensor,
    Variable,
    dname,
    static_or_dynamic_shape,
    tf,
    to_tensor,
)


def _is_basic(k: Any) -> bool:
    """True for index entries TF's strided slicing handles (NumPy basic indexing)."""
    if k is None or k is Ellipsis or isinstance(k, slice):
        return True
    if type(k) is bool:
        return False
    if isinstance(k, (int, np.integer)):
        return True
    if isinstance(k, Tensor):
        return k.shape.rank == 0 and k.dtype.is_integer
    if isinstance(k, np.ndarray):
        return k.ndim == 0 and k.dtype.kind in "iu"
    return False


def _device_name(name: str) -> str:
    """``"cpu:0"`` / ``"gpu"`` / ``"/device:GPU:1"`` -> TF's ``"/device:CPU:0"`` form."""
    name = str(name)
    if name.startswith("/"):
        return name
    kind, _, idx = name.partition(":")
    return f"/device:{kind.upper()}:{idx or 0}"


_SCOPE_BAD = re.compile(r"[^A-Za-z0-9_.\-/>]")


class CoreMixin:
    """Tensors, indexing, control flow, variables, gradients and compilation for TF."""

    # ------------------------------------------------------------------ tensors
    def is_tensor(self, x):
        return isinstance(x, Tensor) or tf.is_tensor(x)

    def convert_to_tensor(self, x, dtype=None, sparse=None, ragged=None):
        if dtype is not None:
            dtype = _dt.standardize_dtype(dtype)
        return to_tensor(x, dtype)

    def convert_to_numpy(self, x):
        if isinstance(x, (Tensor, Variable)) and hasattr(x, "numpy"):
            return np.asarray(x.numpy())
        if isinstance(x, (tf.SparseTensor, tf.RaggedTensor)):
            return self.convert_to_numpy(to_tensor(x))
        if tf.is_tensor(x):
            return np.asarray(tf.convert_to_tensor(x).numpy())
        return np.asarray(x)

    def cast(self, x, dtype):
        dtype = _dt.standardize_dtype(dtype)
        if isinstance(x, Tensor):
            return x if x.dtype.name == dtype else tf.cast(x, dtype)
        return to_tensor(x, dtype)

    def shape(self, x):
        if not isinstance(x, (Tensor, Variable)):
            x = to_tensor(x)
        return tuple(x.shape)

    def dynamic_shape(self, x):
        """Static dims as ints; dims unknown while tracing as ``tf.shape`` scalars."""
        if not isinstance(x, (Tensor, Variable)):
            x = to_tensor(x)
        static = tuple(x.shape)
        if all(d is not None for d in static):
            return static
        dynamic = tf.shape(x)
        return tuple(dynamic[i] if d is None else d for i, d in enumerate(static))

    def dtype(self, x):
        if isinstance(x, (Tensor, Variable)):
            return x.dtype.name
        if hasattr(x, "dtype"):
            return _dt.standardize_dtype(x.dtype)
        return dname(to_tensor(x))

    def stop_gradient(self, variable):
        return tf.stop_gradient(variable)

    # ----------------------------------------------------------------- indexing
    def get_item(self, x, key):
        x = to_tensor(x)
        if not isinstance(key, tuple):
            key = (key,)
        if all(_is_basic(k) for k in key):
            return x[key]
        return self._advanced_index(x, key)

    def _advanced_index(self, x, key):
        """NumPy advanced indexing: int / bool arrays mixed with basic entries."""
        entries = []
        for k in key:
            if (
                isinstance(k, list)
                or (isinstance(k, (np.ndarray, Tensor, Variable)) and not _is_basic(k))
                or type(k) is bool
            ):
                k = to_tensor(k)
                if k.dtype is tf.bool:
                    entries.append(("bool", k))
                else:
                    entries.append(
                        ("int", k if k.dtype in (tf.int32, tf.int64) else tf.cast(k, "int32"))
                    )
            elif k is None or k is Ellipsis or isinstance(k, slice):
                entries.append(("basic", k))
            else:
                entries.append(("int", int(k)))
        consumed = sum(
            e[1].shape.rank if e[0] == "bool" else (0 if e[1] is None else 1)
            for e in entries
            if e[1] is not Ellipsis
        )
        rank = x.shape.rank
        expanded = []
        for e in entries:
            if e[0] == "basic" and e[1] is Ellipsis:
                expanded.extend([("basic", slice(None))] * (rank - consumed))
                continue
            expanded.append(e)
        if not any(e[1] is Ellipsis for e in entries):
            expanded.extend([("basic", slice(None))] * (rank - consumed))
        adv_pos = [i for i, e in enumerate(expanded) if e[0] != "basic"]
        # A single boolean mask over the leading axes is tf.boolean_mask.
        if len(adv_pos) == 1 and expanded[adv_pos[0]][0] == "bool":
            pos = adv_pos[0]
            basic = tuple(slice(None) if i == pos else e[1] for i, e in enumerate(expanded))
            y = (
                x[basic]
                if any(not (isinstance(b, slice) and b == slice(None)) for b in basic)
                else x
            )
            # Count output axes before the mask (None adds one, slices keep one).
            axis = sum(1 for e in expanded[:pos])
            mask = expanded[pos][1]
            if mask.shape.rank == 0:
                y = tf.expand_dims(y, axis)
                mask = tf.reshape(mask, [1])
            return tf.boolean_mask(y, mask, axis=axis)
        # Turn boolean masks into the int index arrays of their nonzero entries.
        flat = []
        for e in expanded:
            if e[0] == "bool":
                m = e[1]
                if m.shape.rank == 0:
                    raise IndexError(
                        "A 0-d boolean index combined with other array indices is not supported."
                    )
                coords = tf.where(m)
                for j in range(m.shape.rank):
                    flat.append(("int", coords[:, j]))
            else:
                flat.append(e)
        # Step 1: basic slicing, keeping the advanced axes whole.
        basic = tuple(slice(None) if e[0] == "int" else e[1] for e in flat)
        y = x[basic]
        # Axis of y for each entry (ints-with-arrays keep their axis here).
        adv_axes, adv_idx, ax = [], [], 0
        for e in flat:
            if e[0] == "int":
                adv_axes.append(ax)
                adv_idx.append(e[1])
                ax += 1
            elif e[1] is None or isinstance(e[1], slice):
                ax += 1
        y_shape = static_or_dynamic_shape(y)
        idx = []
        for a, i in zip(adv_axes, adv_idx):
            i = to_tensor(i, "int64") if not isinstance(i, Tensor) else tf.cast(i, "int64")
            n = tf.cast(y_shape[a], "int64")
            idx.append(tf.where(i < 0, i + n, i))
        # Broadcast the index arrays together, then gather on the advanced axes.
        bshape = idx[0].shape
        for i in idx[1:]:
            bshape = tf.broadcast_static_shape(bshape, i.shape)
        if not bshape.is_fully_defined():
            dyn = tf.shape(idx[0], out_type="int64")
            for i in idx[1:]:
                dyn = tf.broadcast_dynamic_shape(dyn, tf.shape(i, out_type="int64"))
            target = dyn
        else:
            target = bshape.as_list()
        idx = [tf.broadcast_to(i, target) for i in idx]
        rest = [a for a in range(len(y_shape)) if a not in adv_axes]
        yt = tf.transpose(y, adv_axes + rest) if adv_axes + rest != list(range(len(y_shape))) else y
        out = tf.gather_nd(yt, tf.stack(idx, axis=-1))
        # NumPy puts the broadcast axes where the advanced entries were when they are
        # adjacent in the key, else in front.
        positions = [i for i, e in enumerate(flat) if e[0] == "int"]
        adjacent = positions == list(range(positions[0], positions[0] + len(positions)))
        if adjacent and adv_axes[0] > 0:
            nb = len(bshape)
            nrest = len(rest)
            lead = adv_axes[0]
            perm = list(range(nb, nb + lead)) + list(range(nb)) + list(range(nb + lead, nb + nrest))
            out = tf.transpose(out, perm)
        return out

    def slice(self, inputs, start_indices, shape):
        x = to_tensor(inputs)
        return tf.slice(x, self._starts(start_indices), [int(s) for s in shape])

    @staticmethod
    def _starts(start_indices):
        if isinstance(start_indices, Tensor):
            return start_indices
        if all(isinstance(s, (int, np.integer)) for s in start_indices):
            return [int(s) for s in start_indices]
        return tf.stack(
            [
                tf.cast(s, "int32") if isinstance(s, Tensor) else tf.constant(int(s), "int32")
                for s in start_indices
            ]
        )

    def slice_update(self, inputs, start_indices, updates):
        x = to_tensor(inputs)
        u = to_tensor(updates, dname(x))
        starts = self._starts(start_indices)
        in_shape = static_or_dynamic_shape(x)
        up_shape = static_or_dynamic_shape(u)
        rank = len(in_shape)
        starts = (
            tf.cast(starts, "int32") if isinstance(starts, Tensor) else tf.constant(starts, "int32")
        )
        size = tf.stack([tf.cast(d, "int32") for d in up_shape]) if rank else tf.zeros([0], "int32")
        full = tf.stack([tf.cast(d, "int32") for d in in_shape]) if rank else tf.zeros([0], "int32")
        # Clamp like jax.lax.dynamic_update_slice, so the block always fits.
        starts = tf.clip_by_value(starts, 0, tf.maximum(full - size, 0))
        if rank == 0:
            return u
        paddings = tf.stack([starts, full - size - starts], axis=1)
        padded = tf.pad(u, paddings)
        mask = tf.pad(tf.ones_like(u, dtype=tf.bool), paddings)
        return tf.where(mask, padded, x)

    def scatter(self, indices, values, shape):
        idx = to_tensor(indices)
        if idx.dtype not in (tf.int32, tf.int64):
            idx = tf.cast(idx, "int32")
        v = to_tensor(values)
        if any(isinstance(s, Tensor) for s in shape):
            shape = tf.stack([tf.cast(s, idx.dtype) for s in shape])
        else:
            shape = [int(s) for s in shape]
        if v.dtype is tf.bool:
            return tf.cast(tf.scatter_nd(idx, tf.cast(v, "int32"), shape), "bool")
        return tf.scatter_nd(idx, v, shape)

    def scatter_update(self, inputs, indices, updates, reduction=None):
        x = to_tensor(inputs)
        idx = to_tensor(indices)
        if idx.dtype not in (tf.int32, tf.int64):
            idx = tf.cast(idx, "int32")
        u = to_tensor(updates, dname(x))
        if reduction is None:
            return tf.tensor_scatter_nd_update(x, idx, u)
        is_bool = x.dtype is tf.bool
        if is_bool:
            x, u = tf.cast(x, "int32"), tf.cast(u, "int32")
        if reduction == "add":
            out = tf.tensor_scatter_nd_add(x, idx, u)
        elif reduction == "max":
            out = tf.tensor_scatter_nd_max(x, idx, u)
        elif reduction == "min":
            out = tf.tensor_scatter_nd_min(x, idx, u)
        elif reduction == "mul":
            out = self._scatter_mul(x, idx, u)
        else:
            raise ValueError(
                f"Unsupported scatter reduction: {reduction!r}. Expected None, 'add', 'max', 'min' or 'mul'."
            )
        return tf.cast(out, "bool") if is_bool else out

    @staticmethod
    def _scatter_mul(x, idx, u):
        """Multiply entries by every update aimed at them (duplicates multiply)."""
        depth = idx.shape[-1]
        x_shape = static_or_dynamic_shape(x)
        lead = x_shape[:depth]
        strides, acc = [], 1
        for d in reversed(lead):
            strides.append(acc)
            acc = acc * d
        strides = list(reversed(strides))
        flat_idx = tf.reduce_sum(
            tf.cast(idx, "int64") * tf.cast(tf.stack(strides), "int64"), axis=-1
        )
        tail = x_shape[depth:]
        u_flat = tf.reshape(u, [-1, *tail])
        f = tf.math.unsorted_segment_prod(u_flat, tf.reshape(flat_idx, [-1]), acc)
        return x * tf.reshape(f, x_shape)

    # ------------------------------------------------------------- control flow
    def cond(self, pred, true_fn, false_fn):
        if isinstance(pred, (bool, np.bool_)):
            return true_fn() if pred else false_fn()
        return tf.cond(tf.cast(pred, "bool"), true_fn, false_fn)

    def while_loop(self, cond, body, loop_vars, maximum_iterations=None):
        single = not isinstance(loop_vars, (list, tuple))
        kind = list if isinstance(loop_vars, list) else tuple
        vars_ = (loop_vars,) if single else tuple(loop_vars)

        def body_fn(*args):
            out = body(*args)
            if not isinstance(out, (list, tuple)):
                out = (out,)
            return tuple(out)

        out = tf.while_loop(cond, body_fn, vars_, maximum_iterations=maximum_iterations)
        if single:
            return out[0] if isinstance(out, (list, tuple)) else out
        return kind(out)

    def fori_loop(self, lower, upper, body_fun, init_val):
        def cond(i, _val):
            return i < upper

        def body(i, val):
            return i + 1, body_fun(i, val)

        start = (
            tf.constant(lower, "int32")
            if isinstance(lower, (int, np.integer))
            else tf.cast(lower, "int32")
        )
        if isinstance(upper, Tensor):
            upper = tf.cast(upper, "int32")
        return tf.while_loop(cond, body, (start, init_val))[1]

    def scan(self, f, init, xs=None, length=None, reverse=False, unroll=1):
        if tf.executing_eagerly():
            return super().scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)
        x_leaves, x_tree = optree.tree_flatten(xs) if xs is not None else ([], None)
        x_leaves = [to_tensor(t) for t in x_leaves]
        if length is not None:
            n = length
        else:
            n = x_leaves[0].shape[0]
            if n is None:
                n = tf.shape(x_leaves[0])[0]
        if isinstance(n, int) and n == 0:
            return super().scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)
        tas = [
            tf.TensorArray(t.dtype, size=n, element_shape=t.shape[1:]).unstack(t) for t in x_leaves
        ]

        def pos(i):
            return n - 1 - i if reverse else i

        def x_at(i):
            if x_tree is None:
                return None
            return optree.tree_unflatten(x_tree, [ta.read(i) for ta in tas])

        carry, y = f(init, x_at(pos(0)))
        c_leaves, c_tree = optree.tree_flatten(carry, none_is_leaf=False)
        c_leaves = [to_tensor(c) for c in c_leaves]
        if y is None:
            y_leaves, y_tree = [], None
        else:
            y_leaves, y_tree = optree.tree_flatten(y)
            y_leaves = [to_tensor(t) for t in y_leaves]
        y_tas = [
            tf.TensorArray(t.dtype, size=n, element_shape=t.shape).write(pos(0), t)
            for t in y_leaves
        ]

        def cond(i, cs, ys):
            return i < n

        def body(i, cs, ys):
            c, yy = f(optree.tree_unflatten(c_tree, list(cs)), x_at(pos(i)))
            cs = [to_tensor(t, dname(old)) for t, old in zip(optree.tree_leaves(c), cs)]
            new_ys = (
                [ta.write(pos(i), to_tensor(t)) for ta, t in zip(ys, optree.tree_leaves(yy))]
                if yy is not None
                else ys
            )
            return i + 1, cs, new_ys

        _, c_out, y_out = tf.while_loop(cond, body, (tf.constant(1), c_leaves, y_tas))
        carry = optree.tree_unflatten(c_tree, list(c_out))
        if y_tree is None:
            return carry, None
        return carry, optree.tree_unflatten(y_tree, [ta.stack() for ta in y_out])

    def vectorized_map(self, function, elements):
        return tf.vectorized_map(function, elements)

    def switch(self, index, branches, *operands):
        n = len(branches)
        if tf.executing_eagerly() or isinstance(index, (int, np.integer)):
            return super().switch(index, branches, *operands)
        idx = tf.clip_by_value(tf.cast(index, "int32"), 0, n - 1)
        return tf.switch_case(idx, [functools.partial(b, *operands) for b in branches])

    def custom_gradient(self, f):
        @tf.custom_gradient
        def wrapped(*args):
            out, grad_fn = f(*args)

            def tf_grad(*upstream, variables=None):
                up = upstream[0] if len(upstream) == 1 else upstream
                grads = grad_fn(up)
                if not isinstance(grads, (list, tuple)):
                    grads = (grads,)
                grads = tuple(grads)
                if variables:
                    return grads, [None] * len(variables)
                return grads

            return out, tf_grad

        @functools.wraps(f)
        def call(*args):
            return wrapped(
                *[
                    to_tensor(a) if type(a) in SCALAR_TYPES or isinstance(a, np.ndarray) else a
                    for a in args
                ]
            )

        return call

    # ---------------------------------------------------------------- variables
    def variable_create(self, value, trainable, name):
        if isinstance(value, Tensor) and not isinstance(value, EagerTensor):
            return tf.Variable(value, trainable=bool(trainable), name=name)
        with tf.init_scope():
            v = value if isinstance(value, (Tensor, Variable)) else to_tensor(value)
            return tf.Variable(v, trainable=bool(trainable), name=name)

    def variable_read(self, handle):
        return handle.value()

    def variable_assign(self, handle, value):
        value = to_tensor(value)
        if value.dtype != handle.dtype:
            value = tf.cast(value, handle.dtype)
        handle.assign(value)

    def variable_set_trainable(self, handle, trainable):
        """Optional hook (kerasx.Variable.trainable setter): tf.Variable's flag is
        read-only, but the tape reads the private attribute behind it."""
        if hasattr(handle, "_trainable"):
            handle._trainable = bool(trainable)

    def init_scope(self):
        """Optional hook: variables are created outside any tf.function being traced."""
        return tf.init_scope()

    def register_variable_class(self, cls):
        """Optional hook: TensorFlow treats kerasx Variables as resource variables, so
        ``tape.gradient(loss, model.trainable_weights)`` differentiates through them."""
        cls._should_act_as_resource_variable = True
        cls.handle = property(lambda var: var._handle.handle)

        def convert(var, dtype=None, name=None, as_ref=False):
            value = var.value
            return value if dtype is None else tf.cast(value, dtype)

        # ``tf_tensor * kerasx_variable`` (also inside tf.function) reads the value.
        tf.register_tensor_conversion_function(cls, convert)

    # ---------------------------------------------------------------- gradients
    def stateful_value_and_grad(self, loss_fn, handles, has_aux=False):
        """Optional hook for stateful training: ``loss_fn()`` reads the variables
        themselves; GradientTape differentiates with respect to their storage.

        Returns ``(value, grads)`` with one dense gradient per handle (zeros where the
        loss does not depend on it or the variable is not float)."""
        handles = list(handles)
        diff = [h for h in handles if h.dtype.is_floating or h.dtype.is_complex]
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            for h in diff:
                tape.watch(h)
            out = loss_fn()
        loss = out[0] if has_aux else out
        grads = (
            tape.gradient(loss, diff, unconnected_gradients=tf.UnconnectedGradients.ZERO)
            if diff
            else []
        )
        it = iter(grads)
        result = []
        for h in handles:
            if h.dtype.is_floating or h.dtype.is_complex:
                g = next(it)
                result.append(tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g)
            else:
                result.append(tf.zeros_like(h))
        return out, result

    def value_and_grad(self, fn, argnums=0, has_aux=False):
        single = isinstance(argnums, int)
        nums = (argnums,) if single else tuple(argnums)

        def wrapped(*args):
            args = list(args)
            flat, trees = {}, {}
            for i in nums:
                leaves, tree = optree.tree_flatten(args[i])
                leaves = [lf if isinstance(lf, Variable) else to_tensor(lf) for lf in leaves]
                flat[i], trees[i] = leaves, tree
                args[i] = optree.tree_unflatten(tree, leaves)
            sources = [lf for i in nums for lf in flat[i]]
            with tf.GradientTape(watch_accessed_variables=False) as tape:
                for s in sources:
                    if s.dtype.is_floating or s.dtype.is_complex:
                        tape.watch(s)
                out = fn(*args)
            loss = out[0] if has_aux else out
            diff = [s for s in sources if s.dtype.is_floating or s.dtype.is_complex]
            grads = (
                tape.gradient(loss, diff, unconnected_gradients=tf.UnconnectedGradients.ZERO)
                if diff
                else []
            )
            it = iter(grads)
            all_grads = []
            for s in sources:
                if s.dtype.is_floating or s.dtype.is_complex:
                    g = next(it)
                    if isinstance(g, tf.IndexedSlices):
                        g = tf.convert_to_tensor(g)
                    all_grads.append(g)
                else:
                    all_grads.append(tf.zeros_like(s))
            out_grads, k = [], 0
            for i in nums:
                m = len(flat[i])
                out_grads.append(optree.tree_unflatten(trees[i], all_grads[k : k + m]))
                k += m
            g = out_grads[0] if single else tuple(out_grads)
            return out, g

        return wrapped

    # -------------------------------------------------------------- compilation
    def compile_function(self, fn, jit_compile=None, donate_argnums=()):
        return tf.function(
            fn,
            jit_compile=bool(jit_compile) if jit_compile is not None else None,
            reduce_retracing=True,
            # kerasx code never branches in Python on tensor values, so AutoGraph's
            # source conversion would only cost tracing time.
            autograph=False,
        )

    # ------------------------------------------------------------------ devices
    def list_devices(self, device_type=None):
        kind = device_type.upper() if device_type else None
        out = []
        for d in tf.config.list_logical_devices(kind):
            out.append(f"{d.device_type.lower()}:{d.name.rsplit(':', 1)[-1]}")
        return out

    def device_scope(self, device_name):
        return tf.device(_device_name(device_name))

    def to_device(self, x, device_name):
        with tf.device(_device_name(device_name)):
            return tf.identity(to_tensor(x))

    # -------------------------------------------------------------- name scopes
    def name_scope(self, name):
        clean = _SCOPE_BAD.sub("_", str(name))
        if not clean or not re.match(r"[A-Za-z0-9.]", clean[0]):
            clean = "scope_" + clean
        return tf.name_scope(clean)

    # ------------------------------------------------------------ shape inference
    def compute_output_spec(self, fn, specs):
        sigs = [tf.TensorSpec(tuple(shape), _dt.standardize_dtype(dtype)) for shape, dtype in specs]

        def traced(*inputs):
            return fn(list(inputs))

        try:
            concrete = tf.function(traced, autograph=False).get_concrete_function(*sigs)
            outs = concrete.structured_outputs
        except Exception:  # noqa: BLE001 - ops that need concrete values: run on zeros
            return super().compute_output_spec(fn, specs)
        if isinstance(outs, (Tensor, tf.TensorSpec)):
            outs = [outs]
        return [(tuple(o.shape), o.dtype.name) for o in outs]
