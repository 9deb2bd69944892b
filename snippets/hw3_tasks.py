"""The three tasks of HW3: their tokens, their targets and every input they allow.

Tokens are one-hot vectors over the vocabulary ``A, B, C``.

* ``"content"`` (3a, select by content): the identity map,
  ``[A,B,C,C] -> [A,B,C,C]``, lengths 1 to 6.
* ``"position"`` (3b, select by position): copy the first token everywhere,
  ``[A,B,C,C] -> [A,A,A,A]``, lengths 1 to 4.
* ``"unique"`` (3c, optional): a positive number at tokens that occur once,
  a negative one at repeated tokens, ``[A,B,B] -> [+,-,-]``, lengths 1 to 6.
  A ``CLS`` token is prepended (so tokens are 4-dimensional) and its output
  is ignored; only the sign of the other outputs is checked.

The notebook, the pages, the tests and the build's check all draw their
sequences and targets from here.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

VOCAB = ("A", "B", "C")
CLS = "CLS"
# The course's criterion, np.allclose(out, target, rtol=1e-3): its relative
# tolerance and np.allclose's default absolute one, which the course kept.
RTOL, ATOL = 1e-3, 1e-8


@dataclass(frozen=True)
class Task:
    """What a task's inputs look like and what its head must output."""

    name: str
    title: str
    lengths: range
    with_cls: bool = False

    @property
    def vocab(self) -> tuple[str, ...]:
        return VOCAB + (CLS,) if self.with_cls else VOCAB


# --8<-- [start:tasks]
TASKS = {
    "content": Task("content", "select by content", range(1, 7)),
    "position": Task("position", "select by position", range(1, 5)),
    "unique": Task("unique", "unique vs repeated tokens", range(1, 7), with_cls=True),
}
# --8<-- [end:tasks]


def get_task(task) -> Task:
    """The Task called ``task`` (or ``task`` itself)."""
    if isinstance(task, Task):
        return task
    if task not in TASKS:
        raise ValueError(f"task must be one of {sorted(TASKS)}; got {task!r}")
    return TASKS[task]


def _check_tokens(tokens, task: Task) -> list[str]:
    tokens = list(tokens)
    bad = [t for t in tokens if t not in VOCAB]
    if bad:
        raise ValueError(f"tokens must come from {VOCAB}; got {bad}")
    if len(tokens) not in task.lengths:
        raise ValueError(
            f"{task.title} takes {task.lengths.start} to {task.lengths.stop - 1} tokens; got {len(tokens)}: {tokens}"
        )
    return tokens


# --8<-- [start:encode]
def encode(tokens, task="content") -> np.ndarray:
    """One-hot rows for ``tokens`` (a string like ``"ABCC"`` or a list), CLS first when the task has one.

    >>> encode("AC")
    array([[1., 0., 0.],
           [0., 0., 1.]])
    >>> encode("B", "unique")  # CLS, then B; four dimensions
    array([[0., 0., 0., 1.],
           [0., 1., 0., 0.]])
    """
    task = get_task(task)
    tokens = _check_tokens(tokens, task)
    names = [CLS] * task.with_cls + tokens
    return np.eye(len(task.vocab))[[task.vocab.index(t) for t in names]]


# --8<-- [end:encode]


def decode(rows) -> str:
    """The tokens whose one-hot rows are nearest to ``rows`` (the largest entry of each row wins).

    >>> decode(encode("CAB"))
    'CAB'
    """
    rows = np.asarray(rows)
    if rows.ndim != 2 or rows.shape[1] != len(VOCAB):
        raise ValueError(f"rows must have shape (seq_len, {len(VOCAB)}); got {rows.shape}")
    return "".join(VOCAB[i] for i in rows.argmax(axis=1))


# --8<-- [start:target]
def target(tokens, task="content") -> np.ndarray:
    """What a perfect head outputs for ``tokens``.

    ``content``: the one-hot tokens themselves. ``position``: the first
    token's one-hot row, repeated. ``unique``: +1 at a token seen once, -1 at
    a repeated one, one entry per token (the CLS output is not part of it).

    >>> target("ABCC", "position")
    array([[1., 0., 0.],
           [1., 0., 0.],
           [1., 0., 0.],
           [1., 0., 0.]])
    >>> target("ABB", "unique")
    array([[ 1.],
           [-1.],
           [-1.]])
    """
    task = get_task(task)
    tokens = _check_tokens(tokens, task)
    if task.name == "content":
        return encode(tokens, task)
    if task.name == "position":
        return np.repeat(encode(tokens[:1], task), len(tokens), axis=0)
    counts = {t: tokens.count(t) for t in tokens}
    return np.array([[1.0 if counts[t] == 1 else -1.0] for t in tokens])


