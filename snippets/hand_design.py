"""Attention heads designed by hand for the three tasks of HW3.

Each function returns a ready :class:`~snippets.transformer.NumpyTransformer`.
All three follow one recipe: make the score ``q_i . k_j / sqrt(qk_dim)`` of
every key the head wants exactly ``gap`` larger than the score of every key
it does not want, and let the values carry what should be copied. The softmax
then puts all but a fraction ``(n - 1) e^-gap`` of the weight on the wanted
keys (see :mod:`snippets.sharpness`, which shows ``LOGIT_GAP`` is enough).
"""

from __future__ import annotations

import math

import numpy as np

from snippets.transformer import NumpyTransformer

# --8<-- [start:constants]
# Score difference between a wanted and an unwanted key. The course's check
# (atol 1e-8 on zero targets) needs gap > ln(5e8) ~ 20.0 for 6 keys; 30 leaves
# at most 5 e^-30 ~ 5e-13 of the weight on unwanted keys.
LOGIT_GAP = 30.0
# Task (c): what CLS and an ordinary token put into the output. A token seen
# k times averages CLS with its k copies: (CLS_VALUE + k TOKEN_VALUE) / (k + 1),
# positive for k = 1 and negative for k >= 2 whenever -1 < TOKEN_VALUE < -1/2.
CLS_VALUE = 1.0
TOKEN_VALUE = -0.75
# --8<-- [end:constants]


# --8<-- [start:select_by_content]
def select_by_content(gap: float = LOGIT_GAP) -> NumpyTransformer:
    """Identity map ``[A,B,C,C] -> [A,B,C,C]``: each token attends to its own copies.

    Rows of every matrix are the input features A, B, C; qk_dim 3, v_dim 3.

    * ``Km = I``: the key of a token is its one-hot vector.
    * ``Qm = gap * sqrt(3) * I``: the query of a token is its one-hot vector,
      scaled so that after the ``1/sqrt(3)`` scale the score is ``gap`` for a
      key with the same token and 0 for any other.
    * ``Vm = I``: the value of a token is the token itself, and every copy of
      a token has the same value, so averaging over copies changes nothing.

    >>> select_by_content().forward([[1, 0, 0], [0, 0, 1], [0, 0, 1]]).round(12)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 0., 1.]])
    """
    qk_dim = 3
    Km = np.eye(3)
    Qm = gap * math.sqrt(qk_dim) * np.eye(3)
    Vm = np.eye(3)
    return NumpyTransformer(Km, Qm, Vm)


# --8<-- [end:select_by_content]


# --8<-- [start:select_by_position]
def select_by_position(gap: float = LOGIT_GAP) -> NumpyTransformer:
    """Copy the first token everywhere, ``[A,B,C,C] -> [A,A,A,A]``: every query attends to position 0.

    ``pos = I`` (4 x 4): position ``p`` is the one-hot vector ``e_p``, so
    each input row is ``[token (3), position (4)]``, 7 features: A, B, C, p0..p3.
    qk_dim 1 (sqrt(1) = 1, no rescaling), v_dim 3.

    * ``Km``: 1 in row p0, 0 elsewhere: a key is 1 at position 0 and 0 at
      every other position, whatever its token.
    * ``Qm``: ``gap`` in rows p0..p3, 0 in the token rows: every query is
      ``gap``, whatever its token or position. Score: ``gap`` for the key at
      position 0, 0 for all others.
    * ``Vm``: the identity on the token rows, 0 on the position rows: the
      value is the token, without its position.

    >>> select_by_position().forward([[0, 0, 1], [1, 0, 0], [0, 0, 1]]).round(12)
    array([[0., 0., 1.],
           [0., 0., 1.],
           [0., 0., 1.]])
    """
    tokens, positions = 3, 4
    pos = np.eye(positions)
    Km = np.zeros((tokens + positions, 1))
    Km[tokens + 0, 0] = 1.0
    Qm = np.zeros((tokens + positions, 1))
    Qm[tokens:, 0] = gap
    Vm = np.vstack([np.eye(tokens), np.zeros((positions, tokens))])
    return NumpyTransformer(Km, Qm, Vm, pos=pos)


# --8<-- [end:select_by_position]


# --8<-- [start:unique_tokens]
def unique_tokens(gap: float = LOGIT_GAP) -> NumpyTransformer:
    """Sign of the output: + at a token seen once, - at a repeated token; CLS comes first.

    Rows of every matrix are the features A, B, C, CLS. No positions: whether
    a token repeats does not depend on where it stands. qk_dim 4, v_dim 1.

    * ``Km = I``: the key of a token is its one-hot vector.
    * ``Qm``: row t (t = A, B, C) has ``gap * sqrt(4)`` in column t and in
      column CLS: token t scores ``gap`` on its own copies and on CLS, 0 on
      the other tokens. The CLS row is 0 (its output is ignored).
    * ``Vm``: ``TOKEN_VALUE`` for A, B, C and ``CLS_VALUE`` for CLS. A token
      seen k times averages CLS and its k copies:
      ``(CLS_VALUE + k TOKEN_VALUE) / (k + 1)``: 0.125 for k = 1, -1/6 for k = 2.

    >>> cls, a, b = [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]
    >>> unique_tokens().forward([cls, a, b, b])[1:].round(4)
    array([[ 0.125 ],
           [-0.1667],
           [-0.1667]])
    """
    qk_dim = 4
    cls = 3
    Km = np.eye(4)
    Qm = np.zeros((4, qk_dim))
    for t in range(3):
        Qm[t, t] = Qm[t, cls] = gap * math.sqrt(qk_dim)
    Vm = np.array([[TOKEN_VALUE], [TOKEN_VALUE], [TOKEN_VALUE], [CLS_VALUE]])
    return NumpyTransformer(Km, Qm, Vm)


# --8<-- [end:unique_tokens]


HAND_DESIGNED = {"content": select_by_content, "position": select_by_position, "unique": unique_tokens}
