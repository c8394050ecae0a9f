"""Small-talk reply quality with candidate reranking vs a single draw, same model, same run.

``plugins.smalltalk.generation.candidates`` draws several sampled replies side by side
and keeps the one the model finds most likely (mean log-probability per token). This
bench measures what that buys on the held-out prompts of the shipped model's own split of
ChatbotData (never trained on):

- ``known_word_rate``: share of reply words (eojeol, punctuation removed) that occur in
  the training split's dialogues; made-up words such as "신경가" or "검화같은" are what
  a 4 M-parameter model's sampling produces, and what reranking should remove;
- ``distinct_reply_ratio``: distinct replies / prompts (variety; reranking costs some);
- ``repeat_rate_last20``: share of replies equal to one of the 20 replies before it, in
  the order asked (what a user notices in a session; ``avoid_recent`` works on this);
- ``reference_bigram_f1``: character-bigram F1 against the reference reply;
- reply latency p50/p90 (ms) through ``ChatModel.reply`` (the plugin's path).

    .venv/bin/python bench/reply_candidates.py [--data CSV] [--prompts 100] [--seeds 0 1]

The last line printed is a JSON object with the figures, per setting and as ratios
against ``candidates: 1``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "chatbotdata" / "ChatbotData.csv"


def words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text).split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--prompts", type=int, default=100)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--candidates", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--avoid-recent", type=int, default=None, help="override generation.avoid_recent"
    )
    args = parser.parse_args()

    import torch

    from assistant.config import load_config
    from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings, resolve_source
    from assistant_plugins.smalltalk.data import read_dialogues, user_prompts
    from assistant_plugins.smalltalk.evaluate import bigram_f1
    from assistant_plugins.smalltalk.training import split_dialogues

    torch.set_num_threads(args.threads)
    config = load_config(None).plugin("smalltalk")
    source, local = resolve_source(config.get("model"))
    chat = ChatModel.load(source, local)
    meta = json.loads((Path(source) / "metadata.json").read_text("utf-8"))["settings"]
    dialogues = read_dialogues([args.data], "auto").dialogues
    train, held_out = split_dialogues(dialogues, float(meta["eval_split"]), int(meta["seed"]))
    known = {w for d in train for turn in d.turns for w in words(turn)}
    prompts = user_prompts(held_out, args.prompts)
    for prompt, _ in prompts[:3]:  # warm-up
        chat.reply(prompt, (), GenerationSettings.from_mapping(config.get("generation")))

    results = {}
    for n in args.candidates:
        runs = []
        for seed in args.seeds:
            settings = GenerationSettings.from_mapping(
                config.get("generation"), {"candidates": n, "seed": None}
            )
            if args.avoid_recent is not None:
                settings.avoid_recent = args.avoid_recent
            torch.manual_seed(seed)
            chat.recent.clear()
            replies, latencies = [], []
            for prompt, reference in prompts:
                result = chat.reply(prompt, (), settings)
                replies.append((result.text, reference))
                latencies.append(result.elapsed_ms)
            reply_words = [w for text, _ in replies for w in words(text)]
            runs.append(
                {
                    "known_word_rate": sum(w in known for w in reply_words) / len(reply_words),
                    "distinct_reply_ratio": len({t for t, _ in replies}) / len(replies),
                    "repeat_rate_last20": sum(
                        t in {u for u, _ in replies[max(0, i - 20) : i]}
                        for i, (t, _) in enumerate(replies)
                    )
                    / len(replies),
                    "reference_bigram_f1": statistics.mean(bigram_f1(t, r) for t, r in replies),
                    "p50_ms": statistics.median(latencies),
                    "p90_ms": sorted(latencies)[int(0.9 * (len(latencies) - 1))],
                    "examples": [t for t, _ in replies[:6]],
                }
            )
        figures = {
            key: round(statistics.mean(run[key] for run in runs), 4)
            for key in (
                "known_word_rate",
                "distinct_reply_ratio",
                "repeat_rate_last20",
                "reference_bigram_f1",
            )
        }
        figures |= {
            k: round(statistics.mean(run[k] for run in runs), 1) for k in ("p50_ms", "p90_ms")
        }
        figures["examples"] = runs[0]["examples"]
        results[n] = figures
        print(
            f"candidates {n}: known words {figures['known_word_rate']:.3f}, "
            f"distinct {figures['distinct_reply_ratio']:.2f}, "
            f"repeats {figures['repeat_rate_last20']:.3f}, "
            f"F1 {figures['reference_bigram_f1']:.4f}, p50 {figures['p50_ms']} ms  "
            f"e.g. {' / '.join(figures['examples'][:4])}",
            flush=True,
        )
    base = results[args.candidates[0]]
    ratios = {
        n: {
            "unknown_words_ratio": round(
                (1 - r["known_word_rate"]) / max(1e-9, 1 - base["known_word_rate"]), 3
            ),
            "latency_p50_ratio": round(r["p50_ms"] / base["p50_ms"], 2),
        }
        for n, r in results.items()
    }
    print(
        json.dumps(
            {
                "bench": "smalltalk_reply_candidates",
                "model": source,
                "prompts": len(prompts),
                "seeds": args.seeds,
                "baseline": f"candidates {args.candidates[0]}",
                "results": results,
                "vs_baseline": ratios,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