# --8<-- [end:target]


# --8<-- [start:all_sequences]
def all_sequences(task="content") -> list[str]:
    """Every input the task allows: all strings over A, B, C of each allowed length.

    >>> seqs = all_sequences("position")
    >>> len(seqs), seqs[:4], seqs[-1]
    (120, ['A', 'B', 'C', 'AA'], 'CCCC')
    """
    task = get_task(task)
    return ["".join(p) for n in task.lengths for p in itertools.product(VOCAB, repeat=n)]


# --8<-- [end:all_sequences]


@dataclass
class Verification:
    """A head checked against its task on a list of inputs.

    ``worst`` is the largest ``|out - target|`` (content, position) or the
    smallest ``target * out``, the sign margin (unique); ``worst_input`` is
    where it occurs and ``failures`` lists every input that fails the
    course's criterion. ``argmax_right`` counts the inputs on which every
    output row's largest entry is the target token (for ``unique``: every
    sign right).
    """

    task: Task
    count: int
    worst: float
    worst_input: str
    failures: list[str]
    argmax_right: int

    @property
    def measure(self) -> str:
        return "smallest sign margin" if self.task.name == "unique" else "largest |out - target|"

    def __str__(self) -> str:
        verdict = "all pass" if not self.failures else f"{len(self.failures)} FAIL, first {self.failures[0]!r}"
        return (
            f"{self.task.title}: {self.count} sequences, {verdict}\n"
            f"  {self.measure} {self.worst:.3g} at {self.worst_input!r}"
        )


# --8<-- [start:verify_head]
def passes(out, expected, task="content"):
    """The course's criterion, ``np.allclose(out, target, rtol=1e-3)`` (default atol 1e-8).

    For ``unique`` only signs count and the CLS output (row 0) is ignored.
    Given stacks of sequences (batch axis first), one verdict per sequence.

    >>> passes([[1.0, 5e-9]], [[1.0, 0.0]]), passes([[1.0, 2e-8]], [[1.0, 0.0]])
    (True, False)
    """
    out, expected = np.asarray(out), np.asarray(expected)
    if get_task(task).name == "unique":
        ok = np.sign(out[..., 1:, :]) == np.sign(expected)
    else:
        ok = np.isclose(out, expected, rtol=RTOL, atol=ATOL)  # np.allclose(a, b) is np.isclose(a, b).all()
    return ok.all(axis=(-2, -1)).tolist()


def verify_head(model, task="content", sequences=None) -> Verification:
    """Run ``model`` on every input of ``task`` (or on ``sequences``) and check each output.

    >>> from snippets.hand_design import select_by_content
    >>> print(verify_head(select_by_content(), "content"))  # doctest: +ELLIPSIS
    select by content: 1092 sequences, all pass
      largest |out - target| ...
    """
    task = get_task(task)
    groups = _all_inputs(task.name) if sequences is None else _stacked(task, list(sequences))
    if not groups:
        raise ValueError(f"verify_head needs at least one sequence; got {sequences}")
    sign = task.name == "unique"
    worst, worst_input, failures, count, argmax_right = (np.inf if sign else -np.inf), "", [], 0, 0
    for tokens, X, T in groups:
        out = model.forward(X)
        per_seq = (out[:, 1:] * T).min(axis=(1, 2)) if sign else np.abs(out - T).max(axis=(1, 2))
        k = int(per_seq.argmin() if sign else per_seq.argmax())
        if (per_seq[k] < worst) if sign else (per_seq[k] > worst):
            worst, worst_input = float(per_seq[k]), tokens[k]
        verdicts = passes(out, T, task)
        failures += [s for s, ok in zip(tokens, verdicts) if not ok]
        right = verdicts if sign else (out.argmax(axis=-1) == T.argmax(axis=-1)).all(axis=-1)
        argmax_right += int(np.sum(right))
        count += len(tokens)
    return Verification(task, count, worst, worst_input, failures, argmax_right)


# --8<-- [end:verify_head]


def _stacked(task: Task, sequences: list[str]) -> list[tuple[list[str], np.ndarray, np.ndarray]]:
    """``sequences`` grouped by length: (tokens, inputs stacked, targets stacked) per length."""
    lengths = sorted({len(s) for s in sequences})
    groups = [[s for s in sequences if len(s) == n] for n in lengths]
    return [(g, np.stack([encode(s, task) for s in g]), np.stack([target(s, task) for s in g])) for g in groups]


@functools.cache
def _all_inputs(name: str):
    """Every input of a task, encoded once per process (the checks reuse it)."""
    return tuple(_stacked(TASKS[name], all_sequences(name)))
