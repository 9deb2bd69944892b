"""Attention from scratch in NumPy: softmax, softmax attention, argmax attention.

Every page of the book that attends to something uses these functions.
Shapes follow the papers: ``n`` keys/values, ``d`` the key width, ``d_v`` the
value width; a single query is a vector of length ``d``, several queries are a
matrix of shape ``(m, d)``. The helpers at the top check the inputs once,
with messages naming the shapes; the functions below them are the formulas.
"""

from __future__ import annotations

import math

import numpy as np


def _as_float(name: str, x, min_ndim: int) -> np.ndarray:
    """``x`` as a float array (float32 stays float32) with at least ``min_ndim`` axes."""
    a = np.asarray(x)
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(float)
    if a.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} axes; got shape {a.shape}")
    return a


def _check_attention(keys, values, queries, batched: bool = True):
    """``(K, V, Q)`` as float arrays, or a ValueError naming expected and received shapes.

    ``batched=False`` also requires 2-D keys and values (``argmax_attention``).
    """
    K = _as_float("keys", keys, 2)
    V = _as_float("values", values, 2)
    Q = _as_float("queries", queries, 1)
    if not batched and (K.ndim != 2 or V.ndim != 2):
        raise ValueError(f"argmax_attention takes 2-D keys and values; got {K.shape} and {V.shape}")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError(
            f"keys and values must come in equal numbers; got {K.shape[-2]} keys "
            f"(shape {K.shape}) and {V.shape[-2]} values (shape {V.shape})"
        )
    if K.shape[-2] == 0:
        raise ValueError(f"attention needs at least one key; got keys of shape {K.shape}")
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError(
            f"queries must have the keys' width {K.shape[-1]}; "
            f"got queries of shape {Q.shape} and keys of shape {K.shape}"
        )
    if Q.ndim == 1 and K.ndim > 2:
        raise ValueError(
            f"one query of shape (d,) takes keys of shape (n, d); for a batch of keys pass "
            f"queries of shape (..., m, d); got queries of shape {Q.shape} and keys of shape {K.shape}"
        )
    return K, V, Q


# --8<-- [start:softmax]
def softmax(logits, axis: int = -1) -> np.ndarray:
    """``exp(z_i) / sum_j exp(z_j)`` along ``axis``; same shape as ``logits``.

    >>> softmax([1.0, 1.0])
    array([0.5, 0.5])
    >>> softmax([1e4, 0.0]).round(6)  # a naive exp(1e4) would be inf
    array([1., 0.])
    """
    z = _as_float("logits", logits, 1)
    e = np.exp(z - z.max(axis=axis, keepdims=True))  # minus the max: same softmax, exp cannot overflow
    return e / e.sum(axis=axis, keepdims=True)


# --8<-- [end:softmax]


# --8<-- [start:attention_scores]
def attention_scores(keys, queries) -> np.ndarray:
    """``Q K^T``: the inner product ``q . k_j`` of each query with every key.

    ``keys``: ``(..., n, d)``; ``queries``: ``(d,)`` or ``(..., m, d)``.
    Returns ``(n,)`` for one query, ``(..., m, n)`` for several.

    >>> attention_scores([[1, 0], [0, 1]], [2, 3])
    array([2., 3.])
    """
    K, _, Q = _check_attention(keys, keys, queries)
    return Q @ np.swapaxes(K, -1, -2)  # (..., m, n)


# --8<-- [end:attention_scores]


# --8<-- [start:softmax_attention]
def softmax_attention(keys, values, queries, scale: bool = True) -> np.ndarray:
    """``softmax(Q K^T / sqrt(d)) V``: each output is a weighted average of the values.

    ``keys``: ``(..., n, d)``, ``values``: ``(..., n, d_v)``, ``queries``:
    ``(d,)`` or ``(..., m, d)``; batch axes broadcast, float32 stays float32.
    ``scale=False`` leaves out the ``sqrt(d)``. Returns ``(d_v,)`` or ``(..., m, d_v)``.

    >>> softmax_attention([[1, 0], [0, 1]], [[10.0], [20.0]], [0, 0])
    array([15.])
    """
    K, V, Q = _check_attention(keys, values, queries)
    scores = Q @ np.swapaxes(K, -1, -2)  # (..., m, n)
    if scale:
        scores = scores / math.sqrt(K.shape[-1])  # so the scores' variance does not grow with d
    return softmax(scores, axis=-1) @ V  # (..., m, n) @ (..., n, d_v) -> (..., m, d_v)


# --8<-- [end:softmax_attention]


# --8<-- [start:argmax_attention]
def argmax_attention(keys, values, queries) -> np.ndarray:
    """Argmax attention: the value of the key with the largest score ``q . k_j``.

    ``keys``: ``(n, d)``, ``values``: ``(n, d_v)``, ``queries``: ``(d,)`` or
    ``(m, d)``; returns ``(d_v,)`` or ``(m, d_v)``. On a tie the first of the
    tied keys wins (``np.argmax``), so the output is always one of the values.

    >>> argmax_attention([[1, 0], [0, 1]], [[10.0], [20.0]], [0, 3])
    array([20.])
    >>> argmax_attention([[1, 0], [1, 0]], [[10.0], [20.0]], [1, 0])  # tie: first key
    array([10.])
    """
    K, V, Q = _check_attention(keys, values, queries, batched=False)
    best = np.argmax(Q @ K.T, axis=-1)  # per query, the index j of the largest q . k_j
    return V[best]


# --8<-- [end:argmax_attention]


# The keys, values and query of the assignment's question 1(a) (1(b) reuses them).
EXAMPLE_KEYS = ((1, 2, 0), (0, 3, 4), (5, 0, 0), (0, 0, 1))
EXAMPLE_VALUES = ((2, 0, 1), (1, 4, 3), (0, -1, 4), (1, 0, -1))
EXAMPLE_QUERY = (1, 1, 2)
