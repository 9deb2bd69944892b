"""2(b): added scores = content + two cross terms + position; concatenated = content + position."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.cross_terms import (
    added_scores,
    concatenated_scores,
    cosine_matrix,
    cross_terms,
    rms,
    score_terms,
    term_sizes,
    transformer_layer_weights,
)
from snippets.positional import sinusoidal_encoding

RNG = np.random.default_rng(7)


def test_added_scores_expand_into_four_terms():
    X, P = RNG.standard_normal((6, 10)), RNG.standard_normal((6, 10))
    t = score_terms(X, P)
    np.testing.assert_allclose(added_scores(X, P), t.content + t.content_position + t.position_content + t.position)
    np.testing.assert_allclose(concatenated_scores(X, P), t.content + t.position)
    np.testing.assert_allclose(added_scores(X, P) - concatenated_scores(X, P), cross_terms(X, P), atol=1e-12)
    np.testing.assert_allclose(t.position_content, t.content_position.T)


def test_orthogonal_content_and_position_have_no_cross_terms():
    X = np.hstack([RNG.standard_normal((5, 3)), np.zeros((5, 3))])
    P = np.hstack([np.zeros((5, 3)), RNG.standard_normal((5, 3))])
    np.testing.assert_allclose(cross_terms(X, P), 0.0)
    np.testing.assert_allclose(added_scores(X, P), concatenated_scores(X, P))


@pytest.mark.parametrize("d", [16, 256, 2048])
def test_relative_size_of_cross_terms_is_one_over_sqrt_d(d):
    X = RNG.standard_normal((128, d))
    ratio = rms(cosine_matrix(X, sinusoidal_encoding(128, d))) * np.sqrt(d)
    assert 0.85 < ratio < 1.15


def test_cross_terms_have_size_sigma_times_norm_p():
    d, sigma = 256, 0.5
    X, P = sigma * RNG.standard_normal((200, d)), sinusoidal_encoding(200, d)
    sizes = term_sizes(X, P)
    assert sizes["cross x.p"] == pytest.approx(sigma * np.sqrt(d / 2), rel=0.1)
    assert sizes["content x_i.x_j"] == pytest.approx(sigma**2 * np.sqrt(d), rel=0.1)


def test_signal_is_the_self_match_and_grows_like_d():
    d = 256
    sizes = term_sizes(RNG.standard_normal((200, d)), sinusoidal_encoding(200, d))
    assert sizes["self x_i.x_i"] == pytest.approx(d, rel=0.05)
    assert sizes["self x_i.x_i"] > 10 * sizes["content x_i.x_j"] > 10 * sizes["cross x.p"]


def test_position_term_is_close_to_a_constant_per_row():
    d = 512
    sizes = term_sizes(RNG.standard_normal((128, d)), sinusoidal_encoding(128, d))
    assert sizes["position, row mean removed"] < sizes["position p_i.p_j"] / 4


def test_row_mean_removed_is_zero_for_a_constant_position_term():
    P = np.tile(RNG.standard_normal(6), (5, 1))  # every position the same vector
    assert term_sizes(RNG.standard_normal((5, 6)), P)["position, row mean removed"] == pytest.approx(0, abs=1e-12)


def test_sinusoidal_position_term_depends_only_on_offset():
    P = sinusoidal_encoding(40, 32)
    G = P @ P.T
    for k in range(-39, 40):
        diagonal = np.diagonal(G, offset=k)
        assert np.ptp(diagonal) < 1e-12


def test_layer_weights():
    assert transformer_layer_weights(1) == 12
    assert transformer_layer_weights(1024) == 4 * transformer_layer_weights(512)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: score_terms(np.ones((3, 4)), np.ones((3, 5))), "X (3, 4) and P (3, 5)"),
        (lambda: cross_terms(np.ones(4), np.ones(4)), "same shape (n, d)"),
        (lambda: cosine_matrix(np.ones((2, 3)), np.ones((2, 4))), "got (2, 3) and (2, 4)"),
        (lambda: transformer_layer_weights(0), "got 0"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)
