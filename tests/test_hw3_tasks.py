"""The tasks' inputs and targets, and the checks built on them."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.hw3_tasks import all_sequences, decode, encode, passes, target, verify_head
from snippets.transformer import NumpyTransformer


def test_targets():
    np.testing.assert_array_equal(target("ABCC", "content"), encode("ABCC"))
    np.testing.assert_array_equal(target("CAC", "position"), encode("CCC"))
    np.testing.assert_array_equal(target("ABAC", "unique")[:, 0], [-1, 1, -1, 1])
    assert decode(target("BCA", "content")) == "BCA"


def test_cls_comes_first_in_the_unique_task():
    rows = encode("AB", "unique")
    assert rows.shape == (3, 4)
    np.testing.assert_array_equal(rows[0], [0, 0, 0, 1])


def test_all_sequences_are_distinct_and_cover_the_lengths():
    seqs = all_sequences("content")
    assert len(set(seqs)) == len(seqs) == sum(3**n for n in range(1, 7))
    assert {len(s) for s in seqs} == set(range(1, 7))


def test_passes_is_np_allclose_per_sequence():
    rng = np.random.default_rng(0)
    expected = np.eye(3)[rng.integers(0, 3, size=(200, 4))]
    out = expected + rng.choice([0.0, 5e-9, 2e-8, 1e-4, 2e-3], size=expected.shape)
    assert passes(out, expected) == [bool(np.allclose(o, e, rtol=1e-3)) for o, e in zip(out, expected)]


def test_verify_head_reports_failures_and_the_worst_input():
    uniform = NumpyTransformer(np.eye(3), np.zeros((3, 3)), np.eye(3))  # averages every token
    check = verify_head(uniform, "content", ["AAA", "AB"])
    assert check.failures == ["AB"] and check.count == 2
    assert check.worst == pytest.approx(0.5) and check.worst_input == "AB"
    assert "1 FAIL, first 'AB'" in str(check)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"tokens must come from \('A', 'B', 'C'\); got \['D'\]"):
        encode("AD")
    with pytest.raises(ValueError, match="select by position takes 1 to 4 tokens; got 5"):
        target("ABCAB", "position")
    with pytest.raises(ValueError, match="task must be one of"):
        all_sequences("sort")
    with pytest.raises(ValueError, match=r"rows must have shape \(seq_len, 3\)"):
        decode(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="at least one sequence"):
        verify_head(NumpyTransformer(np.eye(3), np.eye(3), np.eye(3)), "content", [])
