"""2(a): self-attention without positions is permutation-equivariant; sinusoids break the tie."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.positional import (
    embed,
    mean_pooled_self_attention,
    pooled_gap,
    self_attention,
    sinusoidal_encoding,
    sinusoidal_frequencies,
    word_embeddings,
)

RNG = np.random.default_rng(123)
D = 12


def _weights(rng, d=D, d_v=5):
    return rng.standard_normal((d, 4)), rng.standard_normal((d, 4)), rng.standard_normal((d, d_v))


@pytest.mark.parametrize("seed", range(5))
def test_self_attention_is_permutation_equivariant(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((9, D))
    W = _weights(rng)
    perm = rng.permutation(9)
    np.testing.assert_allclose(self_attention(X[perm], *W), self_attention(X, *W)[perm], atol=1e-12)
    np.testing.assert_allclose(mean_pooled_self_attention(X[perm], *W), mean_pooled_self_attention(X, *W), atol=1e-12)


def test_positions_break_equivariance():
    X = RNG.standard_normal((9, D))
    W = _weights(RNG)
    P = sinusoidal_encoding(9, D)
    perm = np.roll(np.arange(9), 1)
    assert np.abs(self_attention(X[perm] + P, *W) - self_attention(X + P, *W)[perm]).max() > 1e-2


def test_same_words_other_order():
    e = word_embeddings("dog bites man".split(), D)
    draws = RNG.standard_normal((20, 3, D, D)) / np.sqrt(D)
    assert pooled_gap("dog bites man", "man bites dog", e, draws, positions=False).max() < 1e-12
    assert pooled_gap("dog bites man", "man bites dog", e, draws, positions=True).min() > 1e-3


def test_sinusoidal_encoding_matches_the_formula():
    P = sinusoidal_encoding(50, 8)
    i, ell = 37, 2  # position i, frequency index ell
    w = 10000 ** (-2 * ell / 8)
    assert P[i, 2 * ell] == pytest.approx(np.sin(i * w))
    assert P[i, 2 * ell + 1] == pytest.approx(np.cos(i * w))
    np.testing.assert_allclose(np.linalg.norm(P, axis=1), 2.0)  # sqrt(d/2)
    np.testing.assert_allclose(sinusoidal_frequencies(8), [1, 0.1, 0.01, 0.001])


def test_positions_are_distinct():
    P = sinusoidal_encoding(500, 32)
    distance = np.linalg.norm(P[:, None] - P[None], axis=-1)
    assert distance[~np.eye(500, dtype=bool)].min() > 0.1


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sinusoidal_encoding(4, 5), "d must be even"),
        (lambda: sinusoidal_encoding(0, 4), "at least one position"),
        (lambda: self_attention(np.ones(3), np.eye(3), np.eye(3), np.eye(3)), "got shape (3,)"),
        (lambda: self_attention(np.ones((2, 3)), np.eye(4), np.eye(3), np.eye(3)), "W_q must have 3 rows"),
        (lambda: self_attention(np.ones((2, 3)), np.ones((3, 2)), np.eye(3), np.eye(3)), "same shape"),
        (lambda: embed("cat", {"dog": np.ones(2)}, positions=False), "no embedding for ['cat']"),
        (lambda: pooled_gap("a", "a", {"a": np.ones(2)}, np.ones((1, 3, 3, 3)), False), "(n_settings, 3, 2, 2)"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)
