"""``run_layer_test``: the shared checks every layer test runs.

One call checks a layer the way users rely on it: eager output shape, symbolic shape
equal to the eager one, config round trip, the same numbers as real Keras 3 with the
same weights (the oracle), weight counts, masking support, and one gradient step on
trainable backends.  Each layer's own test then only adds what is special about it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import kerasx
from kerasx import ops

TRAINABLE = kerasx.config.backend() != "numpy"


def _np(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return type(x)(_np(v) for v in x)
    if isinstance(x, dict):
        return {k: _np(v) for k, v in x.items()}
    return ops.convert_to_numpy(x)


def random_input(
    shape: tuple[int, ...],
    dtype: str = "float32",
    seed: int = 0,
    low: float = -1.0,
    high: float = 1.0,
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype.startswith("int"):
        return rng.integers(int(low), int(high), size=shape).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


def keras_oracle() -> Any:
    import keras

    return keras


def copy_weights_to_keras(layer: Any, keras_layer: Any) -> None:
    """Copy kerasx weights into the equivalent Keras layer, in ``weights`` order."""
    ours = layer.get_weights()
    theirs = keras_layer.get_weights()
    assert len(ours) == len(theirs), (
        f"weight count differs: kerasx {len(ours)} vs keras {len(theirs)}"
    )
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape, f"weight shape differs: kerasx {a.shape} vs keras {b.shape}"
    keras_layer.set_weights(ours)


def run_layer_test(
    layer_cls: type,
    init_kwargs: dict[str, Any] | None = None,
    input_shape: Any = None,
    input_data: Any = None,
    input_dtype: str = "float32",
    call_kwargs: dict[str, Any] | None = None,
    expected_output_shape: Any = None,
    expected_output: Any = None,
    expected_num_trainable_weights: int | None = None,
    expected_num_non_trainable_weights: int | None = None,
    supports_masking: bool | None = None,
    oracle: bool = True,
    oracle_name: str | None = None,
    atol: float = 1e-5,
    rtol: float = 1e-5,
    run_training_check: bool = True,
    check_symbolic: bool = True,
    check_config: bool = True,
) -> Any:
    """Run the standard layer checks; returns the built kerasx layer."""
    init_kwargs = dict(init_kwargs or {})
    call_kwargs = dict(call_kwargs or {})
    if input_data is None:
        shapes = input_shape
        if isinstance(shapes, list):
            input_data = [random_input(tuple(s), input_dtype, seed=i) for i, s in enumerate(shapes)]
        else:
            input_data = random_input(tuple(shapes), input_dtype)
    layer = layer_cls(**init_kwargs)

    # 1. eager call
    out = layer(input_data, **call_kwargs)
    out_np = _np(out)
    out_shapes = [o.shape for o in out_np] if isinstance(out_np, (list, tuple)) else out_np.shape
    if expected_output_shape is not None:
        assert (
            tuple(out_shapes) == tuple(expected_output_shape)
            if not isinstance(out_np, (list, tuple))
            else [tuple(s) for s in out_shapes] == [tuple(s) for s in expected_output_shape]
        ), (
            f"{layer_cls.__name__}: eager output shape {out_shapes} != expected {expected_output_shape}"
        )
    if expected_output is not None:
        np.testing.assert_allclose(out_np, expected_output, atol=atol, rtol=rtol)
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights
    if supports_masking is not None:
        assert layer.supports_masking == supports_masking

    # 2. symbolic call gives the eager shape (batch dimension unknown)
    if check_symbolic:
        if isinstance(input_data, (list, tuple)):
            sym_in = [
                kerasx.Input(batch_shape=(None, *np.shape(d)[1:]), dtype=str(np.asarray(d).dtype))
                for d in input_data
            ]
        else:
            sym_in = kerasx.Input(
                batch_shape=(None, *np.shape(input_data)[1:]),
                dtype=str(np.asarray(input_data).dtype),
            )
        sym_layer = layer_cls(**init_kwargs)
        sym_out = sym_layer(sym_in, **call_kwargs)
        sym_shapes = (
            [tuple(o.shape) for o in sym_out]
            if isinstance(sym_out, (list, tuple))
            else tuple(sym_out.shape)
        )
        eager_shapes = (
            [tuple(s) for s in out_shapes]
            if isinstance(out_np, (list, tuple))
            else tuple(out_shapes)
        )

        def compatible(s: tuple, e: tuple) -> bool:
            return len(s) == len(e) and all(a is None or a == b for a, b in zip(s[1:], e[1:]))

        if isinstance(sym_shapes, list):
            assert all(compatible(s, e) for s, e in zip(sym_shapes, eager_shapes)), (
                f"symbolic {sym_shapes} vs eager {eager_shapes}"
            )
        else:
            assert compatible(sym_shapes, eager_shapes), (
                f"{layer_cls.__name__}: symbolic shape {sym_shapes} vs eager {eager_shapes}"
            )

    # 3. config round trip
    if check_config:
        config = layer.get_config()
        clone = layer_cls.from_config(config)
        assert clone.get_config() == config, f"{layer_cls.__name__}: config changed in a round trip"

    # 4. the Keras 3 oracle with identical weights
    if oracle:
        keras = keras_oracle()
        kcls = getattr(keras.layers, oracle_name or layer_cls.__name__)
        klayer = kcls(**init_kwargs)
        kin = input_data
        klayer(kin, **call_kwargs) if not layer.weights else None
        if layer.weights:
            klayer(kin, **call_kwargs)
            copy_weights_to_keras(layer, klayer)
        kout = klayer(kin, **call_kwargs)
        kout_np = (
            keras.ops.convert_to_numpy(kout)
            if not isinstance(kout, (list, tuple))
            else [keras.ops.convert_to_numpy(o) for o in kout]
        )
        ours = layer(input_data, **call_kwargs)
        np.testing.assert_allclose(
            _np(ours),
            kout_np,
            atol=atol,
            rtol=rtol,
            err_msg=f"{layer_cls.__name__} differs from Keras 3",
        )
        if check_config:
            kconf = klayer.get_config()
            ours_conf = layer.get_config()
            missing = set(kconf) - set(ours_conf)
            assert not missing, (
                f"{layer_cls.__name__}.get_config() lacks Keras 3 keys {sorted(missing)}"
            )

    # 5. one gradient step on trainable backends
    if run_training_check and TRAINABLE and layer.trainable_weights:
        trainable = layer.trainable_weights

        def loss_fn() -> Any:
            y = layer(
                input_data,
                **{**call_kwargs, "training": True}
                if layer._call_sig.has_training
                else call_kwargs,
            )
            ys = y if isinstance(y, (list, tuple)) else [y]
            total = None
            for t in ys:
                term = ops.sum(ops.square(ops.cast(t, "float32")))
                total = term if total is None else ops.add(total, term)
            return total

        loss, grads = kerasx.value_and_grad(loss_fn, trainable)
        assert np.isfinite(_np(loss)).all()
        for v, g in zip(trainable, grads):
            g_np = _np(g)
            assert g_np.shape == tuple(v.shape), (
                f"gradient shape {g_np.shape} != variable shape {v.shape}"
            )
            assert np.isfinite(g_np).all(), f"non-finite gradient for {v.path}"
        assert any(np.abs(_np(g)).sum() > 0 for g in grads), "all gradients are zero"
    return layer
