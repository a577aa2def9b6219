"""Running a Functional graph on concrete values, from a plan built once per model.

Why a plan: for small inputs (a batch-1 ``model(x)``) the maths takes microseconds and
the Python bookkeeping around it dominates.  The plan turns the graph into a list of
steps whose inputs and outputs are integer slots (no tree flattening or dict lookups by
``id`` per call), and marks the steps whose layer can be entered through ``layer.call``
directly: once the model's inputs match the shapes of its ``Input`` tensors, every inner
layer's input spec and dtype were already checked when the graph was built, so
``Layer.__call__``'s checks would only repeat them.  Layers that need ``__call__``'s work
(casting to another compute dtype, activity penalties, an explicit ``training=`` in the
graph, an overridden ``__call__``) keep going through it.
"""

from __future__ import annotations

from typing import Any

from kerasx.backends.common import dtypes as _dt
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.operation import tree_flatten, tree_unflatten


class Step:
    """One node of the graph: which slots feed it and which slots it fills."""

    __slots__ = (
        "op",
        "is_layer",
        "leaves",
        "treedef",
        "tensor_pos",
        "in_slots",
        "out_slots",
        "single",
        "set_training",
        "has_mask_arg",
        "custom_mask",
        "named_masks",
        "direct",
    )


class Plan:
    """The steps of a Functional model, with the slots of its inputs and outputs."""

    def __init__(self, model: Any) -> None:
        from kerasx.layers.layer import Layer

        slot: dict[int, int] = {}

        def slot_of(t: KerasTensor) -> int:
            return slot.setdefault(id(t), len(slot))

        self.in_slots = [slot_of(t) for t in model._inputs]
        self.in_shapes = [tuple(t.shape) for t in model._inputs]
        self.steps: list[Step] = []
        for node in model._nodes:
            op = node.operation
            s = Step()
            s.op = op
            s.is_layer = isinstance(op, Layer)
            s.leaves, s.treedef = tree_flatten((node.args, node.kwargs))
            s.tensor_pos = [i for i, x in enumerate(s.leaves) if isinstance(x, KerasTensor)]
            s.in_slots = [slot_of(s.leaves[i]) for i in s.tensor_pos]
            s.single = (
                len(node.args) == 1 and not node.kwargs and isinstance(node.args[0], KerasTensor)
            )
            s.out_slots = [slot_of(t) for t in node.outputs]
            s.set_training = s.has_mask_arg = s.custom_mask = s.named_masks = s.direct = False
            if s.is_layer:
                sig = op._call_sig
                s.set_training = sig.has_training and "training" not in node.kwargs
                s.has_mask_arg = sig.has_mask and "mask" not in node.kwargs
                s.custom_mask = type(op).compute_mask is not Layer.compute_mask
                s.named_masks = any(n.endswith("_mask") and n != "mask" for n in sig.names)
                s.direct = _can_enter_directly(op, node, Layer)
            self.steps.append(s)
        # Masks only enter through the inputs or a layer's own compute_mask.
        self.mask_free = not any(s.custom_mask for s in self.steps)
        self.out_slots = [slot_of(t) for t in model._outputs]
        self.out_treedef = tree_flatten(model._outputs_struct)[1]
        self.n_slots = len(slot)

    def shapes_match(self, flat_inputs: list[Any]) -> bool:
        """True when each input has its ``Input``'s rank and every known dimension."""
        for value, want in zip(flat_inputs, self.in_shapes):
            shape = getattr(value, "shape", None)
            if shape is None or len(shape) != len(want):
                return False
            for got, dim in zip(shape, want):
                if dim is not None and got != dim:
                    return False
        return True


def _can_enter_directly(op: Any, node: Any, layer_cls: type) -> bool:
    if type(op).__call__ is not layer_cls.__call__ or not op.built or "training" in node.kwargs:
        return False
    if op.autocast and op.compute_dtype != op.variable_dtype:
        return False  # mixed precision: __call__ reads the variables in the compute dtype
    if op.autocast:
        for t in node.input_tensors:
            if _dt.is_float(t.dtype) and t.dtype != op.compute_dtype:
                return False
    return True


