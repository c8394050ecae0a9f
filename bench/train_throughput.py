"""Small-talk training throughput: length-grouped dynamic padding vs pad-everything-to-100.

The same mini GPT-2 (same initial weights), the same ChatbotData samples and the same
optimizer step; only the batching differs:

- ours: ``assistant.training.batching.LengthGroupedBatches`` (shuffled mega-buckets sorted by
  length, padded to the longest in each batch), as ``assistant train smalltalk`` uses;
- baseline (in the same run): the KoGPT2 emotional-chatbot notebook style, every sample
  padded to 100 tokens, random batches.

Real tokens per second counts only non-padding tokens. The two are measured in alternating
rounds so that load from other processes affects both alike.

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

    ours_batches = LengthGroupedBatches(lengths, args.batch_size, seed=0)
    ours_order = ours_batches.epoch(0)
    rng = random.Random(0)
    shuffled = list(range(len(examples)))
    rng.shuffle(shuffled)
    base_order = [
        shuffled[i : i + args.batch_size] for i in range(0, len(shuffled), args.batch_size)
    ]

    def padded_batch(indices: list[int]) -> dict:
        batch = collate([examples[i] for i in indices])
        width = batch["input_ids"].shape[1]
        extra = PAD_TO - width
        if extra > 0:  # pad every sample to 100 tokens, as the notebooks do
            n = len(indices)
            batch["input_ids"] = torch.cat([batch["input_ids"], torch.full((n, extra), pad_id)], 1)
            batch["labels"] = torch.cat([batch["labels"], torch.full((n, extra), -100)], 1)
            batch["attention_mask"] = torch.cat(
                [batch["attention_mask"], torch.zeros((n, extra), dtype=torch.long)], 1
            )
        return batch

    torch.manual_seed(0)
    initial = build_mini(tokenizer, dict(MINI_DEFAULTS), PAD_TO)
    runs = {}
    for name in ("ours", "baseline"):
        model = copy.deepcopy(initial).train()
        runs[name] = {
            "model": model,
            "opt": torch.optim.AdamW(model.parameters(), lr=5e-4),
            "order": ours_order if name == "ours" else base_order,
            "make": (lambda idx: collate([examples[i] for i in idx]))
            if name == "ours"
            else padded_batch,
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

    ours, base = runs["ours"], runs["baseline"]
    ours_tps = ours["real_tokens"] / ours["seconds"]
    base_tps = base["real_tokens"] / base["seconds"]
    result = {
        "bench": "smalltalk_train_throughput",
        "samples": len(samples),
        "mean_sample_tokens": round(sum(lengths) / len(lengths), 2),
        "batch_size": args.batch_size,
        "steps_per_method": ours["steps"],
        "torch_threads": torch.get_num_threads(),
        "useful_token_fraction": round(ours_batches.useful_token_fraction(), 4),
        "baseline_useful_token_fraction": round(fixed_padding_fraction(lengths, PAD_TO), 4),
        "tokens_per_s": round(ours_tps, 1),
        "baseline_tokens_per_s": round(base_tps, 1),
        "speedup": round(ours_tps / base_tps, 2),
    }
    print(
        f"ours: {ours_tps:,.0f} real tokens/s (useful {result['useful_token_fraction']:.3f}); "
        f"pad-to-{PAD_TO}: {base_tps:,.0f} (useful {result['baseline_useful_token_fraction']:.3f}); "
        f"speedup x{result['speedup']}"
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
