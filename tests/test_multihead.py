"""Part 2(d): multi-head attention from scratch equals PyTorch's, and the hand-set heads do what they claim."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snippets.multihead import (
    attention_multiply_adds,
    causal_mask,
    merge_heads,
    multi_head_attention,
    one_hot_embedding,
    previous_and_same_token_heads,
    split_heads,
)

TOKENS = "the cat saw the dog and the cat ran".split()
VOCAB = ["the", "cat", "saw", "dog", "and", "ran", "a", "sat", "mat"]


def torch_mha(W_q, W_k, W_v, W_o, n_heads):
    """``nn.MultiheadAttention`` holding our weights (it multiplies on the left, hence the transposes)."""
    d = W_q.shape[0]
    mha = torch.nn.MultiheadAttention(d, n_heads, bias=False, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.from_numpy(np.concatenate([W_q.T, W_k.T, W_v.T])))
        mha.out_proj.weight.copy_(torch.from_numpy(W_o.T))
    return mha.eval()


@pytest.mark.parametrize("batch, n, d, n_heads", [(1, 5, 4, 1), (3, 7, 8, 2), (2, 16, 32, 4), (4, 9, 24, 8)])
@pytest.mark.parametrize("causal", [False, True])
def test_matches_torch_multihead_attention(batch, n, d, n_heads, causal):
    rng = np.random.default_rng(n * d + n_heads)
    X = rng.standard_normal((batch, n, d)).astype(np.float32)
    W = [(rng.standard_normal((d, d)) / np.sqrt(d)).astype(np.float32) for _ in range(4)]
    ours, ours_w = multi_head_attention(X, *W, n_heads=n_heads, causal=causal)
    mask = torch.from_numpy(~causal_mask(n)) if causal else None  # torch: True = hidden
    with torch.no_grad():
        theirs, theirs_w = torch_mha(*W, n_heads)(
            *(torch.from_numpy(X),) * 3, attn_mask=mask, need_weights=True, average_attn_weights=False
        )
    assert ours.dtype == np.float32 and ours.shape == (batch, n, d) and ours_w.shape == (batch, n_heads, n, n)
    np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(ours_w, theirs_w.numpy(), atol=1e-5, rtol=1e-5)


def test_unbatched_input_and_causal_zeros():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 4))
    W = rng.standard_normal((4, 4, 4))
    out, w = multi_head_attention(X, *W, n_heads=2, causal=True)
    assert out.shape == (6, 4) and w.shape == (2, 6, 6)
    assert (w[:, ~causal_mask(6)] == 0).all()
    np.testing.assert_allclose(w.sum(-1), 1.0)


def test_split_and_merge_are_inverse():
    M = np.arange(2 * 3 * 12.0).reshape(2, 3, 12)
    H = split_heads(M, 4)
    assert H.shape == (2, 4, 3, 3)
    np.testing.assert_array_equal(H[:, 1], M[..., 3:6])
    np.testing.assert_array_equal(merge_heads(H), M)


@pytest.mark.parametrize(
    "X, W_shape, n_heads, message",
    [
        (np.ones(4), (4, 4), 2, r"\(\.\.\., n, d_model\)"),
        (np.ones((3, 4)), (4, 5), 2, r"\(4, 4\); got shape \(4, 5\)"),
        (np.ones((3, 4)), (4, 4), 3, "n_heads must divide d_model = 4"),
    ],
)
def test_bad_shapes_are_named(X, W_shape, n_heads, message):
    W = np.ones(W_shape)
    with pytest.raises(ValueError, match=message):
        multi_head_attention(X, W, W, W, W, n_heads)


def test_hand_set_heads_track_previous_and_same_token():
    X = one_hot_embedding(TOKENS, VOCAB)
    out, w = multi_head_attention(X, *previous_and_same_token_heads(len(TOKENS)), n_heads=2)
    previous = np.maximum(np.arange(len(TOKENS)) - 1, 0)
    np.testing.assert_allclose(w[0], np.eye(len(TOKENS))[previous], atol=1e-3)
    same = np.array([[a == b for b in TOKENS] for a in TOKENS], dtype=float)
    np.testing.assert_allclose(w[1], same / same.sum(1, keepdims=True), atol=1e-3)
    # head 1 writes the previous word, head 2 where the word occurs
    assert [VOCAB[k] for k in out[:, : len(VOCAB)].argmax(1)] == [TOKENS[p] for p in previous]
    np.testing.assert_allclose(out[:, len(VOCAB) :], w[1], atol=1e-12)


def test_one_head_with_the_same_weights_blends_the_two_patterns():
    X = one_hot_embedding(TOKENS, VOCAB)
    _, w1 = multi_head_attention(X, *previous_and_same_token_heads(len(TOKENS)), n_heads=1)
    previous = np.maximum(np.arange(len(TOKENS)) - 1, 0)
    on_previous = w1[0, np.arange(len(TOKENS)), previous]
    # wherever the previous token is a different word, it gets at most half the weight
    differs = np.array([TOKENS[p] != t for p, t in zip(previous, TOKENS)])
    assert (on_previous[differs] <= 0.5 + 1e-3).all()


def test_one_hot_embedding_rejects_unknown_words():
    with pytest.raises(ValueError, match="unknown"):
        one_hot_embedding(["the", "zebra"], VOCAB)


def test_heads_cost_the_same_multiply_adds_except_the_softmax():
    costs = [attention_multiply_adds(512, 768, h) for h in (1, 2, 12)]
    for key in ("projections", "scores", "weighted sums"):
        assert len({c[key] for c in costs}) == 1
    assert [c["exponentials"] for c in costs] == [512 * 512 * h for h in (1, 2, 12)]
    with pytest.raises(ValueError, match="divide"):
        attention_multiply_adds(4, 10, 3)
