"""Choose ``plugins.emotion.class_bias`` on the dev sets only: a grid of per-class logit
offsets, each scored on the four dev sets and the openers' dev set (macro-F1 with the
lexicon, openers at ``tone_min_score`` as given and guarded), the KOTE rows the trainer holds
out (model alone, as the card reports them) and the seen small-talk remarks
(``bench/emotion_chat_readings.py``: plain remarks read negative), and 기쁨 precision on every
dev set and pooled over the five (``joy_precision``: right / read 기쁨, with the lexicon; a
bad-news remark read as 기쁨 is the costly mistake). Never reads a test set nor
``eval_prompts_s.tsv``.

.venv/bin/python bench/emotion_class_bias_sweep.py [--model shipped] [--grid 분노=0,-0.5,-1 --grid 일상=0,0.5]

The model's logits are computed once per model and reused for every grid point (the bias
only shifts them), through the real ``EmotionClassifier.predict_many``. Prints a final JSON
line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

from assistant.config import load_config
from assistant.training.batching import split_eval
from assistant_plugins.emotion.classifier import EmotionClassifier
from assistant_plugins.emotion.commands import _calibration_figures
from assistant_plugins.emotion.data import read_examples
from assistant_plugins.emotion.lexicon import boost_from_settings, shipped
from assistant_plugins.emotion.metrics import report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emotion_chat_readings import SETS as CHAT_SETS  # noqa: E402
from emotion_chat_readings import read_remarks, shares  # noqa: E402
from emotion_dev_sweep import DEV, PLUGIN, ROOT  # noqa: E402  (the same dev sets)

OPENERS = "conversations_dev_openers.tsv"
KOTE = ROOT.parent / "shared" / "data" / "kote" / "val.tsv"


def class_precision(gold: list[str], predicted: list[str], label: str = "기쁨") -> dict:
    """How many remarks were read as ``label`` and how many of them are ``label``: the counts
    (so the sets can be pooled) and the precision (``None`` when nothing was read so)."""
    said = [g for g, p in zip(gold, predicted, strict=True) if p == label]
    right = sum(g == label for g in said)
    return {
        "right": right,
        "predicted": len(said),
        "precision": round(right / len(said), 4) if said else None,
    }


def parse_grid(values: list[str]) -> dict[str, list[float]]:
    grid = {}
    for value in values:
        label, _, numbers = value.partition("=")
        grid[label] = [float(n) for n in numbers.split(",")]
    return grid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", action="append", default=[])
    parser.add_argument("--grid", action="append", default=[])
    parser.add_argument("--least", type=float, default=None, help="opener threshold")
    args = parser.parse_args()
    settings = dict(load_config().plugin("emotion"))
    threshold = float(settings["threshold"])
    least = float(settings["tone_min_score"]) if args.least is None else args.least
    grid = parse_grid(args.grid or ["분노=0,-0.5,-1,-1.5", "일상=0,0.5,1"])
    sets = {name: read_examples(PLUGIN / name) for name in [*DEV, OPENERS]}
    kote = split_eval(read_examples(KOTE), 0.1, seed=42)[1] if KOTE.is_file() else []
    chat = read_remarks(CHAT_SETS)
    texts = sorted(
        {r.text for part in sets.values() for r in part}
        | {r.text for r in kote}
        | {r["text"] for r in chat}
    )
    out: dict = {"threshold": threshold, "least": least, "grid": grid, "models": {}}
    for source in args.model or ["shipped"]:
        classifier = EmotionClassifier.load(source, threads=1)
        logits = [
            row for i in range(0, len(texts), 64) for row in classifier.logits(texts[i : i + 64])
        ]
        cache = dict(zip(texts, logits, strict=True))
        classifier.logits = lambda batch, cache=cache: [cache[t] for t in batch]  # type: ignore[method-assign]
        rows_out = []
        labels = list(grid)
        for values in itertools.product(*(grid[label] for label in labels)):
            bias = {label: v for label, v in zip(labels, values, strict=True) if v}
            classifier.use_class_bias(bias)
            row: dict = {"class_bias": bias, "macro_f1": {}}
            classifier.use_lexicon(shipped(), boost_from_settings(settings))
            dev_rows, dev_predictions = [], []
            row["joy_precision"] = {}
            pooled_gold, pooled_labels = [], []
            for name, part in sets.items():
                predicted = classifier.predict_many([r.text for r in part], threshold)
                gold = [r.label for r in part]
                row["joy_precision"][name] = class_precision(gold, [p.label for p in predicted])
                pooled_gold += gold
                pooled_labels += [p.label for p in predicted]
                row["macro_f1"][name] = report(
                    gold, [p.label for p in predicted], classifier.labels
                )["macro_f1"]
                if name == OPENERS:
                    row["joy_p_openers_set"] = report(
                        gold, [p.label for p in predicted], classifier.labels
                    )["per_class"]["기쁨"]["precision"]
                    figures = _calibration_figures(
                        part, predicted, classifier.labels, settings, least
                    )
                    row["openers_set"] = (figures["openers_right"], figures["openers"])
                else:
                    dev_rows += part
                    dev_predictions += predicted
            row["joy_precision"]["pooled"] = class_precision(pooled_gold, pooled_labels)
            figures = _calibration_figures(
                dev_rows, dev_predictions, classifier.labels, settings, least
            )
            row["openers_dev4"] = (figures["openers_right"], figures["openers"])
            predictions = classifier.predict_many([r["text"] for r in chat], threshold)
            row["chat"] = shares(chat, predictions)
            classifier.use_lexicon(None, 1.0)
            if kote:
                predicted = classifier.predict_many([r.text for r in kote], threshold)
                row["kote_model_alone"] = report(
                    [r.label for r in kote], [p.label for p in predicted], classifier.labels
                )["macro_f1"]
            rows_out.append(row)
            f1 = " ".join(f"{v:.3f}" for v in row["macro_f1"].values())
            c = row["chat"]
            joy = " ".join(f"{v['right']}/{v['predicted']}" for v in row["joy_precision"].values())
            print(
                f"{json.dumps(bias, ensure_ascii=False):32s} F1 {f1} · KOTE"
                f" {row.get('kote_model_alone', 0):.3f} · openers set {row['openers_set'][0]}/"
                f"{row['openers_set'][1]} dev4 {row['openers_dev4'][0]}/{row['openers_dev4'][1]}"
                f" · plain neg {c['plain']['negative']}/{c['plain']['remarks']}"
                f" (≥0.5 {c['plain']['negative_at_0_5']}) 분노 {c['anger_overall']}"
                f" · compl/feel neg {c['complaint_feeling']['negative']}/"
                f"{c['complaint_feeling']['remarks']} · complaints 기쁨 {c['complaint']['joy_at_0_5']}"
                f" · 기쁨 P openers set {row['joy_p_openers_set']:.2f}"
                f" · 기쁨 right/read (sets, pooled) {joy}",
                flush=True,
            )
        out["models"][source] = rows_out
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
