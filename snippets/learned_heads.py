"""Learning the heads of HW3 by gradient descent, the way the course did.

``train_loop`` builds a fresh :class:`~snippets.transformer.PytorchTransformer`
for a task and trains it with plain SGD on the mean-squared error, one random
sequence per step. Part of every task's inputs is held out of training, so
``accuracy`` can be measured on sequences the head has never seen.

``train_loop`` also takes the course's form, ``train_loop(make_batch,
input_dim, qk_dim, v_dim, pos_dim=None, max_seq_len=None, remove_cls=False,
num_epochs=10001, lr=3e-2)`` returning ``(transformer, final_loss)``
(:func:`train_on_batches`), so the course's cells run on it unchanged.
"""

from __future__ import annotations

import functools
import re
import time
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import torch

from snippets.hw3_tasks import all_sequences, encode, get_task, target, verify_head
from snippets.memo import computed_once
from snippets.sharpness import smallest_gap
from snippets.transformer import PytorchTransformer, numpy_head

# --8<-- [start:sizes]
# The sizes the course suggests (the hand-designed heads use the same ones).
MODEL_SIZES = {
    "content": dict(input_dim=3, qk_dim=3, v_dim=3),
    "position": dict(input_dim=3, qk_dim=1, v_dim=3, pos_dim=4, max_seq_len=4),
}
# --8<-- [end:sizes]


def split_sequences(task, held_out_fraction: float = 0.2, seed: int = 0) -> tuple[list[str], list[str]]:
    """Every input of ``task`` split into (train, held_out), the same fraction held out of each length.

    >>> train, held_out = split_sequences("position")
    >>> len(train), len(held_out), sorted(set(map(len, held_out)))
    (98, 22, [2, 3, 4])
    """
    task = get_task(task)
    if not 0 <= held_out_fraction < 1:
        raise ValueError(f"held_out_fraction must be in [0, 1); got {held_out_fraction}")
    rng = np.random.default_rng(seed)
    train, held_out = [], []
    for n in task.lengths:
        same_length = [s for s in all_sequences(task) if len(s) == n]
        rng.shuffle(same_length)
        cut = int(held_out_fraction * len(same_length))
        held_out += same_length[:cut]
        train += same_length[cut:]
    return train, held_out


# --8<-- [start:train_loop]
def train_loop(task, steps: int = 10_000, lr: float = 3e-2, seed: int = 0, log_every: int = 1_000, log=print):
    """Train a fresh PytorchTransformer on ``task``; return ``(model, losses)``.

    Plain SGD with learning rate ``lr`` on the mean-squared error (the step
    ``torch.optim.SGD(model.parameters(), lr=lr)`` takes, written out), one random
    training sequence per step (a length uniform over the task's lengths,
    then a sequence of that length from the training split). ``losses`` has
    one entry per step; every ``log_every`` steps ``log`` gets a line with
    the mean loss since the last one and the head's smallest logit gap over
    every input of the task (:func:`~snippets.sharpness.smallest_gap`). The
    same ``seed`` gives the same model.

    >>> model, losses = train_loop("content", steps=200, log=None)
    >>> len(losses), bool(losses[-50:].mean() < losses[:50].mean())
    (200, True)
    """
    task = get_task(task)
    if task.name not in MODEL_SIZES:
        raise ValueError(f"train_loop learns the tasks {sorted(MODEL_SIZES)}; got {task.name!r}")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = PytorchTransformer(**MODEL_SIZES[task.name])
    train, _ = split_sequences(task, seed=seed)
    by_length = {n: [s for s in train if len(s) == n] for n in task.lengths}
    examples = {
        s: (torch.tensor(encode(s, task), dtype=torch.float32), torch.tensor(target(s, task), dtype=torch.float32))
        for s in train
    }
    rng = np.random.default_rng(seed)
    lengths = rng.integers(task.lengths.start, task.lengths.stop, size=steps)
    picks = rng.random(steps)
    losses = np.empty(steps)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # on matrices this small, extra threads cost more than they save
    start = time.perf_counter()
    try:
        for step, (n, u) in enumerate(zip(lengths, picks)):
            pool = by_length[n]
            x, y = examples[pool[int(u * len(pool))]]
            loss = torch.nn.functional.mse_loss(model(x), y)
            model.zero_grad()
            loss.backward()
            with torch.no_grad():  # one step of SGD: w <- w - lr * dL/dw
                for w in model.parameters():
                    w.add_(w.grad, alpha=-lr)
            losses[step] = loss.item()
            if log and (step + 1) % log_every == 0:
                log(
                    f"step {step + 1:>6}: mean loss {losses[step + 1 - log_every : step + 1].mean():.4g}, "
                    f"smallest gap {smallest_gap(numpy_head(model), task):.3f} ({time.perf_counter() - start:.1f} s)"
                )
    finally:
        torch.set_num_threads(threads)
    return model, losses


# --8<-- [end:train_loop]


