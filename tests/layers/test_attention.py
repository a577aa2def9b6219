"""Attention layers (Attention, AdditiveAttention, MultiHeadAttention,
GroupQueryAttention) against the Keras 3 oracle, NumPy maths and Keras-saved files."""

import numpy as np
import pytest
from tests.conftest import requires_training
from tests.layer_test_utils import run_layer_test

import kerasx
from kerasx import layers, ops

RNG = np.random.default_rng(7)
# One set of shapes everywhere keeps jax compilations few.
Q = RNG.standard_normal((2, 3, 4)).astype("float32")
V = RNG.standard_normal((2, 5, 4)).astype("float32")
K = RNG.standard_normal((2, 5, 4)).astype("float32")
V6 = RNG.standard_normal((2, 5, 6)).astype("float32")
Q_MASK = np.array([[1, 1, 0], [1, 1, 1]], dtype=bool)
V_MASK = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], dtype=bool)
ATT_MASK = RNG.uniform(size=(2, 3, 5)) > 0.3
ATT_MASK[:, :, 0] = True  # every query sees at least one key


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    return ops.convert_to_numpy(x)


def _listify(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _compare(ours, theirs, args, calls=({},), atol=1e-5):
    """Build both layers on ``args``, copy our weights into Keras, then compare every
    output of each call variant (one layer pair serves many calls: fewer compiles)."""
    ours(*args, **calls[0])
    theirs(*args, **calls[0])
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    theirs.set_weights(ours.get_weights())
    results = []
    for kwargs in calls:
        got, want = _listify(ours(*args, **kwargs)), _listify(theirs(*args, **kwargs))
        assert len(got) == len(want)
        for a, b in zip(got, want):
            np.testing.assert_allclose(
                _np(a), np.asarray(b), atol=atol, rtol=1e-5, err_msg=str(kwargs)
            )
        results.append(got)
    return results


# ------------------------------------------------------------- Attention family
@pytest.mark.parametrize(
    "cls,kwargs,n_weights",
    [
        ("Attention", {}, 0),
        ("Attention", {"use_scale": True, "score_mode": "concat"}, 2),
        ("AdditiveAttention", {}, 1),
    ],
)
def test_attention_layers_run_layer_test(cls, kwargs, n_weights):
    run_layer_test(
        getattr(layers, cls),
        init_kwargs=kwargs,
        input_data=[Q, V],
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=n_weights,
        supports_masking=True,
    )


@pytest.mark.parametrize(
    "cls,kwargs",
    [
        ("Attention", {"use_scale": True}),
        ("AdditiveAttention", {"use_scale": True}),
    ],
)
def test_attention_masks_causal_scores_match_keras(oracle, cls, kwargs):
    ours, theirs = getattr(layers, cls)(**kwargs), getattr(oracle.layers, cls)(**kwargs)
    call = {"mask": [Q_MASK, V_MASK], "return_attention_scores": True, "use_causal_mask": True}
    ((out, scores),) = _compare(ours, theirs, ([Q, V, K],), [call])
    assert tuple(scores.shape) == (2, 3, 5)
    # Masked query steps are zeroed; the query mask becomes the output mask.
    assert np.all(_np(out)[0, 2] == 0)
    np.testing.assert_array_equal(_np(ours.compute_mask([Q, V], [Q_MASK, V_MASK])), Q_MASK)
    assert ours.compute_mask([Q, V], None) is None


def test_attention_dot_matches_numpy():
    layer = layers.Attention(use_scale=True)
    layer([Q, V])
    layer.scale.assign(np.float32(0.5))
    out, w = layer([Q, V, K], mask=[None, V_MASK], return_attention_scores=True)
    s = 0.5 * Q @ K.transpose(0, 2, 1) - 1e9 * (~V_MASK[:, None, :])
    e = np.exp(s - s.max(-1, keepdims=True))
    want_w = e / e.sum(-1, keepdims=True)
    np.testing.assert_allclose(_np(w), want_w, atol=1e-6)
    np.testing.assert_allclose(_np(out), want_w @ V, atol=1e-5)


def test_attention_mask_flows_through_functional_model(oracle):
    tokens = np.array([[3, 1, 0, 0], [2, 5, 4, 0]], dtype="int32")

    def build(lib):
        x = lib.Input((4,), dtype="int32")
        emb = lib.layers.Embedding(8, 4, mask_zero=True)
        e = emb(x)
        y = lib.layers.Attention()([e, e])
        return lib.Model(x, y), emb

    ours, ours_emb = build(kerasx)
    theirs, their_emb = build(oracle)
    their_emb.set_weights(ours_emb.get_weights())
    np.testing.assert_allclose(_np(ours(tokens)), np.asarray(theirs(tokens)), atol=1e-5)


def test_attention_symbolic_shapes_and_bad_inputs():
    q, v = kerasx.Input((3, 4)), kerasx.Input((5, 4))
    out, scores = layers.Attention()([q, v], return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 4) and tuple(scores.shape) == (None, 3, 5)
    layer = layers.Attention(name="att_bad")
    with pytest.raises(ValueError, match=r"att_bad.*query.*\(2, 3, 4\).*key.*\(2, 5, 6\)"):
        layer([Q, V6, V6])
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Attention()(Q)
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="bad")


