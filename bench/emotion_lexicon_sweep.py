"""Emotion model + feeling-word lexicon on the dev sets only: chooses ``lexicon_boost``.

.venv/bin/python bench/emotion_lexicon_sweep.py [--model shipped] [--boost 1 --boost 8 ...]

Runs the model once (lexicon off) on the three dev sets (``conversations_dev.tsv``,
``_eval_b.tsv``, ``_heldout.tsv``) and the KOTE rows the trainer holds out (seed 42), then
combines its probabilities with ``feeling_words.tsv`` at each ``--boost`` (1 = the model
alone, the in-run baseline; a huge value = the lexicon decides whenever it names a feeling).
Per boost: macro-F1, 기쁨 precision and ECE per set, and the openers over the three dev sets
at ``tone_min_score`` as the assistant gives them (``unless`` words, per-emotion
``min_score``; "+contra" adds the lexicon's contradiction rule). Never reads a test set.
Prints a final JSON line.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.config import load_config
from assistant.training.batching import split_eval
from assistant_plugins.emotion.calibration import expected_calibration_error, opener_figures
from assistant_plugins.emotion.classifier import EmotionClassifier
from assistant_plugins.emotion.data import read_examples
from assistant_plugins.emotion.labels import LABELS, NEUTRAL
from assistant_plugins.emotion.lexicon import combine, contradicts, shipped
from assistant_plugins.emotion.metrics import report
from assistant_plugins.emotion.tone import contains_any, emotion_settings, opener_min_score

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "emotion"
DEV = ["conversations_dev.tsv", "conversations_eval_b.tsv", "conversations_heldout.tsv"]
KOTE = ROOT.parent / "shared" / "data" / "kote" / "val.tsv"
BOOSTS = [1.0, 2.0, 4.0, 8.0, 16.0, 1e6]


def label_and_score(probs: dict[str, float], threshold: float) -> tuple[str, float]:
    best = max(probs, key=probs.__getitem__)
    if probs[best] < threshold and best != NEUTRAL:
        return NEUTRAL, 1.0 - probs[best]
    return best, probs[best]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="shipped")
    parser.add_argument("--boost", type=float, action="append", default=[])
    args = parser.parse_args()
    settings = load_config().plugin("emotion")
    threshold = float(settings["threshold"])
    least = float(settings["tone_min_score"])
    sets = {name: read_examples(PLUGIN / name) for name in DEV}
    if KOTE.is_file():
        sets["kote_heldout"] = split_eval(read_examples(KOTE), 0.1, seed=42)[1]
    classifier = EmotionClassifier.load(args.model, threads=1)  # the model alone
    lexicon = shipped()
    model_probs = {
        name: [p.probabilities for p in classifier.predict_many([r.text for r in rows])]
        for name, rows in sets.items()
    }
    hits = {name: [lexicon.find(r.text) for r in rows] for name, rows in sets.items()}
    out: dict = {"model": args.model, "tone_min_score": least, "boosts": []}
    for boost in args.boost or BOOSTS:
        entry: dict = {"boost": boost, "sets": {}}
        gold_all, pred_all, score_all, guarded, contra = [], [], [], [], []
        for name, rows in sets.items():
            gold = [r.label for r in rows]
            probs = [
                combine(p, h, boost) for p, h in zip(model_probs[name], hits[name], strict=True)
            ]
            predicted = [label_and_score(p, threshold) for p in probs]
            result = report(gold, [label for label, _ in predicted], LABELS)
            top = [max(p.items(), key=lambda kv: kv[1]) for p in probs]
            ece = expected_calibration_error(
                [s for _, s in top], [n == g for (n, _), g in zip(top, gold, strict=True)]
            )
            entry["sets"][name] = {
                "macro_f1": result["macro_f1"],
                "joy_precision": result["per_class"]["기쁨"]["precision"],
                "calibration": round(ece, 4),
            }
            if name == "kote_heldout":
                continue
            for row, hit, (label, score) in zip(rows, hits[name], predicted, strict=True):
                plain = contains_any(
                    row.text, emotion_settings(settings, label).get("unless") or []
                ) or score < opener_min_score(settings, label, least)
                guarded.append(plain)
                contra.append(plain or contradicts(hit, label))
                gold_all.append(row.label)
                pred_all.append(label)
                score_all.append(score)
        entry["openers_guarded"] = opener_figures(
            gold_all, pred_all, score_all, least, NEUTRAL, guarded
        )
        entry["openers_guarded_contra"] = opener_figures(
            gold_all, pred_all, score_all, least, NEUTRAL, contra
        )
        out["boosts"].append(entry)
        cells = [
            f"{name[:18]} F1 {f['macro_f1']:.3f} 기쁨P {f['joy_precision']:.2f} ECE {f['calibration']:.3f}"
            for name, f in entry["sets"].items()
        ]
        o, c = entry["openers_guarded"], entry["openers_guarded_contra"]
        print(
            f"boost {boost:g}: " + " · ".join(cells) + f" · openers {o['openers_right']}/"
            f"{o['openers']} +contra {c['openers_right']}/{c['openers']} R {c['opener_recall']}"
        )
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
