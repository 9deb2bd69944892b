"""Multi-head attention from scratch in NumPy, and two heads set by hand.

Shapes follow Vaswani et al. (2017): a sequence is ``X`` of shape
``(..., n, d_model)``; ``n_heads`` heads each work in ``d_head = d_model /
n_heads`` dimensions. Projections act on the right, ``Q = X @ W_q``, so
``W_q``, ``W_k``, ``W_v`` and ``W_o`` are all ``(d_model, d_model)``; the
columns ``h * d_head : (h + 1) * d_head`` of ``W_q``, ``W_k``, ``W_v`` belong
to head ``h``, and so do the same rows of ``W_o``.
"""

from __future__ import annotations

import math

import numpy as np

from snippets.attention import attention_scores, softmax


def _check_weights(X: np.ndarray, weights: dict, n_heads: int) -> None:
    if X.ndim < 2:
        raise ValueError(f"X must be (..., n, d_model); got shape {X.shape}")
    d = X.shape[-1]
    for name, W in weights.items():
        if W.shape != (d, d):
            raise ValueError(f"{name} must be (d_model, d_model) = ({d}, {d}); got shape {W.shape}")
    if n_heads < 1 or d % n_heads:
        raise ValueError(f"n_heads must divide d_model = {d}; got n_heads = {n_heads}")


