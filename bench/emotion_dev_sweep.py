"""Emotion model on the dev sets only: the figures that choose a run, the opener threshold
and the per-emotion opener thresholds. Never reads a test set.

.venv/bin/python bench/emotion_dev_sweep.py [--model shipped] [--model runs/X ...]

For each model: macro-F1, accuracy, 기쁨 precision and ECE on the three dev sets
(``conversations_dev.tsv``, ``_eval_b.tsv``, ``_heldout.tsv``, ``_dev_explicit.tsv``) and on the KOTE rows the
trainer holds out (``--eval-split 0.1``, seed 42, the same split as training); then the
opener precision / recall over the three dev sets together at a sweep of ``tone_min_score``
values, for the model alone, with the tone's ``unless`` words (as the assistant applies
them) and with the per-emotion ``min_score`` of ``assistant.yaml``. The in-run baseline is
the keyword list of ``bench/emotion_eval.py``. Prints a final JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.config import load_config
from assistant.training.batching import split_eval
from assistant_plugins.emotion.calibration import expected_calibration_error, opener_figures
from assistant_plugins.emotion.classifier import EmotionClassifier, class_bias_from_settings
from assistant_plugins.emotion.data import read_examples
from assistant_plugins.emotion.labels import LABELS, NEUTRAL
from assistant_plugins.emotion.metrics import report
from assistant_plugins.emotion.tone import contains_any, emotion_settings, opener_min_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emotion_eval import keyword_label  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "emotion"
DEV = [
    "conversations_dev.tsv",
    "conversations_eval_b.tsv",
    "conversations_heldout.tsv",
    "conversations_dev_explicit.tsv",
]
KOTE = ROOT.parent / "shared" / "data" / "kote" / "val.tsv"
SWEEP = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.87, 0.89, 0.9, 0.91, 0.92, 0.93, 0.94, 0.96]


def set_figures(gold: list[str], predictions: list) -> dict:
    result = report(gold, [p.label for p in predictions], LABELS)
    top = [max(p.probabilities.items(), key=lambda kv: kv[1]) for p in predictions]
    ece = expected_calibration_error(
        [s for _, s in top], [n == g for (n, _), g in zip(top, gold, strict=True)]
    )
    return {
        "count": result["count"],
        "macro_f1": result["macro_f1"],
        "accuracy": result["accuracy"],
        "joy_precision": result["per_class"]["기쁨"]["precision"],
        "calibration": round(ece, 4),
        "per_class_f1": {k: v["f1"] for k, v in result["per_class"].items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", action="append", default=[])
    parser.add_argument("--no-kote", action="store_true", help="skip the KOTE held-out rows")
    args = parser.parse_args()
    settings = load_config().plugin("emotion")
    threshold = float(settings["threshold"])
    out: dict = {"threshold": threshold, "models": {}}
    sets = {name: read_examples(PLUGIN / name) for name in DEV}
    kote_rows = []
    if not args.no_kote and KOTE.is_file():
        kote_rows = split_eval(read_examples(KOTE), 0.1, seed=42)[1]
    rows = [r for name in DEV for r in sets[name]]
    keywords = [keyword_label(r.text) for r in rows]
    gold = [r.label for r in rows]
    out["keyword_baseline"] = {
        "dev_sets_macro_f1": report(gold, keywords, LABELS)["macro_f1"],
        **opener_figures(gold, keywords, [1.0] * len(rows), 0.0, NEUTRAL),
    }
    for source in args.model or ["shipped"]:
        classifier = EmotionClassifier.load(
            source, threads=1, class_bias=class_bias_from_settings(settings)
        )
        figures: dict = {"sets": {}}
        for name in DEV:
            predictions = classifier.predict_many([r.text for r in sets[name]], threshold)
            figures["sets"][name] = set_figures([r.label for r in sets[name]], predictions)
        if kote_rows:
            predictions = classifier.predict_many([r.text for r in kote_rows], threshold)
            figures["sets"]["kote_heldout"] = set_figures([r.label for r in kote_rows], predictions)
        predictions = classifier.predict_many([r.text for r in rows], threshold)
        predicted = [p.label for p in predictions]
        scores = [p.score for p in predictions]
        blocked = [
            contains_any(r.text, emotion_settings(settings, p.label).get("unless") or [])
            for r, p in zip(rows, predictions, strict=True)
        ]
        sweep = []
        for least in SWEEP:
            per_emotion = [
                s < opener_min_score(settings, p.label, least)
                for s, p in zip(scores, predictions, strict=True)
            ]
            sweep.append(
                {
                    "least": least,
                    "plain": opener_figures(gold, predicted, scores, least, NEUTRAL),
                    "guarded": opener_figures(gold, predicted, scores, least, NEUTRAL, blocked),
                    "guarded_per_emotion": opener_figures(
                        gold,
                        predicted,
                        scores,
                        least,
                        NEUTRAL,
                        [b or e for b, e in zip(blocked, per_emotion, strict=True)],
                    ),
                }
            )
        wrong = [
            (r.text, r.label, p.label, round(p.score, 3))
            for r, p in zip(rows, predictions, strict=True)
            if p.label != NEUTRAL and p.label != r.label and p.score >= 0.8
        ]
        figures["opener_sweep"] = sweep
        figures["confident_wrong"] = wrong
        out["models"][source] = figures
        print(f"== {source}")
        for name, f in figures["sets"].items():
            print(
                f"  {name:30s} macro-F1 {f['macro_f1']:.3f} acc {f['accuracy']:.3f}"
                f" 기쁨 P {f['joy_precision']:.2f} ECE {f['calibration']:.3f}"
            )
        for row in sweep:
            cells = []
            for key in ("plain", "guarded", "guarded_per_emotion"):
                o = row[key]
                cells.append(f"{key} {o['openers_right']}/{o['openers']} R {o['opener_recall']}")
            print(f"  openers at {row['least']:.2f}: " + " · ".join(cells))
        for item in wrong:
            print("  confident wrong:", *item)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
