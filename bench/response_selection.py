"""Response selection: hits@1 of 20 on the held-out split, and the selector's scoring latency.

1. hits@1/20 on the held-out split of the shipped generator (``eval_split``/``seed`` from
   ``models/smalltalk-mini/metadata.json``, the same split the generator and the memory
   never trained on): the shipped selection (``Selector.select``: the selector plus the
   neighbour votes with dev-fitted weights), the selector alone, and the in-run baselines (random, generator
   log-likelihood and PMI, BM25 over Kiwi morphemes, neighbor vote), via
   ``selection_eval.evaluate_selection``; and ``neighbor_vote`` read with plain bigram Dice
   (no IDF), the weaker first reading of the issue's baseline, for comparison.
2. The selector's latency on one thread, p50/p90 over held-out utterances: one
   ``score(context, utterance, 20 candidates)`` call and one ``select(...)`` call with the
   memory's 20 neighbours (the memory search itself not included), each with candidates
   never seen (all encoded: "cold") and cached (only the query is encoded; memory replies
   are cached after their first use, generated ones are not).

    .venv/bin/python bench/response_selection.py --data ChatbotData.csv [--selector DIR]
        [--no-generator] [--limit N]

The last line printed is a JSON object with the figures. On a shared, busy machine the
latencies are noisy: re-run on an idle one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from latency import percentile

ROOT = Path(__file__).resolve().parent.parent


def dice_vote_hits(index: object, sets: list) -> float:
    """hits@1 of ``neighbor_vote`` read with plain character-bigram Dice (no IDF): the
    project's first reading of the issue's baseline, kept for comparison."""
    from collections import Counter

    from assistant_plugins.smalltalk.selection_eval import hits_at_1
    from assistant_plugins.smalltalk.selector import bigram_counts

    def dice(a: Counter[str], b: Counter[str]) -> float:
        return 2.0 * sum((a & b).values()) / (sum(a.values()) + sum(b.values()))

    scores = []
    for cset in sets:
        found = [(bigram_counts(h.pair[1]), h.score) for h in index.search(cset.pair.utterance)]
        total = sum(w for _, w in found) or 1.0
        scores.append(
            [sum(w * dice(bigram_counts(c), g) for g, w in found) / total for c in cset.candidates]
        )
    return round(hits_at_1(scores, sets), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="ChatbotData.csv (the generator's data)")
    parser.add_argument("--selector", default=str(ROOT / "models/smalltalk-mini/selector"))
    parser.add_argument("--generator", default=str(ROOT / "models/smalltalk-mini"))
    parser.add_argument("--no-generator", action="store_true", help="skip the generator arms")
    parser.add_argument("--limit", type=int, default=200, help="utterances timed for latency")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from assistant_plugins.smalltalk.chat import ChatModel
    from assistant_plugins.smalltalk.data import read_dialogues
    from assistant_plugins.smalltalk.selection_eval import (
        NeighborIndex,
        candidate_sets,
        evaluate_selection,
        pairs_of,
    )
    from assistant_plugins.smalltalk.selector import Selector
    from assistant_plugins.smalltalk.training import split_dialogues

    meta = json.loads((Path(args.generator) / "metadata.json").read_text(encoding="utf-8"))
    fraction, seed = meta["settings"]["eval_split"], meta["settings"]["seed"]
    data = read_dialogues([args.data])
    train, held_out = split_dialogues(data.dialogues, fraction, seed)
    started = time.perf_counter()
    selector = Selector.load(args.selector, threads=args.threads)
    load_s = time.perf_counter() - started
    chat = None if args.no_generator else ChatModel.load(args.generator)
    report = evaluate_selection(train, held_out, selector=selector, chat=chat, seed=seed)
    print(f"held-out sets: {report['sets']}, candidates: {report['candidates']}")
    print(f"  shipped selection (weights {report['weights']}): {report['hits_at_1']}")
    print(f"  selector alone: {report['selector_only']}")
    for name, value in report["baselines"].items():
        print(f"  baseline {name}: {value}")

    index = NeighborIndex.build([(p.utterance, p.reply) for p in pairs_of(train)])
    dice = dice_vote_hits(index, candidate_sets(pairs_of(held_out), 20, seed))
    print(f"  neighbor_vote with plain bigram Dice (the earlier reading, no IDF): {dice}")

    sets = candidate_sets(pairs_of(held_out), 20, seed + 1)[: args.limit]
    found = [[(h.pair[1], h.score) for h in index.search(s.pair.utterance, 20)] for s in sets]
    times: dict[str, list[float]] = {"score_cold": [], "score_cached": []}
    times.update({"select_cold": [], "select_cached": []})
    for cset, neighbors in zip(sets, found, strict=True):
        context, utterance, cands = (
            list(cset.pair.context),
            cset.pair.utterance,
            list(cset.candidates),
        )
        for kind in ("score", "select"):
            fresh = Selector(
                selector.model,
                selector.tokenizer,
                selector.config,
                threads=args.threads,
                members=selector.models[1:],
            )
            for state in ("cold", "cached"):
                t0 = time.perf_counter()
                if kind == "score":
                    fresh.score(context, utterance, cands)
                else:
                    fresh.select(context, utterance, cands, neighbors)
                times[f"{kind}_{state}"].append((time.perf_counter() - t0) * 1000)
    latency = {}
    for name, values in times.items():
        latency[f"{name}_p50_ms"] = round(statistics.median(values), 2)
        latency[f"{name}_p90_ms"] = round(percentile(values, 0.9), 2)
    print(f"20 candidates, {args.threads} thread(s): {latency}")
    size = sum(p.stat().st_size for p in Path(args.selector).rglob("*.safetensors"))
    print(
        json.dumps(
            {
                "selection": report,
                "neighbor_vote_dice": dice,
                "latency": latency,
                "timed_calls": len(sets),
                "threads": args.threads,
                "load_s": round(load_s, 2),
                "checkpoint_mb": round(size / 1e6, 2),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