# --8<-- [start:heads]
def split_heads(M: np.ndarray, n_heads: int) -> np.ndarray:
    """``(..., n, d_model)`` -> ``(..., n_heads, n, d_head)``: head ``h`` gets its own columns.

    >>> split_heads(np.arange(8.0).reshape(2, 4), 2)[1]
    array([[2., 3.],
           [6., 7.]])
    """
    *batch, n, d = M.shape
    return np.moveaxis(M.reshape(*batch, n, n_heads, d // n_heads), -2, -3)


def merge_heads(H: np.ndarray) -> np.ndarray:
    """``(..., n_heads, n, d_head)`` -> ``(..., n, d_model)``: the heads side by side.

    >>> M = np.arange(8.0).reshape(2, 4)
    >>> bool((merge_heads(split_heads(M, 2)) == M).all())
    True
    """
    *batch, h, n, d_head = H.shape
    return np.moveaxis(H, -3, -2).reshape(*batch, n, h * d_head)


# --8<-- [end:heads]


# --8<-- [start:causal_mask]
def causal_mask(n: int) -> np.ndarray:
    """``(n, n)`` booleans, true where query ``i`` may see key ``j``, i.e. ``j <= i``.

    A decoder uses it so that position ``i`` cannot read the tokens it is
    about to predict; an encoder uses no mask (every entry true).

    >>> causal_mask(3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    return np.tril(np.ones((n, n), dtype=bool))


# --8<-- [end:causal_mask]


# --8<-- [start:multi_head_attention]
def multi_head_attention(X, W_q, W_k, W_v, W_o, n_heads: int, causal: bool = False):
    """Multi-head self-attention; returns ``(output, weights)``.

    Each head ``h`` attends with its own slice of the projections:
    ``head_h = softmax(Q_h K_h^T / sqrt(d_head)) V_h``; the heads are
    concatenated and mixed by ``W_o``. ``X``: ``(..., n, d_model)``.
    ``output``: ``(..., n, d_model)``; ``weights``: ``(..., n_heads, n, n)``,
    each row a probability distribution over the keys. ``causal=True`` hides
    the keys ``j > i`` from query ``i``.

    >>> X = np.eye(2)
    >>> out, w = multi_head_attention(X, np.eye(2), np.eye(2), np.eye(2), np.eye(2), n_heads=2)
    >>> out.shape, w.shape
    ((2, 2), (2, 2, 2))
    >>> w.sum(axis=-1)
    array([[1., 1.],
           [1., 1.]])
    """
    X = np.asarray(X)
    X = X if np.issubdtype(X.dtype, np.floating) else X.astype(float)
    W = {"W_q": np.asarray(W_q), "W_k": np.asarray(W_k), "W_v": np.asarray(W_v), "W_o": np.asarray(W_o)}
    _check_weights(X, W, n_heads)
    Q, K, V = (split_heads(X @ W[name], n_heads) for name in ("W_q", "W_k", "W_v"))
    scores = attention_scores(K, Q) / math.sqrt(Q.shape[-1])  # (..., h, n, n)
    if causal:
        scores = np.where(causal_mask(X.shape[-2]), scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return merge_heads(weights @ V) @ W["W_o"], weights


# --8<-- [end:multi_head_attention]


# --8<-- [start:attention_multiply_adds]
def attention_multiply_adds(n: int, d_model: int, n_heads: int) -> dict[str, int]:
    """Multiply-adds of one self-attention layer over ``n`` tokens, by stage.

    The projections cost the same for any number of heads; the scores and
    the weighted sums cost ``n * n * d_head`` per head, ``n * n * d_model`` in
    all. Only the softmax grows with the heads: ``n_heads * n * n`` exponentials.

    >>> attention_multiply_adds(4, 8, 2)
    {'projections': 1024, 'scores': 128, 'weighted sums': 128, 'exponentials': 32}
    """
    if n_heads < 1 or d_model % n_heads:
        raise ValueError(f"n_heads must divide d_model = {d_model}; got n_heads = {n_heads}")
    d_head = d_model // n_heads
    return {
        "projections": 4 * n * d_model * d_model,  # W_q, W_k, W_v, W_o
        "scores": n_heads * n * n * d_head,
        "weighted sums": n_heads * n * n * d_head,
        "exponentials": n_heads * n * n,
    }


# --8<-- [end:attention_multiply_adds]


# --8<-- [start:one_hot_embedding]
def one_hot_embedding(tokens: list[str], vocab: list[str]) -> np.ndarray:
    """Token ``i`` becomes ``[one_hot(word), one_hot(i)]``: what it is, then where it is.

    Returns ``(n, len(vocab) + n)``; with ``len(vocab) == n`` the two halves
    are the same size, so two heads of width ``n`` can each read one half.

    >>> one_hot_embedding(["b", "a"], ["a", "b"]).astype(int)
    array([[0, 1, 1, 0],
           [1, 0, 0, 1]])
    """
    unknown = sorted(set(tokens) - set(vocab))
    if unknown:
        raise ValueError(f"tokens must come from the vocabulary {vocab}; got unknown {unknown}")
    n = len(tokens)
    words = np.zeros((n, len(vocab)))
    words[np.arange(n), [vocab.index(t) for t in tokens]] = 1.0
    return np.hstack([words, np.eye(n)])


# --8<-- [end:one_hot_embedding]


# --8<-- [start:previous_and_same_token_heads]
def previous_and_same_token_heads(n: int, beta: float = 30.0):
    """Hand-set ``W_q, W_k, W_v, W_o`` for two heads of width ``n`` on :func:`one_hot_embedding`.

    The input is ``[word one-hot (n), position one-hot (n)]``, ``d_model = 2n``.

    * Head 1, *previous token*: its query for position ``i`` is ``beta *
      one_hot(i - 1)`` (position 0, having no predecessor, looks at itself),
      its key is ``one_hot(j)``; its value is the word at ``j``. So head 1
      writes "the word just before me".
    * Head 2, *same token*: query ``beta * one_hot(word_i)``, key
      ``one_hot(word_j)``, value ``one_hot(j)``. It attends to every
      occurrence of its own word and writes "where my word occurs".

    ``W_o`` is the identity: the output is ``[head 1, head 2]``.

    >>> W_q, W_k, W_v, W_o = previous_and_same_token_heads(3, beta=1.0)
    >>> W_q[3:, :3].astype(int)  # head 1: position i asks for position i - 1
    array([[1, 0, 0],
           [1, 0, 0],
           [0, 1, 0]])
    """
    if n < 1:
        raise ValueError(f"need at least one position; got n = {n}")
    shift = np.eye(n, k=-1)  # row i has its 1 in column i - 1
    shift[0, 0] = 1.0
    W_q, W_k, W_v = (np.zeros((2 * n, 2 * n)) for _ in range(3))
    W_q[n:, :n] = beta * shift  # head 1 query: where my predecessor is
    W_k[n:, :n] = np.eye(n)  # head 1 key: where I am
    W_v[:n, :n] = np.eye(n)  # head 1 value: what word I am
    W_q[:n, n:] = beta * np.eye(n)  # head 2 query: what word I am
    W_k[:n, n:] = np.eye(n)  # head 2 key: what word I am
    W_v[n:, n:] = np.eye(n)  # head 2 value: where I am
    return W_q, W_k, W_v, np.eye(2 * n)


# --8<-- [end:previous_and_same_token_heads]


# --8<-- [start:induction_head]
def induction_head(n: int, beta: float = 30.0):
    """Hand-set ``W_q, W_k, W_v, W_o`` for one causal head on ``[word one-hot, previous-word one-hot]``.

    The previous-word half is what head 1 of
    :func:`previous_and_same_token_heads` writes. The query asks "which
    earlier token came right after my word?" (its previous word equals my
    word), and the value copies that token's word: the head predicts that
    what followed my word last time follows it again (Olsson et al., 2022).
    Output ``[predicted next word (n), 0 (n)]``.

    >>> W_q, W_k, W_v, W_o = induction_head(2, beta=1.0)
    >>> W_k[2:, :2].astype(int)  # key: the word before me
    array([[1, 0],
           [0, 1]])
    """
    if n < 1:
        raise ValueError(f"need a vocabulary of at least one word; got n = {n}")
    W_q, W_k, W_v = (np.zeros((2 * n, 2 * n)) for _ in range(3))
    W_q[:n, :n] = beta * np.eye(n)  # query: my word
    W_k[n:, :n] = np.eye(n)  # key: the word before me
    W_v[:n, :n] = np.eye(n)  # value: my word
    return W_q, W_k, W_v, np.eye(2 * n)


# --8<-- [end:induction_head]
