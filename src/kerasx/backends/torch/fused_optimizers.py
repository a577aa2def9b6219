"""Multi-tensor (``torch._foreach_*``) optimizer updates for eager PyTorch training.

Eager PyTorch pays a Python and dispatch cost per operation, and an optimizer written
per variable issues ~10 small kernels per variable per step.  These updates issue each
operation once for the whole parameter list, which is what ``torch.optim`` does with
``foreach=True``.  The arithmetic is Keras' (same formulas, same epsilon placement), so
results agree with the per-variable path to float32 rounding.

Every function updates the given tensors in place and returns True, or returns False
(touching nothing) when it cannot handle the request, so the caller falls back to the
portable per-variable path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch


def _compiling() -> bool:
    """Inside ``torch.compile`` the portable per-variable update is traced instead
    (in-place fused kernels cannot be functionalized)."""
    compiler = getattr(torch, "compiler", None)
    return bool(compiler is not None and compiler.is_compiling())


def _uniform(tensors: Sequence[Any]) -> bool:
    """All tensors are dense torch tensors of one dtype on one device."""
    if not tensors:
        return False
    first = tensors[0]
    if not isinstance(first, torch.Tensor) or not first.dtype.is_floating_point:
        return False
    return all(
        isinstance(t, torch.Tensor)
        and t.dtype == first.dtype
        and t.device == first.device
        and not t.is_sparse
        for t in tensors
    )


def _sgd(params: list, grads: list, slots: dict, hyper: dict) -> None:
    lr = hyper["learning_rate"]
    momentum = hyper["momentum"]
    if momentum == 0:
        torch._foreach_add_(params, grads, alpha=-lr)
        return
    m = slots["momentums"]
    # m = m * momentum - lr * g
    torch._foreach_mul_(m, momentum)
    torch._foreach_add_(m, grads, alpha=-lr)
    if hyper["nesterov"]:
        # v += m * momentum - lr * g
        torch._foreach_add_(params, m, alpha=momentum)
        torch._foreach_add_(params, grads, alpha=-lr)
    else:
        torch._foreach_add_(params, m)


def _adam(params: list, grads: list, slots: dict, hyper: dict) -> None:
    b1, b2, eps = hyper["beta_1"], hyper["beta_2"], hyper["epsilon"]
    t = hyper["step"]
    m, v = slots["momentums"], slots["velocities"]
    fused = getattr(torch, "_fused_adam_", None)
    if fused is not None:
        # One kernel for the whole update.  torch divides sqrt(v) by sqrt(1 - b2^t)
        # before adding epsilon, Keras adds epsilon to sqrt(v): scaling epsilon by
        # 1 / sqrt(1 - b2^t) makes the two formulas identical.
        step = torch.tensor(float(t), device=params[0].device)
        try:
            fused(
                params,
                grads,
                m,
                v,
                slots.get("velocity_hats", []),
                [step] * len(params),
                lr=hyper["learning_rate"],
                beta1=b1,
                beta2=b2,
                weight_decay=0.0,
                eps=eps / (1 - b2**t) ** 0.5,
                amsgrad=bool(hyper.get("amsgrad")),
                maximize=False,
            )
            return
        except (RuntimeError, TypeError, NotImplementedError):
            pass  # e.g. a dtype or device the fused kernel lacks: multi-tensor path
    alpha = hyper["learning_rate"] * (1 - b2**t) ** 0.5 / (1 - b1**t)
    torch._foreach_lerp_(m, grads, 1 - b1)
    torch._foreach_mul_(v, b2)
    torch._foreach_addcmul_(v, grads, grads, value=1 - b2)
    if hyper.get("amsgrad"):
        v_hat = slots["velocity_hats"]
        torch._foreach_maximum_(v_hat, v)
        denom = torch._foreach_sqrt(v_hat)
    else:
        denom = torch._foreach_sqrt(v)
    torch._foreach_add_(denom, eps)
    torch._foreach_addcdiv_(params, m, denom, value=-alpha)


def _rmsprop(params: list, grads: list, slots: dict, hyper: dict) -> None:
    rho, eps, lr = hyper["rho"], hyper["epsilon"], hyper["learning_rate"]
    v = slots["velocities"]
    torch._foreach_mul_(v, rho)
    torch._foreach_addcmul_(v, grads, grads, value=1 - rho)
    if hyper["centered"]:
        avg = slots["average_gradients"]
        torch._foreach_lerp_(avg, grads, 1 - rho)
        denom = torch._foreach_addcmul(v, avg, avg, value=-1)
    else:
        denom = torch._foreach_add(v, 0.0)
    torch._foreach_add_(denom, eps)
    torch._foreach_sqrt_(denom)
    if hyper["momentum"] > 0:
        mom = slots["momentums"]
        torch._foreach_mul_(mom, hyper["momentum"])
        torch._foreach_addcdiv_(mom, grads, denom, value=lr)
        torch._foreach_sub_(params, mom)
    else:
        torch._foreach_addcdiv_(params, grads, denom, value=-lr)


_KINDS = {"sgd": _sgd, "adam": _adam, "rmsprop": _rmsprop}


class FusedOptimizerMixin:
    def fused_optimizer_step(
        self,
        kind: str,
        params: Sequence[Any],
        grads: Sequence[Any],
        slots: dict[str, Sequence[Any]],
        hyper: dict[str, Any],
    ) -> bool:
        """Optional hook: update ``params`` (and ``slots``) in place; False if unsupported."""
        update = _KINDS.get(kind)
        if update is None or len(params) != len(grads) or _compiling():
            return False
        # Gradients of permuted views (conv kernels) come back non-contiguous; the fused
        # kernels index raw memory, so give them dense row-major tensors.
        params = list(params)
        grads = [g.contiguous() if isinstance(g, torch.Tensor) else g for g in grads]
        slots = {k: list(v) for k, v in slots.items()}
        if not _uniform(params + grads + [t for ts in slots.values() for t in ts]):
            return False
        if any(p.requires_grad is False and p.grad_fn is not None for p in params):
            return False
        with torch.no_grad():
            update(params, grads, slots, hyper)
        return True

    def fused_weight_decay(self, params: Sequence[Any], factor: float) -> bool:
        """``p -= p * factor`` for every tensor at once; False if unsupported."""
        params = list(params)
        if _compiling() or not _uniform(params):
            return False
        with torch.no_grad():
            torch._foreach_mul_(params, 1.0 - factor)
        return True
