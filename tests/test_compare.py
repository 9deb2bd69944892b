"""The comparison: symmetries keep outputs, the invariants see through them, panels are at true scale."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.compare import (change_basis, change_position_basis, compare_transformers, feature_labels,
                              head_summary, one_hot_positions, plot_score_tables, score_form, score_table,
                              shift_keys)
from snippets.hand_design import LOGIT_GAP, select_by_content, select_by_position
from snippets.hw3_tasks import all_sequences, encode
from snippets.transformer import NumpyTransformer, PytorchTransformer

RNG = np.random.default_rng(0)


def outputs(model, task):
    return np.concatenate([model.forward(encode(s, task)).ravel() for s in all_sequences(task)])


@pytest.mark.parametrize("task, design", [("content", select_by_content), ("position", select_by_position)])
def test_symmetries_change_the_matrices_not_the_head(task, design):
    hand = design()
    qk = hand.qk_dim
    A = RNG.normal(size=(qk, qk)) + 3 * np.eye(qk)
    moved = shift_keys(change_basis(hand, A), RNG.normal(size=qk))
    if hand.pos is not None:
        moved = change_position_basis(moved, RNG.normal(size=(4, 4)) + 3 * np.eye(4))
        assert np.abs(moved.pos - hand.pos).max() > 0.1
    assert np.abs(moved.Qm - hand.Qm).max() > 1 and np.abs(moved.Km - hand.Km).max() > 0.1
    assert np.abs(outputs(moved, task) - outputs(hand, task)).max() < 1e-12
    np.testing.assert_allclose(score_table(moved)[0], score_table(hand)[0], atol=1e-9)


def test_score_table_of_the_position_head():
    table, labels = score_table(select_by_position())
    assert labels[:4] == ["A0", "B0", "C0", "A1"] and table.shape == (12, 12)
    np.testing.assert_allclose(table[:, :3], 0.0, atol=1e-12)
    np.testing.assert_allclose(table[:, 3:], -LOGIT_GAP, atol=1e-12)


def test_head_summary_tells_a_soft_head_from_a_sharp_one():
    soft = select_by_content(gap=3.0)
    s = head_summary(soft, "content")
    assert s["smallest gap"] == pytest.approx(3.0)
    one_token = [t for t in all_sequences("content") if len(set(t)) == 1]  # nothing to leak to
    assert s["pass np.allclose"] == len(one_token) == 18
    assert s["every argmax right"] == s["inputs"] == 1092
    assert s["largest weight on unwanted keys"] == pytest.approx(5 * np.exp(-3) / (1 + 5 * np.exp(-3)))


def test_compare_panels_are_at_true_scale_with_colorbars():
    learned = PytorchTransformer(3, 1, 3, pos_dim=4, max_seq_len=4)
    fig = compare_transformers(select_by_position(), learned, "ABB")
    images = [ax for ax in fig.axes if ax.get_images()]
    titles = [ax.get_title() for ax in images]
    for name in ("Km", "Qm", "Vm", "pos", "K", "Q", "V", "attention", "output"):
        assert f"{name} (hand-designed)" in titles and f"{name} (learned)" in titles
    qm = images[titles.index("Qm (hand-designed)")].get_images()[0]
    assert qm.get_clim() == (-LOGIT_GAP, LOGIT_GAP)  # the true largest entry, not rescaled to 1
    attention = images[titles.index("attention (learned)")].get_images()[0]
    assert attention.get_clim() == (0.0, 1.0)
    assert len(fig.axes) == 2 * len(images)  # every panel has its colorbar


def test_compare_accepts_one_hot_rows_and_rejects_mismatched_heads():
    fig = compare_transformers(select_by_content(), select_by_content(gap=3.0), encode("ABBCC"))
    assert "A, B, B, C, C" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="same inputs"):
        compare_transformers(select_by_content(), select_by_position(), "AB")
    fig = plot_score_tables(select_by_content(), select_by_content(gap=3.0))
    assert len(fig.axes) == 4


def test_bad_symmetry_arguments():
    with pytest.raises(ValueError, match=r"A must be \(3, 3\)"):
        change_basis(select_by_content(), np.eye(2))
    with pytest.raises(ValueError, match="needs a head with positions"):
        change_position_basis(select_by_content(), np.eye(4))
    with pytest.raises(ValueError, match=r"u must be a key-sized vector \(1,\)"):
        shift_keys(select_by_position(), [1.0, 2.0])
    assert feature_labels(NumpyTransformer(np.eye(4), np.eye(4), np.eye(4, 1))) == ["A", "B", "C", "CLS"]


def test_one_hot_positions_keep_the_head_and_expose_the_score_form():
    rng = np.random.default_rng(5)
    head = NumpyTransformer(rng.normal(size=(5, 2)), rng.normal(size=(5, 2)), rng.normal(size=(5, 3)),
                            pos=rng.normal(size=(4, 2)))  # pos_dim 2 < 4 positions: not invertible
    folded = one_hot_positions(head)
    np.testing.assert_array_equal(folded.pos, np.eye(4))
    assert np.abs(outputs(folded, "position") - outputs(head, "position")).max() < 1e-12
    M, labels = score_form(head)
    assert labels == ["A", "B", "C", "p0", "p1", "p2", "p3"] and M.shape == (7, 7)
    moved = change_basis(change_position_basis(head, rng.normal(size=(2, 2))), rng.normal(size=(2, 2)))
    np.testing.assert_allclose(score_form(moved)[0], M, atol=1e-9)
    content = select_by_content()
    assert one_hot_positions(content) is content
