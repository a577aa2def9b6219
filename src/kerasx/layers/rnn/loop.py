"""The time loop shared by every recurrent layer.

``rnn_loop`` runs ``step(x_t, states) -> (output, new_states)`` over the leading (time)
axis of time-major inputs.  By default it uses ``ops.scan`` (``lax.scan`` on JAX, a
``tf.while_loop`` inside TensorFlow graphs, a Python loop elsewhere); ``unroll=True``
writes the steps out in Python.  Masks never branch on tensor values: masked steps are
selected with ``ops.where``, so the same code runs eagerly and in compiled train steps.

Masking follows Keras 3: a masked step keeps the previous states; its output is zeros
with ``zero_output_for_mask``, otherwise the previous output (taken from the first
state in the looped form, as Keras' JAX backend does; the running output, starting
from zeros, when unrolled).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kerasx import ops
from kerasx.engine.operation import tree_flatten, tree_unflatten
from kerasx.layers.rnn._helpers import is_nested

Step = Callable[[Any, Any], tuple[Any, Any]]


def _broadcast_mask(mask_t: Any, like: Any) -> Any:
    """A (batch,) boolean mask reshaped to broadcast against ``like`` (batch, ...)."""
    extra = len(ops.shape(like)) - 1
    if extra <= 0:
        return mask_t
    return ops.reshape(mask_t, (-1,) + (1,) * extra)


def _first_output_leaf(state_def: Any, initial_states: Any) -> int:
    """Index (among flattened states) of the state that holds the previous output."""
    if is_nested(initial_states) and initial_states and is_nested(initial_states[0]):
        last_group = tree_flatten(initial_states[-1])[0]
        total = len(tree_flatten(initial_states)[0])
        return total - len(last_group)
    return 0


def rnn_loop(
    step: Step,
    inputs: Any,
    initial_states: Any,
    mask: Any = None,
    go_backwards: bool = False,
    unroll: bool = False,
    zero_output_for_mask: bool = False,
    return_sequences: bool = True,
    python_loop: bool = False,
    output_in_state: int | None = None,
) -> tuple[Any, Any, Any]:
    """Loop ``step`` over time-major ``inputs``.

    Args:
        inputs: a (time, batch, ...) tensor (or a list/tuple of them).
        initial_states: the states' nested structure (lists of tensors).
        mask: a boolean (time, batch) tensor or None.
        python_loop: loop in Python over pre-split steps with the looped (not unrolled)
            masking rules: what backends without a compiled scan should do, since it
            keeps the backward pass to one ``stack`` instead of one scatter per step.
        output_in_state: index of the state leaf that always equals the step's output
            (the built-in dense cells: ``h``); then, without a mask or
            ``return_sequences``, the compiled scan stacks no per-step outputs.

    Returns:
        ``(last_output, outputs, final_states)``: ``outputs`` is (time, batch, ...) in
        processing order (reversed when ``go_backwards``), or None unless
        ``return_sequences``.
    """
    state_leaves, state_def = tree_flatten(initial_states)
    n_states = len(state_leaves)
    out_leaf = _first_output_leaf(state_def, initial_states)

    def normalize(new_states: Any) -> list[Any]:
        leaves = tree_flatten(new_states)[0]
        if len(leaves) != n_states:
            raise ValueError(
                f"The RNN cell returned {len(leaves)} state tensors, but its initial state has "
                f"{n_states}. The states returned by `cell.call` must match `cell.state_size`."
            )
        return leaves

    if unroll or python_loop:
        return _python_loop(
            step,
            inputs,
            state_leaves,
            state_def,
            normalize,
            mask,
            go_backwards,
            zero_output_for_mask,
            return_sequences,
            prev_from_state=None if unroll else out_leaf,
        )

    def body(carry: tuple[Any, ...], xs: Any) -> tuple[tuple[Any, ...], Any]:
        states = tree_unflatten(state_def, list(carry))
        x_t, m_t = xs if mask is not None else (xs, None)
        output, new_states = step(x_t, states)
        new_leaves = normalize(new_states)
        if m_t is not None:
            keep = _broadcast_mask(m_t, output)
            prev = carry[out_leaf] if n_states else None
            if (
                zero_output_for_mask
                or prev is None
                or tuple(ops.shape(prev)) != tuple(ops.shape(output))
            ):
                output = ops.where(keep, output, ops.zeros_like(output))
            else:
                output = ops.where(keep, output, prev)
            new_leaves = [
                ops.where(_broadcast_mask(m_t, new), new, old)
                for new, old in zip(new_leaves, carry)
            ]
        return tuple(new_leaves), output

    if output_in_state is not None and mask is None and not return_sequences:

        def body_states_only(carry: tuple[Any, ...], x_t: Any) -> tuple[tuple[Any, ...], Any]:
            _, new_states = step(x_t, tree_unflatten(state_def, list(carry)))
            return tuple(normalize(new_states)), None

        final, _ = ops.scan(body_states_only, tuple(state_leaves), inputs, reverse=go_backwards)
        return final[output_in_state], None, tree_unflatten(state_def, list(final))

    xs = (inputs, mask) if mask is not None else inputs
    final, outputs = ops.scan(body, tuple(state_leaves), xs, reverse=go_backwards)
    final_states = tree_unflatten(state_def, list(final))
    if go_backwards:
        # ``scan(reverse=True)`` aligns outputs with input positions; Keras returns them
        # in processing order.
        last_output = outputs[0]
        outputs = ops.flip(outputs, axis=0) if return_sequences else None
    else:
        last_output = outputs[-1]
        outputs = outputs if return_sequences else None
    return last_output, outputs, final_states


def _python_loop(
    step: Step,
    inputs: Any,
    state_leaves: list[Any],
    state_def: Any,
    normalize: Callable[[Any], list[Any]],
    mask: Any,
    go_backwards: bool,
    zero_output_for_mask: bool,
    return_sequences: bool,
    prev_from_state: int | None,
) -> tuple[Any, Any, Any]:
    """Steps written out in Python.  ``prev_from_state``: index of the state holding the
    previous output (looped semantics), or None for Keras' unrolled semantics."""
    flat_inputs, in_def = tree_flatten(inputs)
    steps = ops.shape(flat_inputs[0])[0]
    if steps is None:
        raise ValueError("Unrolling requires a fixed number of timesteps.")
    per_input = [ops.unstack(x, num=steps, axis=0) for x in flat_inputs]
    masks = ops.unstack(mask, num=steps, axis=0) if mask is not None else None
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    leaves = list(state_leaves)
    outputs: list[Any] = []
    prev_output = None
    for t in order:
        x_t = tree_unflatten(in_def, [p[t] for p in per_input])
        output, new_states = step(x_t, tree_unflatten(state_def, leaves))
        new_leaves = normalize(new_states)
        if masks is not None:
            keep = _broadcast_mask(masks[t], output)
            if prev_from_state is not None and leaves:
                fallback = leaves[prev_from_state]
                if tuple(ops.shape(fallback)) != tuple(ops.shape(output)):
                    fallback = None
            else:
                fallback = prev_output
            if zero_output_for_mask or fallback is None:
                fallback = ops.zeros_like(output)
            output = ops.where(keep, output, fallback)
            new_leaves = [
                ops.where(_broadcast_mask(masks[t], new), new, old)
                for new, old in zip(new_leaves, leaves)
            ]
        leaves = new_leaves
        prev_output = output
        if return_sequences:
            outputs.append(output)
    stacked = ops.stack(outputs, axis=0) if return_sequences else None
    return prev_output, stacked, tree_unflatten(state_def, leaves)
