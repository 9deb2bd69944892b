"""Each hand-designed head solves its task on every input the task allows."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.hand_design import (
    CLS_VALUE,
    HAND_DESIGNED,
    LOGIT_GAP,
    TOKEN_VALUE,
    select_by_content,
    select_by_position,
    unique_tokens,
)
from snippets.hw3_tasks import TASKS, all_sequences, encode, passes, target, verify_head
from snippets.sharpness import required_gap, smallest_gap


@pytest.mark.parametrize("task", sorted(HAND_DESIGNED))
def test_every_input_passes_the_course_criterion(task):
    check = verify_head(HAND_DESIGNED[task](), task)
    assert check.count == len(all_sequences(task))
    assert check.failures == []
    assert check.argmax_right == check.count
    # the loop the course would write, one sequence at a time, agrees with the batched check
    model = HAND_DESIGNED[task]()
    for tokens in all_sequences(task):
        out = model.forward(encode(tokens, task))
        if task == "unique":
            assert np.all(np.sign(out[1:]) == np.sign(target(tokens, task))), tokens
        else:
            assert np.allclose(out, target(tokens, task), rtol=1e-3), tokens


def test_input_counts():
    assert {t: len(all_sequences(t)) for t in TASKS} == {"content": 1092, "position": 120, "unique": 1092}


@pytest.mark.parametrize(
    "task, tokens, expected",
    [("content", "ABCC", "ABCC"), ("content", "CAC", "CAC"), ("position", "ABCC", "AAAA"), ("position", "CAC", "CCC")],
)
def test_the_notebook_examples(task, tokens, expected):
    out = HAND_DESIGNED[task]().forward(encode(tokens, task))
    np.testing.assert_allclose(out, encode(expected), atol=1e-12)


def test_worst_errors_are_what_the_gap_predicts():
    for task, n in [("content", 6), ("position", 4)]:
        worst = verify_head(HAND_DESIGNED[task](), task).worst
        spill = (n - 1) * np.exp(-LOGIT_GAP)
        assert worst == pytest.approx(spill / (1 + spill), rel=1e-6)


@pytest.mark.parametrize("task", ["content", "position"])
def test_designed_gap_is_exact_and_sufficient(task):
    assert smallest_gap(HAND_DESIGNED[task](), task) == pytest.approx(LOGIT_GAP, abs=1e-9)
    assert LOGIT_GAP > required_gap(TASKS[task].lengths[-1])


def test_unique_tokens_margins():
    check = verify_head(unique_tokens(), "unique")
    assert check.worst == pytest.approx((CLS_VALUE + TOKEN_VALUE) / 2, abs=1e-9)
    out = unique_tokens().forward(encode("ABB", "unique"))
    np.testing.assert_allclose(
        out[1:, 0],
        [(CLS_VALUE + TOKEN_VALUE) / 2, (CLS_VALUE + 2 * TOKEN_VALUE) / 3, (CLS_VALUE + 2 * TOKEN_VALUE) / 3],
        atol=1e-12,
    )
    assert passes(out, target("ABB", "unique"), "unique")


def test_matrices_are_what_the_docstrings_say():
    content = select_by_content()
    np.testing.assert_array_equal(content.Km, np.eye(3))
    np.testing.assert_array_equal(content.Vm, np.eye(3))
    np.testing.assert_allclose(content.Qm @ content.Km.T / np.sqrt(3), LOGIT_GAP * np.eye(3))
    position = select_by_position()
    np.testing.assert_array_equal(position.pos, np.eye(4))
    scores = position.Qm @ position.Km.T  # rows: A, B, C, p0..p3
    assert scores[3:, 3].tolist() == [LOGIT_GAP] * 4 and np.count_nonzero(scores) == 4
    unique = unique_tokens()
    M = unique.Qm @ unique.Km.T / 2
    np.testing.assert_allclose(M[:3, :3], LOGIT_GAP * np.eye(3))
    np.testing.assert_allclose(M[:3, 3], LOGIT_GAP)


def test_a_head_below_the_required_gap_fails_on_a_named_input():
    check = verify_head(select_by_content(gap=19.0), "content")
    assert check.failures and check.worst > 1e-8
    assert check.failures[0] in all_sequences("content")
