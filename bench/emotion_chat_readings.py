"""How often the emotion classifier reads plain everyday chat as a negative feeling.

Reads the remarks of the *seen* small-talk evaluation sets (``plugins/smalltalk/
eval_prompts.tsv`` and ``eval_prompts_b.tsv`` … ``eval_prompts_r.tsv``; never ``_s``, the
held-out one, nor an emotion test set), column ``kind``, and classifies them as the assistant
does (``plugins.emotion`` of ``assistant.yaml``: threshold, the feeling-word lexicon and its
boost, ``class_bias``). The first model is the in-run baseline (default: the shipped model
with the configured settings); every further MODEL may carry its own class bias:

.venv/bin/python bench/emotion_chat_readings.py                      # the shipped model as configured
.venv/bin/python bench/emotion_chat_readings.py shipped@none shipped@분노=-1.0 runs/X
.venv/bin/python bench/emotion_chat_readings.py shipped@none shipped --changes 30

``MODEL@none`` = no class bias; ``MODEL@분노=-1.0,불안=-0.5`` = that bias; ``MODEL`` alone = the
configured ``class_bias``. Per model:

- ``plain``: the remarks of the kinds greeting, persona, plans, daily, question, misc: share
  read as a negative class (분노, 슬픔, 불안, 우울) at any score, and at ≥ 0.5;
- ``anger_overall``: share of all remarks read 분노 (any score);
- ``complaint_feeling``: how many complaint / feeling remarks are read negative (they may
  rightly be; reported, not optimised); ``complaint``: the complaints alone, whose 기쁨
  readings (``joy``, ``joy_at_0_5``) are almost always wrong (the polarity flip a cheerful
  reply would make worse); ``other``: the same for news / relation;
- ``--changes N``: up to N remarks whose label differs from the baseline's, for reading by hand
  (a fixed-seed sample).

Prints a final JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from assistant.config import load_config
from assistant_plugins.emotion.classifier import EmotionClassifier, class_bias_from_settings
from assistant_plugins.emotion.lexicon import boost_from_settings, from_settings

ROOT = Path(__file__).resolve().parent.parent
SMALLTALK = ROOT / "plugins" / "smalltalk"
#: the seen small-talk sets; ``eval_prompts_s.tsv`` (and any later one) is held out
SETS = ["eval_prompts.tsv"] + [f"eval_prompts_{c}.tsv" for c in "bcdefghijklmnopqr"]
NEGATIVE = ("분노", "슬픔", "불안", "우울")
PLAIN_KINDS = ("greeting", "persona", "plans", "daily", "question", "misc")
FEELING_KINDS = ("complaint", "feeling")


def read_remarks(names: list[str]) -> list[dict[str, str]]:
    rows = []
    for name in names:
        if not name.startswith("eval_prompts") or name >= "eval_prompts_s":
            raise SystemExit(f"'{name}': 보지 않는 세트예요 (eval_prompts.tsv, _b … _r 만 읽어요).")
        for line in (SMALLTALK / name).read_text("utf-8").splitlines():
            if not line.strip() or line.startswith("#") or line.startswith("id\t"):
                continue
            cells = line.split("\t")
            if len(cells) >= 3:
                rows.append({"set": name, "id": cells[0], "kind": cells[1], "text": cells[2]})
    return rows


def parse_model(spec: str, configured: dict[str, float]) -> tuple[str, dict[str, float]]:
    """``MODEL``, ``MODEL@none`` or ``MODEL@label=bias,label=bias``."""
    source, _, bias = spec.partition("@")
    if not bias:
        return source, dict(configured)
    if bias == "none":
        return source, {}
    pairs = [item.split("=") for item in bias.split(",")]
    return source, {label.strip(): float(value) for label, value in pairs}


def shares(rows: list[dict[str, str]], predictions: list) -> dict:
    def figures(kinds: tuple[str, ...] | None) -> dict:
        chosen = [
            p for r, p in zip(rows, predictions, strict=True) if kinds is None or r["kind"] in kinds
        ]
        negative = [p for p in chosen if p.label in NEGATIVE]
        sure = [p for p in negative if p.score >= 0.5]
        count = len(chosen) or 1
        return {
            "remarks": len(chosen),
            "negative": len(negative),
            "negative_share": round(len(negative) / count, 4),
            "negative_at_0_5": len(sure),
            "negative_at_0_5_share": round(len(sure) / count, 4),
            "anger": sum(p.label == "분노" for p in chosen),
            "joy": sum(p.label == "기쁨" for p in chosen),
            "joy_at_0_5": sum(p.label == "기쁨" and p.score >= 0.5 for p in chosen),
        }

    anger = sum(p.label == "분노" for p in predictions)
    return {
        "plain": figures(PLAIN_KINDS),
        "plain_per_kind": {kind: figures((kind,)) for kind in PLAIN_KINDS},
        "complaint_feeling": figures(FEELING_KINDS),
        "complaint": figures(("complaint",)),
        "other": figures(tuple({r["kind"] for r in rows} - set(PLAIN_KINDS) - set(FEELING_KINDS))),
        "anger_overall": anger,
        "anger_overall_share": round(anger / (len(rows) or 1), 4),
        "remarks": len(rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="*", default=["shipped"])
    parser.add_argument("--sets", nargs="+", default=SETS)
    parser.add_argument("--changes", type=int, default=0, help="show N changed readings")
    args = parser.parse_args()
    settings = load_config().plugin("emotion")
    threshold = float(settings.get("threshold", 0.0))
    configured = class_bias_from_settings(settings)
    rows = read_remarks(args.sets)
    texts = [r["text"] for r in rows]
    out: dict = {"threshold": threshold, "sets": args.sets, "models": {}}
    baseline = None
    loaded: dict[str, EmotionClassifier] = {}
    for spec in args.models:
        source, bias = parse_model(spec, configured)
        if source not in loaded:
            loaded[source] = EmotionClassifier.load(
                source,
                max_length=int(settings.get("max_length") or 128),
                threads=1,
                lexicon=from_settings(settings),
                lexicon_boost=boost_from_settings(settings),
            )
        classifier = loaded[source]
        classifier.use_class_bias(bias)
        predictions = classifier.predict_many(texts, threshold)
        figures = {"class_bias": bias, **shares(rows, predictions)}
        if baseline is None:
            baseline = predictions
        else:
            changed = [
                {
                    "kind": r["kind"],
                    "text": r["text"],
                    "before": f"{b.label} {b.score:.2f}",
                    "after": f"{p.label} {p.score:.2f}",
                }
                for r, b, p in zip(rows, baseline, predictions, strict=True)
                if b.label != p.label
            ]
            figures["changed"] = len(changed)
            sample = random.Random(0).sample(changed, min(args.changes, len(changed)))
            figures["changed_sample"] = sample
        out["models"][spec] = figures
        plain, feel = figures["plain"], figures["complaint_feeling"]
        print(
            f"== {spec}  plain {plain['remarks']}: negative {plain['negative']}"
            f" ({plain['negative_share']:.3f}), ≥ 0.5 {plain['negative_at_0_5']}"
            f" ({plain['negative_at_0_5_share']:.3f}), 분노 {plain['anger']} · 분노 overall"
            f" {figures['anger_overall']}/{figures['remarks']} · complaint/feeling negative"
            f" {feel['negative']}/{feel['remarks']} (≥ 0.5 {feel['negative_at_0_5']}) ·"
            f" complaints read 기쁨 {figures['complaint']['joy']}/{figures['complaint']['remarks']}"
            f" (≥ 0.5 {figures['complaint']['joy_at_0_5']})"
            + (f" · changed vs baseline {figures['changed']}" if "changed" in figures else "")
        )
        for item in figures.get("changed_sample", []):
            print(f"   [{item['kind']}] {item['text']}  {item['before']} -> {item['after']}")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
