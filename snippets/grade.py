"""Check a hand-designed head on every input of its task, and grade a whole notebook.

In a notebook, after a design::

    content_head = designed_head(Km, Qm, Vm)   # None while Km, Qm, Vm are blank
    check_head(content_head, "content")        # passed / failed / not done yet, and why

From a shell, for a whole notebook::

    python -m snippets.grade PATH.ipynb [--timeout SECONDS]

The command executes the notebook with nbclient (each cell gets at most
``--timeout`` seconds; a cell that raises is noted in one line and the
notebook goes on), then, in the same kernel, checks the heads named in
``HEADS``: ``content_head`` for (a), ``position_head`` for (b) and
``unique_head`` for the optional (c), the variables the student edition asks
for. It prints one report per task and exits 0 only when (a) and (b) pass.

A head is ``None`` (not done yet), a ``NumpyTransformer`` or
``PytorchTransformer``, the matrices ``(Km, Qm, Vm)`` or ``(Km, Qm, Vm, pos)``,
or any object with a ``forward`` (run one sequence at a time). It runs on
every input of its task (:func:`snippets.hw3_tasks.verify_head`, the check the
site build runs on the book's designs) and a failing head gets a diagnosis
in the terms of the exercise: the shapes it should have, the first failing
input with output and target side by side, the query that puts the most
weight where it should not and the key that took it, whether the values copy
the wrong token, and the logit gap it achieves against the gap the course's
tolerance needs (:mod:`snippets.sharpness`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from snippets.hw3_tasks import CLS, VOCAB, encode, get_task, target, verify_head
from snippets.sharpness import ATOL, required_gap, smallest_gap, wanted_keys
from snippets.student_edition import HEADS
from snippets.transformer import NumpyTransformer, PytorchTransformer, numpy_head

REQUIRED = ("content", "position")
LABELS = {
    "content": "(a) select by content",
    "position": "(b) select by position",
    "unique": "(c) unique vs repeated tokens, optional",
}
CELL_TIMEOUT = 120  # seconds per cell; the learned heads train in about 10 s each the first time


@dataclass
class Report:
    """What ``check_head`` found: ``status`` is ``"passed"``, ``"failed"``, ``"not done yet"`` (or ``"missing"``).

    ``kinds`` names each diagnosis (``"shape"``, ``"raised"``, ``"attention"``,
    ``"values"``, ``"too soft"``, ``"output"``); ``lines`` says it for the student.
    """

    task: str
    status: str
    passed_inputs: int = 0
    inputs: int = 0
    kinds: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __str__(self) -> str:
        head = f"{LABELS[self.task]}: {self.status}"
        if self.inputs:
            head += f", {self.passed_inputs} of {self.inputs} inputs pass"
        return "\n".join([head] + ["  " + line for line in self.lines])

    __repr__ = __str__  # a notebook shows the report when check_head ends a cell


class Design(tuple):
    """Matrices that do not make a head (shapes that do not fit together): ``check_head`` says why."""

    def forward(self, *args, **kwargs):
        raise ValueError("these matrices do not make a head; check_head(head, task) says what is wrong")


def designed_head(Km, Qm, Vm, pos=None):
    """The head ``NumpyTransformer(Km, Qm, Vm, pos)``; ``None`` while a matrix is blank (``None``).

    Matrices whose shapes do not fit together come back as a :class:`Design`,
    which ``check_head`` explains in the terms of the task.

    >>> designed_head(None, None, None) is None
    True
    >>> type(designed_head(np.eye(3), np.eye(3), np.eye(3))).__name__
    'NumpyTransformer'
    >>> type(designed_head(np.eye(3), np.eye(4), np.eye(3))).__name__  # Qm has a fourth row
    'Design'
    """
    if any(m is None for m in (Km, Qm, Vm)):
        return None
    try:
        return NumpyTransformer(Km, Qm, Vm, pos)
    except (ValueError, TypeError):
        return Design((Km, Qm, Vm, pos))


def _rows_expected(task, pos_dim: int) -> tuple[int, str]:
    features = list(get_task(task).vocab)
    text = f"one per input feature {', '.join(features)}"
    if pos_dim:
        text += f" and one per position feature pos0..pos{pos_dim - 1}"
    return len(features) + pos_dim, text


def shape_problems(task, Km, Qm, Vm, pos=None) -> list[str]:
    """What is wrong with the shapes of a design for ``task``, in the exercise's terms (empty: nothing).

    >>> for problem in shape_problems("content", np.eye(4), np.eye(4), np.eye(4)[:, :3]):
    ...     print(problem)
    Km must have 3 rows, one per input feature A, B, C; yours has 4
    Qm must have 3 rows, one per input feature A, B, C; yours has 4
    Vm must have 3 rows, one per input feature A, B, C; yours has 4
    pos is None: rows for position features need a pos, whose columns they are
    """
    task = get_task(task)
    problems, arrays = [], {}
    for name, m in (("Km", Km), ("Qm", Qm), ("Vm", Vm), ("pos", pos)):
        if m is None:
            continue
        try:
            arrays[name] = np.asarray(m, dtype=float)
        except (TypeError, ValueError):
            problems.append(f"{name} must be a matrix of numbers; yours is {type(m).__name__}")
            continue
        if arrays[name].ndim != 2:
            problems.append(f"{name} must be a matrix (2-D array); yours has shape {arrays[name].shape}")
        elif not np.isfinite(arrays[name]).all():
            problems.append(f"{name} must hold finite numbers; yours has nan or inf")
    if problems or len(arrays) < 3:
        return problems
    pos_dim = arrays["pos"].shape[1] if "pos" in arrays else 0
    rows, why = _rows_expected(task, pos_dim)
    for name in ("Km", "Qm", "Vm"):
        if arrays[name].shape[0] != rows:
            problems.append(f"{name} must have {rows} rows, {why}; yours has {arrays[name].shape[0]}")
    if problems and "pos" not in arrays and max(arrays[n].shape[0] for n in ("Km", "Qm", "Vm")) > rows:
        problems.append("pos is None: rows for position features need a pos, whose columns they are")
    if arrays["Km"].shape[1] != arrays["Qm"].shape[1]:
        problems.append(
            f"Km and Qm must have the same number of columns (qk_dim: a query meets a key in a dot "
            f"product); yours: Km has {arrays['Km'].shape[1]}, Qm has {arrays['Qm'].shape[1]}"
        )
    v_dim = 1 if task.name == "unique" else len(VOCAB)
    why_v = "one number per token, its sign the answer" if task.name == "unique" else "one per output feature A, B, C"
    if arrays["Vm"].shape[1] != v_dim:
        problems.append(
            f"Vm must have {v_dim} column{'s' * (v_dim > 1)} (v_dim), {why_v}; yours has {arrays['Vm'].shape[1]}"
        )
    longest = task.lengths[-1] + task.with_cls
    if "pos" in arrays and arrays["pos"].shape[0] < longest:
        problems.append(
            f"pos must have at least {longest} rows, one per position of the longest input "
            f"({task.lengths[-1]} tokens{' and CLS' * task.with_cls}); yours has {arrays['pos'].shape[0]}"
        )
    return problems


def _matrices(head):
    """``(Km, Qm, Vm, pos)`` of ``head`` if it has them, else ``None``."""
    if isinstance(head, (NumpyTransformer, PytorchTransformer)):
        m = numpy_head(head)
        return m.Km, m.Qm, m.Vm, m.pos
    if isinstance(head, dict):
        return head.get("Km"), head.get("Qm"), head.get("Vm"), head.get("pos")
    if isinstance(head, (tuple, list)) and len(head) in (3, 4):
        return tuple(head) + (None,) * (4 - len(head))
    if all(hasattr(head, name) for name in ("Km", "Qm", "Vm")):  # a copy of the course's class
        return head.Km, head.Qm, head.Vm, getattr(head, "pos", None)
    return None


class _OneAtATime:
    """Any head with a ``forward`` taking one sequence, run over a stack of them."""

    def __init__(self, head):
        self.head = head

    def forward(self, stack):
        return np.stack([np.asarray(_as_numpy(self.head.forward(seq)), dtype=float) for seq in stack])


def _as_numpy(out):
    return out.detach().numpy() if hasattr(out, "detach") else out


def _tokens(tokens: str, task) -> str:
    names = [CLS] * get_task(task).with_cls + list(tokens)
    return "[" + ", ".join(names) + "]"


def _row(v) -> str:
    return "[" + ", ".join(f"{x:.3g}" for x in np.atleast_1d(v)) + "]"


def check_head(head, task) -> Report:
    """Run ``head`` on every input of ``task`` and say what is wrong, in the terms of the exercise.

    >>> from snippets.hand_design import select_by_content
    >>> print(check_head(select_by_content(), "content"))
    (a) select by content: passed, 1092 of 1092 inputs pass
      smallest logit gap 30 (the course's tolerance needs more than 20.03 with 6 keys)
    >>> print(check_head(None, "position"))
    (b) select by position: not done yet
      fill in the blanks marked TODO (Km, Qm, Vm and pos), then run the cell again
    """
    task = get_task(task)
    if head is None:
        blanks = "Km, Qm, Vm and pos" if task.name == "position" else "Km, Qm, Vm"
        return Report(
            task.name, "not done yet", lines=[f"fill in the blanks marked TODO ({blanks}), then run the cell again"]
        )
    matrices = _matrices(head)
    if matrices is not None:
        problems = shape_problems(task, *matrices)
        if problems:
            return Report(task.name, "failed", kinds=["shape"], lines=problems)
        model = NumpyTransformer(*matrices)
    elif callable(getattr(head, "forward", None)):
        model = _OneAtATime(head)
    else:
        return Report(
            task.name,
            "failed",
            kinds=["shape"],
            lines=[
                f"a head is a NumpyTransformer, the matrices (Km, Qm, Vm[, pos]) or an object with "
                f"a forward method; yours is {type(head).__name__}"
            ],
        )
    try:
        check = verify_head(model, task)
    except Exception as err:  # a head that cannot run is a failing head, said in one line
        return Report(task.name, "failed", kinds=["raised"], lines=[f"the head raised {_one_line(err)}"])
    report = Report(
        task.name, "passed" if not check.failures else "failed", check.count - len(check.failures), check.count
    )
    gap_line = None
    if isinstance(model, NumpyTransformer) and task.name != "unique":
        gap, needed = smallest_gap(model, task), required_gap(task.lengths[-1])
        gap_line = (
            f"smallest logit gap {gap:.4g} (the course's tolerance needs more than {needed:.2f} "
            f"with {task.lengths[-1]} keys)"
        )
    if not check.failures:
        report.lines.append(gap_line or f"{check.measure} {check.worst:.3g}")
        return report
    first = check.failures[0]
    out = np.asarray(model.forward(encode(first, task)[None]))[0]
    report.kinds.append("output")
    report.lines += _side_by_side(first, out, task)
    if isinstance(model, NumpyTransformer) and task.name != "unique":
        _diagnose_attention(model, task, check.failures, report, gap, needed, gap_line)
    return report


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text[:300]}" if text else type(err).__name__


def _side_by_side(tokens: str, out, task) -> list[str]:
    expected = target(tokens, task)
    out = out[1:] if task.with_cls else out
    names = list(tokens)
    lines = [f"first failing input {_tokens(tokens, task)}:", f"    {'token':<6}{'output':<28}target"]
    for name, o, t in zip(names, out, expected):
        lines.append(f"    {name:<6}{_row(o):<28}{_row(t)}")
    return lines


def _diagnose_attention(model: NumpyTransformer, task, failures: list[str], report: Report, gap, needed, gap_line):
    """The worst query's attention row and stray key; wrong values; a gap below the tolerance's."""
    worst = None  # (weight on unwanted keys, tokens, query, its attention row, its wanted keys)
    wrong_value = None
    for tokens in failures:
        x = encode(tokens, task)
        _, weights = model.forward(x, return_attention=True)
        wanted = wanted_keys(tokens, task)
        stray = np.where(wanted, 0.0, weights).sum(axis=1)
        i = int(stray.argmax())
        if worst is None or stray[i] > worst[0]:
            worst = (float(stray[i]), tokens, i, weights[i], wanted[i])
        if wrong_value is None:  # a wanted key whose value is not what its query must output
            V, T = model.inputs(x) @ model.Vm, target(tokens, task)
            for query, key in zip(*np.nonzero(wanted)):
                if not np.isclose(V[key], T[query], rtol=1e-3, atol=ATOL).all():
                    wrong_value = (tokens, key, V[key], T[query])
                    break
    stray_weight, tokens, i, row, wanted_row = worst
    if stray_weight > ATOL:
        n, key = len(tokens), int(np.where(wanted_row, -np.inf, row).argmax())
        if task.name == "position":
            query = f"{tokens[i]} at position {i}"
            key_text = f"key {key} ({tokens[key]} at position {key}{', the last' if key == n - 1 else ''})"
            rule = "every query should attend to the key at position 0 only"
        else:
            query, key_text = tokens[i], f"key {key} ({tokens[key]})"
            rule = f"query {tokens[i]} should attend only to keys holding {tokens[i]}"
        report.lines.append(f"worst query: {query} in {_tokens(tokens, task)}, attention over the keys {_row(row)}")
        report.lines.append(f"  {key_text} took {row[key]:.3g} of its weight; {rule}")
    if stray_weight > 0.5:
        report.kinds.append("attention")
        hint = ""
        longest = [t for t in failures if len(t) == task.lengths[-1]]
        if task.name == "position" and longest:
            favourite = {
                int(model.forward(encode(t, task), return_attention=True)[1].argmax(axis=1).max()) for t in longest
            }
            if favourite == {task.lengths[-1] - 1}:
                hint = "the head attends to the last position instead of the first; "
        report.lines.append(
            f"attention: {hint}queries put most of their weight on keys they should not; "
            "change the scores (Qm, Km" + (", pos" if model.pos is not None else "") + ")"
        )
    if wrong_value is not None:
        tokens, j, v, t = wrong_value
        report.kinds.append("values")
        token_at = f"{tokens[j]}" + (f" at position {j}" if task.name == "position" else "")
        report.lines.append(
            f"values: the value of {token_at} is {_row(v)}, but a query attending to it must output "
            f"{_row(t)} ({VOCAB[int(np.argmax(t))]}); Vm copies the wrong token"
        )
    if stray_weight <= 0.5 and 0 < gap < needed:
        report.kinds.append("too soft")
        report.lines.append(
            f"too soft: {gap_line}; every query ranks its keys right, but leaves up to "
            f"{stray_weight:.1e} of its weight on keys it should not (the tolerance is {ATOL:g}); "
            f"scale Qm (or Km) up by at least {needed / gap:.2f}"
        )
    elif gap_line and "too soft" not in report.kinds:
        report.lines.append(gap_line)


def passed(head, task) -> bool:
    """Does ``head`` pass ``task`` on every input? (The student edition runs a comparison once it does.)

    >>> from snippets.hand_design import select_by_position
    >>> passed(select_by_position(), "position"), passed(None, "position")
    (True, False)
    """
    return check_head(head, task).passed


# -- the command ---------------------------------------------------------------------------------

_GRADING_CELL = """\
import json as _json
from snippets import grade as _grade
print(_grade.GRADE_MARK + _json.dumps(_grade.reports_of(globals())))
"""
GRADE_MARK = "GRADE-REPORTS "


def reports_of(namespace: dict) -> dict:
    """Check every task's head found in ``namespace`` (a notebook's globals); reports as plain data."""
    reports = {}
    for name, task in HEADS.items():
        if name not in namespace:
            report = Report(task, "missing", lines=[f"the notebook defines no variable {name}"])
        else:
            try:
                report = check_head(namespace[name], task)
            except Exception as err:  # grading must report, not crash
                report = Report(task, "failed", kinds=["raised"], lines=[f"checking {name} raised {_one_line(err)}"])
        reports[task] = report.__dict__
    return reports


class GradingError(Exception):
    """A notebook the grader cannot grade; the message is one line."""


def read_notebook(path):
    """The notebook at ``path``, or a GradingError saying in one line why it is not one."""
    import nbformat

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GradingError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise GradingError(f"{path}: cannot be read ({_one_line(err)})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise GradingError(f"{path} is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        raise GradingError(f"{path} is JSON but not a Jupyter notebook (no cells or nbformat)")
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as err:
        raise GradingError(f"{path} is not a valid Jupyter notebook ({_one_line(err).splitlines()[0][:200]})") from None
    return notebook


def grade_notebook(path, timeout: float = CELL_TIMEOUT) -> tuple[dict[str, Report], list[str]]:
    """Execute the notebook at ``path`` and check its heads: (reports by task, one line per cell that raised)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    notebook = read_notebook(path)
    notebook.cells.append(nbformat.v4.new_code_cell(_GRADING_CELL, metadata={"grading": True}))
    client = NotebookClient(
        notebook,
        timeout=timeout,
        allow_errors=True,
        interrupt_on_timeout=True,
        kernel_name="python3",
        timeout_func=lambda cell: max(timeout, CELL_TIMEOUT) if cell.metadata.get("grading") else timeout,
        resources={"metadata": {"path": str(Path(path).resolve().parent)}},
        shutdown_kernel="immediate",  # the outputs are kept; a graceful shutdown takes seconds more
    )
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own log lines; the cells' output is kept
    except DeadKernelError as err:
        raise GradingError(f"{path}: the kernel died while executing the notebook ({_one_line(err)})") from None
    except Exception as err:
        raise GradingError(f"{path}: could not execute the notebook ({_one_line(err)})") from None
    notes = []
    for number, cell in enumerate(notebook.cells[:-1], start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "KeyboardInterrupt":  # how nbclient stops a cell that runs too long
                notes.append(f"cell {number} ran longer than {timeout:g} s (the timeout per cell) and was stopped")
            else:
                notes.append(
                    f"cell {number} raised {output.get('ename')}: "
                    f"{' '.join(str(output.get('evalue', '')).split())[:300]}"
                )
    graded = "".join(o.get("text", "") for o in notebook.cells[-1].get("outputs", []) if o.get("name") == "stdout")
    if GRADE_MARK not in graded:
        errors = [o for o in notebook.cells[-1].get("outputs", []) if o.get("output_type") == "error"]
        why = f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else "no output"
        raise GradingError(f"{path}: the heads could not be read from the executed notebook ({why})")
    data = json.loads(graded.split(GRADE_MARK, 1)[1].splitlines()[0])
    return {task: Report(**fields) for task, fields in data.items()}, notes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m snippets.grade", description="Execute an HW3 notebook and check its heads on every input."
    )
    parser.add_argument("notebook", help="the .ipynb to grade")
    parser.add_argument("--timeout", type=float, default=CELL_TIMEOUT, help="seconds each cell may take")
    args = parser.parse_args(argv)
    try:
        reports, notes = grade_notebook(args.notebook, args.timeout)
    except GradingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for line in notes:
        print(f"note: {line}")
    for report in reports.values():
        print(report)
    required = [reports[t] for t in REQUIRED]
    done = sum(r.passed for r in required)
    print(f"{done} of {len(required)} required tasks pass" + ("" if reports["unique"].passed else "; (c) is optional"))
    return 0 if done == len(required) else 1


if __name__ == "__main__":
    sys.exit(main())
