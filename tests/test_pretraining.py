"""Part 2(e): labels made from raw text, and a tiny model that learns from them."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.pretraining import (
    MASK,
    character_ids,
    load_passage,
    masked_token_pairs,
    next_token_pairs,
    span_corruption,
    train_next_token_model,
    unigram_loss,
    word_tokens,
)


@pytest.fixture(scope="module")
def text():
    return load_passage()


def test_passage_is_shipped_and_a_few_hundred_words(text):
    assert text.startswith("It is a truth universally acknowledged")
    assert 300 <= len(text.split()) <= 1000
    assert "\n" not in text and "  " not in text


def test_word_tokens_split_words_and_punctuation():
    assert word_tokens("Oh! Single, my dear; grown-up daughters' beauty.") == [
        "oh",
        "!",
        "single",
        ",",
        "my",
        "dear",
        ";",
        "grown-up",
        "daughters",
        "'",
        "beauty",
        ".",
    ]


def test_next_token_pairs_label_every_position_with_the_next_token(text):
    tokens = word_tokens(text)
    for k in (1, 5):
        pairs = next_token_pairs(tokens, k)
        assert len(pairs) == len(tokens) - k
        for i, (context, target) in enumerate(pairs):
            assert list(context) == tokens[i : i + k] and target == tokens[i + k]
    with pytest.raises(ValueError, match="at least 1"):
        next_token_pairs(tokens, 0)


def test_masked_pairs_hide_exactly_the_labelled_tokens(text):
    tokens = word_tokens(text)[:40]
    masked, targets = masked_token_pairs(tokens, rate=0.15, seed=3)
    assert len(masked) == len(tokens) and len(targets) == round(0.15 * len(tokens))
    for i, (m, t) in enumerate(zip(masked, tokens)):
        assert (m == MASK and targets[i] == t) if i in targets else m == t
    assert masked_token_pairs(tokens, seed=3) == (masked, targets)  # seeded: reproducible
    with pytest.raises(ValueError, match="between 0 and 1"):
        masked_token_pairs(tokens, rate=1.5)


def test_span_corruption_input_and_target_rebuild_the_text(text):
    tokens = word_tokens(text)[:30]
    spans = [(2, 3), (10, 1), (20, 4)]
    source, target = span_corruption(tokens, spans)
    # put each dropped span back at its sentinel
    pieces, rebuilt = {}, []
    for tok in target:
        if tok.startswith("<") and tok.endswith(">"):
            current = pieces.setdefault(tok, [])
        else:
            current.append(tok)
    for tok in source:
        rebuilt += pieces.get(tok, [tok]) if tok.startswith("<") and tok.endswith(">") else [tok]
    assert rebuilt == tokens
    assert len(source) == len(tokens) - sum(n for _, n in spans) + len(spans)
    with pytest.raises(ValueError, match="disjoint"):
        span_corruption(tokens, [(5, 3), (6, 1)])


def test_character_ids_round_trip(text):
    ids, alphabet = character_ids(text)
    assert "".join(alphabet[i] for i in ids) == text
    assert alphabet == sorted(set(text))


def test_tiny_model_learns_beyond_letter_frequencies(text):
    ids, alphabet = character_ids(text)
    curves = train_next_token_model(ids, len(alphabet), context=3, steps=400, seed=0)
    split = curves["held_out_start"]
    assert split == 3 + round((len(ids) - 3) * 0.9)
    assert abs(curves["train"][0] - curves["uniform"]) < 0.3  # an untrained model is close to uniform
    assert curves["train"][-1] < 0.5 * curves["uniform"]
    assert curves["held_out"][-1] < unigram_loss(ids[:split], ids[split:], len(alphabet)) - 0.5


def test_training_is_reproducible_with_a_seed(text):
    """Seeded: the page's numbers are the same on every machine (trained for real, twice, not cached)."""
    ids, alphabet = character_ids(text)
    first, again = (train_next_token_model.uncached(ids, len(alphabet), steps=20, seed=0) for _ in range(2))
    assert again["train"] == first["train"] and again["held_out"] == first["held_out"]


def test_training_rejects_bad_ids():
    with pytest.raises(ValueError, match="longer than context"):
        train_next_token_model(np.arange(3), vocab_size=3, context=3)


def test_unigram_loss_of_the_training_text_is_its_entropy_up_to_smoothing():
    ids = np.array([0, 0, 1, 1])
    assert unigram_loss(ids, ids, vocab_size=2) == pytest.approx(np.log(2))
