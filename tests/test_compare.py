"""The comparison: symmetries keep outputs, the invariants see through them, panels are at true scale."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.compare import (
    Facts,
    change_basis,
    change_position_basis,
    compare_transformers,
    facts_of_head,
    facts_table,
    feature_labels,
    kinds_table,
    one_hot_positions,
    plot_score_tables,
    score_form,
    score_table,
    shift_keys,
    shift_token_rows,
    training_facts,
    training_table,
)
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
        moved = change_position_basis(
            shift_token_rows(moved, RNG.normal(size=qk), RNG.normal(size=qk)), RNG.normal(size=(4, 4)) + 3 * np.eye(4)
        )
    assert np.abs(moved.Qm - hand.Qm).max() > 1 and np.abs(moved.Km - hand.Km).max() > 0.1
    assert np.abs(outputs(moved, task) - outputs(hand, task)).max() < 1e-12
    np.testing.assert_allclose(score_table(moved)[0], score_table(hand)[0], atol=1e-9)


def test_score_table_of_the_position_head():
    table, labels = score_table(select_by_position())
    assert labels[:4] == ["A0", "B0", "C0", "A1"] and table.shape == (12, 12)
    np.testing.assert_allclose(table[:, :3], 0.0, atol=1e-12)
    np.testing.assert_allclose(table[:, 3:], -LOGIT_GAP, atol=1e-12)


def test_head_facts_tell_a_soft_head_from_a_sharp_one():
    s = facts_of_head(select_by_content(gap=3.0), "content")
    assert s.smallest_gap == pytest.approx(3.0) and np.allclose(s.kind_gaps, 3.0)
    one_token = [t for t in all_sequences("content") if len(set(t)) == 1]  # nothing to leak to
    assert s.pass_allclose == len(one_token) == 18
    assert s.argmax_right == s.inputs == 1092 and s.best_key_wanted
    assert s.largest_leak == pytest.approx(5 * np.exp(-3) / (1 + 5 * np.exp(-3)))
    assert s.key_token_effect is None and s.value_error.tolist() == [0.0]
    with pytest.raises(ValueError, match="content and position tasks"):
        facts_of_head(select_by_content(), "unique")


def test_head_facts_of_a_position_head_see_through_its_parametrisation():
    hand = select_by_position()
    moved = shift_token_rows(change_position_basis(hand, RNG.normal(size=(4, 4)) + 3 * np.eye(4)), [-7.0], [2.0])
    a, b = facts_of_head(hand, "position"), facts_of_head(moved, "position")
    assert a.kinds == b.kinds and a.kinds[:4] == ["A0", "B0", "C0", "A1"]
    for name in ("queries", "keys", "values", "table", "kind_gaps", "value_error"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), atol=1e-9, err_msg=name)
    np.testing.assert_allclose(a.queries, LOGIT_GAP)
    assert a.keys[:, 0].tolist() == [1.0] * 3 + [0.0] * 9
    assert a.key_token_effect == a.query_token_effect == 0.0
    swapped = NumpyTransformer(
        hand.Km[[1, 0, 2, 3, 4, 5, 6]] + 0.5 * (np.arange(7) == 0)[:, None], hand.Qm, hand.Vm, hand.pos
    )  # key A is 0.5 larger: the token moves key scores by 0.5 * 30
    assert facts_of_head(swapped, "position").key_token_effect == pytest.approx(15.0)


def test_training_facts_and_tables():
    log = [
        f"step {1000 * k:>6}: mean loss {0.1 * 0.8**k:.4g}, smallest gap {1 + 0.5 * np.log2(k):.3f} (1 s)"
        for k in range(1, 5)
    ]
    t = training_facts(log, "content")
    np.testing.assert_allclose(t.loss_drops, 0.2, atol=1e-3)
    assert t.gap_per_doubling == pytest.approx(0.5)
    assert t.steps_needed == pytest.approx(4000 * 2 ** ((t.required_gap - 2) / 0.5), rel=1e-9)
    assert training_table(t).splitlines()[3].startswith("| 2,000 | 0.064 | 20% | 1.500 | +0.500 |")
    with pytest.raises(ValueError, match="at half of its last step"):
        training_facts(log[:3], "content")
    f = facts_of_head(select_by_position(), "position")
    both = Facts("position", f, f, t)
    assert (
        "| largest distance of a value from its token, at positions 0, 1, 2, 3 | 0.000, 0.000, 0.000, 0.000 |"
        in facts_table(both)
    )
    assert kinds_table(both).splitlines()[2] == "| A0 | 30 / 30 | 1 / 1 | (1.00, 0.00, 0.00) | 30 / 30 |"


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
    with pytest.raises(ValueError, match="needs a head with positions"):
        shift_token_rows(select_by_content(), np.zeros(3))
    with pytest.raises(ValueError, match=r"cq and ck must be query/key-sized vectors \(1,\)"):
        shift_token_rows(select_by_position(), [1.0, 2.0])
    assert feature_labels(NumpyTransformer(np.eye(4), np.eye(4), np.eye(4, 1))) == ["A", "B", "C", "CLS"]


def test_one_hot_positions_keep_the_head_and_expose_the_score_form():
    rng = np.random.default_rng(5)
    head = NumpyTransformer(
        rng.normal(size=(5, 2)), rng.normal(size=(5, 2)), rng.normal(size=(5, 3)), pos=rng.normal(size=(4, 2))
    )  # pos_dim 2 < 4 positions: not invertible
    folded = one_hot_positions(head)
    np.testing.assert_array_equal(folded.pos, np.eye(4))
    assert np.abs(outputs(folded, "position") - outputs(head, "position")).max() < 1e-12
    M, labels = score_form(head)
    assert labels == ["A", "B", "C", "p0", "p1", "p2", "p3"] and M.shape == (7, 7)
    moved = change_basis(change_position_basis(head, rng.normal(size=(2, 2))), rng.normal(size=(2, 2)))
    np.testing.assert_allclose(score_form(moved)[0], M, atol=1e-9)
    traded = shift_token_rows(head, rng.normal(size=2), rng.normal(size=2))  # moves entries between the blocks
    assert np.abs(score_form(traded)[0] - M).max() > 0.1
    np.testing.assert_allclose(score_table(traded)[0], score_table(head)[0], atol=1e-9)
    assert np.abs(outputs(traded, "position") - outputs(head, "position")).max() < 1e-12
    content = select_by_content()
    assert one_hot_positions(content) is content
