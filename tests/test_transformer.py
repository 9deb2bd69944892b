"""The NumPy and PyTorch heads compute the same thing, match PyTorch's own attention, and stay finite."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snippets.transformer import NumpyTransformer, PytorchTransformer, numpy_head

INPUT_DIM = 5


def random_sizes(rng, with_pos):
    """A random head and sequence in the ranges the course's check used."""
    qk_dim, v_dim, seq_len = (int(n) for n in rng.integers(1, 5, size=3))
    pos_dim = int(rng.integers(1, 5)) if with_pos else None
    max_seq_len = 4
    width = INPUT_DIM + (pos_dim or 0)
    Km, Qm, Vm = rng.normal(size=(width, qk_dim)), rng.normal(size=(width, qk_dim)), rng.normal(size=(width, v_dim))
    pos = rng.normal(size=(max_seq_len, pos_dim)) if with_pos else None
    seq = rng.normal(size=(seq_len, INPUT_DIM))
    return (Km, Qm, Vm, pos), (qk_dim, v_dim, pos_dim, max_seq_len), seq


def copy_into_pytorch(Km, Qm, Vm, pos, sizes, dtype):
    """The course's check: copy NumPy matrices into the module by hand (nn.Linear stores W transposed)."""
    qk_dim, v_dim, pos_dim, max_seq_len = sizes
    model = PytorchTransformer(INPUT_DIM, qk_dim, v_dim, pos_dim, max_seq_len).to(dtype)
    with torch.no_grad():
        model.Km.weight.copy_(torch.tensor(Km.T))
        model.Qm.weight.copy_(torch.tensor(Qm.T))
        model.Vm.weight.copy_(torch.tensor(Vm.T))
        if pos is not None:
            model.pos.weight.copy_(torch.tensor(pos))
    return model


@pytest.mark.parametrize("with_pos", [False, True], ids=["no positions", "positions"])
@pytest.mark.parametrize("seed", range(25))
def test_numpy_and_pytorch_agree_for_random_sizes(seed, with_pos):
    rng = np.random.default_rng(seed)
    matrices, sizes, seq = random_sizes(rng, with_pos)
    numpy_model = NumpyTransformer(*matrices)
    expected, expected_weights = numpy_model.forward(seq, return_attention=True)
    for dtype, tol in [(torch.float64, 1e-12), (torch.float32, 1e-5)]:
        model = copy_into_pytorch(*matrices, sizes, dtype)
        out, weights = model(torch.tensor(seq, dtype=dtype), return_attention=True)
        np.testing.assert_allclose(out.detach().numpy(), expected, atol=tol, rtol=tol)
        np.testing.assert_allclose(weights.detach().numpy(), expected_weights, atol=tol, rtol=tol)
        np.testing.assert_allclose(model(torch.tensor(seq, dtype=dtype)).detach().numpy(), expected, atol=tol, rtol=tol)


@pytest.mark.parametrize("with_pos", [False, True], ids=["no positions", "positions"])
@pytest.mark.parametrize("seed", range(10))
def test_both_match_torch_scaled_dot_product_attention(seed, with_pos):
    rng = np.random.default_rng(100 + seed)
    matrices, sizes, seq = random_sizes(rng, with_pos)
    numpy_model = NumpyTransformer(*matrices)
    x = torch.tensor(numpy_model.inputs(seq))
    Km, Qm, Vm = (torch.tensor(m) for m in matrices[:3])
    reference = torch.nn.functional.scaled_dot_product_attention(x @ Qm, x @ Km, x @ Vm).numpy()
    np.testing.assert_allclose(numpy_model.forward(seq), reference, atol=1e-12)
    torch_model = copy_into_pytorch(*matrices, sizes, torch.float64)
    np.testing.assert_allclose(torch_model(torch.tensor(seq)).detach().numpy(), reference, atol=1e-12)


def test_conversions_round_trip():
    rng = np.random.default_rng(7)
    matrices, sizes, seq = random_sizes(rng, with_pos=True)
    numpy_model = NumpyTransformer(*matrices)
    torch_model = PytorchTransformer.from_numpy(numpy_model, dtype=torch.float64)
    back = numpy_head(torch_model)
    for name in ("Km", "Qm", "Vm", "pos"):
        np.testing.assert_array_equal(getattr(back, name), getattr(numpy_model, name))
    np.testing.assert_allclose(torch_model(torch.tensor(seq)).detach().numpy(), numpy_model.forward(seq), atol=1e-12)
    with pytest.raises(ValueError, match="NumpyTransformer or a PytorchTransformer"):
        numpy_head("a head")