def test_attention_dropout_only_in_training():
    layer = layers.Attention(dropout=0.5, seed=3)
    inference = _np(layer([Q, V], training=False))
    _, w = layer([Q, V], training=False, return_attention_scores=True)
    np.testing.assert_allclose(_np(w).sum(-1), 1.0, atol=1e-5)
    trained = _np(layer([Q, V], training=True))
    assert not np.allclose(trained, inference)


# ------------------------------------------------------------ MultiHeadAttention
MHA_CASES = {
    "default": (
        {},
        (Q, V),
        [
            {},
            {"use_causal_mask": True},
            {"attention_mask": ATT_MASK, "return_attention_scores": True},
            {"value_mask": V_MASK, "use_causal_mask": True, "return_attention_scores": True},
        ],
    ),
    "value_dim_no_bias_key": (
        {"value_dim": 2, "use_bias": False},
        (Q, V6, K),
        # Keras' fused jax path rejects value_dim != key_dim, so only the einsum path
        # (scores requested) is compared here; the fused one is checked against NumPy.
        [
            {"return_attention_scores": True},
            {"value_mask": V_MASK, "key_mask": V_MASK, "return_attention_scores": True},
        ],
    ),
    "gate_window_output_shape": (
        {"use_gate": True, "sliding_window": 2, "output_shape": 7},
        (Q, V),
        [{}, {"use_causal_mask": True}],
    ),
}


@pytest.mark.parametrize("case", list(MHA_CASES))
def test_mha_matches_keras(oracle, case):
    init, args, calls = MHA_CASES[case]
    ours = layers.MultiHeadAttention(num_heads=2, key_dim=3, **init)
    theirs = oracle.layers.MultiHeadAttention(num_heads=2, key_dim=3, **init)
    results = _compare(ours, theirs, args, calls)
    for got, call in zip(results, calls):
        assert tuple(got[0].shape) == (2, 3, init.get("output_shape", 4))
        if call.get("return_attention_scores"):
            assert tuple(got[1].shape) == (2, 2, 3, 5)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert ours.get_build_config() == theirs.get_build_config()


def test_mha_attention_axes_and_output_shape_match_keras(oracle):
    x = RNG.standard_normal((2, 2, 3, 4)).astype("float32")
    init = {"num_heads": 2, "key_dim": 2, "attention_axes": (1, 2), "output_shape": (3, 2)}
    ours, theirs = layers.MultiHeadAttention(**init), oracle.layers.MultiHeadAttention(**init)
    ((out, scores),) = _compare(ours, theirs, (x, x), [{"return_attention_scores": True}])
    assert tuple(out.shape) == (2, 2, 3, 3, 2)
    assert tuple(scores.shape) == (2, 2, 2, 3, 2, 3)
    sym = layers.MultiHeadAttention(**init)
    inp = kerasx.Input((2, 3, 4))
    s_out, s_scores = sym(inp, inp, return_attention_scores=True)
    assert tuple(s_out.shape) == (None, 2, 3, 3, 2)
    assert tuple(s_scores.shape) == (None, 2, 2, 3, 2, 3)
    assert ours.get_config()["attention_axes"] == (1, 2)


