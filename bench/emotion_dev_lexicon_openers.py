"""Openers on the four dev sets as ``assistant eval emotion`` gives them (model + the
feeling-word lexicon of ``assistant.yaml``), at a sweep of ``tone_min_score``, plus each dev
set's macro-F1 with the lexicon. Never reads a test set.

.venv/bin/python bench/emotion_dev_lexicon_openers.py [MODEL ...]   (default: shipped)
.venv/bin/python bench/emotion_dev_lexicon_openers.py shipped --sets conversations_dev_openers.tsv
.venv/bin/python bench/emotion_dev_lexicon_openers.py shipped RUN --least 0.94 --least 0.97

At 0.94 the shipped model gives 388 / 393 (guarded 381 / 385): the figure the model card
quotes as "openers ≥ 0.94 on the four dev sets". ``bench/emotion_dev_sweep.py`` gives the
same sweep for the model alone. "guarded" applies the tone's ``unless`` words, the
per-emotion ``min_score`` and the lexicon's contradictions, as the assistant does.
Prints a final JSON line.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.training.options import plugin_config
from assistant_plugins.emotion.classifier import EmotionClassifier, class_bias_from_settings
from assistant_plugins.emotion.commands import _calibration_figures
from assistant_plugins.emotion.data import read_examples
from assistant_plugins.emotion.lexicon import boost_from_settings, from_settings
from assistant_plugins.emotion.metrics import report

PLUGIN = Path(__file__).resolve().parent.parent / "plugins" / "emotion"
DEV = [
    "conversations_dev.tsv",
    "conversations_eval_b.tsv",
    "conversations_heldout.tsv",
    "conversations_dev_explicit.tsv",
]
SWEEP = [0.85, 0.87, 0.89, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="*", default=["shipped"])
    parser.add_argument(
        "--sets", nargs="+", default=DEV, help="dev files in plugins/emotion (default: the four)"
    )
    parser.add_argument(
        "--least",
        type=float,
        action="append",
        default=None,
        help="a tone_min_score to sweep (repeatable; default: 0.85 … 0.96)",
    )
    args = parser.parse_args()
    settings = dict(plugin_config("emotion"))
    threshold = float(settings["threshold"])
    if any(name.startswith("conversations_test") for name in args.sets):
        raise SystemExit(
            "테스트 세트는 여기서 읽지 않아요: assistant eval emotion 으로 한 번만 보세요."
        )
    sets = {name: read_examples(PLUGIN / name) for name in args.sets}
    out: dict = {"threshold": threshold, "models": {}}
    for source in args.models:
        classifier = EmotionClassifier.load(
            source,
            max_length=int(settings.get("max_length") or 128),
            threads=1,
            lexicon=from_settings(settings),
            lexicon_boost=boost_from_settings(settings),
            class_bias=class_bias_from_settings(settings),
        )
        rows, predictions, f1 = [], [], {}
        for name, part in sets.items():
            predicted = classifier.predict_many([r.text for r in part], threshold)
            gold = [r.label for r in part]
            f1[name] = report(gold, [p.label for p in predicted], classifier.labels)["macro_f1"]
            rows += part
            predictions += predicted
        sweep = []
        for least in args.least or SWEEP:
            figures = _calibration_figures(rows, predictions, classifier.labels, settings, least)
            guarded_right = round(
                (figures["opener_precision_guarded"] or 0) * figures["openers_guarded"]
            )
            sweep.append({"least": least, **figures, "openers_right_guarded": guarded_right})
        out["models"][source] = {"macro_f1_with_lexicon": f1, "opener_sweep": sweep}
        print(f"== {source}  " + " · ".join(f"{n} {v:.3f}" for n, v in f1.items()))
        for row in sweep:
            print(
                f"  openers at {row['least']:.2f}: as given {row['openers_right']}/"
                f"{row['openers']} = {row['opener_precision']} · guarded "
                f"{row['openers_right_guarded']}/{row['openers_guarded']} = "
                f"{row['opener_precision_guarded']}"
            )
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
