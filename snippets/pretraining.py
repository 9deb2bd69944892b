"""Self-supervised pretraining: labels made from raw text, and a tiny model that learns from them.

The text is the opening of *Pride and Prejudice* (Jane Austen, 1813; public
domain), shipped as ``snippets/data/pride_and_prejudice_ch1.txt``. Three
objectives turn it into (input, target) pairs with no human labelling:
next-token prediction (GPT), masked-token prediction (BERT) and span
corruption (T5). A small neural language model (Bengio et al., 2003) then
learns next-character prediction from it.
"""

from __future__ import annotations

import math
import re
from importlib.resources import files

import numpy as np
import torch

from snippets.memo import computed_once

MASK = "[MASK]"


# --8<-- [start:load]
def load_passage(name: str = "pride_and_prejudice_ch1.txt") -> str:
    """The shipped passage, whitespace runs collapsed to single spaces.

    >>> load_passage()[:44]
    'It is a truth universally acknowledged, that'
    """
    return " ".join(files("snippets").joinpath("data", name).read_text(encoding="utf-8").split())


def word_tokens(text: str) -> list[str]:
    """Lower-case words (with inner hyphens and apostrophes) and punctuation marks, in order.

    >>> word_tokens('"My dear Mr. Bennet," said his lady')
    ['"', 'my', 'dear', 'mr', '.', 'bennet', ',', '"', 'said', 'his', 'lady']
    """
    return re.findall(r"[a-z]+(?:['-][a-z]+)*|[^\sa-z]", text.lower())


# --8<-- [end:load]


# --8<-- [start:next_token_pairs]
def next_token_pairs(tokens: list, context: int) -> list[tuple[tuple, object]]:
    """GPT's objective: every position is a question "what comes next?", answered by the text.

    Returns ``(previous `context` tokens, next token)`` for every position
    that has ``context`` tokens before it: ``len(tokens) - context`` pairs.

    >>> next_token_pairs(["a", "single", "man"], context=1)
    [(('a',), 'single'), (('single',), 'man')]
    """
    if context < 1:
        raise ValueError(f"context must be at least 1 token; got {context}")
    return [(tuple(tokens[i - context : i]), tokens[i]) for i in range(context, len(tokens))]


# --8<-- [end:next_token_pairs]


# --8<-- [start:masked_token_pairs]
def masked_token_pairs(tokens: list[str], rate: float = 0.15, seed: int = 0):
    """BERT's objective: hide some tokens; the hidden tokens are the labels.

    Returns ``(masked, targets)``: the tokens with a random ``rate`` of them
    replaced by ``[MASK]`` (at least one), and ``{position: original token}``.
    The model sees both sides of every gap. (BERT itself replaces 80% of the
    chosen tokens by ``[MASK]``, 10% by a random token and leaves 10%, so
    that the model cannot rely on seeing ``[MASK]``.)

    >>> masked_token_pairs("it is a truth".split(), rate=0.25)
    (['it', 'is', 'a', '[MASK]'], {3: 'truth'})
    """
    if not 0 < rate < 1:
        raise ValueError(f"rate must be between 0 and 1; got {rate}")
    rng = np.random.default_rng(seed)
    n_masked = max(1, round(rate * len(tokens)))
    positions = sorted(rng.choice(len(tokens), size=n_masked, replace=False).tolist())
    masked = [MASK if i in positions else t for i, t in enumerate(tokens)]
    return masked, {i: tokens[i] for i in positions}


# --8<-- [end:masked_token_pairs]


# --8<-- [start:span_corruption]
def span_corruption(tokens: list[str], spans: list[tuple[int, int]]):
    """T5's objective: drop spans, mark each gap with a sentinel; the target lists the dropped spans.

    ``spans`` are ``(start, length)`` pairs, sorted and not overlapping.
    Returns ``(input tokens, target tokens)``.

    >>> span_corruption("it is a truth universally acknowledged".split(), [(1, 2), (4, 1)])
    (['it', '<X>', 'truth', '<Y>', 'acknowledged'], ['<X>', 'is', 'a', '<Y>', 'universally', '<Z>'])
    """
    sentinels = [f"<{c}>" for c in "XYZUVW"]
    if len(spans) >= len(sentinels):
        raise ValueError(f"at most {len(sentinels) - 1} spans; got {len(spans)}")
    source, target, cursor = [], [], 0
    for sentinel, (start, length) in zip(sentinels, spans):
        if start < cursor or length < 1 or start + length > len(tokens):
            raise ValueError(f"spans must be sorted, non-empty, disjoint and inside {len(tokens)} tokens; got {spans}")
        source += tokens[cursor:start] + [sentinel]
        target += [sentinel] + tokens[start : start + length]
        cursor = start + length
    return source + tokens[cursor:], target + [sentinels[len(spans)]]