def test_mha_query_mask_masks_query_rows(oracle):
    """An explicit ``query_mask`` equals the same rows masked via ``attention_mask``.

    (Keras 3.15 ignores an explicit ``query_mask`` unless the query tensor carries it,
    so the Keras side uses the equivalent attention mask.)
    """
    ours = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    theirs = oracle.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    ours(Q, V)
    theirs(Q, V)
    theirs.set_weights(ours.get_weights())
    got = ours(Q, V, query_mask=Q_MASK, value_mask=V_MASK)
    as_attention = Q_MASK[:, :, None] & V_MASK[:, None, :]
    want = theirs(Q, V, attention_mask=as_attention)
    np.testing.assert_allclose(_np(got), np.asarray(want), atol=1e-5)
    assert not np.allclose(_np(got), _np(ours(Q, V, value_mask=V_MASK)))


def test_mha_matches_numpy_reference():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2)
    out, scores = layer(Q, V, attention_mask=ATT_MASK, return_attention_scores=True)
    wq, bq, wk, bk, wv, bv, wo, bo = layer.get_weights()
    q = np.einsum("btd,dnh->btnh", Q, wq) + bq
    k = np.einsum("bsd,dnh->bsnh", V, wk) + bk
    v = np.einsum("bsd,dnh->bsnh", V, wv) + bv
    s = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(3.0)
    s = np.where(ATT_MASK[:, None], s, -1e9)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    o = np.einsum("bnts,bsnh->btnh", p, v)
    want = np.einsum("btnh,nhd->btd", o, wo) + bo
    np.testing.assert_allclose(_np(scores), p, atol=1e-5)
    np.testing.assert_allclose(_np(out), want, atol=1e-5)
    # Without scores the backend's fused kernel runs; same numbers.
    np.testing.assert_allclose(_np(layer(Q, V, attention_mask=ATT_MASK)), want, atol=1e-5)


def test_mha_config_round_trip_and_keras_keys(oracle):
    init = {"num_heads": 2, "key_dim": 3, "value_dim": 2, "dropout": 0.1, "output_shape": 5}
    ours, theirs = layers.MultiHeadAttention(**init), oracle.layers.MultiHeadAttention(**init)
    ours(Q, V)
    theirs(Q, V)
    config = ours.get_config()
    assert set(config) == set(theirs.get_config())
    for key in ("num_heads", "key_dim", "value_dim", "dropout", "output_shape", "attention_axes"):
        assert config[key] == theirs.get_config()[key], key
    clone = layers.MultiHeadAttention.from_config(config)
    assert clone.get_config() == config
    restored = kerasx.saving.deserialize_keras_object(kerasx.saving.serialize_keras_object(ours))
    assert isinstance(restored, layers.MultiHeadAttention)


def test_mha_bad_inputs_name_layer_and_shapes():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha_bad")
    bad_key = RNG.standard_normal((2, 4, 4)).astype("float32")
    with pytest.raises(
        ValueError, match=r"mha_bad.*value_shape=\(2, 5, 4\).*key_shape=\(2, 4, 4\)"
    ):
        layer(Q, V, bad_key)
    layer(Q, V)
    with pytest.raises(ValueError, match=r"mha_bad.*query.*\(2, 3, 4\).*\(2, 5, 6\)"):
        layer(V6, V)
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(num_heads=0, key_dim=2)


def test_mha_dropout_uses_seed_generator():
    def make():
        layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=11)
        layer(Q, V)
        return layer

    a, b = make(), make()
    b.set_weights(a.get_weights())
    infer = _np(a(Q, V, training=False))
    np.testing.assert_allclose(infer, _np(b(Q, V)), atol=1e-6)
    train_a, train_b = _np(a(Q, V, training=True)), _np(b(Q, V, training=True))
    assert not np.allclose(train_a, infer)
    np.testing.assert_allclose(train_a, train_b, atol=1e-6)  # same seed, same noise


def test_mha_functional_symbolic_call():
    q, v = kerasx.Input((3, 4)), kerasx.Input((5, 6))
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    out, scores = layer(q, v, return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 4) and tuple(scores.shape) == (None, 2, 3, 5)
    model = kerasx.Model([q, v], out)
    assert tuple(_np(model([Q, V6])).shape) == (2, 3, 4)


def test_mha_functional_masks_from_embedding(oracle):
    tokens = np.array([[3, 1, 0, 0], [2, 5, 4, 0]], dtype="int32")

    def build(lib):
        x = lib.Input((4,), dtype="int32")
        emb = lib.layers.Embedding(8, 4, mask_zero=True)
        mha = lib.layers.MultiHeadAttention(num_heads=2, key_dim=3)
        e = emb(x)
        return lib.Model(x, mha(e, e)), [emb, mha]

    ours, ours_layers = build(kerasx)
    theirs, their_layers = build(oracle)
    for a, b in zip(ours_layers, their_layers):
        b.set_weights(a.get_weights())
    np.testing.assert_allclose(_np(ours(tokens)), np.asarray(theirs(tokens)), atol=1e-5)


