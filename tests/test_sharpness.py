"""The gap a head needs, derived, and checked against heads just above and below it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snippets.attention import softmax
from snippets.hand_design import LOGIT_GAP, select_by_content, select_by_position
from snippets.hw3_tasks import TASKS, encode, verify_head
from snippets.sharpness import (
    ATOL,
    leak_bound,
    plot_sharpness,
    query_gaps,
    required_gap,
    smallest_gap,
    wanted_keys,
    worst_error_vs_gap,
)


@pytest.mark.parametrize("n", [2, 4, 6])
@pytest.mark.parametrize("gap", [0.5, 5.0, 20.0, 30.0])
def test_leak_bound_is_what_softmax_leaves_on_the_other_keys(n, gap):
    weights = softmax(np.array([gap] + [0.0] * (n - 1)))
    assert weights[1:].sum() == pytest.approx(leak_bound(n, gap), rel=1e-12)
    assert leak_bound(n, gap) <= (n - 1) * math.exp(-gap)


def test_required_gap_puts_the_leak_exactly_at_the_tolerance():
    for n in range(2, 10):
        assert leak_bound(n, required_gap(n)) == pytest.approx(ATOL, rel=1e-9)
    assert required_gap(1) == 0.0
    with pytest.raises(ValueError, match="atol must be in"):
        required_gap(6, atol=0.0)
    with pytest.raises(ValueError, match="n_keys must be at least 1; got 0"):
        leak_bound(0, 1.0)


@pytest.mark.parametrize("task, design", [("content", select_by_content), ("position", select_by_position)])
def test_heads_pass_just_above_the_required_gap_and_fail_just_below(task, design):
    g = required_gap(TASKS[task].lengths[-1])
    assert not verify_head(design(gap=g + 0.05), task).failures
    assert verify_head(design(gap=g - 0.05), task).failures
    assert LOGIT_GAP - g > 9  # the designed heads keep a margin of more than 9 in the logits


def test_measured_worst_error_is_the_bound():
    gaps = np.arange(2.0, 36.0, 3.0)
    for task in ("content", "position"):
        errors, ok = worst_error_vs_gap(task, gaps)
        np.testing.assert_allclose(errors, leak_bound(TASKS[task].lengths[-1], gaps), rtol=1e-6, atol=1e-15)
        np.testing.assert_array_equal(ok, errors <= ATOL)


def test_wanted_keys_and_smallest_gap():
    np.testing.assert_array_equal(wanted_keys("ABC", "position"), [[1, 0, 0]] * 3)
    unique = wanted_keys("AB", "unique")  # CLS, A, B
    np.testing.assert_array_equal(unique, [[1, 1, 1], [1, 1, 0], [1, 0, 1]])
    assert smallest_gap(select_by_position(gap=7.0), "position") == pytest.approx(7.0)
    with pytest.raises(ValueError, match="no query"):
        smallest_gap(select_by_content(), "content", ["A", "BB"])


def test_query_gaps_name_each_query_and_agree_with_a_loop():
    head = select_by_content(gap=5.0)
    gaps, kinds = query_gaps(head, "content", ["AB", "ABA", "CCC"])  # CCC: every key wanted, no gap
    assert kinds.tolist() == ["A", "B", "A", "B", "A"]
    np.testing.assert_allclose(gaps, 5.0)
    _, kinds = query_gaps(select_by_position(), "position", ["ABC"])
    assert kinds.tolist() == ["A0", "B1", "C2"]
    rng = np.random.default_rng(0)
    soft = select_by_content(gap=4.0)
    soft.Km = soft.Km + 0.3 * rng.normal(size=(3, 3))
    expected = []
    for tokens in ("AB", "BCA", "CCAB"):
        s, w = soft.scores(encode(tokens)), wanted_keys(tokens)
        expected += [min(s[i][w[i]]) - max(s[i][~w[i]]) for i in range(len(tokens)) if not w[i].all()]
    np.testing.assert_allclose(query_gaps(soft, "content", ["AB", "BCA", "CCAB"])[0], expected)


def test_the_plot_is_on_a_log_scale_with_the_tolerance():
    fig = plot_sharpness(gaps=np.arange(10.0, 30.0, 5.0))
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert any(np.allclose(line.get_ydata(), ATOL) for line in ax.get_lines())
