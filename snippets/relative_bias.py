"""Relative position bias: a learnable number per offset, added to the scores.

Concatenating positional parts to queries and keys,
``[q_i, q_i^pos] . [k_j, k_j^pos] = q_i . k_j + q_i^pos . k_j^pos``,
is attention with the bias ``pi_ij = q_i^pos . k_j^pos``. That bias is a
*relative* one, ``pi_{i-j}``, exactly when it is constant along diagonals
(a Toeplitz matrix).

Shapes: ``T`` positions; content queries and keys ``(T, d)``, values
``(T, d_v)``; positional queries and keys ``(T, d_pos)``; a bias ``(T, T)``
with ``bias[i, j]`` added to the score of query ``i`` for key ``j``.
"""

from __future__ import annotations

import math

import numpy as np

from snippets.attention import attention_scores, softmax, softmax_attention


def _matrix(name: str, a) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a matrix (2 axes); got shape {a.shape}")
    return a


def _square(name: str, a) -> np.ndarray:
    a = _matrix(name, a)
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"{name} must be square (T, T); got shape {a.shape}")
    return a


# --8<-- [start:bias]
def relative_bias_from_positions(Q_pos, K_pos, scale: float = 1.0) -> np.ndarray:
    """The bias ``pi_ij = q_i^pos . k_j^pos / scale`` that concatenation adds.

    ``Q_pos``: ``(T, d_pos)``, ``K_pos``: ``(T_k, d_pos)``; returns ``(T, T_k)``.
    Use ``scale = sqrt(d + d_pos)`` to match attention that divides the
    concatenated scores by the square root of their full width.

    >>> relative_bias_from_positions([[1.0, 0.0], [0.0, 1.0]], [[2.0, 3.0]])
    array([[2.],
           [3.]])
    """
    Q_pos, K_pos = _matrix("Q_pos", Q_pos), _matrix("K_pos", K_pos)
    if Q_pos.shape[1] != K_pos.shape[1]:
        raise ValueError(f"Q_pos and K_pos must have the same width; got {Q_pos.shape} and {K_pos.shape}")
    return attention_scores(K_pos, Q_pos) / scale


def biased_softmax_attention(keys, values, queries, bias, scale: float | None = None) -> np.ndarray:
    """``softmax(q_i . k_j / scale + bias_ij)`` over ``j``, applied to the values.

    ``keys``: ``(T_k, d)``, ``values``: ``(T_k, d_v)``, ``queries``: ``(T, d)``,
    ``bias``: ``(T, T_k)``; ``scale`` defaults to ``sqrt(d)``. Returns ``(T, d_v)``.

    >>> biased_softmax_attention([[0.0], [0.0]], [[10.0], [20.0]], [[1.0]], [[0.0, np.log(3)]])
    array([[17.5]])
    """
    scores = attention_scores(keys, queries)
    bias = _matrix("bias", bias)
    if scores.ndim != 2 or bias.shape != scores.shape:
        raise ValueError(f"bias must have shape (queries, keys) = {scores.shape}; got {bias.shape}")
    V = _matrix("values", values)
    if V.shape[0] != scores.shape[1]:
        raise ValueError(f"one value per key: {scores.shape[1]} keys but values of shape {V.shape}")
    scale = math.sqrt(np.shape(keys)[-1]) if scale is None else scale
    return softmax(scores / scale + bias, axis=-1) @ V


def concatenated_attention(keys, values, queries, K_pos, Q_pos) -> np.ndarray:
    """Softmax attention with ``[k_j, k_j^pos]`` as keys and ``[q_i, q_i^pos]`` as queries.

    Scores are divided by ``sqrt(d + d_pos)``, the width of the concatenation.

    >>> concatenated_attention([[0.0], [0.0]], [[10.0], [20.0]], [[1.0]], [[0.0], [0.0]], [[1.0]])
    array([[15.]])
    """
    K, Q = _matrix("keys", keys), _matrix("queries", queries)
    K_pos, Q_pos = _matrix("K_pos", K_pos), _matrix("Q_pos", Q_pos)
    if K_pos.shape[0] != K.shape[0] or Q_pos.shape[0] != Q.shape[0]:
        raise ValueError(
            f"one positional row per query and per key: queries {Q.shape} with Q_pos {Q_pos.shape}, "
            f"keys {K.shape} with K_pos {K_pos.shape}"
        )
    return softmax_attention(np.hstack([K, K_pos]), values, np.hstack([Q, Q_pos]))


# --8<-- [end:bias]


# --8<-- [start:toeplitz]
def diagonal_spread(bias) -> np.ndarray:
    """Max minus min of ``bias`` along each diagonal, for offsets ``i - j = -(T-1) .. T-1``.

    All zeros means ``bias[i, j]`` depends only on ``i - j``: a Toeplitz
    matrix, which a relative bias ``pi_{i-j}`` can represent.

    >>> diagonal_spread([[1.0, 2.0], [3.0, 1.0]])
    array([0., 0., 0.])
    >>> diagonal_spread([[1.0, 2.0], [3.0, 5.0]])
    array([0., 4., 0.])
    """
    M = _square("bias", bias)
    T = len(M)
    return np.array([np.ptp(np.diagonal(M, offset=-k)) for k in range(-(T - 1), T)])


