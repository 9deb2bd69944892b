"""Attention from scratch in NumPy: softmax, softmax attention, argmax attention.

Every page of the book that attends to something uses these functions.
Shapes follow the papers: ``n`` keys/values, ``d`` the key width, ``d_v`` the
value width; a single query is a vector of length ``d``, several queries are a
matrix of shape ``(m, d)``.
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


def _keys_values_queries(keys, values, queries):
    """Check shapes; return (K, V, Q, single) with Q at least 2-D.

    ``single`` is true when one query came as a vector of shape ``(d,)``.
    """
    K = _as_float("keys", keys, 2)
    V = _as_float("values", values, 2)
    Q = _as_float("queries", queries, 1)
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
    single = Q.ndim == 1
    return K, V, (Q[None, :] if single else Q), single


# --8<-- [start:softmax]
def _exp_minus_max(z: np.ndarray, axis: int) -> np.ndarray:
    """``exp(z - max(z))`` along ``axis``, overwriting ``z``: softmax before normalising.

    Working in place saves allocating (and faulting in) a fresh array per
    step. ``np.fmax`` finds the same maximum as ``np.max`` and is faster on
    short rows; the two differ only on NaN, and a NaN logit still turns its
    whole row into NaN through ``exp`` and the sum.
    """
    z -= np.fmax.reduce(z, axis=axis, keepdims=True)
    return np.exp(z, out=z)


def softmax(logits, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, stable for any finite logits.

    Subtracting the maximum first changes nothing mathematically
    (softmax ignores a constant added to every logit) but keeps
    ``exp`` from overflowing.

    >>> softmax([1.0, 1.0])
    array([0.5, 0.5])
    >>> softmax([1e4, 0.0]).round(6)  # a naive exp(1e4) would be inf
    array([1., 0.])
    """
    z = _as_float("logits", logits, 1)
    e = _exp_minus_max(z.copy(), axis)  # a copy: the caller's logits stay untouched
    e /= e.sum(axis=axis, keepdims=True)
    return e
# --8<-- [end:softmax]


# --8<-- [start:attention_scores]
def attention_scores(keys, queries) -> np.ndarray:
    """Inner products ``q . k_j`` of each query with every key.

    ``keys``: ``(..., n, d)``; ``queries``: ``(d,)`` or ``(..., m, d)``.
    Returns ``(n,)`` for one query, ``(..., m, n)`` for several.

    >>> attention_scores([[1, 0], [0, 1]], [2, 3])
    array([2., 3.])
    """
    K, _, Q, single = _keys_values_queries(keys, keys, queries)
    scores = Q @ np.swapaxes(K, -1, -2)
    return scores[0] if single else scores
# --8<-- [end:attention_scores]


# --8<-- [start:softmax_attention]
def softmax_attention(keys, values, queries, scale: bool = True) -> np.ndarray:
    """Softmax attention: each output is a weighted average of the values.

    weights = softmax(q . k_j / sqrt(d)) over the keys ``j`` (no ``sqrt(d)``
    when ``scale=False``). ``keys``: ``(..., n, d)``, ``values``:
    ``(..., n, d_v)``, ``queries``: ``(d,)`` or ``(..., m, d)``; leading batch
    axes broadcast, float32 stays float32. Returns ``(d_v,)`` or ``(..., m, d_v)``.

    >>> softmax_attention([[1, 0], [0, 1]], [[10.0], [20.0]], [0, 0])
    array([15.])
    """
    K, V, Q, single = _keys_values_queries(keys, values, queries)
    if scale:  # scaling the (m, d) queries is cheaper than the (m, n) scores
        Q = Q * (1 / math.sqrt(K.shape[-1]))
    weights = _exp_minus_max(Q @ np.swapaxes(K, -1, -2), axis=-1)
    # Normalise after averaging: dividing the (m, d_v) output by the row sums
    # equals dividing the (m, n) weights first, and touches fewer numbers.
    out = weights @ V
    out /= weights.sum(axis=-1, keepdims=True)
    return out[0] if single else out
# --8<-- [end:softmax_attention]


# --8<-- [start:argmax_attention]
def argmax_attention(keys, values, queries) -> np.ndarray:
    """Argmax attention: return the value of the key most similar to the query.

    Similarity is the inner product ``q . k_j``. On a tie, the first of the
    tied keys wins (the ``np.argmax`` convention), so the result is always
    one of the values, never an average. ``keys``: ``(n, d)``, ``values``:
    ``(n, d_v)``, ``queries``: ``(d,)`` or ``(m, d)``.

    >>> argmax_attention([[1, 0], [0, 1]], [[10.0], [20.0]], [0, 3])
    array([20.])
    >>> argmax_attention([[1, 0], [1, 0]], [[10.0], [20.0]], [1, 0])  # tie: first key
    array([10.])
    """
    K, V, Q, single = _keys_values_queries(keys, values, queries)
    if K.ndim != 2 or V.ndim != 2:
        raise ValueError(f"argmax_attention takes 2-D keys and values; got {K.shape} and {V.shape}")
    winners = np.argmax(Q @ K.T, axis=-1)
    out = V[winners]
    return out[0] if single else out
# --8<-- [end:argmax_attention]
