"""2(c): the bias q_i^pos . k_j^pos reproduces concatenation; it is relative exactly when Toeplitz."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snippets.attention import softmax_attention
from snippets.positional import sinusoidal_encoding, sinusoidal_frequencies
from snippets.relative_bias import (
    biased_softmax_attention,
    concatenated_attention,
    diagonal_spread,
    is_toeplitz,
    relative_bias_from_positions,
    relative_bias_matrix,
    relative_bias_parameter_count,
    relative_bias_values,
    rotated_positions,
    rotation_matrix,
)

RNG = np.random.default_rng(2024)


@pytest.mark.parametrize("d, d_pos", [(8, 8), (16, 4), (5, 12)])
def test_bias_reproduces_concatenated_positions(d, d_pos):
    T = 10
    Q, K = RNG.standard_normal((2, T, d))
    V = RNG.standard_normal((T, 3))
    Q_pos, K_pos = RNG.standard_normal((2, T, d_pos))
    scale = math.sqrt(d + d_pos)
    bias = relative_bias_from_positions(Q_pos, K_pos, scale)
    expected = softmax_attention(np.hstack([K, K_pos]), V, np.hstack([Q, Q_pos]))
    np.testing.assert_allclose(concatenated_attention(K, V, Q, K_pos, Q_pos), expected, atol=1e-14)
    np.testing.assert_allclose(biased_softmax_attention(K, V, Q, bias, scale), expected, atol=1e-14)


def test_wrong_scale_changes_the_attention():
    T, d, d_pos = 8, 8, 8
    Q, K, V = RNG.standard_normal((3, T, d))
    P = sinusoidal_encoding(T, d_pos)
    bias = relative_bias_from_positions(P, P, math.sqrt(d + d_pos))
    expected = concatenated_attention(K, V, Q, P, P)
    assert np.abs(biased_softmax_attention(K, V, Q, bias) - expected).max() > 1e-3  # scale sqrt(d) instead


def test_a_constant_per_query_does_not_matter():
    T, d = 6, 4
    Q, K, V = RNG.standard_normal((3, T, d))
    bias = RNG.standard_normal((T, T))
    shifted = bias + RNG.standard_normal((T, 1))
    np.testing.assert_allclose(biased_softmax_attention(K, V, Q, bias), biased_softmax_attention(K, V, Q, shifted))


def test_sinusoidal_bias_is_relative_and_symmetric():
    P = sinusoidal_encoding(64, 32)
    bias = relative_bias_from_positions(P, P)
    assert diagonal_spread(bias).max() < 1e-12
    assert is_toeplitz(bias)
    np.testing.assert_allclose(bias, bias.T)
    np.testing.assert_allclose(relative_bias_matrix(relative_bias_values(bias)), bias, atol=1e-12)


def test_rotations_give_a_relative_bias_that_knows_direction():
    w = sinusoidal_frequencies(16)
    a, b = RNG.standard_normal((2, 16))
    bias = relative_bias_from_positions(rotated_positions(a, 20, w), rotated_positions(b, 20, w))
    assert is_toeplitz(bias, atol=1e-12)
    assert np.abs(bias - bias.T).max() > 1e-2


def test_sinusoids_are_rotations_of_p0():
    P = sinusoidal_encoding(30, 8)
    np.testing.assert_allclose(rotated_positions(np.tile([0.0, 1.0], 4), 30, sinusoidal_frequencies(8)), P, atol=1e-15)


def test_rotation_matrix_is_what_rotated_positions_applies():
    w = sinusoidal_frequencies(8)
    a = RNG.standard_normal(8)
    R = rotation_matrix(w)
    np.testing.assert_allclose(R.T @ R, np.eye(8), atol=1e-15)
    rows = rotated_positions(a, 6, w)
    for i in range(6):
        np.testing.assert_allclose(rows[i], np.linalg.matrix_power(R, i) @ a, atol=1e-12)


def test_projected_sinusoids_are_relative_exactly_when_r_t_m_r_agrees_with_m_on_the_positions():
    T, d_pos = 10, 16
    P, R = sinusoidal_encoding(T, d_pos), rotation_matrix(sinusoidal_frequencies(d_pos))
    commuting = np.kron(np.diag(RNG.standard_normal(d_pos // 2)), np.eye(2))  # a I per pair commutes with R
    z = np.linalg.svd(P)[2][-1]  # orthogonal to every p_i: T < d_pos leaves room
    not_commuting = commuting + np.outer(z, RNG.standard_normal(d_pos))
    for M, relative in [(commuting, True), (not_commuting, True), (RNG.standard_normal((d_pos, d_pos)), False)]:
        residual = np.abs(P[:-1] @ (M - R.T @ M @ R) @ P[:-1].T).max()
        assert is_toeplitz(P @ M @ P.T) is relative
        assert bool(residual < 1e-9) is relative
    assert np.abs(not_commuting @ R - R @ not_commuting).max() > 0.1


def test_learned_absolute_positions_are_not_relative():
    Q_pos, K_pos = RNG.standard_normal((2, 12, 8))
    bias = relative_bias_from_positions(Q_pos, K_pos)
    assert not is_toeplitz(bias)
    assert diagonal_spread(bias).max() > 1.0


def test_relative_values_round_trip():
    values = RNG.standard_normal(2 * 7 - 1)
    M = relative_bias_matrix(values)
    assert M.shape == (7, 7)
    assert M[5, 2] == values[5 - 2 + 6]
    np.testing.assert_allclose(relative_bias_values(M), values)


def test_parameter_counts():
    c = relative_bias_parameter_count(T=512, heads=8, d_pos=64)
    assert c["relative pi_(i-j)"] == 8 * 1023
    assert c["free pi_(i,j)"] == 8 * 512**2
    assert c["concatenated q_pos, k_pos"] == 8 * 2 * 512 * 64
    assert c["T5 buckets, all layers"] == 8 * 32


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: relative_bias_from_positions(np.ones((3, 2)), np.ones((3, 4))), "(3, 2) and (3, 4)"),
        (lambda: relative_bias_from_positions(np.ones(3), np.ones((3, 3))), "got shape (3,)"),
        (
            lambda: biased_softmax_attention(np.ones((3, 2)), np.ones((3, 1)), np.ones((2, 2)), np.ones((3, 3))),
            "(queries, keys) = (2, 3)",
        ),
        (
            lambda: biased_softmax_attention(np.ones((3, 2)), np.ones((4, 1)), np.ones((2, 2)), np.ones((2, 3))),
            "3 keys but values of shape (4, 1)",
        ),
        (
            lambda: concatenated_attention(
                np.ones((3, 2)), np.ones((3, 1)), np.ones((2, 2)), np.ones((4, 1)), np.ones((2, 1))
            ),
            "keys (3, 2) with K_pos (4, 1)",
        ),
        (lambda: diagonal_spread(np.ones((2, 3))), "square (T, T)"),
        (lambda: relative_bias_matrix(np.ones(4)), "2T - 1 values"),
        (lambda: rotated_positions(np.ones(3), 2, [1.0]), "even width"),
        (lambda: rotation_matrix([]), "d/2 frequencies"),
        (lambda: relative_bias_parameter_count(0, 1, 1), "must be positive"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)