# --8<-- [end:span_corruption]


# --8<-- [start:model]
def character_ids(text: str) -> tuple[np.ndarray, list[str]]:
    """The text as integer ids, and the sorted alphabet the ids index.

    >>> character_ids("abca")
    (array([0, 1, 2, 0]), ['a', 'b', 'c'])
    """
    alphabet = sorted(set(text))
    index = {c: i for i, c in enumerate(alphabet)}
    return np.array([index[c] for c in text]), alphabet


class NextTokenMLP(torch.nn.Module):
    """Embed the previous ``context`` tokens, concatenate, one hidden layer, logits over the vocabulary."""

    def __init__(self, vocab_size: int, context: int, width: int = 8, hidden: int = 64):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab_size, width)
        self.hidden = torch.nn.Linear(context * width, hidden)
        self.out = torch.nn.Linear(hidden, vocab_size)

    def forward(self, contexts: torch.Tensor) -> torch.Tensor:  # (N, context) ids -> (N, vocab) logits
        return self.out(torch.tanh(self.hidden(self.embed(contexts).flatten(1))))


# --8<-- [end:model]


@computed_once  # trained once, shared by the page, the build and the tests (snippets/memo.py)
# --8<-- [start:train]
def train_next_token_model(
    ids, vocab_size: int, context: int = 3, steps: int = 400, held_out: float = 0.1, lr: float = 0.6, seed: int = 0
) -> dict:
    """Train :class:`NextTokenMLP` on the next-token pairs of ``ids``; return its learning curves.

    The last ``held_out`` fraction of the pairs is never trained on; the
    loss there shows what the model learned beyond memorising. Plain
    full-batch gradient descent on the cross-entropy (in nats), the update
    written out. Returns a dict: ``model``; ``train`` and
    ``held_out``, one loss per step (before each update, then after the
    last); ``uniform`` = ``log(vocab_size)``, the loss of a uniform guess;
    ``held_out_start``, the index in ``ids`` of the first held-out target.

    >>> curves = train_next_token_model(np.arange(40) % 4, vocab_size=4, context=2, steps=30)
    >>> curves["train"][0] > 1.0 > 0.1 > curves["train"][-1]  # from about log 4 to the cycle
    True
    """
    ids = np.asarray(ids)
    if ids.ndim != 1 or len(ids) <= context + 1:
        raise ValueError(f"ids must be 1-D and longer than context + 1 = {context + 1}; got shape {ids.shape}")
    torch.manual_seed(seed)
    pairs = torch.tensor([[*c, t] for c, t in next_token_pairs(ids.tolist(), context)])
    split = int(round(len(pairs) * (1 - held_out)))
    x_train, y_train = pairs[:split, :-1], pairs[:split, -1]
    x_test, y_test = pairs[split:, :-1], pairs[split:, -1]
    model = NextTokenMLP(vocab_size, context)
    loss = torch.nn.functional.cross_entropy
    train, test = [], []
    for step in range(steps + 1):
        with torch.no_grad():
            test.append(loss(model(x_test), y_test).item() if len(y_test) else float("nan"))
        batch_loss = loss(model(x_train), y_train)
        train.append(batch_loss.item())
        if step < steps:
            model.zero_grad()
            batch_loss.backward()
            with torch.no_grad():
                for weight in model.parameters():
                    weight -= lr * weight.grad
    return {
        "model": model,
        "train": train,
        "held_out": test,
        "uniform": math.log(vocab_size),
        "held_out_start": context + split,
    }


# --8<-- [end:train]


# --8<-- [start:unigram_loss]
def unigram_loss(train_ids, test_ids, vocab_size: int) -> float:
    """Cross-entropy (nats) on ``test_ids`` of character frequencies counted on ``train_ids``.

    The best a model can do that ignores context. Add-one smoothing keeps
    unseen characters at a finite loss.

    >>> round(unigram_loss([0, 0, 1], [0], vocab_size=2), 4)  # p(0) = 3/5
    0.5108
    """
    counts = np.bincount(np.asarray(train_ids), minlength=vocab_size) + 1.0
    p = counts / counts.sum()
    return float(-np.log(p[np.asarray(test_ids)]).mean())


# --8<-- [end:unigram_loss]
