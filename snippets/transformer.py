"""A one-layer, one-head transformer from scratch, in NumPy and in PyTorch.

The model is deliberately tiny: no residual connection, no normalisation, no
MLP, no masking. A sequence ``seq`` of shape ``(seq_len,
input_dim)`` (one token per row) optionally gets its positions concatenated,
``x_i -> [x_i, pos_i]``, and then

    K = X Km,   Q = X Qm,   V = X Vm,   out = softmax(Q K^T / sqrt(qk_dim)) V,

the softmax running over the keys (along each row). ``Km`` and ``Qm`` have
shape ``(input_dim + pos_dim, qk_dim)``, ``Vm`` has shape ``(input_dim +
pos_dim, v_dim)`` and ``pos`` has shape ``(max_seq_len, pos_dim)``.

The course's notebook calls ``NumpyTransformer.forward(seq, verbose=False,
plot=False)``: ``verbose`` prints the intermediate K, Q, V, scores, attention
and output, ``plot`` draws them. ``forward`` takes both (:func:`show_steps`
does the printing and drawing), so the course's cells run on these classes
unchanged; the listing the book shows is the formula alone.

Both versions compute every query at once and use a softmax that subtracts
the row maximum, so hand-set weights in the hundreds cannot overflow. (The
NumPy one also takes a stack of equally long sequences, to check a head on
every input at once.) ``_check_head`` and ``_check_sequence`` check inputs
once, naming the shapes; the classes are the formulas.
"""

from __future__ import annotations

import functools
import inspect
import math

import numpy as np
import torch
from torch import nn

from snippets.attention import softmax


def _check_head(Km, Qm, Vm, pos):
    """``(Km, Qm, Vm, pos)`` as float arrays, or a ValueError naming expected and received shapes."""
    Km, Qm, Vm = (np.asarray(m, dtype=float) for m in (Km, Qm, Vm))
    pos = None if pos is None else np.asarray(pos, dtype=float)
    shapes = f"Km {Km.shape}, Qm {Qm.shape}, Vm {Vm.shape}"
    if Km.ndim != 2 or Qm.shape != Km.shape or Vm.ndim != 2:
        raise ValueError(f"Km and Qm must be 2-D and of equal shape, Vm 2-D; got {shapes}")
    if Vm.shape[0] != Km.shape[0]:
        raise ValueError(f"Km, Qm and Vm must have as many rows as each other; got {shapes}")
    if pos is not None and (pos.ndim != 2 or pos.shape[-1] >= Km.shape[0]):
        raise ValueError(
            f"pos must be (max_seq_len, pos_dim) with pos_dim < {Km.shape[0]} (the rows of Km); got pos {pos.shape}"
        )
    return Km, Qm, Vm, pos


def _check_sequence(model, seq_shape: tuple) -> None:
    """Raise ValueError unless a sequence of this shape fits ``model`` (NumPy: also a stack of them)."""
    batched = isinstance(model, NumpyTransformer)
    input_dim = model.input_dim
    max_seq_len = None if model.pos is None else (len(model.pos) if batched else model.max_seq_len)
    expected = f"(seq_len, {input_dim})" + (f" or (batch, seq_len, {input_dim})" if batched else "")
    if len(seq_shape) not in ((2, 3) if batched else (2,)) or seq_shape[-1] != input_dim:
        raise ValueError(f"seq must have shape {expected}; got {tuple(seq_shape)}")
    if seq_shape[-2] == 0:
        raise ValueError(f"seq must hold at least one token; got shape {tuple(seq_shape)}")
    if max_seq_len is not None and seq_shape[-2] > max_seq_len:
        raise ValueError(
            f"seq has {seq_shape[-2]} tokens but pos has rows for at most {max_seq_len}; got shape {tuple(seq_shape)}"
        )


def _with_course_options(forward):
    """``forward`` that also takes the course's ``verbose`` and ``plot`` flags, second and third as the course has them.

    ``inspect.getsource`` still shows the book's ``forward``; ``help`` shows the full signature.
    """

    @functools.wraps(forward)
    def forward_with_options(self, seq, verbose: bool = False, plot: bool = False, return_attention: bool = False):
        out, weights = forward(self, seq, return_attention=True)
        if verbose or plot:
            show_steps(self, seq, verbose=verbose, plot=plot)
        return (out, weights) if return_attention else out

    forward_with_options.__signature__ = inspect.signature(forward_with_options, follow_wrapped=False)
    return forward_with_options


