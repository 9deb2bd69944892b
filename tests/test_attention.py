"""Part 1's functions: the assignment's answer, input checks, ties, stability."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snippets import attention_torch
from snippets.attention import argmax_attention, attention_scores, softmax, softmax_attention

KEYS = np.array([[1, 2, 0], [0, 3, 4], [5, 0, 0], [0, 0, 1]])
VALUES = np.array([[2, 0, 1], [1, 4, 3], [0, -1, 4], [1, 0, -1]])
QUERY = np.array([1, 1, 2])


def test_assignment_answer():
    np.testing.assert_array_equal(attention_scores(KEYS, QUERY), [3, 11, 5, 2])
    np.testing.assert_array_equal(argmax_attention(KEYS, VALUES, QUERY), [1, 4, 3])


def test_softmax_is_stable_for_huge_logits():
    with np.errstate(over="raise", invalid="raise"):
        p = softmax([1e4, 1e4 - 1, -1e4])
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(), 1.0)
    np.testing.assert_allclose(p[:2], [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1))])


def test_softmax_attention_tends_to_argmax_as_scores_sharpen():
    out = softmax_attention(KEYS * 100.0, VALUES, QUERY, scale=False)
    np.testing.assert_allclose(out, argmax_attention(KEYS, VALUES, QUERY), atol=1e-12)


def test_ties_go_to_the_first_key():
    keys = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    values = np.array([[1.0], [2.0], [3.0]])
    np.testing.assert_array_equal(argmax_attention(keys, values, [2.0, 0.0]), [1.0])


@pytest.mark.parametrize(
    "keys, values, query, message",
    [
        (KEYS, VALUES[:3], QUERY, "equal numbers"),
        (KEYS, VALUES, QUERY[:2], "width 3"),
        (KEYS[0], VALUES, QUERY, "at least 2 axes"),
        (np.zeros((0, 3)), np.zeros((0, 3)), QUERY, "at least one key"),
    ],
)
def test_bad_shapes_are_named(keys, values, query, message):
    for f in (argmax_attention, softmax_attention):
        with pytest.raises(ValueError, match=message):
            f(keys, values, query)


def test_one_query_with_a_batch_of_keys_is_named():
    with pytest.raises(ValueError, match=r"queries of shape \(3,\) and keys of shape \(2, 4, 3\)"):
        softmax_attention(np.stack([KEYS, KEYS]), np.stack([VALUES, VALUES]), QUERY)


def test_softmax_leaves_its_input_alone_and_keeps_float32():
    z = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    p = softmax(z)
    assert p.dtype == np.float32 and abs(float(p.sum()) - 1) < 1e-6
    np.testing.assert_array_equal(z, [[1.0, 2.0, 3.0]])


def test_batched_softmax_attention_keeps_float32():
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((2, 5, 4)).astype(np.float32) for _ in range(3))
    out = softmax_attention(k, v, q)
    assert out.dtype == np.float32 and out.shape == (2, 5, 4)


def test_torch_twin_matches_numpy():
    k, v, q = (torch.tensor(a, dtype=torch.float64) for a in (KEYS, VALUES, QUERY))
    np.testing.assert_allclose(
        attention_torch.softmax_attention(k, v, q).numpy(), softmax_attention(KEYS, VALUES, QUERY)
    )
    np.testing.assert_allclose(attention_torch.argmax_attention(k, v, q).numpy(), [1, 4, 3])


def test_argmax_gradients_vanish_for_queries_and_keys_only():
    k, v, q = (torch.tensor(a, dtype=torch.float64) for a in (KEYS, VALUES, QUERY))
    gq, gk, gv = attention_torch.gradients(attention_torch.argmax_attention, k, v, q)
    assert gq.abs().sum() == 0 and gk.abs().sum() == 0 and gv.abs().sum() > 0
    gq, gk, gv = attention_torch.gradients(attention_torch.softmax_attention, k, v, q)
    assert gq.abs().sum() > 0 and gk.abs().sum() > 0
    gq, gk, _ = attention_torch.gradients(attention_torch.straight_through_attention, k, v, q)
    assert gq.abs().sum() > 0 and gk.abs().sum() > 0
