"""Training the heads is reproducible, quick, and generalises to sequences held out of training."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snippets.hw3_tasks import all_sequences, encode, get_task, target
from snippets.learned_heads import MODEL_SIZES, accuracy, learned_head, read_log, split_sequences, train_loop
from snippets.sharpness import smallest_gap
from snippets.transformer import PytorchTransformer, numpy_head

TRAIN_SECONDS = 15  # the budget per head; about 5 s on a 2-core laptop


@pytest.mark.parametrize("task", ["content", "position"])
def test_the_books_head_is_right_on_held_out_sequences(task):
    model, losses, lines = learned_head(task)  # trained once per test run, shared with the pages
    _, held_out = split_sequences(task)
    assert accuracy(model, held_out, task) >= 0.95
    assert losses[-1000:].mean() < losses[:1000].mean() / 20
    assert len(losses) == 10_000 and len(lines) == 10 and lines[0].startswith("step   1000: mean loss")
    seconds = float(lines[-1].rsplit("(", 1)[1].removesuffix(" s)"))
    assert seconds < TRAIN_SECONDS, f"training {task} took {seconds:.1f} s"
    print(f"{task}: {seconds:.1f} s, held-out accuracy {accuracy(model, held_out, task):.3f}")


@pytest.mark.parametrize("task", ["content", "position"])
def test_the_log_records_the_loss_and_the_gap(task):
    model, losses, lines = learned_head(task)
    rows = read_log(lines)
    np.testing.assert_array_equal(rows[:, 0], np.arange(1, 11) * 1000)
    np.testing.assert_allclose(rows[:, 1], losses.reshape(10, 1000).mean(axis=1), rtol=1e-3)
    assert rows[-1, 2] == pytest.approx(smallest_gap(numpy_head(model), task), abs=1e-3)
    with pytest.raises(ValueError, match="not a line of train_loop's log"):
        read_log(["step 1000: mean loss 0.1"])


def test_training_is_reproducible_with_a_seed():
    a, losses_a = train_loop("position", steps=300, seed=3, log=None)
    b, losses_b = train_loop("position", steps=300, seed=3, log=None)
    c, losses_c = train_loop("position", steps=300, seed=4, log=None)
    np.testing.assert_array_equal(losses_a, losses_b)
    for pa, pb in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(pa, pb, rtol=0, atol=0)
    assert not np.array_equal(losses_a, losses_c)


def test_the_step_is_the_one_torch_optim_sgd_takes_bit_for_bit():
    """train_loop writes the SGD step out; the same run with torch.optim.SGD taking each step ends
    with the same weights and losses, bit for bit (the sampling as the docstring describes it)."""
    task, steps, lr, seed = get_task("position"), 300, 3e-2, 0
    model, losses = train_loop(task.name, steps=steps, lr=lr, seed=seed, log=None)

    with torch.random.fork_rng():
        torch.manual_seed(seed)
        reference = PytorchTransformer(**MODEL_SIZES[task.name])
    optimizer = torch.optim.SGD(reference.parameters(), lr=lr)
    train, _ = split_sequences(task, seed=seed)
    rng = np.random.default_rng(seed)
    lengths, picks = rng.integers(task.lengths.start, task.lengths.stop, size=steps), rng.random(steps)
    reference_losses = []
    for n, u in zip(lengths, picks):
        pool = [s for s in train if len(s) == n]
        s = pool[int(u * len(pool))]
        x, y = (torch.tensor(a, dtype=torch.float32) for a in (encode(s, task), target(s, task)))
        loss = torch.nn.functional.mse_loss(reference(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        reference_losses.append(loss.item())
    np.testing.assert_array_equal(losses, reference_losses)
    for mine, theirs in zip(model.parameters(), reference.parameters()):
        torch.testing.assert_close(mine, theirs, rtol=0, atol=0)


def test_training_leaves_global_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    threads = torch.get_num_threads()
    torch.manual_seed(123)
    train_loop("content", steps=10, log=None)
    np.testing.assert_array_equal(torch.rand(3).numpy(), expected.numpy())
    assert torch.get_num_threads() == threads


def test_split_holds_out_a_fifth_of_each_length_and_covers_everything():
    train, held_out = split_sequences("content")
    assert not set(train) & set(held_out)
    assert sorted(train + held_out) == sorted(all_sequences("content"))
    for n in range(2, 7):
        total = 3**n
        assert sum(len(s) == n for s in held_out) == int(0.2 * total)
    with pytest.raises(ValueError, match="held_out_fraction"):
        split_sequences("content", held_out_fraction=1.0)


def test_bad_requests_are_named():
    with pytest.raises(ValueError, match="train_loop learns the tasks"):
        train_loop("unique", steps=1, log=None)
    with pytest.raises(ValueError, match="at least one sequence"):
        accuracy(train_loop("content", steps=1, log=None)[0], [], "content")
