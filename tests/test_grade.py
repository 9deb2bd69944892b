"""The student edition and the grader: blanks that run, checks that say what is wrong.

Three notebooks are executed in all (each costs a kernel): the solution and the
student edition as shipped, by ``python -m snippets.grade`` from the start of
the run (the ``graded`` fixture, tests/conftest.py), and a small notebook of
wrong heads. The typical wrong designs are checked by calling ``check_head``
directly.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import nbformat
import numpy as np
import pytest

from snippets import grade
from snippets.grade import check_head, designed_head
from snippets.hand_design import select_by_content, select_by_position
from snippets.student_edition import blank_solutions, has_solutions, student_edition
from tests.support import SOLUTION


def run_grader(*args) -> tuple[int, str, str]:
    """``python -m snippets.grade ARGS`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = grade.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def test_the_solution_passes_every_task(graded):
    code, out, err = graded["solution"]
    print(out)
    assert code == 0, out + err
    assert "note:" not in out, f"a cell of the solution raised:\n{out}"
    for label in grade.LABELS.values():
        assert re.search(rf"{re.escape(label)}: passed, (\d+) of \1 inputs pass", out), f"{label} did not pass:\n{out}"
    assert "2 of 2 required tasks pass" in out


def test_the_student_edition_runs_and_reports_not_done(graded):
    code, out, err = graded["student"]
    print(out)
    assert code == 1, f"the blank edition must not pass (exit {code}):\n{out}{err}"
    assert "note:" not in out and not err, f"a cell of the student edition raised:\n{out}{err}"
    for label in grade.LABELS.values():
        assert f"{label}: not done yet" in out
    assert "0 of 2 required tasks pass" in out


def test_the_student_edition_blanks_the_designs_and_the_answers():
    solution = nbformat.read(SOLUTION, as_version=4)
    assert has_solutions(solution)
    student = student_edition(solution)
    nbformat.validate(student)
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    text = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
    assert "SOLUTION" not in code + text, "a marker is left in the student edition"
    for design in ("select_by_content", "select_by_position", "unique_tokens"):
        assert design not in code, f"the student edition still calls or shows hand_design.{design}"
    assert "Km = Qm = Vm = None  # TODO" in code and "Km = Qm = Vm = pos = None  # TODO" in code
    for name, task in grade.HEADS.items():
        assert f"{name} = designed_head(" in code and f'check_head({name}, "{task}")' in code
    assert "**3(a) TODO**" in text and "**3(b) TODO**" in text, "the written answers are blanks"
    assert "train_loop" in code and "learned_head" in code, "the training is there"
    assert all(not c.outputs and c.execution_count is None for c in student.cells if c.cell_type == "code")
    assert len(student.cells) < len(solution.cells), "cells that only show the solution are dropped"


def test_markers_are_checked():
    assert blank_solutions("<!-- BEGIN SOLUTION -->\nanswer\n<!-- END SOLUTION -->\nrest", "markdown") == "rest"
    assert (
        blank_solutions(
            "    ### BEGIN SOLUTION (student edition: a = None\\nb = None)\n    a = b = 1\n    ### END SOLUTION"
        )
        == "    a = None\n    b = None"
    )
    with pytest.raises(ValueError, match="line 1: BEGIN SOLUTION without an END SOLUTION"):
        blank_solutions("### BEGIN SOLUTION\nx = 1")
    with pytest.raises(ValueError, match="line 2: END SOLUTION without a BEGIN SOLUTION"):
        blank_solutions("x = 1\n### END SOLUTION")


# -- typical wrong designs, each its own diagnosis ------------------------------------------------


def test_a_gap_too_small_is_too_soft():
    report = check_head(select_by_content(gap=12.0), "content")
    print(report)
    assert report.status == "failed" and "too soft" in report.kinds and "attention" not in report.kinds
    assert "smallest logit gap 12 (the course's tolerance needs more than 20.03 with 6 keys)" in str(report)
    assert "scale Qm (or Km) up by at least 1.67" in str(report)
    assert "worst query: B in [A, A, A, A, A, B]" in str(report), "the query that leaks the most"


def test_values_that_copy_the_wrong_token():
    head = select_by_content()
    report = check_head(designed_head(head.Km, head.Qm, head.Vm[:, [0, 2, 1]]), "content")  # B's value is C
    print(report)
    assert report.kinds == ["output", "values"]
    assert "values: the value of B is [0, 0, 1], but a query attending to it must output [0, 1, 0] (B)" in str(report)
    assert "first failing input [B]:" in str(report) and "worst query" not in str(report)


def test_a_position_head_that_looks_at_the_last_position():
    head = select_by_position()
    Km = np.zeros_like(head.Km)
    Km[-1, 0] = 1.0  # the key is 1 at position 3, the last, instead of position 0
    report = check_head(designed_head(Km, head.Qm, head.Vm, head.pos), "position")
    print(report)
    assert report.kinds == ["output", "attention"]
    assert "the head attends to the last position instead of the first" in str(report)
    assert re.search(r"key 3 \(\w at position 3, the last\) took 1 of its weight", str(report))
    assert "first failing input [A, B]:" in str(report)


def test_mismatched_shapes_in_the_exercise_terms():
    report = check_head(designed_head(np.eye(3), np.ones((3, 4)), np.eye(3)), "content")
    assert report.kinds == ["shape"] and report.lines == [
        "Km and Qm must have the same number of columns (qk_dim: a query meets a key in a dot product); "
        "yours: Km has 3, Qm has 4"
    ]
    report = check_head(designed_head(np.eye(4), np.eye(4), np.eye(4, 3)), "content")  # a fourth row
    assert "Km must have 3 rows, one per input feature A, B, C; yours has 4" in report.lines


def test_a_head_that_raises():
    class Broken:
        def forward(self, seq):
            raise RuntimeError("forgot\nto implement")

    report = check_head(Broken(), "position")
    assert report.kinds == ["raised"] and report.lines == ["the head raised RuntimeError: forgot to implement"]


# -- whole notebooks that cannot be graded, or only in part ---------------------------------------


def test_files_that_are_not_notebooks_get_one_line(tmp_path):
    (tmp_path / "broken.ipynb").write_text('{"cells": [')
    (tmp_path / "list.ipynb").write_text("[1, 2]")
    (tmp_path / "bad.ipynb").write_text(
        json.dumps({"cells": [{"cell_type": "song"}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}})
    )
    expected = {
        "broken.ipynb": "is not valid JSON (line 1, column 12",
        "list.ipynb": "is JSON but not a Jupyter notebook",
        "bad.ipynb": "is not a valid Jupyter notebook",
        "missing.ipynb": "no such file",
    }
    for name, message in expected.items():
        code, out, err = run_grader(tmp_path / name)
        assert code == 2 and not out and err.count("\n") == 1 and message in err, (name, err)
        assert "Traceback" not in err


def test_a_notebook_with_a_wrong_head_a_raising_one_and_a_missing_one(tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(source)
            for source in (
                "import numpy as np\nfrom snippets.grade import designed_head",
                "content_head = designed_head(np.eye(3), 12 * np.sqrt(3) * np.eye(3), np.eye(3))",
                "class Broken:\n    def forward(self, seq):\n        return seq[5]\nposition_head = Broken()",
                "1 / 0",
            )
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    path = tmp_path / "attempt.ipynb"
    nbformat.write(notebook, path)
    code, out, err = run_grader(path, "--timeout", "60")
    print(out)
    assert code == 1 and "Traceback" not in out + err
    assert "note: cell 4 raised ZeroDivisionError: division by zero" in out
    assert "(a) select by content: failed, 18 of 1092 inputs pass" in out and "too soft" in out
    assert "(b) select by position: failed\n  the head raised IndexError: index 5 is out of bounds" in out
    assert "(c) unique vs repeated tokens, optional: missing\n  the notebook defines no variable unique_head" in out
    assert "0 of 2 required tasks pass" in out


# -- the site -------------------------------------------------------------------------------------


def test_the_site_offers_both_editions(built_site):
    folder = built_site / "part3" / "HW3"
    page = (folder / "index.html").read_text(encoding="utf-8")
    links = dict(re.findall(r'<a download="" href="([^"]+\.ipynb)">([^<]+)</a>', page))
    assert links == {
        "HW3-student.ipynb": "Download the student edition (HW3-student.ipynb)",
        "HW3.ipynb": "Download the solution (HW3.ipynb)",
    }, links
    for name in links:
        nbformat.validate(nbformat.read(folder / name, as_version=4))
    shipped = nbformat.read(folder / "HW3-student.ipynb", as_version=4)
    assert shipped == student_edition(nbformat.read(SOLUTION, as_version=4)), "the build ships the edition of today"