# ----------------------------------------------------------- GroupQueryAttention
GQA_CASES = {
    "default": (
        {},
        (Q, V, K),
        [
            {},
            {"use_causal_mask": True, "return_attention_scores": True},
            {"query_mask": Q_MASK, "value_mask": V_MASK, "return_attention_scores": True},
        ],
    ),
    "gate_window_no_bias": (
        {"use_gate": True, "sliding_window": 2, "use_bias": False},
        (Q, V),
        [{"use_causal_mask": True}],
    ),
}


@pytest.mark.parametrize("case", list(GQA_CASES))
def test_gqa_matches_keras(oracle, case):
    init, args, calls = GQA_CASES[case]
    ours = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, **init)
    theirs = oracle.layers.GroupQueryAttention(
        head_dim=2, num_query_heads=4, num_key_value_heads=2, **init
    )
    results = _compare(ours, theirs, args, calls)
    for got, call in zip(results, calls):
        assert tuple(got[0].shape) == (2, 3, 4)
        if call.get("return_attention_scores"):
            assert tuple(got[1].shape) == (2, 4, 3, 5)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert set(ours.get_config()) == set(theirs.get_config())


def test_gqa_names_symbolic_and_errors():
    assert layers.GroupedQueryAttention is layers.GroupQueryAttention
    assert type(layers.GroupQueryAttention(2, 4, 2)).__name__ == "GroupedQueryAttention"
    q, v = kerasx.Input((3, 4)), kerasx.Input((5, 4))
    out, scores = layers.GroupQueryAttention(2, 4, 2)(q, v, return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 4) and tuple(scores.shape) == (None, 4, 3, 5)
    with pytest.raises(ValueError, match="divisible"):
        layers.GroupQueryAttention(2, 3, 2)
    with pytest.raises(
        ValueError, match=r"gqa_bad.*query_shape=\(2, 3, 4\).*value_shape=\(2, 5, 6\)"
    ):
        layers.GroupQueryAttention(2, 4, 2, name="gqa_bad")(Q, V6)


# ------------------------------------------------------- files and training
def test_load_keras_saved_model_with_mha_and_gqa(oracle, tmp_path):
    q, v = oracle.Input((3, 4)), oracle.Input((5, 4))
    a = oracle.layers.MultiHeadAttention(num_heads=2, key_dim=3, use_gate=True)(q, v)
    b = oracle.layers.GroupQueryAttention(2, 4, 2)(q, v, v)
    keras_model = oracle.Model([q, v], oracle.layers.Add()([a, b]))
    path = tmp_path / "m.keras"
    keras_model.save(path)
    loaded = kerasx.saving.load_model(path)
    expected = np.asarray(keras_model([Q, V]))
    np.testing.assert_allclose(_np(loaded([Q, V])), expected, atol=1e-5)
    # And back: a kerasx-saved file loads in Keras 3 with the same weights.
    loaded.save(tmp_path / "back.keras")
    back = oracle.saving.load_model(tmp_path / "back.keras")
    np.testing.assert_allclose(np.asarray(back([Q, V])), expected, atol=1e-5)


@requires_training
def test_one_gradient_step():
    """MHA with dropout and masks trains; Attention/AdditiveAttention get their
    gradient step in run_layer_test."""
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.2, seed=1, use_gate=True)

    def call():
        return layer(Q, V, value_mask=V_MASK, use_causal_mask=True, training=True)

    call()
    variables = layer.trainable_weights
    before = [_np(v).copy() for v in variables]
    loss, grads = kerasx.value_and_grad(lambda: ops.sum(ops.square(call())), variables)
    assert np.isfinite(_np(loss))
    for var, g, old in zip(variables, grads, before):
        g = _np(g)
        assert g.shape == tuple(var.shape) and np.isfinite(g).all()
        var.assign(old - 0.1 * g)
    assert any(np.abs(_np(g)).sum() > 0 for g in grads)
    assert not all(np.allclose(_np(v), old) for v, old in zip(variables, before))
