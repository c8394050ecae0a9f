"""How often the shipped reply memory holds a fitting reply at all: the ceiling of any selection.

Two steps, with hand rating in between:

    .venv/bin/python bench/reply_pool_ceiling.py build --prompts plugins/smalltalk/eval_prompts_z24.tsv \
        --out pool.tsv
    (raters who see no source mark each row fitting / generic / off-topic / broken: column rating)
    .venv/bin/python bench/reply_pool_ceiling.py measure models/smalltalk-mini/hand_rating_pool_z24_z25.tsv

``build`` answers each remark through the real assistant (the shipped reply and its three best
candidates) and adds, from the shipped memory, the distinct replies of the 8 best BM25 matches and
the 5 replies of the whole memory nearest the remark by the shipped selector's embeddings: the pool
a selection could choose from. ``measure`` reads a rated pool and prints, per source, the share of
remarks with at least one fitting reply (the shipped reply's share is the in-run baseline), then
how well each score the pipeline computes tells fitting from off-topic candidates (ROC AUC over the
rated candidates it scores, with ``memory_candidates`` raised to 20 and no emotion reading). The
last line is JSON. Session 27 (models/smalltalk-mini/MODEL_CARD.md, "Round P27") used it on blind
sets Z24 and Z25.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import random
import tempfile
from collections import defaultdict
from pathlib import Path

BM25_REPLIES, DENSE_REPLIES, SEED = 8, 5, 27
SOURCES = ("shipped", "pipeline_top3", "bm25", "dense")
RATINGS = ("fitting", "generic", "off-topic", "broken")
SCORES = ("fit", "cover", "bm25", "vote", "selector", "score")


def flat(text: str) -> str:
    return text.replace("\n", " / ")


def build(prompt_files: list[Path], out: Path) -> None:
    from smalltalk_ablation import make_assistant

    from assistant_plugins.smalltalk.chat import shipped_model_dir
    from assistant_plugins.smalltalk.everyday_eval import everyday_report, read_prompts, vocabulary
    from assistant_plugins.smalltalk.memory import ReplyMemory
    from assistant_plugins.smalltalk.selector import Selector

    model_dir = shipped_model_dir()
    memory = ReplyMemory.load(model_dir / "memory")
    selector = Selector.load(model_dir / "selector")
    replies = list(dict.fromkeys(p.reply for p in memory.pairs))
    selector.precompute(replies)  # every reply encoded once; score() reads the cache
    prompts = [row for path in prompt_files for row in read_prompts(path)]
    with tempfile.TemporaryDirectory() as home:
        assistant = make_assistant({}, Path(home))
        shipped = everyday_report(assistant, prompts, vocabulary(model_dir / "memory"))["rows"]
        assistant.shutdown()
    rng = random.Random(SEED)
    with out.open("w", encoding="utf-8") as handle:
        handle.write("id\ttext\treply\tsources\n")
        for row in shipped:
            found: dict[str, list[str]] = defaultdict(list)
            found[flat(row["reply"])].append("shipped")
            for candidate in row.get("candidates") or []:
                found[flat(candidate["reply"])].append("pipeline_top3")
            bm25: list[str] = []
            for hit in memory.search(row["text"], 40):
                if hit.pair.reply not in bm25 and len(bm25) < BM25_REPLIES:
                    bm25.append(hit.pair.reply)
            for reply in bm25:
                found[flat(reply)].append("bm25")
            cosines = selector.score([], row["text"], replies)
            nearest = sorted(range(len(replies)), key=lambda i: -cosines[i])[:20]
            dense = [replies[i] for i in nearest if replies[i] not in bm25][:DENSE_REPLIES]
            for reply in dense:
                found[flat(reply)].append("dense")
            items = list(found.items())
            rng.shuffle(items)
            for reply, sources in items:
                handle.write(f"{row['id']}\t{row['text']}\t{reply}\t{','.join(sources)}\n")
    print(f"{len(shipped)} remarks -> {out}")


def read_rated(path: Path) -> list[dict[str, str]]:
    lines = (line for line in path.open(encoding="utf-8") if not line.startswith("#"))
    return [row for row in csv.DictReader(lines, delimiter="\t") if row.get("rating") in RATINGS]


def auc(positive: list[float], negative: list[float]) -> float:
    """ROC AUC: the chance that a random positive scores above a random negative."""
    import bisect

    ordered = sorted(negative)
    total = 0.0
    for value in positive:
        low, high = bisect.bisect_left(ordered, value), bisect.bisect_right(ordered, value)
        total += low + 0.5 * (high - low)
    return round(total / max(1, len(positive) * len(ordered)), 3)


def measure(path: Path) -> None:
    from assistant_plugins.smalltalk.chat import shipped_model_dir
    from assistant_plugins.smalltalk.memory import ReplyMemory
    from assistant_plugins.smalltalk.pipeline import ReplyPipeline, Weights, load_persona
    from assistant_plugins.smalltalk.selector import Selector

    rows = read_rated(path)
    by_remark: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_remark[row["id"]].append(row)
    remarks = len(by_remark)
    ceiling = {}
    for name, wanted in (
        ("any", set(SOURCES)),
        *((source, {source}) for source in SOURCES),
    ):
        hits = sum(
            any(r["rating"] == "fitting" and wanted & set(r["sources"].split(",")) for r in group)
            for group in by_remark.values()
        )
        ceiling[name] = round(hits / max(1, remarks), 3)
        print(
            f"fitting reply among {name}: {hits} of {remarks} remarks ({100 * hits / remarks:.1f} %)"
        )
    model_dir = shipped_model_dir()
    weights = dataclasses.replace(Weights.load(model_dir / "memory"), memory_candidates=20)
    pipeline = ReplyPipeline(
        ReplyMemory.load(model_dir / "memory"),
        load_persona("이랑"),
        None,
        Selector.load(model_dir / "selector"),
        weights,
    )
    rating = {(r["id"], r["reply"]): r["rating"] for r in rows}
    scored: dict[str, dict[str, list[float]]] = {s: {"fitting": [], "off": []} for s in SCORES}
    for remark_id, group in by_remark.items():
        text = group[0]["text"]
        for candidate in pipeline.candidates(text, [], None, [], sure=False, typed=text):
            rated = rating.get((remark_id, flat(candidate.text)))
            if rated in ("fitting", "off-topic", "broken"):
                side = "fitting" if rated == "fitting" else "off"
                for score in SCORES:
                    scored[score][side].append(float(getattr(candidate, score)))
    aucs = {s: auc(v["fitting"], v["off"]) for s, v in scored.items()}
    counts = {side: len(scored["fit"][side]) for side in ("fitting", "off")}
    print(f"rated candidates the pipeline scores: {counts}; ROC AUC fitting vs off-topic: {aucs}")
    print(
        json.dumps(
            {
                "bench": "reply_pool_ceiling",
                "ratings": str(path),
                "remarks": remarks,
                "rows": len(rows),
                "fitting_share_by_source": ceiling,
                "baseline": "shipped",
                "scored_candidates": counts,
                "auc_fitting_vs_off_topic": aucs,
            },
            ensure_ascii=False,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    b = sub.add_parser("build", help="write the pool of candidate replies to rate")
    b.add_argument("--prompts", type=Path, nargs="+", required=True)
    b.add_argument("--out", type=Path, required=True)
    m = sub.add_parser("measure", help="ceilings and score AUCs of a rated pool")
    m.add_argument("ratings", type=Path)
    args = parser.parse_args()
    if args.step == "build":
        build(args.prompts, args.out)
    else:
        measure(args.ratings)


if __name__ == "__main__":
    main()
