"""The book's from-scratch attention equals PyTorch's fused kernel.

``snippets.attention.softmax_attention`` (NumPy, batched, float32 in and
out) must agree with ``torch.nn.functional.scaled_dot_product_attention``
to 1e-5 on random inputs of several shapes, with and without batch axes.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from snippets.attention import softmax_attention

SHAPES = [
    # (batch axes, queries m, keys n, width d, value width d_v)
    ((), 1, 1, 1, 1),
    ((), 5, 7, 3, 2),
    ((4,), 16, 16, 8, 8),
    ((2, 3), 9, 33, 16, 5),
    ((8,), 64, 64, 64, 64),
    ((2, 2), 128, 100, 32, 48),
]


def random_qkv(batch, m, n, d, dv, seed):
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((*batch, m, d)).astype(np.float32)
    k = rng.standard_normal((*batch, n, d)).astype(np.float32)
    v = rng.standard_normal((*batch, n, dv)).astype(np.float32)
    return q, k, v


@pytest.mark.parametrize("batch, m, n, d, dv", SHAPES, ids=lambda s: str(s))
def test_matches_scaled_dot_product_attention(batch, m, n, d, dv):
    q, k, v = random_qkv(batch, m, n, d, dv, seed=m * 1000 + n)
    ours = softmax_attention(k, v, q)
    theirs = F.scaled_dot_product_attention(*(torch.from_numpy(a) for a in (q, k, v))).numpy()
    assert ours.dtype == np.float32 and ours.shape == theirs.shape == (*batch, m, dv)
    np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-5)


def test_large_scores_stay_finite_and_match():
    """Scores of size ~1e3 would overflow a naive exp in float32."""
    q, k, v = random_qkv((3,), 10, 12, 4, 4, seed=1)
    q, k = q * 30, k * 30
    ours = softmax_attention(k, v, q)
    theirs = F.scaled_dot_product_attention(*(torch.from_numpy(a) for a in (q, k, v))).numpy()
    assert np.isfinite(ours).all()
    np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-5)


def test_unscaled_matches_sdpa_with_scale_one():
    q, k, v = random_qkv((2,), 6, 6, 5, 3, seed=2)
    ours = softmax_attention(k, v, q, scale=False)
    theirs = F.scaled_dot_product_attention(*(torch.from_numpy(a) for a in (q, k, v)), scale=1.0).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-5)


def test_keys_broadcast_over_query_batches():
    """One set of keys and values shared by a batch of queries broadcasts like torch."""
    q, _, _ = random_qkv((4,), 5, 1, 8, 1, seed=3)
    _, k, v = random_qkv((), 1, 7, 8, 3, seed=4)
    ours = softmax_attention(k, v, q)
    tk, tv = (torch.from_numpy(a).expand(4, *a.shape) for a in (k, v))
    theirs = F.scaled_dot_product_attention(torch.from_numpy(q), tk, tv).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-5)


def test_inputs_are_not_modified():
    q, k, v = random_qkv((2,), 4, 4, 4, 4, seed=5)
    copies = [a.copy() for a in (q, k, v)]
    softmax_attention(k, v, q)
    for a, b in zip((q, k, v), copies):
        np.testing.assert_array_equal(a, b)