# --8<-- [start:NumpyTransformer]
class NumpyTransformer:
    """One attention head: ``softmax(Q K^T / sqrt(qk_dim)) V`` on ``[seq, pos]``.

    ``Km``, ``Qm``: ``(input_dim + pos_dim, qk_dim)``; ``Vm``: ``(input_dim +
    pos_dim, v_dim)``; ``pos``: ``(max_seq_len, pos_dim)`` or ``None``.

    >>> model = NumpyTransformer(Km=np.eye(2), Qm=np.zeros((2, 2)), Vm=np.eye(2))
    >>> model.forward(np.eye(2))  # zero queries: uniform weights
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """

    def __init__(self, Km, Qm, Vm, pos=None):
        self.Km, self.Qm, self.Vm, self.pos = _check_head(Km, Qm, Vm, pos)  # as float arrays
        self.input_dim = self.Km.shape[0] - (0 if self.pos is None else self.pos.shape[1])
        self.qk_dim = self.Km.shape[1]

    def inputs(self, seq) -> np.ndarray:
        """``[x_i, pos_i]`` for each token ``x_i`` of ``seq``: ``(..., seq_len, input_dim + pos_dim)``."""
        seq = np.asarray(seq, dtype=float)  # (..., seq_len, input_dim)
        _check_sequence(self, seq.shape)
        if self.pos is None:
            return seq
        pos = np.broadcast_to(self.pos[: seq.shape[-2]], (*seq.shape[:-1], self.pos.shape[1]))  # pos_i for token i
        return np.concatenate([seq, pos], axis=-1)

    def scores(self, seq) -> np.ndarray:
        """``Q K^T / sqrt(qk_dim)``: row ``i`` scores every key for query ``i``; ``(..., seq_len, seq_len)``."""
        return self._scores(self.inputs(seq))

    def _scores(self, x: np.ndarray) -> np.ndarray:
        K, Q = x @ self.Km, x @ self.Qm  # (..., seq_len, qk_dim)
        return Q @ np.swapaxes(K, -1, -2) / math.sqrt(self.qk_dim)  # (..., seq_len, seq_len)

    def forward(self, seq, return_attention: bool = False):
        """Output ``(seq_len, v_dim)``; with ``return_attention`` also the weights ``(seq_len, seq_len)``.

        ``seq`` is one sequence ``(seq_len, input_dim)`` or a stack of equally
        long ones ``(batch, seq_len, input_dim)`` (outputs gain the same axis).
        """
        x = self.inputs(seq)  # (..., seq_len, input_dim + pos_dim)
        weights = softmax(self._scores(x), axis=-1)  # (..., seq_len, seq_len); row i: query i over the keys
        out = weights @ (x @ self.Vm)  # weights @ V: (..., seq_len, v_dim)
        return (out, weights) if return_attention else out

    # --8<-- [end:NumpyTransformer]

    forward = _with_course_options(forward)

    @classmethod
    def from_pytorch(cls, model: PytorchTransformer) -> NumpyTransformer:
        """The same head as a NumpyTransformer (linear weights transposed back, float64).

        >>> torch.manual_seed(0) is not None
        True
        >>> m = PytorchTransformer(3, 2, 3)
        >>> np.allclose(NumpyTransformer.from_pytorch(m).Km, m.Km.weight.detach().numpy().T)
        True
        """

        def as_numpy(t):
            return t.detach().to(torch.float64).numpy()

        pos = None if model.pos is None else as_numpy(model.pos.weight)
        return cls(as_numpy(model.Km.weight).T, as_numpy(model.Qm.weight).T, as_numpy(model.Vm.weight).T, pos)


# --8<-- [start:PytorchTransformer]
class PytorchTransformer(nn.Module):
    """The same head as an ``nn.Module``, so its weights can be learned.

    ``Km``, ``Qm``, ``Vm`` are bias-free ``nn.Linear`` layers (PyTorch stores
    their weights transposed: ``Km.weight`` is the NumPy ``Km.T``) and ``pos``
    is an ``nn.Embedding(max_seq_len, pos_dim)`` (``None`` without positions).

    >>> model = PytorchTransformer(input_dim=3, qk_dim=2, v_dim=3, pos_dim=4)
    >>> model(torch.eye(3)).shape
    torch.Size([3, 3])
    """

    def __init__(self, input_dim: int, qk_dim: int, v_dim: int, pos_dim: int | None = None, max_seq_len: int = 10):
        super().__init__()
        width = input_dim + (pos_dim or 0)
        self.input_dim, self.qk_dim, self.max_seq_len = input_dim, qk_dim, max_seq_len
        self.Km = nn.Linear(width, qk_dim, bias=False)
        self.Qm = nn.Linear(width, qk_dim, bias=False)
        self.Vm = nn.Linear(width, v_dim, bias=False)
        self.pos = nn.Embedding(max_seq_len, pos_dim) if pos_dim else None

    def forward(self, seq: torch.Tensor, return_attention: bool = False):
        """Output ``(seq_len, v_dim)``; with ``return_attention`` also the weights ``(seq_len, seq_len)``."""
        _check_sequence(self, tuple(seq.shape))
        x = seq if self.pos is None else torch.cat([seq, self.pos.weight[: len(seq)]], dim=1)  # [x_i, pos_i]
        K, Q, V = self.Km(x), self.Qm(x), self.Vm(x)  # (seq_len, qk_dim), (seq_len, qk_dim), (seq_len, v_dim)
        weights = torch.softmax(Q @ K.T / math.sqrt(self.qk_dim), dim=-1)  # subtracts the row max
        out = weights @ V  # (seq_len, v_dim)
        return (out, weights) if return_attention else out

    # --8<-- [end:PytorchTransformer]

    @classmethod
    def from_numpy(cls, model: NumpyTransformer, dtype=torch.float32) -> PytorchTransformer:
        """A PytorchTransformer holding a NumpyTransformer's matrices (transposed into the layers).

        >>> hand = NumpyTransformer(np.eye(3), np.eye(3), np.eye(3))
        >>> torch_model = PytorchTransformer.from_numpy(hand, dtype=torch.float64)
        >>> bool(np.allclose(torch_model(torch.eye(3, dtype=torch.float64)).detach().numpy(), hand.forward(np.eye(3))))
        True
        """
        pos_dim = None if model.pos is None else model.pos.shape[1]
        max_seq_len = 10 if model.pos is None else model.pos.shape[0]
        out = cls(model.input_dim, model.qk_dim, model.Vm.shape[1], pos_dim, max_seq_len).to(dtype)
        with torch.no_grad():
            for name in ("Km", "Qm", "Vm"):
                getattr(out, name).weight.copy_(torch.as_tensor(getattr(model, name).T))
            if model.pos is not None:
                out.pos.weight.copy_(torch.as_tensor(model.pos))
        return out


