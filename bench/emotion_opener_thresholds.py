"""Per-emotion opener thresholds on the dev files (session 21, round U of the model card).

.venv/bin/python bench/emotion_opener_thresholds.py [--model shipped] [--precision 0.985]

For each 기쁨 bias (0, -0.5, -1) the model (with the feeling-word lexicon, as the assistant runs
it) reads the sixteen dev files (eight until session 21; test set H joined in session 22, test
sets I and J in session 23, K in session 24); for each emotion it finds the lowest opener threshold in
0.93-0.99 whose guarded openers (the tone's ``unless`` words and the lexicon's contradictions
applied) are at least ``--precision`` precise, and reports macro-F1 per file, 기쁨 precision and
the right openers kept. The in-run baseline is the configuration as shipped (no bias, one
threshold, ``tone_min_score``). Dev files only: never a test set. Prints a final JSON line.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.config import load_config
from assistant_plugins.emotion.calibration import opener_figures
from assistant_plugins.emotion.classifier import EmotionClassifier, load_configured
from assistant_plugins.emotion.data import read_examples
from assistant_plugins.emotion.labels import NEUTRAL
from assistant_plugins.emotion.metrics import report
from assistant_plugins.emotion.tone import blocked_by_wording

PLUGIN = Path(__file__).resolve().parent.parent / "plugins" / "emotion"
DEV = ["dev", "eval_b", "heldout", "dev_explicit", "dev_openers", "dev_e"]
DEV += ["test_g_implicit", "test_g_explicit"]  # test set G, a dev set since session 21
DEV += ["test_h_implicit", "test_h_explicit"]  # test set H, a dev set since session 22
DEV += ["test_i_implicit", "test_i_explicit"]  # test set I, a dev set since session 23
DEV += ["test_j_implicit", "test_j_explicit"]  # test set J, a dev set since session 23
DEV += ["test_k_implicit", "test_k_explicit"]  # test set K, a dev set since session 24
DEV += ["test_l_implicit", "test_l_explicit"]  # test set L, a dev set since session 27
DEV += ["test_m_implicit", "test_m_explicit"]  # test set M, a dev set since session 28
GRID = [0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99]


def load_as_configured(settings: dict, model: str, bias: float = 0.0) -> EmotionClassifier:
    """The classifier as the assistant runs it (the lexicon and the ensemble as configured),
    one thread, and a 기쁨 bias when ``bias`` is not 0. ``model``: shipped (with the configured
    ensemble), or another network alone."""
    configured = {**settings, "max_length": 128, "class_bias": {"기쁨": bias} if bias else {}}
    return load_configured(configured, None if model == "shipped" else model, threads=1)


def read(settings: dict, model: str, bias: float) -> dict:
    classifier = load_as_configured(settings, model, bias)
    f1, joy, given = {}, [0, 0], []
    for name in DEV:
        rows = read_examples(PLUGIN / f"conversations_{name}.tsv")
        preds = classifier.predict_many([r.text for r in rows], float(settings["threshold"]))
        gold, labels = [r.label for r in rows], [p.label for p in preds]
        f1[name] = round(report(gold, labels, classifier.labels)["macro_f1"], 4)
        for row, p in zip(rows, preds, strict=True):
            if p.label == "기쁨":
                joy[1] += 1
                joy[0] += row.label == "기쁨"
            if p.label != NEUTRAL and not blocked_by_wording(row.text, p.label, settings):
                given.append((row.label, p.label, p.score))
    return {"f1": f1, "joy": joy, "given": given}


def right(given: list, least: dict[str, float] | float) -> list[int]:
    """[right, given] openers at ``least`` (one threshold, or one per emotion), counted by
    ``calibration.opener_figures`` as the assistant gives them."""
    bars = least if isinstance(least, dict) else {}
    floor = min(bars.values(), default=least) if bars else least
    gold, predicted, scores = zip(*given, strict=True) if given else ((), (), ())
    blocked = [
        score < bars.get(label, floor) for label, score in zip(predicted, scores, strict=True)
    ]
    found = opener_figures(gold, predicted, scores, floor, NEUTRAL, blocked)
    return [found["openers_right"], found["openers"]]


def lowest_precise(
    count: Callable[[float], list[int]], precision: float, grid: Sequence[float] = GRID
) -> float:
    """The lowest threshold of ``grid`` whose openers (``count(threshold)`` = [right, given])
    are at least ``precision`` precise, else the last."""
    for least in grid:
        good, total = count(least)
        if total == 0 or good / total >= precision:
            return least
    return grid[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="shipped")
    parser.add_argument("--precision", type=float, default=0.985)
    args = parser.parse_args()
    settings = dict(load_config().plugin("emotion"))
    shipped_least = float(settings.get("tone_min_score", 0.93))
    out: dict = {"dev_files": DEV, "precision": args.precision, "candidates": []}
    for bias in (0.0, -0.5, -1.0):
        found = read(settings, args.model, bias)
        emotions = sorted({p for _g, p, _s in found["given"]})
        least = {}
        for emotion in emotions:
            mine = [x for x in found["given"] if x[1] == emotion]
            least[emotion] = lowest_precise(lambda t, mine=mine: right(mine, t), args.precision)
        row = {
            "bias": bias,
            "f1": found["f1"],
            "mean_f1": round(sum(found["f1"].values()) / len(DEV), 4),
            "joy_precision": [found["joy"][0], found["joy"][1]],
            "thresholds": least,
            "openers_right_of_given": right(found["given"], least),
            "openers_at_tone_min_score": right(found["given"], shipped_least),
        }
        if bias == 0.0:
            out["baseline"] = {k: row[k] for k in ("mean_f1", "joy_precision", "f1")}
            out["baseline"]["openers"] = row["openers_at_tone_min_score"]
            out["baseline"]["tone_min_score"] = shipped_least
        out["candidates"].append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
