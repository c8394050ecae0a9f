"""Small-talk training throughput: three ways to batch the same samples.

The same mini GPT-2 (same initial weights), the same ChatbotData samples and the same
optimizer step; only the batching differs (the arms, all measured in the same run):

- ``pad_to_max``: the KoGPT2 emotional-chatbot notebook style, random batches, every sample
  padded to 100 tokens;
- ``per_batch_padding``: what ordinary code does (a ``DataLoader`` with a padding collator):
  random batches, each padded to its own longest sample;
- ``length_grouped``: ours, ``assistant.training.batching.LengthGroupedBatches`` (shuffled
  mega-buckets sorted by length, padded to the longest in each batch), as
  ``assistant train smalltalk`` uses.

Real tokens per second counts only non-padding tokens; ``useful_token_fraction`` is the
share of real tokens over the whole epoch's batches. The arms are measured in alternating
rounds so that load from other processes affects all alike.

    .venv/bin/python bench/train_throughput.py [--data ChatbotData.csv] [--steps 40]

The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import time
from pathlib import Path

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "chatbotdata" / "ChatbotData.csv"
)
PAD_TO = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--steps", type=int, default=40, help="optimizer steps measured per method")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=4, help="alternations between the methods")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    args = parser.parse_args()

    import torch

    from assistant.training.batching import (
        LengthGroupedBatches,
        fixed_padding_fraction,
        make_collate,
        useful_token_fraction,
    )
    from assistant_plugins.smalltalk.data import read_dialogues
    from assistant_plugins.smalltalk.tokenizer import train_mini_tokenizer
    from assistant_plugins.smalltalk.training import MINI_DEFAULTS, build_mini, build_samples
    from assistant_plugins.smalltalk.turns import TurnEncoder, TurnFormat

    if args.threads:
        torch.set_num_threads(args.threads)
    data = read_dialogues([args.data])
    tokenizer = train_mini_tokenizer(
        [t for d in data.dialogues for t in d.turns], int(MINI_DEFAULTS["vocab_size"])
    )
    encoder = TurnEncoder(tokenizer, TurnFormat(context_turns=0))
    samples = build_samples(data.dialogues, encoder, PAD_TO, 0)
    examples = [{"input_ids": s.input_ids, "labels": s.labels} for s in samples]
    lengths = [len(s) for s in samples]
    pad_id = tokenizer.pad_token_id
    collate = make_collate(pad_id)

    grouped = LengthGroupedBatches(lengths, args.batch_size, seed=0).epoch(0)
    rng = random.Random(0)
    shuffled = list(range(len(examples)))
    rng.shuffle(shuffled)
    random_batches = [
        shuffled[i : i + args.batch_size] for i in range(0, len(shuffled), args.batch_size)
    ]

    def dynamic(indices: list[int]) -> dict:
        return collate([examples[i] for i in indices])

    def padded_to_max(indices: list[int]) -> dict:
        batch = dynamic(indices)
        extra = PAD_TO - batch["input_ids"].shape[1]
        if extra > 0:  # pad every sample to 100 tokens, as the notebooks do
            n = len(indices)
            batch["input_ids"] = torch.cat([batch["input_ids"], torch.full((n, extra), pad_id)], 1)
            batch["labels"] = torch.cat([batch["labels"], torch.full((n, extra), -100)], 1)
            batch["attention_mask"] = torch.cat(
                [batch["attention_mask"], torch.zeros((n, extra), dtype=torch.long)], 1
            )
        return batch

    arms = {
        "pad_to_max": (random_batches, padded_to_max, fixed_padding_fraction(lengths, PAD_TO)),
        "per_batch_padding": (
            random_batches,
            dynamic,
            useful_token_fraction(lengths, random_batches),
        ),
        "length_grouped": (grouped, dynamic, useful_token_fraction(lengths, grouped)),
    }
    torch.manual_seed(0)
    initial = build_mini(tokenizer, dict(MINI_DEFAULTS), PAD_TO)
    runs = {}
    for name, (order, make, useful) in arms.items():
        model = copy.deepcopy(initial).train()
        runs[name] = {
            "model": model,
            "opt": torch.optim.AdamW(model.parameters(), lr=5e-4),
            "order": order,
            "make": make,
            "useful": useful,
            "pos": 0,
            "seconds": 0.0,
            "real_tokens": 0,
            "steps": 0,
        }

    def step(run: dict, measure: bool) -> None:
        indices = run["order"][run["pos"] % len(run["order"])]
        run["pos"] += 1
        batch = run["make"](indices)
        start = time.perf_counter()
        loss = run["model"](**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(run["model"].parameters(), 1.0)
        run["opt"].step()
        run["opt"].zero_grad(set_to_none=True)
        if measure:
            run["seconds"] += time.perf_counter() - start
            run["real_tokens"] += int(batch["attention_mask"].sum())
            run["steps"] += 1

    for run in runs.values():  # warm-up
        for _ in range(2):
            step(run, measure=False)
    per_round = max(1, args.steps // args.rounds)
    for _ in range(args.rounds):
        for run in runs.values():
            for _ in range(per_round):
                step(run, measure=True)

    figures = {
        name: {
            "useful_token_fraction": round(run["useful"], 4),
            "real_tokens_per_s": round(run["real_tokens"] / run["seconds"], 1),
            "steps": run["steps"],
            "seconds": round(run["seconds"], 2),
        }
        for name, run in runs.items()
    }
    ours = figures["length_grouped"]["real_tokens_per_s"]
    result = {
        "bench": "smalltalk_train_throughput",
        "samples": len(samples),
        "mean_sample_tokens": round(sum(lengths) / len(lengths), 2),
        "batch_size": args.batch_size,
        "torch_threads": torch.get_num_threads(),
        "arms": figures,
        "speedup_vs_pad_to_max": round(ours / figures["pad_to_max"]["real_tokens_per_s"], 2),
        "speedup_vs_per_batch_padding": round(
            ours / figures["per_batch_padding"]["real_tokens_per_s"], 2
        ),
    }
    for name, arm in figures.items():
        print(
            f"{name:>18}: {arm['real_tokens_per_s']:>9,.0f} real tokens/s, "
            f"useful {arm['useful_token_fraction']:.3f}"
        )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
