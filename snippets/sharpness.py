"""How sharp must a hand-designed head be to pass the course's check?

A head that gives its wanted key a score ``gap`` above each of the other
``n - 1`` keys still leaks some weight to them: in the worst case (one wanted
key) the leak is

    (n - 1) e^-gap / (1 + (n - 1) e^-gap)  <=  (n - 1) e^-gap,

and a target entry that should be 0 receives exactly that much when the
unwanted keys share one token. The course checks ``np.allclose(out, target,
rtol=1e-3)``, whose absolute tolerance is 1e-8 on zero entries, so the leak
must stay below 1e-8: ``gap > ln((n - 1)(1 - 1e-8) / 1e-8)``, about 20.0 for
six keys.
"""

from __future__ import annotations

import functools
import math

import matplotlib.pyplot as plt
import numpy as np

from snippets.hand_design import HAND_DESIGNED, LOGIT_GAP
from snippets.hw3_tasks import ATOL, CLS, all_sequences, encode, get_task, verify_head  # ATOL: the course's 1e-8
from snippets.transformer import NumpyTransformer, numpy_head


# --8<-- [start:leak_bound]
def leak_bound(n_keys: int, gap):
    """Largest total weight softmax leaves on unwanted keys when one of ``n_keys`` is wanted.

    >>> float(leak_bound(6, 30.0))
    4.678...e-13
    >>> float(leak_bound(1, 0.0))  # a single key cannot leak
    0.0
    """
    if n_keys < 1:
        raise ValueError(f"n_keys must be at least 1; got {n_keys}")
    spill = (n_keys - 1) * np.exp(-np.asarray(gap, dtype=float))
    return spill / (1 + spill)


def required_gap(n_keys: int, atol: float = ATOL) -> float:
    """The smallest gap with ``leak_bound(n_keys, gap) <= atol``: ``ln((n_keys - 1)(1 - atol) / atol)``.

    >>> round(required_gap(6), 2), round(required_gap(4), 2)
    (20.03, 19.52)
    """
    if not 0 < atol < 1:
        raise ValueError(f"atol must be in (0, 1); got {atol}")
    if n_keys < 1:
        raise ValueError(f"n_keys must be at least 1; got {n_keys}")
    return 0.0 if n_keys == 1 else math.log((n_keys - 1) * (1 - atol) / atol)


# --8<-- [end:leak_bound]


# --8<-- [start:smallest_gap]
def wanted_keys(tokens: str, task="content") -> np.ndarray:
    """``(n, n)`` booleans: may query ``i`` attend to key ``j``? (rows and columns include CLS if the task has one)

    ``content``: keys with the query's token. ``position``: the key at
    position 0. ``unique``: the query's own token and CLS (CLS's query row
    wants everything, since its output is ignored).

    >>> wanted_keys("ABA").astype(int)
    array([[1, 0, 1],
           [0, 1, 0],
           [1, 0, 1]])
    """
    task = get_task(task)
    rows = encode(tokens, task)
    if task.name == "position":
        return np.broadcast_to(np.arange(len(rows)) == 0, (len(rows), len(rows))).copy()
    wanted = rows @ rows.T > 0
    if task.name == "unique":
        wanted[:, 0] = True
        wanted[0, :] = True
    return wanted


def smallest_gap(model, task="content", sequences=None) -> float:
    """Over every query of every input: lowest wanted score minus highest unwanted score.

    >>> from snippets.hand_design import select_by_content
    >>> round(smallest_gap(select_by_content(), "content"), 9)
    30.0
    """
    gaps, _ = query_gaps(model, task, sequences)
    return float(gaps.min())


def query_gaps(model, task="content", sequences=None) -> tuple[np.ndarray, np.ndarray]:
    """The gap of every query that has both wanted and unwanted keys, over every input: ``(gaps, kinds)``.

    A query's kind is its token and, with positions, its position: ``"A"``,
    or ``"A2"`` for A at position 2 (``"CLS"`` for the CLS token).

    >>> from snippets.hand_design import select_by_position
    >>> gaps, kinds = query_gaps(select_by_position(gap=7.0), "position", ["AB"])
    >>> gaps.tolist(), kinds.tolist()
    ([7.0, 7.0], ['A0', 'B1'])
    """
    task = get_task(task)
    sequences = tuple(all_sequences(task) if sequences is None else sequences)
    gaps, kinds = [], []
    for X, wanted, kind in _inputs_by_length(task.name, sequences):
        scores = model.scores(X)  # (batch, n, n)
        low = np.where(wanted, scores, np.inf).min(axis=-1)
        high = np.where(wanted, -np.inf, scores).max(axis=-1)
        mixed = ~wanted.all(axis=-1)  # a query that wants every key has no gap
        gaps.append((low - high)[mixed])
        kinds.append(kind[mixed])
    gaps, kinds = np.concatenate(gaps), np.concatenate(kinds)
    if not gaps.size:
        raise ValueError(f"no query in {list(sequences)} has both wanted and unwanted keys")
    return gaps, kinds