def numpy_head(model) -> NumpyTransformer:
    """``model`` as a NumpyTransformer: a PytorchTransformer's weights are copied (float64).

    >>> hand = NumpyTransformer(np.eye(3), np.eye(3), np.eye(3))
    >>> numpy_head(hand) is hand, type(numpy_head(PytorchTransformer(3, 3, 3))).__name__
    (True, 'NumpyTransformer')
    """
    if isinstance(model, NumpyTransformer):
        return model
    if isinstance(model, PytorchTransformer):
        return NumpyTransformer.from_pytorch(model)
    raise ValueError(f"expected a NumpyTransformer or a PytorchTransformer; got {type(model).__name__}")


def steps(model: NumpyTransformer, seq) -> dict[str, np.ndarray]:
    """The intermediate matrices of ``model.forward(seq)``: inputs, K, Q, V, scores, attention, output.

    >>> sorted(steps(NumpyTransformer(np.eye(2), np.eye(2), np.eye(2)), np.eye(2)))
    ['K', 'Q', 'V', 'attention', 'inputs', 'output', 'scores']
    """
    x = model.inputs(seq)
    scores = model._scores(x)
    attention = softmax(scores, axis=-1)
    V = x @ model.Vm
    return {
        "inputs": x,
        "K": x @ model.Km,
        "Q": x @ model.Qm,
        "V": V,
        "scores": scores,
        "attention": attention,
        "output": attention @ V,
    }


def show_steps(model: NumpyTransformer, seq, verbose: bool = True, plot: bool = False):
    """Print (``verbose``) and draw (``plot``) the steps of ``model.forward(seq)``, as the course's flags ask.

    The drawing has one panel per matrix, each at its true scale with its
    own colorbar (signed ones centred on 0, attention from 0 to 1); in a
    notebook it is displayed, and it is returned either way.

    >>> show_steps(NumpyTransformer(np.eye(2), np.zeros((2, 2)), np.eye(2)), np.eye(2))
    K (seq_len, qk_dim) =
    [[1. 0.]
     [0. 1.]]
    ...
    attention = softmax of the scores over the keys (row i: query i) =
    [[0.5 0.5]
     [0.5 0.5]]
    ...
    """
    parts = steps(model, seq)
    if verbose:
        labels = {
            "K": "K (seq_len, qk_dim)",
            "Q": "Q (seq_len, qk_dim)",
            "V": "V (seq_len, v_dim)",
            "scores": "scores = Q K^T / sqrt(qk_dim)",
            "attention": "attention = softmax of the scores over the keys (row i: query i)",
            "output": "output = attention V",
        }
        for name, label in labels.items():
            print(f"{label} =\n{parts[name]}")
    if not plot:
        return None
    import matplotlib.pyplot as plt

    from snippets.plotting import heatmap

    names = ("inputs", "K", "Q", "V", "scores", "attention", "output")
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names), 2.8), squeeze=False)
    for ax, name in zip(axes[0], names):
        mat = np.atleast_2d(parts[name] if parts[name].ndim <= 2 else parts[name][0])
        if name == "attention":
            heatmap(ax, mat, title=name, vmin=0.0, vmax=1.0)
        else:
            limit = max(float(np.abs(mat).max()), 1e-12)
            heatmap(ax, mat, title=f"{name} {mat.shape}", cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_xlabel("key" if name in ("scores", "attention") else "column")
        ax.set_ylabel("query" if name in ("scores", "attention") else "token")
    fig.tight_layout()
    _display(fig)
    return fig


def _display(fig) -> None:
    """Show ``fig`` in a running notebook (whatever matplotlib's backend); elsewhere leave it to the caller."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is not None:
        from IPython.display import display

        display(fig)
