"""Adding vs concatenating positions: the four terms of a dot-product score.

With ``q = k = z``, adding positions (``z_i = x_i + p_i``) gives scores

    z_i . z_j = x_i . x_j + x_i . p_j + p_i . x_j + p_i . p_j,

concatenating them (``z_i = [x_i, p_i]``) gives ``x_i . x_j + p_i . p_j``.
The two middle terms, content against position, are the *cross terms*.

Shapes: word embeddings ``X`` and positional embeddings ``P`` are both
``(n, d)``, one row per token; every score matrix is ``(n, n)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snippets.attention import attention_scores


def _pair(X, P) -> tuple[np.ndarray, np.ndarray]:
    X, P = np.asarray(X, dtype=float), np.asarray(P, dtype=float)
    if X.ndim != 2 or X.shape != P.shape:
        raise ValueError(f"X and P must be matrices of the same shape (n, d); got X {X.shape} and P {P.shape}")
    return X, P


# --8<-- [start:score_terms]
class ScoreTerms(NamedTuple):
    """The four ``(n, n)`` terms of ``(x_i + p_i) . (x_j + p_j)``."""

    content: np.ndarray  # x_i . x_j
    content_position: np.ndarray  # x_i . p_j
    position_content: np.ndarray  # p_i . x_j
    position: np.ndarray  # p_i . p_j


def score_terms(X, P) -> ScoreTerms:
    """Split the added-position scores into content, cross and position terms.

    >>> t = score_terms([[1.0, 0.0]], [[0.0, 2.0]])
    >>> [float(m[0, 0]) for m in t]
    [1.0, 0.0, 0.0, 4.0]
    """
    X, P = _pair(X, P)
    return ScoreTerms(X @ X.T, X @ P.T, P @ X.T, P @ P.T)


def cross_terms(X, P) -> np.ndarray:
    """``x_i . p_j + p_i . x_j``: what adding has and concatenating has not.

    >>> cross_terms([[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [0.0, 0.0]])
    array([[2., 1.],
           [1., 0.]])
    """
    X, P = _pair(X, P)
    return X @ P.T + P @ X.T


def added_scores(X, P) -> np.ndarray:
    """Scores with ``q = k = x_i + p_i``: ``(x_i + p_i) . (x_j + p_j)``.

    >>> added_scores([[1.0, 0.0]], [[1.0, 1.0]])
    array([[5.]])
    """
    X, P = _pair(X, P)
    return attention_scores(X + P, X + P)


def concatenated_scores(X, P) -> np.ndarray:
    """Scores with ``q = k = [x_i, p_i]``: ``x_i . x_j + p_i . p_j``.

    >>> concatenated_scores([[1.0, 0.0]], [[1.0, 1.0]])
    array([[3.]])
    """
    X, P = _pair(X, P)
    Z = np.concatenate([X, P], axis=1)
    return attention_scores(Z, Z)


# --8<-- [end:score_terms]


# --8<-- [start:sizes]
def cosine_matrix(A, B) -> np.ndarray:
    """``cos(a_i, b_j) = a_i . b_j / (|a_i| |b_j|)`` for rows of ``A`` (n, d) and ``B`` (m, d).

    >>> cosine_matrix([[1.0, 0.0]], [[1.0, 1.0], [0.0, 3.0]]).round(3)
    array([[0.707, 0.   ]])
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError(f"expected A (n, d) and B (m, d) with the same d; got {A.shape} and {B.shape}")
    A = A / np.linalg.norm(A, axis=1, keepdims=True)
    B = B / np.linalg.norm(B, axis=1, keepdims=True)
    return A @ B.T


def rms(values) -> float:
    """Root mean square, the typical size of numbers centred on zero.

    >>> rms([3.0, -4.0, 0.0, 0.0])
    2.5
    """
    return float(np.sqrt(np.mean(np.square(values))))


def term_sizes(X, P) -> dict[str, float]:
    """Typical size (RMS) of each kind of term, and of ``|x||p|`` for scale.

    ``self x_i.x_i`` is a word's match with itself, ``|x_i|^2``: the signal
    a content score carries. ``content x_i.x_j`` (``i != j``) is the match
    between different words: the noise that signal must stand out from.
    The position term is measured off the diagonal too, as it is
    (``position p_i.p_j``) and after removing each row's mean over
    ``j != i`` (``position, row mean removed``): softmax ignores a constant
    added to a row, so only that remainder can move attention.

    >>> sizes = term_sizes(np.eye(2), np.eye(2)[::-1])
    >>> sizes["cross x.p"], sizes["content x_i.x_j"], sizes["self x_i.x_i"]
    (0.7071067811865476, 0.0, 1.0)
    """
    t = score_terms(X, P)
    off = ~np.eye(len(t.content), dtype=bool)
    norms = np.outer(np.linalg.norm(X, axis=1), np.linalg.norm(P, axis=1))
    position = np.where(off, t.position, np.nan)
    return {
        "self x_i.x_i": rms(np.diag(t.content)),
        "content x_i.x_j": rms(t.content[off]),
        "cross x.p": rms(t.content_position),
        "position p_i.p_j": rms(t.position[off]),
        "position, row mean removed": rms((position - np.nanmean(position, axis=1, keepdims=True))[off]),
        "|x||p|": float(norms.mean()),
    }


# --8<-- [end:sizes]


# --8<-- [start:capacity]
def transformer_layer_weights(width: int, ffn_ratio: int = 4) -> int:
    """Weights of one transformer layer of the given width (biases left out).

    Attention has four ``width x width`` maps (queries, keys, values,
    output); the feed-forward network two of ``width x ffn_ratio*width``.

    >>> transformer_layer_weights(512)
    3145728
    """
    if width < 1:
        raise ValueError(f"width must be a positive number of dimensions; got {width}")
    return 4 * width**2 + 2 * ffn_ratio * width**2


# --8<-- [end:capacity]
