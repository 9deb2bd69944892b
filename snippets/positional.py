"""Self-attention without positions sees a set; sinusoidal positions give it an order.

Shapes: a sentence is a matrix ``X`` of shape ``(n, d)``, one row per token;
projections ``W_q``, ``W_k`` are ``(d, d_k)`` and ``W_v`` is ``(d, d_v)``;
a positional encoding ``P`` has the shape of ``X``.
"""

from __future__ import annotations

import numpy as np

from snippets.attention import softmax_attention


def _matrix(name: str, a) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a matrix (2 axes); got shape {a.shape}")
    return a


# --8<-- [start:sinusoidal_encoding]
def sinusoidal_frequencies(d: int, base: float = 10000.0) -> np.ndarray:
    """The ``d/2`` angular frequencies ``w_l = base**(-2l/d)``, ``l = 0 .. d/2 - 1``, fastest first.

    >>> sinusoidal_frequencies(4)
    array([1.  , 0.01])
    """
    if d < 2 or d % 2:
        raise ValueError(f"the encoding pairs a sine with a cosine, so d must be even and >= 2; got d={d}")
    return base ** (-np.arange(0, d, 2) / d)


def sinusoidal_encoding(n_positions: int, d: int, base: float = 10000.0) -> np.ndarray:
    """Vaswani et al.'s positional encoding, shape ``(n_positions, d)``.

    ``P[i, 2l] = sin(i * w_l)`` and ``P[i, 2l+1] = cos(i * w_l)`` with
    ``w_l = base**(-2l/d)`` for the frequency index ``l = 0 .. d/2 - 1``:
    each pair of columns is a clock hand turning at its own speed as the
    position ``i`` advances (an offset of ``k`` positions turns hand ``l``
    by ``k * w_l``).

    >>> sinusoidal_encoding(2, 4).round(3)
    array([[0.   , 1.   , 0.   , 1.   ],
           [0.841, 0.54 , 0.01 , 1.   ]])
    """
    if n_positions < 1:
        raise ValueError(f"need at least one position; got n_positions={n_positions}")
    angles = np.arange(n_positions)[:, None] * sinusoidal_frequencies(d, base)[None, :]
    P = np.empty((n_positions, d))
    P[:, 0::2] = np.sin(angles)
    P[:, 1::2] = np.cos(angles)
    return P


# --8<-- [end:sinusoidal_encoding]


# --8<-- [start:self_attention]
def self_attention(X, W_q, W_k, W_v) -> np.ndarray:
    """Every token attends to every token: ``softmax(Q K^T / sqrt(d_k)) V``.

    ``X``: ``(n, d)``; ``W_q``, ``W_k``: ``(d, d_k)``; ``W_v``: ``(d, d_v)``.
    Queries, keys and values are all projections of the same rows of ``X``,
    and nothing in the formula refers to a row's index. Returns ``(n, d_v)``.

    >>> self_attention(np.eye(2), np.eye(2), np.eye(2), [[1.0], [3.0]]).round(3)
    array([[1.66],
           [2.34]])
    """
    X = _matrix("X", X)
    W_q, W_k, W_v = _matrix("W_q", W_q), _matrix("W_k", W_k), _matrix("W_v", W_v)
    d = X.shape[1]
    for name, W in [("W_q", W_q), ("W_k", W_k), ("W_v", W_v)]:
        if W.shape[0] != d:
            raise ValueError(f"{name} must have {d} rows to multiply X of shape {X.shape}; got shape {W.shape}")
    if W_q.shape != W_k.shape:
        raise ValueError(f"W_q and W_k must have the same shape; got {W_q.shape} and {W_k.shape}")
    return softmax_attention(X @ W_k, X @ W_v, X @ W_q)


def mean_pooled_self_attention(X, W_q, W_k, W_v) -> np.ndarray:
    """One vector for the whole sentence: the mean of the self-attention outputs.

    This is the representation a sentence classifier reads (shape ``(d_v,)``);
    any label it predicts is a function of this vector.

    >>> mean_pooled_self_attention(np.eye(2), np.eye(2), np.eye(2), [[1.0], [3.0]])
    array([2.])
    """
    return self_attention(X, W_q, W_k, W_v).mean(axis=0)


# --8<-- [end:self_attention]


# --8<-- [start:embed]
def word_embeddings(vocabulary, d: int, scale: float = 1.0, seed: int = 0) -> dict[str, np.ndarray]:
    """Word-like embeddings: one Gaussian vector ``N(0, scale^2 I_d)`` per word.

    >>> e = word_embeddings(["dog", "man"], 3)
    >>> sorted(e), e["dog"].shape
    (['dog', 'man'], (3,))
    """
    rng = np.random.default_rng(seed)
    return {word: scale * rng.standard_normal(d) for word in dict.fromkeys(vocabulary)}


def embed(sentence: str, embeddings: dict[str, np.ndarray], positions: bool) -> np.ndarray:
    """The rows ``x_i`` (``positions=False``) or ``x_i + p_i`` for a sentence.

    Words are split on spaces; returns ``(n_words, d)``.

    >>> e = {"a": np.zeros(2), "b": np.ones(2)}
    >>> embed("b a", e, positions=True).round(3)
    array([[1.   , 2.   ],
           [0.841, 0.54 ]])
    """
    words = sentence.split()
    unknown = [w for w in words if w not in embeddings]
    if unknown:
        raise ValueError(f"no embedding for {unknown}; the vocabulary is {sorted(embeddings)}")
    X = np.stack([embeddings[w] for w in words])
    return X + sinusoidal_encoding(*X.shape) if positions else X


# --8<-- [end:embed]


# --8<-- [start:pooled_gap]
def pooled_gap(sentence_1: str, sentence_2: str, embeddings, weights, positions: bool) -> np.ndarray:
    """How far apart a classifier's view of two sentences is, per weight setting.

    For each ``(W_q, W_k, W_v)`` in ``weights`` (shape ``(n_settings, 3, d, d)``)
    returns ``max_c |h(s1)_c - h(s2)_c|`` over the coordinates ``c``, ``h`` the mean-pooled
    self-attention vector. Zero means no classifier on top of ``h`` can
    tell the sentences apart.

    >>> e = word_embeddings(["dog", "bites", "man"], 4)
    >>> W = np.ones((1, 3, 4, 4))
    >>> pooled_gap("dog bites man", "man bites dog", e, W, positions=False) < 1e-12
    array([ True])
    """
    weights = np.asarray(weights, dtype=float)
    d = len(next(iter(embeddings.values())))
    if weights.ndim != 4 or weights.shape[1:] != (3, d, d):
        raise ValueError(f"weights must have shape (n_settings, 3, {d}, {d}); got {weights.shape}")
    X1, X2 = embed(sentence_1, embeddings, positions), embed(sentence_2, embeddings, positions)
    return np.array(
        [np.abs(mean_pooled_self_attention(X1, *W) - mean_pooled_self_attention(X2, *W)).max() for W in weights]
    )


# --8<-- [end:pooled_gap]
