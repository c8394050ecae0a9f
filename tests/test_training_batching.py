"""assistant.training.batching: length grouping, sharding, determinism and collation."""

from __future__ import annotations

import random

import pytest

from assistant.training.batching import (
    LengthGroupedBatches,
    fixed_padding_fraction,
    make_collate,
    split_eval,
    useful_token_fraction,
)


def chatbotdata_like_lengths() -> list[int]:
    """Token lengths of '<usr> Q <sys> A </s>' samples: ChatbotData itself when available
    (characters / 1.6 as a stand-in for BPE tokens), else a similar synthetic spread."""
    from conftest import SHARED_DATA

    path = SHARED_DATA / "chatbotdata" / "ChatbotData.csv"
    if path.exists():
        from assistant.training.tables import read_table

        return [3 + round((len(r.get("Q")) + len(r.get("A"))) / 1.6) for r in read_table(path)]
    rng = random.Random(0)
    return [3 + max(2, int(rng.lognormvariate(2.8, 0.35))) for _ in range(11823)]


def test_useful_token_fraction_beats_fixed_padding() -> None:
    lengths = chatbotdata_like_lengths()
    batches = LengthGroupedBatches(lengths, 32, seed=0)
    ours = batches.useful_token_fraction()
    baseline = fixed_padding_fraction(lengths, 100)
    assert ours >= 0.95
    assert baseline < 0.5
    # The figure is what the batches really are, not an estimate.
    assert ours == pytest.approx(useful_token_fraction(lengths, batches.epoch(0)))


def test_every_example_once_per_epoch_and_deterministic() -> None:
    lengths = [random.Random(i).randint(1, 50) for i in range(1000)]
    batches = LengthGroupedBatches(lengths, 16, seed=3)
    epoch0 = batches.epoch(0)
    assert sorted(i for b in epoch0 for i in b) == list(range(1000))
    assert len(epoch0) == len(batches)
    assert epoch0 == LengthGroupedBatches(lengths, 16, seed=3).epoch(0)
    assert epoch0 != batches.epoch(1)  # reshuffled every epoch
    assert epoch0 != LengthGroupedBatches(lengths, 16, seed=4).epoch(0)
    # Batches are not simply in length order: the batch order is shuffled.
    maxima = [max(lengths[i] for i in b) for b in epoch0]
    assert maxima != sorted(maxima)


def test_ddp_shards_cover_the_data_and_agree_in_count() -> None:
    lengths = [random.Random(i).randint(1, 30) for i in range(203)]
    shards = [LengthGroupedBatches(lengths, 8, seed=1, rank=r, world_size=3) for r in range(3)]
    per_rank = [s.epoch(2) for s in shards]
    assert len({len(p) for p in per_rank}) == 1
    assert all(len(p) == len(s) for p, s in zip(per_rank, shards, strict=True))
    seen = {i for p in per_rank for b in p for i in b}
    assert seen == set(range(203))
    single = LengthGroupedBatches(lengths, 8, seed=1).epoch(2)
    assert per_rank[0][0] == single[0] and per_rank[1][0] == single[1]


def test_unshuffled_batches_are_sorted() -> None:
    lengths = [5, 1, 4, 2, 3]
    assert LengthGroupedBatches(lengths, 2, shuffle=False).epoch(0) == [[1, 3], [4, 2], [0]]


def test_pad_collate_masks_labels_and_adds_attention() -> None:
    collate = make_collate(pad_id=9)
    batch = collate(
        [
            {"input_ids": [1, 2, 3], "labels": [-100, 2, 3]},
            {"input_ids": [4], "labels": [4]},
        ]
    )
    assert batch["input_ids"].tolist() == [[1, 2, 3], [4, 9, 9]]
    assert batch["labels"].tolist() == [[-100, 2, 3], [4, -100, -100]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    cls = collate([{"input_ids": [1, 2], "labels": 2}, {"input_ids": [3], "labels": 0}])
    assert cls["labels"].tolist() == [2, 0] and cls["input_ids"].shape == (2, 2)


def test_split_eval_is_fixed_and_disjoint() -> None:
    items = list(range(100))
    train, held = split_eval(items, 0.05, seed=0)
    assert len(held) == 5 and len(train) == 95 and not set(train) & set(held)
    assert split_eval(items, 0.05, seed=0) == (train, held)
    assert split_eval([1, 2, 3], 0.01)[1] != []
    assert split_eval([1], 0.5) == ([1], [])
    assert split_eval(items, 0.0) == (items, [])


def test_light_modules_do_not_import_torch() -> None:
    """Plugins may import these while registering commands: they must stay torch-free."""
    import subprocess
    import sys

    code = (
        "import sys, assistant.training, assistant.training.options, assistant.training.tables;"
        "print(sorted(m for m in ('torch', 'transformers', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr
