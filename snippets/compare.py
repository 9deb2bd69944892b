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
* ``V`` matters only through ``attention @ V``: a value no query attends to
  can be anything.

So the comparison that means something is between the quantities the
symmetries leave alone: ``Qm Km^T`` in one-hot position coordinates
(:func:`score_form`), its rows taken relative to their best key
(:func:`score_table`), the attention patterns and the outputs
(:func:`head_summary`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from snippets.hw3_tasks import CLS, VOCAB, all_sequences, decode, encode, get_task, verify_head
from snippets.plotting import heatmap
from snippets.sharpness import smallest_gap, wanted_keys
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
        panels.append(("pos", {h: m.pos for h, m in heads}, [f"p{k}" for k in range(len(heads[0][1].pos))],
                       pos_labels, True))
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
    fig.suptitle(f"hand-designed vs learned head on [{', '.join(tokens)}] (each panel its own colorbar)",
                 y=1 - 0.2 / height)
    return fig
# --8<-- [end:compare_transformers]


def _annotate(ax, mat, im) -> None:
    """Write each entry in its cell, dark or light to stay readable on the colour beneath."""
    for (i, j), v in np.ndenumerate(mat):
        r, g, b, _ = im.cmap(im.norm(v))
        text = f"{v:.0e}" if 0 < abs(v) < 1e-3 else f"{v:.2g}"  # tiny values short: 5e-14
        ax.text(j, i, text, ha="center", va="center", fontsize=8,
                color="black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white")


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


# --8<-- [start:head_summary]
def head_summary(model, task="content") -> dict[str, float]:
    """The numbers that do not depend on how a head is parametrised, over every input of ``task``.

    >>> from snippets.hand_design import select_by_content
    >>> s = head_summary(select_by_content())
    >>> s["inputs"], s["pass np.allclose"], round(s["smallest gap"], 6)
    (1092, 1092, 30.0)
    """
    task = get_task(task)
    model = numpy_head(model)
    check = verify_head(model, task)
    leak = 0.0
    for tokens in all_sequences(task):
        _, weights = model.forward(encode(tokens, task), return_attention=True)
        leak = max(leak, float(np.where(wanted_keys(tokens, task), 0.0, weights).sum(axis=1).max()))
    return {
        "inputs": check.count,
        "smallest gap": smallest_gap(model, task),
        "largest weight on unwanted keys": leak,
        "largest |out - target|": check.worst,
        "pass np.allclose": check.count - len(check.failures),
        "every argmax right": check.argmax_right,
    }
# --8<-- [end:head_summary]


def summary_table(hand, learned, task="content") -> str:
    """:func:`head_summary` of both heads as a Markdown table.

    >>> from snippets.hand_design import select_by_content
    >>> print(summary_table(select_by_content(), select_by_content(gap=3.0)).splitlines()[2])
    | inputs checked (every sequence of the task) | 1092 | 1092 |
    """
    rows = [("inputs checked (every sequence of the task)", "inputs", "{:d}"),
            ("smallest logit gap, wanted vs unwanted key", "smallest gap", "{:.3g}"),
            ("largest attention weight on unwanted keys", "largest weight on unwanted keys", "{:.2g}"),
            ("largest \\|out - target\\|", "largest |out - target|", "{:.2g}"),
            ("inputs passing `np.allclose(out, target, rtol=1e-3)`", "pass np.allclose", "{:d}"),
            ("inputs with every row's argmax right", "every argmax right", "{:d}")]
    h, l = head_summary(hand, task), head_summary(learned, task)
    lines = ["| over every input | hand-designed | learned |", "|---|---:|---:|"]
    lines += [f"| {label} | {fmt.format(h[key])} | {fmt.format(l[key])} |" for label, key, fmt in rows]
    return "\n".join(lines)