# --8<-- [end:smallest_gap]


# --8<-- [start:with_smallest_gap]
def with_smallest_gap(model, gap: float, own_gap: float) -> NumpyTransformer:
    """The head with ``Qm`` multiplied by ``gap / own_gap``, ``own_gap`` being its ``smallest_gap`` over its task.

    Every score ``q_i . k_j / sqrt(qk_dim)`` is linear in ``Qm``, so every
    score, and every gap between two of them, is multiplied by the same
    factor: the smallest gap becomes ``gap``, and the attention pattern
    sharpens or softens while the head's preferences stay. This is the gap
    slider of the head explorer on the pages of 3(a) and 3(b).

    >>> from snippets.hand_design import select_by_content
    >>> round(smallest_gap(with_smallest_gap(select_by_content(), 12.0, 30.0)), 9)
    12.0
    """
    model = numpy_head(model)
    if not own_gap > 0:
        raise ValueError(f"own_gap must be the head's smallest gap, a positive number; got {own_gap}")
    return NumpyTransformer(model.Km, model.Qm * (gap / own_gap), model.Vm, model.pos)


# --8<-- [end:with_smallest_gap]


# --8<-- [start:worst_error_vs_gap]
def worst_error_vs_gap(task, gaps) -> tuple[np.ndarray, np.ndarray]:
    """Rebuild the hand-designed head of ``task`` with each gap; return (worst |out - target|, passes) over every input.

    >>> errors, ok = worst_error_vs_gap("content", [19.0, 21.0])
    >>> ok.tolist(), bool(errors[0] > ATOL > errors[1])
    ([False, True], True)
    """
    task = get_task(task)
    if task.name not in ("content", "position"):
        raise ValueError(f"the error criterion applies to the content and position tasks; got {task.name!r}")
    checks = [verify_head(HAND_DESIGNED[task.name](g), task) for g in gaps]
    return np.array([c.worst for c in checks]), np.array([not c.failures for c in checks])


# --8<-- [end:worst_error_vs_gap]


GAPS = np.arange(2.0, 36.0, 1.0)  # the logit gaps plot_sharpness draws by default


# --8<-- [start:plot_sharpness]
def plot_sharpness(tasks=("content", "position"), gaps=GAPS):
    """Worst error over every input vs the logit gap, with the bound and the tolerance, for each task.

    Filled markers pass the course's check, open ones fail it.
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    styles = {"content": ("tab:blue", "o"), "position": ("tab:orange", "s")}
    for name in tasks:
        task = get_task(name)
        color, marker = styles[task.name]
        n = task.lengths[-1]
        errors, ok = worst_error_vs_gap(task, gaps)
        ax.semilogy(
            gaps,
            leak_bound(n, gaps),
            color=color,
            lw=1,
            alpha=0.6,
            label=f"bound $(n-1)e^{{-g}}/(1+(n-1)e^{{-g}})$, n = {n}",
        )
        ax.scatter(gaps[ok], errors[ok], color=color, marker=marker, zorder=3, label=f"{task.title}: passes")
        ax.scatter(
            gaps[~ok],
            errors[~ok],
            marker=marker,
            facecolors="none",
            edgecolors=color,
            zorder=3,
            label=f"{task.title}: fails",
        )
        ax.axvline(required_gap(n), color=color, ls=":", lw=1)
    ax.axhline(ATOL, color="black", ls="--", lw=1, label="tolerance on zero targets (atol 1e-8)")
    ax.axvline(LOGIT_GAP, color="gray", lw=4, alpha=0.3, label=f"designed gap {LOGIT_GAP:g}")
    ax.set_xlabel("logit gap g between wanted and unwanted keys")
    ax.set_ylabel("largest |out - target| over every input")
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(alpha=0.3)
    return fig


# --8<-- [end:plot_sharpness]


@functools.cache
def _inputs_by_length(name: str, sequences: tuple[str, ...]):
    """``sequences`` grouped by length: (stacked inputs, wanted keys, kind of each query) per length, built once."""
    task = get_task(name)
    groups = []
    for n in sorted({len(s) for s in sequences}):
        same = [s for s in sequences if len(s) == n]
        kinds = [
            [CLS] * task.with_cls + [t + (str(i) if name == "position" else "") for i, t in enumerate(s)] for s in same
        ]
        groups.append(
            (np.stack([encode(s, task) for s in same]), np.stack([wanted_keys(s, task) for s in same]), np.array(kinds))
        )
    return groups
