"""Comparing a hand-designed head with a learned one: what differs, and what cannot.

Raw weights of two heads that compute the same function can look nothing
alike, because the head has symmetries:

* only ``Qm Km^T`` reaches the scores: ``Qm A`` and ``Km A^-T`` give the same
  scores for any invertible ``A`` (:func:`change_basis`);
* softmax ignores a constant added to a row of scores, so adding one vector
  to every token's key changes nothing when tokens are one-hot
  (:func:`shift_keys`);
* learned positions are defined only up to such changes: ``pos B`` with
  ``B^-1`` applied to the positional rows of ``Km``, ``Qm``, ``Vm`` is the
  same head (:func:`change_position_basis`), and folding ``pos`` into those
  rows makes positions one-hot (:func:`one_hot_positions`);
* every input row holds exactly one token one-hot and one position one-hot,
  so adding a vector to every token row of ``Qm`` and subtracting it from
  every (one-hot) position row changes no query, and the same holds for
  ``Km`` and the keys (:func:`shift_token_rows`): the level of the token rows
  alone, or of the position rows alone, means nothing;
* ``V`` matters only through ``attention @ V``: a value no query attends to
  can be anything.

So the comparison that means something is between the quantities the
symmetries leave alone: the queries, keys and values of actual inputs (one
token at one position; up to the common change of basis ``A``, and for keys
up to one shift of them all), the score of
every kind of query against every kind of key with each row taken relative
to its best key (:func:`score_table`), the attention patterns and the
outputs. :func:`head_facts` measures them over every input of a task, with
the training record of the learned head, for the written answers of 3(a)
and 3(b) and for the notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from snippets.hw3_tasks import CLS, VOCAB, all_sequences, decode, encode, get_task, verify_head
from snippets.learned_heads import read_log
from snippets.plotting import heatmap
from snippets.sharpness import query_gaps, required_gap, wanted_keys
from snippets.transformer import NumpyTransformer, numpy_head


def feature_labels(model) -> list[str]:
    """Names of the rows of ``Km``, ``Qm``, ``Vm``: the token features, then the positional ones.

    >>> from snippets.hand_design import select_by_position
    >>> feature_labels(select_by_position())
    ['A', 'B', 'C', 'pos0', 'pos1', 'pos2', 'pos3']
    """
    model = numpy_head(model)
    tokens = list(VOCAB) + [CLS] * (model.input_dim == len(VOCAB) + 1)
    pos_dim = 0 if model.pos is None else model.pos.shape[1]
    return tokens + [f"pos{k}" for k in range(pos_dim)]


def _tokens_and_rows(seq, input_dim: int) -> tuple[list[str], np.ndarray]:
    """``seq`` as (labels, one-hot rows): a string like ``"ABBCC"`` or rows of shape ``(seq_len, 3)``."""
    if isinstance(seq, str):
        return list(seq), encode(seq)
    rows = np.asarray(seq, dtype=float)
    return list(decode(rows)), rows


# --8<-- [start:compare_transformers]
def compare_transformers(hand, learned, seq):
    """Panels ``Km, Qm, Vm, (pos), K, Q, V``, attention and output for both heads on ``seq``, side by side.

    One row per panel, hand-designed on the left, learned on the right. Every
    panel is drawn at its true scale with its own colorbar: the hand-designed
    weights are an order of magnitude larger than the learned ones, and a
    shared scale would flatten the learned panels. Signed quantities use a
    diverging map centred on 0 (white); attention weights use 0 to 1 in both
    heads. Each cell carries its value. Returns the figure.
    """
    heads = [("hand-designed", numpy_head(hand)), ("learned", numpy_head(learned))]
    if heads[0][1].Km.shape[0] != heads[1][1].Km.shape[0]:
        raise ValueError(
            f"both heads must take the same inputs; got Km of shape {heads[0][1].Km.shape} and {heads[1][1].Km.shape}"
        )
    tokens, rows = _tokens_and_rows(seq, heads[0][1].input_dim)
    panels = []  # (name, {head: matrix}, row labels, column labels, signed)
    features = feature_labels(heads[0][1])
    for name in ("Km", "Qm", "Vm"):
        cols = list(VOCAB) if name == "Vm" and heads[0][1].Vm.shape[1] == 3 else None
        panels.append((name, {h: getattr(m, name) for h, m in heads}, features, cols, True))
    if heads[0][1].pos is not None:
        pos_labels = [f"pos{k}" for k in range(heads[0][1].pos.shape[1])]
        panels.append(
            ("pos", {h: m.pos for h, m in heads}, [f"p{k}" for k in range(len(heads[0][1].pos))], pos_labels, True)
        )
    acts = {}
    for h, m in heads:
        x = m.inputs(rows)
        out, weights = m.forward(rows, return_attention=True)
        acts[h] = dict(K=x @ m.Km, Q=x @ m.Qm, V=x @ m.Vm, attention=weights, output=out)
    for name in ("K", "Q", "V", "attention", "output"):
        cols = tokens if name == "attention" else (list(VOCAB) if name in ("V", "output") else None)
        panels.append((name, {h: acts[h][name] for h, _ in heads}, tokens, cols, name != "attention"))

    height = 2.1 * len(panels)
    fig, axes = plt.subplots(len(panels), 2, figsize=(7.5, height), squeeze=False)
    fig.subplots_adjust(wspace=0.45, hspace=0.55, top=1 - 0.7 / height, bottom=0.4 / height)
    for row, (name, mats, row_labels, col_labels, signed) in zip(axes, panels):
        for ax, (h, _) in zip(row, heads):
            mat = mats[h]
            if signed:
                limit = max(float(np.abs(mat).max()), 1e-12)
                im = heatmap(ax, mat, row_labels, col_labels, f"{name} ({h})", cmap="RdBu_r", vmin=-limit, vmax=limit)
            else:
                im = heatmap(ax, mat, row_labels, col_labels, f"{name} ({h})", vmin=0.0, vmax=1.0)
            if col_labels is None:
                ax.set_xticks(range(mat.shape[1]), [str(c) for c in range(mat.shape[1])])
            _annotate(ax, mat, im)
    fig.suptitle(
        f"hand-designed vs learned head on [{', '.join(tokens)}] (each panel its own colorbar)", y=1 - 0.2 / height
    )
    return fig


# --8<-- [end:compare_transformers]


def _annotate(ax, mat, im) -> None:
    """Write each entry in its cell, dark or light to stay readable on the colour beneath."""
    for (i, j), v in np.ndenumerate(mat):
        r, g, b, _ = im.cmap(im.norm(v))
        text = f"{v:.0e}" if 0 < abs(v) < 1e-3 else f"{v:.2g}"  # tiny values short: 5e-14
        ax.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=8,
            color="black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white",
        )


# --8<-- [start:symmetries]
def change_basis(model, A) -> NumpyTransformer:
    """``Qm A`` and ``Km A^-T``: new matrices, same ``Qm Km^T``, so the same scores.

    >>> from snippets.hand_design import select_by_content
    >>> hand = select_by_content()
    >>> other = change_basis(hand, [[2.0, 1.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 3.0]])
    >>> bool(np.abs(other.Qm - hand.Qm).max() > 10), bool(np.abs(other.forward(np.eye(3)) - hand.forward(np.eye(3))).max() < 1e-12)
    (True, True)
    """
    model = numpy_head(model)
    A = np.asarray(A, dtype=float)
    if A.shape != (model.qk_dim, model.qk_dim):
        raise ValueError(f"A must be ({model.qk_dim}, {model.qk_dim}) to act on the query/key space; got {A.shape}")
    return NumpyTransformer(model.Km @ np.linalg.inv(A).T, model.Qm @ A, model.Vm, model.pos)


def shift_keys(model, u) -> NumpyTransformer:
    """Add ``u`` to the key of every token: each query's scores all move by ``q . u``, which softmax ignores.

    (Tokens are one-hot, so adding ``u`` to each token row of ``Km`` adds it
    to every key.)
    """
    model = numpy_head(model)
    u = np.asarray(u, dtype=float)
    if u.shape != (model.qk_dim,):
        raise ValueError(f"u must be a key-sized vector ({model.qk_dim},); got {u.shape}")
    Km = model.Km.copy()
    Km[: model.input_dim] += u
    return NumpyTransformer(Km, model.Qm, model.Vm, model.pos)


def change_position_basis(model, B) -> NumpyTransformer:
    """``pos B`` with ``B^-1`` on the positional rows of ``Km``, ``Qm``, ``Vm``: the same head."""
    model = numpy_head(model)
    if model.pos is None:
        raise ValueError("change_position_basis needs a head with positions; got pos=None")
    B = np.asarray(B, dtype=float)
    pos_dim = model.pos.shape[1]
    if B.shape != (pos_dim, pos_dim):
        raise ValueError(f"B must be ({pos_dim}, {pos_dim}); got {B.shape}")
    B_inv, d = np.linalg.inv(B), model.input_dim

    def moved(W):
        return np.vstack([W[:d], B_inv @ W[d:]])

    return NumpyTransformer(moved(model.Km), moved(model.Qm), moved(model.Vm), model.pos @ B)


def shift_token_rows(model, cq, ck=None) -> NumpyTransformer:
    """Add ``cq`` to every token row of ``Qm`` and subtract it from every position row (``ck``: the same for ``Km``).

    Every input row is one token one-hot and one position one-hot, so its
    query gains ``cq`` from its token and loses it from its position: no
    query, key, score or output changes. The positions are made one-hot
    first (:func:`one_hot_positions`), so that each position is one row.

    >>> from snippets.hand_design import select_by_position
    >>> hand = select_by_position()
    >>> moved = shift_token_rows(hand, [-12.0], [0.5])
    >>> moved.Qm[:, 0].tolist(), moved.Km[:, 0].tolist()  # rows A, B, C, p0, p1, p2, p3
    ([-12.0, -12.0, -12.0, 42.0, 42.0, 42.0, 42.0], [0.5, 0.5, 0.5, 0.5, -0.5, -0.5, -0.5])
    >>> x = hand.inputs(np.eye(3)[[2, 0, 1]])  # C, A, B at positions 0, 1, 2
    >>> bool((x @ moved.Qm == x @ hand.Qm).all() and (x @ moved.Km == x @ hand.Km).all())
    True
    """
    model = one_hot_positions(model)
    if model.pos is None:
        raise ValueError("shift_token_rows needs a head with positions; got pos=None")
    cq = np.asarray(cq, dtype=float)
    ck = np.zeros(model.qk_dim) if ck is None else np.asarray(ck, dtype=float)
    if cq.shape != (model.qk_dim,) or ck.shape != (model.qk_dim,):
        raise ValueError(f"cq and ck must be query/key-sized vectors ({model.qk_dim},); got {cq.shape} and {ck.shape}")
    d = model.input_dim

    def moved(W, c):
        return np.vstack([W[:d] + c, W[d:] - c])

    return NumpyTransformer(moved(model.Km, ck), moved(model.Qm, cq), model.Vm, model.pos)


# --8<-- [end:symmetries]


# --8<-- [start:score_table]
def one_hot_positions(model) -> NumpyTransformer:
    """The same head with ``pos = I``: position ``p`` is ``e_p`` and the positional rows become ``pos @ W``.

    ``[x, pos_p] W = x W_tokens + e_p (pos W_positions)``, so folding ``pos``
    into the positional rows of ``Km``, ``Qm`` and ``Vm`` changes no score and
    no output, and puts learned and designed positions in the same
    coordinates. A head without positions is returned as it is.
    """
    model = numpy_head(model)
    if model.pos is None:
        return model
    d = model.input_dim

    def folded(W):
        return np.vstack([W[:d], model.pos @ W[d:]])

    return NumpyTransformer(folded(model.Km), folded(model.Qm), folded(model.Vm), np.eye(len(model.pos)))


def score_form(model) -> tuple[np.ndarray, list[str]]:
    """``Qm Km^T / sqrt(qk_dim)`` with one-hot positions: the bilinear form that gives every score.

    Rows are query features, columns key features: tokens, then positions
    ``p0, p1, ...``. The score of query ``[e_t, e_p]`` for key ``[e_u, e_r]``
    is the sum of four entries, one from each block (token-token,
    token-position, position-token, position-position).

    >>> from snippets.hand_design import select_by_position
    >>> M, labels = score_form(select_by_position())
    >>> labels[3:], M[3:, 3:].tolist()[1]  # every position's query scores position 0's key
    (['p0', 'p1', 'p2', 'p3'], [30.0, 0.0, 0.0, 0.0])
    """
    model = one_hot_positions(model)
    labels = feature_labels(model)[: model.input_dim]
    if model.pos is not None:
        labels += [f"p{k}" for k in range(len(model.pos))]
    return model.Qm @ model.Km.T / np.sqrt(model.qk_dim), labels


def score_table(model) -> tuple[np.ndarray, list[str]]:
    """Score of every kind of query against every kind of key, each row shifted so its best key scores 0.

    A kind is a token (and, with positions, a position: ``A0`` is A at
    position 0). Entries are minus the logit gap to the row's best key. None
    of the symmetries above changes this table (up to rounding), so it is
    what two heads should be compared on.

    >>> from snippets.hand_design import select_by_content
    >>> table, labels = score_table(select_by_content())
    >>> labels, table.round(9)
    (['A', 'B', 'C'], array([[  0., -30., -30.],
           [-30.,   0., -30.],
           [-30., -30.,   0.]]))
    """
    M, names = score_form(model)
    d = numpy_head(model).input_dim
    tokens, n_pos = np.eye(d), len(M) - d
    if n_pos == 0:
        x, labels = tokens, names
    else:
        x = np.array([np.concatenate([t, p]) for p in np.eye(n_pos) for t in tokens])
        labels = [f"{n}{k}" for k in range(n_pos) for n in names[:d]]
    scores = x @ M @ x.T
    return scores - scores.max(axis=1, keepdims=True), labels


# --8<-- [end:score_table]


def plot_score_tables(hand, learned):
    """The two score tables side by side, each with its own colorbar (0 = the row's best key)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2 if numpy_head(hand).pos is None else 5.2))
    for ax, (name, model) in zip(axes, [("hand-designed", hand), ("learned", learned)]):
        table, labels = score_table(model)
        im = heatmap(ax, table, labels, labels, f"{name}: score minus the row's best", cmap="magma")
        ax.set_xlabel("key")
        ax.set_ylabel("query")
        if table.size <= 40:
            _annotate(ax, table, im)
        else:
            ax.tick_params(axis="x", labelrotation=90)
    fig.subplots_adjust(wspace=0.35)
    return fig


# --8<-- [start:head_facts]
@dataclass(frozen=True)
class HeadFacts:
    """What the written answers say about one head, measured over every input of its task.

    ``kinds`` are the kinds of input row: a token, or a token at a position
    (``"A0"``, in the order of :func:`score_table`). ``queries``, ``keys`` and
    ``values`` hold the query, key and value of each kind, which no symmetry
    changes but the common change of basis ``A`` of queries and keys and a
    shift of every key by one vector (:func:`shift_keys`).
    ``table`` is the score table, each row relative to its best key;
    ``kind_gaps`` the smallest logit gap of each kind of query over every
    input. ``value_error[p]`` is the largest distance between the value of a
    token at position ``p`` and the token itself (one entry without
    positions). With positions, ``key_token_effect`` is the largest score
    difference between two keys at the same position with different tokens,
    and ``query_token_effect`` the largest change of a row of ``table`` when
    only the query's token changes, as a fraction of the row's depth.
    """

    inputs: int
    pass_allclose: int  # inputs passing np.allclose(out, target, rtol=1e-3)
    argmax_right: int  # inputs on which every output row's largest entry is the target token
    smallest_gap: float
    largest_leak: float  # largest attention weight a query puts on unwanted keys
    largest_error: float  # largest |out - target|
    kinds: list[str]
    queries: np.ndarray  # (kinds, qk_dim)
    keys: np.ndarray  # (kinds, qk_dim)
    values: np.ndarray  # (kinds, v_dim)
    table: np.ndarray  # (kinds, kinds)
    best_key_wanted: bool  # in every row of table, the best key is one the task wants
    kind_gaps: np.ndarray  # (kinds,)
    value_error: np.ndarray  # (positions,), or (1,) without positions
    key_token_effect: float | None = None
    query_token_effect: float | None = None


@dataclass(frozen=True)
class TrainingFacts:
    """How the learned head's loss and smallest gap moved during training, from ``train_loop``'s log.

    ``loss_drops[k]`` is the fraction by which the mean loss fell between
    log lines ``k`` and ``k + 1``; ``gap_per_doubling`` is what the last
    doubling of the steps added to the smallest gap, and ``steps_needed`` the
    steps it would take to reach ``required_gap`` if every later doubling
    added as much.
    """

    steps: np.ndarray
    losses: np.ndarray
    gaps: np.ndarray
    loss_drops: np.ndarray
    gap_per_doubling: float
    required_gap: float
    steps_needed: float


class Facts(NamedTuple):
    """:func:`head_facts` of a task: both heads, and the learned head's training."""

    task: str
    hand: HeadFacts
    learned: HeadFacts
    training: TrainingFacts


def facts_of_head(model, task) -> HeadFacts:
    """:class:`HeadFacts` of one head, over every input of ``task`` (``"content"`` or ``"position"``).

    >>> from snippets.hand_design import select_by_position
    >>> f = facts_of_head(select_by_position(), "position")
    >>> f.inputs, f.pass_allclose, f.argmax_right, round(f.smallest_gap, 9), f.best_key_wanted, f.key_token_effect
    (120, 120, 120, 30.0, True, 0.0)
    """
    task = get_task(task)
    if task.name not in ("content", "position"):
        raise ValueError(f"head facts compare the heads of the content and position tasks; got {task.name!r}")
    model = numpy_head(model)
    check = verify_head(model, task)
    leak = 0.0
    for tokens in all_sequences(task):
        _, weights = model.forward(encode(tokens, task), return_attention=True)
        leak = max(leak, float(np.where(wanted_keys(tokens, task), 0.0, weights).sum(axis=1).max()))
    table, kinds = score_table(model)
    folded = one_hot_positions(model)
    d = folded.input_dim
    n_pos = 1 if folded.pos is None else len(folded.pos)
    x = (
        np.eye(d)
        if folded.pos is None
        else np.array([np.concatenate([t, p]) for p in np.eye(n_pos) for t in np.eye(d)])
    )
    values = x @ folded.Vm
    best = [kinds[j] for j in table.argmax(axis=1)]  # the best key of each kind of query
    best_key_wanted = all(b == k if task.name == "content" else b.endswith("0") for b, k in zip(best, kinds))
    gaps, gap_kinds = query_gaps(model, task)
    kind_gaps = np.array([gaps[gap_kinds == k].min() for k in kinds])
    value_error = np.abs(values.reshape(n_pos, d, -1) - np.eye(d)).max(axis=(1, 2))
    token_effects = {}
    if folded.pos is not None:
        by_position = table.reshape(n_pos, d, n_pos, d)  # query position, query token, key position, key token
        token_effects["key_token_effect"] = float(np.ptp(by_position, axis=3).max())
        depth = np.abs(by_position).max(axis=(1, 2, 3))  # the deepest entry of the rows at each query position
        token_effects["query_token_effect"] = float((np.ptp(by_position, axis=1).max(axis=(1, 2)) / depth).max())
    return HeadFacts(
        inputs=check.count,
        pass_allclose=check.count - len(check.failures),
        argmax_right=check.argmax_right,
        smallest_gap=float(gaps.min()),
        largest_leak=leak,
        largest_error=check.worst,
        kinds=kinds,
        queries=x @ folded.Qm,
        keys=x @ folded.Km,
        values=values,
        table=table,
        best_key_wanted=best_key_wanted,
        kind_gaps=kind_gaps,
        value_error=value_error,
        **token_effects,
    )


def training_facts(log, task) -> TrainingFacts:
    """:class:`TrainingFacts` from the log lines of ``train_loop`` on ``task``.

    >>> log = ["step   1000: mean loss 0.1, smallest gap 1.0 (1 s)", "step   2000: mean loss 0.08, smallest gap 1.5 (2 s)"]
    >>> t = training_facts(log, "position")
    >>> t.loss_drops.round(3).tolist(), t.gap_per_doubling, round(t.required_gap, 2)
    ([0.2], 0.5, 19.52)
    """
    rows = read_log(log)
    steps, losses, gaps = rows[:, 0], rows[:, 1], rows[:, 2]
    half = np.flatnonzero(steps == steps[-1] / 2)
    if not half.size:
        raise ValueError(
            f"the log needs a line at half of its last step, {steps[-1] / 2:g}; got steps {steps.tolist()}"
        )
    per_doubling = float(gaps[-1] - gaps[half[0]])
    needed = required_gap(get_task(task).lengths[-1])
    doublings = (needed - gaps[-1]) / per_doubling if per_doubling > 0 else np.inf
    return TrainingFacts(
        steps=steps,
        losses=losses,
        gaps=gaps,
        loss_drops=1 - losses[1:] / losses[:-1],
        gap_per_doubling=per_doubling,
        required_gap=needed,
        steps_needed=float(steps[-1] * 2.0**doublings),
    )


def head_facts(hand, learned, task) -> Facts:
    """The facts behind the written answers of 3(a) and 3(b), for the pages and the notebook alike.

    ``learned`` is the ``Training`` that ``learned_heads.learned_head(task)``
    returns (the model, its losses and its log).
    """
    return Facts(
        get_task(task).name,
        facts_of_head(hand, task),
        facts_of_head(learned.model, task),
        training_facts(learned.log, task),
    )


# --8<-- [end:head_facts]


def _number(v, fmt: str) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    return fmt.format(v) if np.ndim(v) == 0 else ", ".join(fmt.format(e) for e in v)


def facts_table(facts: Facts) -> str:
    """Both heads' :class:`HeadFacts` as a Markdown table, one row per fact.

    >>> from snippets.hand_design import select_by_content
    >>> f = facts_of_head(select_by_content(), "content")
    >>> print(facts_table(Facts("content", f, f, None)).splitlines()[2])
    | inputs checked (every sequence of the task) | 1092 | 1092 |
    """
    rows = [
        ("inputs checked (every sequence of the task)", "inputs", "{:d}"),
        ("inputs passing `np.allclose(out, target, rtol=1e-3)`", "pass_allclose", "{:d}"),
        ("inputs with every row's argmax right", "argmax_right", "{:d}"),
        ("smallest logit gap, wanted vs unwanted key", "smallest_gap", "{:.3g}"),
        ("largest attention weight on unwanted keys", "largest_leak", "{:.2g}"),
        (r"largest \|out - target\|", "largest_error", "{:.2g}"),
        ("every row of the score table: best key wanted", "best_key_wanted", ""),
    ]
    if facts.task == "content":
        rows.append(("largest distance of a token's value from the token", "value_error", "{:.3f}"))
    else:
        rows += [
            ("largest distance of a value from its token, at positions 0, 1, 2, 3", "value_error", "{:.3f}"),
            ("largest score difference between keys that differ only in token", "key_token_effect", "{:.3f}"),
            ("largest change of a query's scores when only its token changes", "query_token_effect", "{:.1%}"),
        ]
    lines = ["| over every input | hand-designed | learned |", "|---|---:|---:|"]
    for label, key, fmt in rows:
        hand, learned = getattr(facts.hand, key), getattr(facts.learned, key)
        lines.append(f"| {label} | {_number(hand, fmt)} | {_number(learned, fmt)} |")
    return "\n".join(lines)


def kinds_table(facts: Facts) -> str:
    """Query, key, value and smallest gap of each kind of input row, for both heads, as a Markdown table."""

    def vector(v):
        return f"{v[0]:.3g}" if len(v) == 1 else "(" + ", ".join(f"{e:.2f}" for e in v) + ")"

    lines = [
        "| input | query (hand / learned) | key (hand / learned) | value, learned | smallest gap (hand / learned) |",
        "|---|---:|---:|---|---:|",
    ]
    hand, learned = facts.hand, facts.learned
    for k, kind in enumerate(hand.kinds):
        lines.append(
            f"| {kind} | {vector(hand.queries[k])} / {vector(learned.queries[k])} | "
            f"{vector(hand.keys[k])} / {vector(learned.keys[k])} | {vector(learned.values[k])} | "
            f"{hand.kind_gaps[k]:.3g} / {learned.kind_gaps[k]:.3g} |"
        )
    return "\n".join(lines)


def training_table(training: TrainingFacts) -> str:
    """The learned head's training log as a Markdown table: loss, its drop, the smallest gap and its gain."""
    lines = [
        "| step | mean loss of the last 1,000 steps | fall from the line above | smallest gap | gain |",
        "|---:|---:|---:|---:|---:|",
    ]
    for k, (step, loss, gap) in enumerate(zip(training.steps, training.losses, training.gaps)):
        drop = f"{training.loss_drops[k - 1]:.0%}" if k else ""
        gain = f"{gap - training.gaps[k - 1]:+.3f}" if k else ""
        lines.append(f"| {step:,.0f} | {loss:.4g} | {drop} | {gap:.3f} | {gain} |")
    return "\n".join(lines)
