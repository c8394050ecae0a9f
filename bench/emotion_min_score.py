"""One emotion's own opener bar (``emotions.<label>.min_score``), chosen on the dev files
(session 23, round X of the model card).

.venv/bin/python bench/emotion_min_score.py [--emotion 우울] [--precision 0.985]

The shipped model (with the feeling-word lexicon, as the assistant runs it) reads the dev
files of ``emotion_opener_thresholds.DEV``. Openers are guarded as the assistant gives them
(``tone_min_score``, the tone's ``unless`` words, the lexicon's contradictions); the other
emotions keep ``tone_min_score``. The bar for ``--emotion`` is the lowest of 0.931, 0.932, …,
0.950 at which the pooled opener precision is at least ``--precision``. Also: leave one dev
file out (the bar chosen on the others, openers counted on the one left out), an estimate
of how the choice carries to a new author. The in-run baseline is ``tone_min_score`` alone for
every emotion. Dev files only: never a test set. Prints a final JSON line. (Round X chose 0.933
on the ten dev files of the time; test sets I and J joined them after their looks; round Z's
ensemble replaced the bar.)
"""

from __future__ import annotations

import argparse
import json

from emotion_opener_thresholds import DEV, PLUGIN, load_as_configured, lowest_precise

from assistant.config import load_config
from assistant_plugins.emotion.data import read_examples
from assistant_plugins.emotion.labels import NEUTRAL
from assistant_plugins.emotion.tone import blocked_by_wording

GRID = [round(0.931 + 0.001 * i, 3) for i in range(20)]


def openers(settings: dict, model: str) -> list[dict]:
    """Every opener the shipped bar gives on the dev files: file, gold, label, score."""
    classifier = load_as_configured(settings, model)
    least = float(settings["tone_min_score"])
    given = []
    for name in DEV:
        rows = read_examples(PLUGIN / f"conversations_{name}.tsv")
        predictions = classifier.predict_many([r.text for r in rows], float(settings["threshold"]))
        for row, p in zip(rows, predictions, strict=True):
            if p.label == NEUTRAL or p.score < least:
                continue
            if not blocked_by_wording(row.text, p.label, settings):
                given.append({"file": name, "gold": row.label, "label": p.label, "score": p.score})
    return given


def count(given: list[dict], emotion: str, bar: float) -> list[int]:
    """[right, given] openers with ``bar`` for ``emotion``."""
    kept = [g for g in given if g["label"] != emotion or g["score"] >= bar]
    return [sum(g["gold"] == g["label"] for g in kept), len(kept)]


def choose(given: list[dict], emotion: str, precision: float) -> float:
    return lowest_precise(lambda bar: count(given, emotion, bar), precision, GRID)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="shipped")
    parser.add_argument("--emotion", default="우울")
    parser.add_argument("--precision", type=float, default=0.985)
    args = parser.parse_args()
    settings = dict(load_config().plugin("emotion"))
    given = openers(settings, args.model)
    least = float(settings["tone_min_score"])
    bar = choose(given, args.emotion, args.precision)
    sweep = {str(b): count(given, args.emotion, b) for b in GRID[:8]}
    left_out, per_file = [0, 0], {}
    for name in DEV:
        own_bar = choose([g for g in given if g["file"] != name], args.emotion, args.precision)
        right, total = count([g for g in given if g["file"] == name], args.emotion, own_bar)
        per_file[name] = {"bar": own_bar, "openers": [right, total]}
        left_out = [left_out[0] + right, left_out[1] + total]
        print(f"{name:18s} bar {own_bar} openers {right}/{total}", flush=True)
    baseline = count(given, args.emotion, least)
    chosen = count(given, args.emotion, bar)
    print(
        f"{args.emotion} bar {bar}: openers {chosen[0]}/{chosen[1]} (baseline {baseline[0]}/{baseline[1]})"
    )
    out = {
        "dev_files": DEV,
        "emotion": args.emotion,
        "precision": args.precision,
        "bar": bar,
        "openers": chosen,
        "sweep": sweep,
        "leave_one_file_out": {"openers": left_out, "per_file": per_file},
        "baseline": {"tone_min_score": least, "openers": baseline},
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
