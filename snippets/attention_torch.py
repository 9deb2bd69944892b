"""The same attention in PyTorch, so autograd can show where gradients flow.

Shapes as in :mod:`snippets.attention`: keys ``(n, d)``, values ``(n, d_v)``,
one query ``(d,)``.
"""

from __future__ import annotations

import torch


def _check_attention(keys: torch.Tensor, values: torch.Tensor, query: torch.Tensor) -> None:
    """Raise ValueError, naming the shapes, unless keys are (n, d), values (n, d_v), query (d,)."""
    if keys.ndim != 2 or values.ndim != 2 or query.ndim != 1:
        raise ValueError(
            "expected keys (n, d), values (n, d_v) and one query (d,); "
            f"got {tuple(keys.shape)}, {tuple(values.shape)} and {tuple(query.shape)}"
        )
    if keys.shape[0] != values.shape[0]:
        raise ValueError(f"one value per key; got keys {tuple(keys.shape)} and values {tuple(values.shape)}")
    if query.shape[0] != keys.shape[1]:
        raise ValueError(
            f"query must have the keys' width; got query {tuple(query.shape)} and keys {tuple(keys.shape)}"
        )


def _check_target(target: torch.Tensor, values: torch.Tensor) -> None:
    if target.shape != values.shape[1:]:
        raise ValueError(f"target must have the values' width {tuple(values.shape[1:])}; got {tuple(target.shape)}")


# --8<-- [start:softmax_attention]
def softmax_attention(keys, values, query, temperature: float = 1.0):
    """Softmax attention at ``temperature`` T: weights ``softmax(K q / (sqrt(d) T))`` on the values.

    ``keys``: ``(n, d)``, ``values``: ``(n, d_v)``, ``query``: ``(d,)``; returns ``(d_v,)``.

    >>> softmax_attention(torch.eye(2), torch.tensor([[10.0], [20.0]]), torch.zeros(2))
    tensor([15.])
    """
    _check_attention(keys, values, query)
    scores = keys @ query / keys.shape[1] ** 0.5  # (n,)
    return torch.softmax(scores / temperature, dim=0) @ values  # (d_v,)


# --8<-- [end:softmax_attention]


# --8<-- [start:argmax_attention]
def argmax_attention(keys, values, query):
    """Argmax attention: one-hot weights on the best-scoring key.

    ``argmax`` returns an index, and an index has no derivative: autograd
    records no path from the output back to ``query`` or ``keys``.

    >>> argmax_attention(torch.eye(2), torch.tensor([[10.0], [20.0]]), torch.tensor([0.0, 3.0]))
    tensor([20.])
    """
    _check_attention(keys, values, query)
    scores = keys @ query  # (n,)
    weights = torch.nn.functional.one_hot(scores.argmax(), keys.shape[0]).to(values.dtype)  # (n,), one-hot
    return weights @ values  # (d_v,)


# --8<-- [end:argmax_attention]


# --8<-- [start:straight_through_attention]
def straight_through_attention(keys, values, query):
    """Argmax forward, softmax backward (the straight-through estimator).

    The forward value equals :func:`argmax_attention`; the gradient is the
    softmax one, so queries and keys can still learn.

    >>> straight_through_attention(torch.eye(2), torch.tensor([[10.0], [20.0]]), torch.tensor([0.0, 3.0]))
    tensor([20.])
    """
    _check_attention(keys, values, query)
    soft = torch.softmax(keys @ query / keys.shape[1] ** 0.5, dim=0)  # (n,)
    hard = torch.nn.functional.one_hot(soft.argmax(), keys.shape[0]).to(soft.dtype)  # (n,), one-hot
    return (hard + soft - soft.detach()) @ values  # value of hard, gradient of soft


# --8<-- [end:straight_through_attention]


# --8<-- [start:gradients]
def gradients(attention, keys, values, query):
    """Gradients of ``sum(attention(keys, values, query))`` w.r.t. query, keys and values.

    A missing path counts as a zero gradient (``materialize_grads``).

    >>> g = gradients(argmax_attention, torch.eye(2), torch.ones(2, 1), torch.tensor([0.0, 3.0]))
    >>> [float(t.abs().sum()) for t in g]
    [0.0, 0.0, 1.0]
    """
    keys, values, query = (t.detach().clone().requires_grad_(True) for t in (keys, values, query))
    out = attention(keys, values, query).sum()
    if not out.requires_grad:  # no path at all: every gradient is zero
        return tuple(torch.zeros_like(t) for t in (query, keys, values))
    return torch.autograd.grad(out, (query, keys, values), allow_unused=True, materialize_grads=True)


# --8<-- [end:gradients]


# --8<-- [start:learn_query]
def learn_query(attention, keys, values, query, target, steps: int = 60, lr: float = 0.05):
    """Fit the query by gradient descent so that ``attention(...)`` approaches ``target``.

    Keys and values stay fixed; the loss is the squared error. Returns the
    loss before each step, as a list of floats.

    >>> losses = learn_query(argmax_attention, torch.eye(2), torch.tensor([[0.0], [1.0]]),
    ...                      torch.tensor([1.0, 0.0]), torch.tensor([1.0]), steps=3)
    >>> losses  # argmax: the query never moves
    [1.0, 1.0, 1.0]
    """
    _check_target(target, values)
    query = query.detach().clone().requires_grad_(True)
    losses = []
    for _ in range(steps):
        loss = ((attention(keys, values, query) - target) ** 2).sum()
        losses.append(float(loss.detach()))
        if loss.requires_grad:
            (grad,) = torch.autograd.grad(loss, query, allow_unused=True, materialize_grads=True)
            query = (query - lr * grad).detach().requires_grad_(True)
    return losses


# --8<-- [end:learn_query]