def is_toeplitz(bias, atol: float = 1e-9) -> bool:
    """True when ``bias[i, j]`` depends only on ``i - j`` (up to ``atol``).

    >>> is_toeplitz([[0.0, -1.0], [1.0, 0.0]]), is_toeplitz([[0.0, 1.0], [1.0, 2.0]])
    (True, False)
    """
    return bool(diagonal_spread(bias).max() <= atol)


def relative_bias_values(bias) -> np.ndarray:
    """One value per offset ``i - j = -(T-1) .. T-1``: the mean of each diagonal.

    For a Toeplitz bias these ``2T - 1`` numbers are the whole matrix; for
    any other bias they are its best relative (least-squares) approximation.

    >>> relative_bias_values([[0.0, -1.0], [1.0, 0.0]])
    array([-1.,  0.,  1.])
    """
    M = _square("bias", bias)
    T = len(M)
    return np.array([np.diagonal(M, offset=-k).mean() for k in range(-(T - 1), T)])


def relative_bias_matrix(values) -> np.ndarray:
    """The ``(T, T)`` bias ``pi[i, j] = values[i - j + T - 1]`` from ``2T - 1`` values.

    >>> relative_bias_matrix([-1.0, 0.0, 1.0])
    array([[ 0., -1.],
           [ 1.,  0.]])
    """
    b = np.asarray(values, dtype=float)
    if b.ndim != 1 or len(b) % 2 == 0:
        raise ValueError(f"expected 2T - 1 values, one per offset (an odd-length vector); got shape {b.shape}")
    T = (len(b) + 1) // 2
    offsets = np.arange(T)[:, None] - np.arange(T)[None, :]
    return b[offsets + T - 1]


# --8<-- [end:toeplitz]


# --8<-- [start:rotations]
def rotated_positions(a, n_positions: int, frequencies) -> np.ndarray:
    """Rows ``R^i a`` for ``i = 0 .. n_positions - 1``: shape ``(n_positions, d)``.

    ``R`` (:func:`rotation_matrix`) turns each coordinate pair
    ``(a_2l, a_2l+1)`` by the angle ``frequencies[l]``, so it is orthogonal.
    With ``a = (0, 1, 0, 1, ...)`` the rows are the sinusoidal encoding.

    >>> rotated_positions([0.0, 1.0], 2, [np.pi / 2]).round(6)
    array([[0., 1.],
           [1., 0.]])
    """
    a = np.asarray(a, dtype=float)
    w = np.asarray(frequencies, dtype=float)
    if a.ndim != 1 or w.shape != (len(a) // 2,) or len(a) % 2:
        raise ValueError(
            f"expected a vector a of even width d and d/2 frequencies; got a {a.shape}, frequencies {w.shape}"
        )
    angle = np.arange(n_positions)[:, None] * w[None, :]
    cos, sin = np.cos(angle), np.sin(angle)
    first, second = a[0::2], a[1::2]
    out = np.empty((n_positions, len(a)))
    out[:, 0::2] = cos * first + sin * second
    out[:, 1::2] = -sin * first + cos * second
    return out


def rotation_matrix(frequencies) -> np.ndarray:
    """The orthogonal ``(d, d)`` matrix ``R`` of :func:`rotated_positions`: ``R^i a`` is its row ``i``.

    Block-diagonal: pair ``l`` is turned by ``frequencies[l]``, so ``p_{i+1} = R p_i``
    for the sinusoidal encoding.

    >>> rotation_matrix([np.pi / 2]).round(6)
    array([[ 0.,  1.],
           [-1.,  0.]])
    """
    w = np.asarray(frequencies, dtype=float)
    if w.ndim != 1 or len(w) == 0:
        raise ValueError(f"expected a vector of d/2 frequencies; got shape {w.shape}")
    R = np.zeros((2 * len(w), 2 * len(w)))
    R[0::2, 0::2] = np.diag(np.cos(w))
    R[0::2, 1::2] = np.diag(np.sin(w))
    R[1::2, 0::2] = np.diag(-np.sin(w))
    R[1::2, 1::2] = np.diag(np.cos(w))
    return R


# --8<-- [end:rotations]


# --8<-- [start:parameters]
def relative_bias_parameter_count(T: int, heads: int, d_pos: int, buckets: int = 32) -> dict[str, int]:
    """Learned numbers for the position part of attention, over all ``heads``.

    Per layer (each layer has its own):

    - relative bias ``pi_{i-j}``: ``2T - 1`` per head;
    - free bias ``pi_{i,j}``: ``T^2`` per head;
    - concatenated tables ``q^pos``, ``k^pos``: ``2 T d_pos`` per head.

    For all the layers of a stack at once: T5's bucketed relative bias,
    ``buckets`` per head whatever ``T``, one table shared by every layer.

    >>> relative_bias_parameter_count(T=4, heads=2, d_pos=3)
    {'relative pi_(i-j)': 14, 'free pi_(i,j)': 32, 'concatenated q_pos, k_pos': 48, 'T5 buckets, all layers': 64}
    """
    if min(T, heads, d_pos, buckets) < 1:
        raise ValueError(f"T, heads, d_pos and buckets must be positive; got {T}, {heads}, {d_pos}, {buckets}")
    return {
        "relative pi_(i-j)": heads * (2 * T - 1),
        "free pi_(i,j)": heads * T * T,
        "concatenated q_pos, k_pos": heads * 2 * T * d_pos,
        "T5 buckets, all layers": heads * buckets,
    }


# --8<-- [end:parameters]