def train_on_batches(
    make_batch,
    input_dim: int,
    qk_dim: int,
    v_dim: int,
    pos_dim: int | None = None,
    max_seq_len: int | None = None,
    remove_cls: bool = False,
    num_epochs: int = 10001,
    lr: float = 3e-2,
    log_every: int = 1_000,
    log=print,
):
    """The course's ``train_loop``: SGD on the mean-squared error, a ``make_batch()`` per step; ``(model, final_loss)``.

    ``make_batch()`` returns ``(seq, target)`` tensors; with ``remove_cls``
    the first output row (the CLS token's) is dropped before the loss.
    ``max_seq_len`` defaults to PytorchTransformer's. ``final_loss`` is the
    loss of the last step, a float; every ``log_every`` steps ``log`` gets it.

    >>> def make_batch():
    ...     seq = torch.eye(3)[torch.randint(0, 3, (4,))]
    ...     return seq, seq
    >>> model, final_loss = train_on_batches(make_batch, 3, 3, 3, num_epochs=50, log=None)
    >>> type(model).__name__, type(final_loss).__name__
    ('PytorchTransformer', 'float')
    """
    sizes = dict(pos_dim=pos_dim) if max_seq_len is None else dict(pos_dim=pos_dim, max_seq_len=max_seq_len)
    model = PytorchTransformer(input_dim, qk_dim, v_dim, **sizes)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss = None
    for epoch in range(num_epochs):
        seq, target_rows = make_batch()
        out = model(seq)
        if remove_cls:
            out = out[1:]
        if out.shape != target_rows.shape:
            raise ValueError(
                f"make_batch's target must have the output's shape {tuple(out.shape)}"
                f"{' (CLS row removed)' if remove_cls else ''}; got {tuple(target_rows.shape)}"
            )
        loss = torch.nn.functional.mse_loss(out, target_rows)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if log and epoch % log_every == 0:
            log(f"epoch {epoch:>6}: loss {loss.item():.4g}")
    if loss is None:
        raise ValueError(f"num_epochs must be at least 1; got {num_epochs}")
    return model, loss.item()


def _also_the_course_form(book_form):
    """``book_form`` (a task first), handing the course's call (a ``make_batch`` first) to :func:`train_on_batches`."""

    @functools.wraps(book_form)
    def train_loop(*args, **kwargs):
        first = args[0] if args else kwargs.get("make_batch", kwargs.get("task"))
        return (train_on_batches if callable(first) else book_form)(*args, **kwargs)

    return train_loop


train_loop = _also_the_course_form(train_loop)


LOG_LINE = re.compile(r"step\s+(\d+): mean loss ([\d.e+-]+), smallest gap ([\d.e+-]+)")


def read_log(lines) -> np.ndarray:
    """``train_loop``'s log lines read back as rows ``(step, mean loss, smallest gap)``.

    >>> read_log(["step   1000: mean loss 0.1621, smallest gap 0.074 (0.6 s)"]).tolist()
    [[1000.0, 0.1621, 0.074]]
    """
    rows = []
    for line in lines:
        match = LOG_LINE.match(line)
        if match is None:
            raise ValueError(f"not a line of train_loop's log: {line!r}")
        rows.append([float(g) for g in match.groups()])
    return np.array(rows)


# --8<-- [start:accuracy]
def accuracy(model, sequences, task="content") -> float:
    """Fraction of ``sequences`` on which every output row's largest entry is the target token.

    >>> from snippets.hand_design import select_by_content
    >>> accuracy(PytorchTransformer.from_numpy(select_by_content()), ["ABC", "CCA"])
    1.0
    """
    check = verify_head(numpy_head(model), task, sequences)
    return check.argmax_right / check.count


# --8<-- [end:accuracy]


# --8<-- [start:plot_losses]
def plot_losses(losses: dict, block: int = 50):
    """Training loss against step, log scale, one line per task: the mean of each ``block`` steps.

    ``losses`` maps a task name to the array ``train_loop`` returned; the
    shaded band spans the smallest to the largest loss within each block.
    """
    if not losses or any(len(v) < block for v in losses.values()):
        raise ValueError(
            f"need at least one loss curve of at least {block} steps; got lengths "
            f"{ {k: len(v) for k, v in losses.items()} }"
        )
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for (name, curve), color in zip(losses.items(), ["tab:blue", "tab:orange"]):
        blocks = np.asarray(curve)[: len(curve) // block * block].reshape(-1, block)
        steps = (np.arange(len(blocks)) + 1) * block
        ax.fill_between(steps, blocks.min(axis=1), blocks.max(axis=1), color=color, alpha=0.15, lw=0)
        ax.plot(steps, blocks.mean(axis=1), color=color, label=f"{get_task(name).title} (mean of {block} steps)")
    ax.set_yscale("log")
    ax.set_xlabel("training step (one random sequence each)")
    ax.set_ylabel("mean-squared error")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


# --8<-- [end:plot_losses]


class Training(NamedTuple):
    """A trained head with its loss curve and its log lines."""

    model: PytorchTransformer
    losses: np.ndarray
    log: list[str]


@computed_once
def learned_head(task, seed: int = 0) -> Training:
    """The head the book shows for ``task``: ``train_loop(task, seed=seed)``, trained once and shared.

    The pages, the notebook and the tests all ask for it; the first asker
    trains it, the others load the result (:mod:`snippets.memo`).
    """
    log: list[str] = []
    model, losses = train_loop(task, seed=seed, log=log.append)
    return Training(model, losses, log)