def test_attention_is_returned_from_the_same_call():
    rng = np.random.default_rng(3)
    (Km, Qm, Vm, pos), _, seq = random_sizes(rng, with_pos=True)
    model = NumpyTransformer(Km, Qm, Vm, pos)
    out, weights = model.forward(seq, return_attention=True)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(out, weights @ model.inputs(seq) @ Vm)
    np.testing.assert_allclose(
        weights, np.exp(model.scores(seq)) / np.exp(model.scores(seq)).sum(axis=1, keepdims=True)
    )


def test_a_stack_of_sequences_gives_each_sequence_its_output():
    rng = np.random.default_rng(4)
    (Km, Qm, Vm, pos), _, _ = random_sizes(rng, with_pos=True)
    model = NumpyTransformer(Km, Qm, Vm, pos)
    stack = rng.normal(size=(6, 3, INPUT_DIM))
    out, weights = model.forward(stack, return_attention=True)
    for k in range(len(stack)):
        one, w = model.forward(stack[k], return_attention=True)
        np.testing.assert_allclose(out[k], one, atol=1e-14)
        np.testing.assert_allclose(weights[k], w, atol=1e-14)


@pytest.mark.parametrize("scale", [100.0, 500.0, 1e4])
def test_weights_in_the_hundreds_do_not_overflow(scale):
    """Scores of about scale^2: a softmax without the max subtracted would return nan."""
    Km = Qm = scale * np.eye(3)
    seq = np.eye(3)[[0, 1, 1, 2]]
    scores = NumpyTransformer(Km, Qm, np.eye(3)).scores(seq)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    assert np.isnan(naive).any(), "the naive softmax should overflow here"
    expected = np.array([[1.0, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]])
    np.testing.assert_allclose(NumpyTransformer(Km, Qm, np.eye(3)).forward(seq), expected, atol=1e-12)
    torch_model = PytorchTransformer.from_numpy(NumpyTransformer(Km, Qm, np.eye(3)))
    out = torch_model(torch.tensor(seq, dtype=torch.float32)).detach().numpy()
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_numpy_transformer_rejects_bad_inputs():
    model = NumpyTransformer(np.eye(5, 2), np.eye(5, 2), np.eye(5, 3), pos=np.eye(4, 2))  # input_dim 3, pos_dim 2
    with pytest.raises(ValueError, match=r"seq must have shape \(seq_len, 3\).*got \(2, 4\)"):
        model.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"5 tokens but pos has rows for at most 4"):
        model.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"at least one token; got shape \(0, 3\)"):
        model.forward(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"got \(3,\)"):
        model.forward(np.zeros(3))
    with pytest.raises(ValueError, match=r"equal shape.*Km \(5, 2\), Qm \(5, 3\)"):
        NumpyTransformer(np.eye(5, 2), np.eye(5, 3), np.eye(5, 3))
    with pytest.raises(ValueError, match=r"as many rows.*Vm \(4, 3\)"):
        NumpyTransformer(np.eye(5, 2), np.eye(5, 2), np.eye(4, 3))
    with pytest.raises(ValueError, match=r"pos must be \(max_seq_len, pos_dim\).*got pos \(4, 5\)"):
        NumpyTransformer(np.eye(5, 2), np.eye(5, 2), np.eye(5, 3), pos=np.eye(4, 5))


def test_pytorch_transformer_rejects_bad_inputs():
    model = PytorchTransformer(input_dim=3, qk_dim=2, v_dim=3, pos_dim=2, max_seq_len=4)
    with pytest.raises(ValueError, match=r"seq must have shape \(seq_len, 3\); got \(2, 5\)"):
        model(torch.zeros(2, 5))
    with pytest.raises(ValueError, match=r"5 tokens but pos has rows for at most 4"):
        model(torch.zeros(5, 3))
    with pytest.raises(ValueError, match=r"at least one token"):
        model(torch.zeros(0, 3))
    with pytest.raises(ValueError, match=r"seq must have shape \(seq_len, 3\); got \(1, 2, 3\)"):
        model(torch.zeros(1, 2, 3))
