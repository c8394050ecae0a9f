"""Length-grouped dynamic-padding batches, padding collation and the useful-token fraction.

An *example* is a dict of equal-length lists of token ids, e.g.
``{"input_ids": [...], "labels": [...]}`` (causal LM, user turns labelled -100) or
``{"input_ids": [...], "label": 3}`` (classification: non-list values are stacked as-is).

Public API::

    LengthGroupedBatches(lengths, batch_size, *, seed=0, shuffle=True, rank=0, world_size=1,
                         bucket_batches=50)
        batches.epoch(epoch) -> list[list[int]]   # this rank's batches (example indices)
        len(batches)                              # batches per epoch per rank
        batches.useful_token_fraction() -> float  # over epoch 0, all ranks
    pad_collate(examples, *, pad_id, pad_values=None) -> dict[str, torch.Tensor]
        # pads list values to the batch max; "labels" pads with -100, "attention_mask" added
    make_collate(pad_id, pad_values=None) -> Callable[[list[dict]], dict[str, Tensor]]
    useful_token_fraction(lengths, batches) -> float
    fixed_padding_fraction(lengths, pad_to) -> float   # the "pad everything to N" baseline
    split_eval(items, fraction, *, seed=0) -> (train, eval)  # fixed-seed held-out split

How batches are made: every epoch the example indices are shuffled with
``numpy.random.default_rng([seed, epoch])``, cut into mega-buckets of
``batch_size * bucket_batches`` examples, each mega-bucket is sorted by length and cut into
batches, and the batch order is shuffled. So padding is small (neighbours have similar
lengths) while batches still mix the data, and an epoch's batches are a pure function of
``(seed, epoch)``: resuming at (epoch, position) needs no saved sampler state.

DDP sharding: all ranks compute the same batch list, it is padded by repeating its first
batches to a multiple of ``world_size``, and rank ``r`` takes batches ``r, r + W, ...``
(like ``DistributedSampler``, but on whole length-grouped batches).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

LABEL_PAD = -100


class LengthGroupedBatches:
    """Seeded, resumable, shardable length-grouped batches of example indices."""

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        *,
        seed: int = 0,
        shuffle: bool = True,
        rank: int = 0,
        world_size: int = 1,
        bucket_batches: int = 50,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.rank = rank
        self.world_size = max(1, world_size)
        self.bucket_batches = max(1, bucket_batches)

    def _all_batches(self, epoch: int) -> list[list[int]]:
        n = len(self.lengths)
        if n == 0:
            return []
        if not self.shuffle:
            order = np.argsort(self.lengths, kind="stable")
            return [order[i : i + self.batch_size].tolist() for i in range(0, n, self.batch_size)]
        rng = np.random.default_rng([self.seed, epoch])
        order = rng.permutation(n)
        bucket = self.batch_size * self.bucket_batches
        batches: list[list[int]] = []
        for start in range(0, n, bucket):
            chunk = order[start : start + bucket]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches.extend(
                chunk[i : i + self.batch_size].tolist()
                for i in range(0, len(chunk), self.batch_size)
            )
        perm = rng.permutation(len(batches))
        return [batches[i] for i in perm]

    def epoch(self, epoch: int) -> list[list[int]]:
        """This rank's batches for ``epoch`` (same on every call)."""
        batches = self._all_batches(epoch)
        if self.world_size == 1 or not batches:
            return batches
        total = math.ceil(len(batches) / self.world_size) * self.world_size
        padded = batches + [batches[i % len(batches)] for i in range(total - len(batches))]
        return padded[self.rank :: self.world_size]

    def __len__(self) -> int:
        n = len(self.lengths)
        if n == 0:
            return 0
        if self.shuffle:
            # Each mega-bucket may end with one short batch.
            bucket = self.batch_size * self.bucket_batches
            total = sum(
                math.ceil(min(bucket, n - s) / self.batch_size) for s in range(0, n, bucket)
            )
        else:
            total = math.ceil(n / self.batch_size)
        return math.ceil(total / self.world_size)

    def useful_token_fraction(self, epoch: int = 0) -> float:
        """Real tokens / padded tokens over all ranks' batches of ``epoch``."""
        return useful_token_fraction(self.lengths, self._all_batches(epoch))


def useful_token_fraction(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> float:
    """Sum of real lengths / sum of (batch size x longest in batch)."""
    lengths = np.asarray(lengths)
    real = padded = 0
    for batch in batches:
        if len(batch) == 0:
            continue
        sizes = lengths[list(batch)]
        real += int(sizes.sum())
        padded += int(sizes.max()) * len(batch)
    return real / padded if padded else 1.0


def fixed_padding_fraction(lengths: Sequence[int], pad_to: int) -> float:
    """Useful fraction when every example is padded (or cut) to ``pad_to`` tokens."""
    lengths = np.minimum(np.asarray(lengths), pad_to)
    return float(lengths.sum()) / (pad_to * len(lengths)) if len(lengths) else 1.0


def pad_collate(
    examples: Sequence[Mapping[str, Any]],
    *,
    pad_id: int,
    pad_values: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Pad a list of examples into a dict of tensors.

    List values are right-padded to the longest in the batch: ``labels`` with -100,
    ``attention_mask`` with 0, ``token_type_ids`` with 0, anything else with ``pad_id``
    (override per key with ``pad_values``). ``attention_mask`` is added (1 for real
    tokens of ``input_ids``) when absent. Scalar values (``label``, ``labels`` for
    classification) are stacked into a 1-D tensor.
    """
    import torch

    pads = {"labels": LABEL_PAD, "attention_mask": 0, "token_type_ids": 0}
    pads.update(pad_values or {})
    keys = list(examples[0].keys())
    out: dict[str, Any] = {}
    for key in keys:
        values = [ex[key] for ex in examples]
        if isinstance(values[0], (list, tuple)):
            width = max(len(v) for v in values)
            pad = pads.get(key, pad_id)
            rows = [list(v) + [pad] * (width - len(v)) for v in values]
            out[key] = torch.tensor(rows, dtype=torch.long)
        else:
            out[key] = torch.tensor(values)
    if "attention_mask" not in out and "input_ids" in examples[0]:
        width = out["input_ids"].shape[1]
        out["attention_mask"] = torch.tensor(
            [[1] * len(ex["input_ids"]) + [0] * (width - len(ex["input_ids"])) for ex in examples],
            dtype=torch.long,
        )
    return out


def make_collate(
    pad_id: int, pad_values: Mapping[str, int] | None = None
) -> Callable[[Sequence[Mapping[str, Any]]], dict[str, Any]]:
    """``pad_collate`` with ``pad_id`` bound, ready for ``loop.train(collate=...)``."""

    def collate(examples: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        return pad_collate(examples, pad_id=pad_id, pad_values=pad_values)

    return collate


def split_eval(items: Sequence[T], fraction: float, *, seed: int = 0) -> tuple[list[T], list[T]]:
    """Split into (train, held-out) with a fixed seed; at least 1 held-out item if fraction > 0.

    The held-out part is ``round(len * fraction)`` items (min 1 when ``fraction > 0`` and
    there are at least 2 items). Order inside each part follows the input order.
    """
    n = len(items)
    if fraction <= 0 or n < 2:
        return list(items), []
    k = min(n - 1, max(1, round(n * fraction)))
    rng = np.random.default_rng(seed)
    held = set(rng.choice(n, size=k, replace=False).tolist())
    train = [x for i, x in enumerate(items) if i not in held]
    evals = [x for i, x in enumerate(items) if i in held]
    return train, evals