def run_plan(
    model: Any, plan: Plan, flat_inputs: list[Any], flat_masks: list[Any], training: Any
) -> Any:
    """Compute the model's outputs from concrete (or traced) input values."""
    from kerasx.layers.layer import _call_context

    values: list[Any] = [None] * plan.n_slots
    masks: list[Any] = [None] * plan.n_slots
    for s, v, m in zip(plan.in_slots, flat_inputs, flat_masks):
        values[s] = v
        masks[s] = m
    direct_ok = plan.shapes_match(flat_inputs)
    resolved = training
    if resolved is None:
        stack = _call_context()
        resolved = stack[-1] if stack else None
    if plan.mask_free and all(m is None for m in flat_masks):
        _run_mask_free(plan, values, training, resolved, direct_ok)
        return tree_unflatten(plan.out_treedef, [values[s] for s in plan.out_slots])
    for step in plan.steps:
        op = step.op
        args, kwargs = _step_args(step, values)
        if not step.is_layer:
            out = op(*args, **kwargs)
            flat_out = tree_flatten(out)[0] if isinstance(out, (list, tuple, dict)) else [out]
            for s, v in zip(step.out_slots, flat_out):
                values[s] = v
            continue
        in_masks = [masks[s] for s in step.in_slots]
        any_mask = any(m is not None for m in in_masks)
        if any_mask:
            if step.has_mask_arg:
                kwargs["mask"] = in_masks[0] if len(in_masks) == 1 else in_masks
            if step.named_masks:
                _named_masks(op, step, masks, kwargs)
        out = _invoke(step, args, kwargs, training, resolved, direct_ok)
        flat_out = tree_flatten(out)[0] if isinstance(out, (list, tuple, dict)) else [out]
        if any_mask or step.custom_mask:
            try:
                out_mask = op.compute_mask(
                    args[0] if args else None, in_masks[0] if len(in_masks) == 1 else in_masks
                )
            except (NotImplementedError, TypeError):
                out_mask = None
            out_masks = (
                tree_flatten(out_mask)[0]
                if isinstance(out_mask, (list, tuple))
                else [out_mask] * len(flat_out)
            )
            for s, v, m in zip(step.out_slots, flat_out, out_masks):
                values[s] = v
                masks[s] = m
        else:
            for s, v in zip(step.out_slots, flat_out):
                values[s] = v
    return tree_unflatten(plan.out_treedef, [values[s] for s in plan.out_slots])


def _step_args(step: Step, values: list[Any]) -> tuple[Any, dict[str, Any]]:
    """The step's call arguments, with the computed values in place of its tensors."""
    if step.single:
        return (values[step.in_slots[0]],), {}
    leaves = list(step.leaves)
    for p, s in zip(step.tensor_pos, step.in_slots):
        leaves[p] = values[s]
    return tree_unflatten(step.treedef, leaves)


def _invoke(
    step: Step, args: Any, kwargs: dict[str, Any], training: Any, resolved: Any, direct_ok: bool
) -> Any:
    """Call the step's operation: a layer the plan marked direct goes through ``call``
    (with the training flag resolved from the call context, as ``__call__`` would)."""
    op = step.op
    direct = step.direct and direct_ok
    if step.set_training:
        kwargs["training"] = resolved if direct else training
    if direct and op.activity_regularizer is None:
        return op.call(*args, **kwargs)
    return op(*args, **kwargs)


def _run_mask_free(
    plan: Plan, values: list[Any], training: Any, resolved: Any, direct_ok: bool
) -> None:
    """``run_plan`` for the common case without masks: the same steps, less work each."""
    for step in plan.steps:
        args, kwargs = _step_args(step, values)
        out = _invoke(step, args, kwargs, training, resolved, direct_ok)
        if isinstance(out, (list, tuple, dict)):
            for s, v in zip(step.out_slots, tree_flatten(out)[0]):
                values[s] = v
        else:
            values[step.out_slots[0]] = out


def _named_masks(op: Any, step: Step, masks: list[Any], kwargs: dict[str, Any]) -> None:
    """Layers whose call takes ``<arg>_mask`` (attention: ``query_mask``, ``value_mask``,
    ``key_mask``) receive the mask of the tensor bound to ``<arg>``, as in Keras."""
    import inspect

    node_args, node_kwargs = tree_unflatten(step.treedef, step.leaves)
    slot_by_id = {id(step.leaves[p]): s for p, s in zip(step.tensor_pos, step.in_slots)}
    wanted = [n[: -len("_mask")] for n in op._call_sig.names if n.endswith("_mask") and n != "mask"]
    try:
        bound = inspect.signature(op.call).bind_partial(*node_args, **node_kwargs).arguments
    except TypeError:
        return
    for arg in wanted:
        key = f"{arg}_mask"
        tensor = bound.get(arg)
        if key in node_kwargs or not isinstance(tensor, KerasTensor):
            continue
        mask = masks[slot_by_id[id(tensor)]]
        if mask is not None:
            kwargs[key] = mask
