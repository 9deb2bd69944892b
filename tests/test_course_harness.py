"""The course's own cells run on the book's classes unchanged.

The course's notebook checks a student's transformer with cells written
against its own calling conventions: ``forward(seq, verbose=False)``,
``forward(seq, verbose=False, plot=True)``, ``PytorchTransformer`` built
positionally with weights copied in by hand, and ``train_loop(make_batch,
input_dim, qk_dim, v_dim, pos_dim=None, max_seq_len=None, remove_cls=False,
num_epochs=10001, lr=3e-2)`` returning ``(transformer, final_loss)``. The
checks below are those cells, as the course wrote them, run on the book's
``snippets``.
"""

from __future__ import annotations

import inspect

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from snippets.learned_heads import train_loop, train_on_batches
from snippets.transformer import NumpyTransformer, PytorchTransformer


@pytest.mark.parametrize("trial", range(20))
def test_the_course_equivalence_check(trial):
    """Random sizes; positions concatenated, so the sequence is the input width minus the position width."""
    np.random.seed(trial)
    input_dim = 5
    qk_dim, v_dim = np.random.randint(1, 5, size=2)
    seq_len = np.random.randint(1, 5)
    max_seq_len = 4
    for pos_dim in (None, np.random.randint(1, 5)):
        Km = np.random.randn(input_dim, qk_dim)
        Qm = np.random.randn(input_dim, qk_dim)
        Vm = np.random.randn(input_dim, v_dim)
        if pos_dim is None:
            pos = None
            seq = np.random.randn(seq_len, input_dim)
        else:
            pos = np.random.randn(max_seq_len, pos_dim)
            seq = np.random.randn(seq_len, input_dim - pos_dim)
        out_np = NumpyTransformer(Km, Qm, Vm, pos).forward(seq, verbose=False)

        transformer = PytorchTransformer(input_dim - (pos_dim or 0), qk_dim, v_dim, pos_dim, max_seq_len)
        transformer.Km.weight.data = torch.FloatTensor(Km).T  # nn.Linear keeps its weight transposed
        transformer.Qm.weight.data = torch.FloatTensor(Qm).T
        transformer.Vm.weight.data = torch.FloatTensor(Vm).T
        if pos_dim is not None:
            transformer.pos.weight.data = torch.FloatTensor(pos)
        else:
            assert transformer.pos is None
        out_torch = transformer(torch.FloatTensor(seq)).detach().numpy()
        assert np.allclose(out_np, out_torch, atol=1e-5), f"pos_dim {pos_dim}: {np.abs(out_np - out_torch).max()}"


def test_the_course_grading_cell():
    transformer = PytorchTransformer(7, 4, 3, 2, 9)
    out = transformer(torch.randn(8, 7))
    assert out.shape == (8, 3)


def test_verbose_prints_every_step(capsys):
    model = NumpyTransformer(np.eye(3), 2 * np.eye(3), np.eye(3))
    seq = np.eye(3)[[0, 1, 1]]
    out = model.forward(seq, verbose=True)
    printed = capsys.readouterr().out
    for label in (
        "K (seq_len, qk_dim)",
        "Q (seq_len, qk_dim)",
        "V (seq_len, v_dim)",
        "scores = Q K^T / sqrt(qk_dim)",
        "attention = softmax",
        "output = attention V",
    ):
        assert label in printed, f"verbose does not print {label!r}"
    assert np.array_equal(out, model.forward(seq)), "verbose changes nothing but the printing"
    model.forward(seq, verbose=False)
    assert capsys.readouterr().out == ""


def test_plot_draws_each_panel_at_true_scale_with_a_colorbar():
    model = NumpyTransformer(np.eye(3), 40 * np.eye(3), np.eye(3))
    seq = np.eye(3)[[0, 1, 1]]
    before = set(plt.get_fignums())
    out = model.forward(seq, verbose=False, plot=True)
    figures = [plt.figure(n) for n in set(plt.get_fignums()) - before]
    assert len(figures) == 1 and np.array_equal(out, model.forward(seq))
    images = {ax.get_title().split()[0]: ax.images[0] for ax in figures[0].axes if ax.images}
    assert set(images) == {"inputs", "K", "Q", "V", "scores", "attention", "output"}
    assert len(figures[0].axes) == 2 * len(images), "one colorbar per panel"
    assert images["attention"].get_clim() == (0.0, 1.0)
    low, high = images["Q"].get_clim()
    assert high == -low == pytest.approx(40.0), "Q drawn at its true scale, 0 in the middle"
    plt.close(figures[0])


def test_forward_keeps_the_course_argument_order():
    names = list(inspect.signature(NumpyTransformer.forward).parameters)
    assert names[:4] == ["self", "seq", "verbose", "plot"], names


def test_train_loop_takes_the_course_form():
    defaults = {k: p.default for k, p in inspect.signature(train_on_batches).parameters.items()}
    assert {k: defaults[k] for k in ("pos_dim", "max_seq_len", "remove_cls", "num_epochs", "lr")} == dict(
        pos_dim=None, max_seq_len=None, remove_cls=False, num_epochs=10001, lr=3e-2
    )
    torch.manual_seed(0)

    def make_batch():  # select by content: the identity map
        seq = torch.eye(3)[torch.randint(0, 3, (int(torch.randint(1, 7, ())),))]
        return seq, seq

    transformer, final_loss = train_loop(make_batch, 3, 3, 3, num_epochs=400, log=None)
    assert isinstance(transformer, PytorchTransformer) and isinstance(final_loss, float)

    def make_cls_batch():  # a CLS row first, its output dropped before the loss
        tokens = torch.randint(0, 3, (4,))
        seq = torch.cat([torch.tensor([[0.0, 0.0, 0.0, 1.0]]), torch.eye(4)[tokens]])
        return seq, torch.ones(4, 1)

    transformer, final_loss = train_loop(
        make_cls_batch, 4, 8, 1, pos_dim=4, max_seq_len=7, remove_cls=True, num_epochs=5, log=None
    )
    assert transformer.pos.weight.shape == (7, 4) and final_loss >= 0
    with pytest.raises(ValueError, match=r"target must have the output's shape \(5, 1\)"):
        train_loop(make_cls_batch, 4, 8, 1, num_epochs=1, log=None)


def test_train_loop_keeps_the_book_form():
    model, losses = train_loop("content", steps=20, log=None)
    assert isinstance(model, PytorchTransformer) and losses.shape == (20,)
    assert "def train_loop(task" in inspect.getsource(train_loop), "the listing the book shows is its own form"
