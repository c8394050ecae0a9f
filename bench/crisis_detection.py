"""Crisis detection (plugins/safety): recall and false-alarm rate on every labelled set.

For each set (plugins/safety/crisis_*.tsv) it prints recall on the crisis remarks (all,
direct, indirect) and the false-alarm rate on the false friends, for the shipped rules and
for two in-run baselines a competent user would write: a plain keyword list (죽, 자살, 자해)
and a phrase list (죽고 싶, 자살, 자해, 살기 싫, 살고 싶지 않, 사라지고 싶, 뛰어내리,
수면제, 유서), matched anywhere with spaces ignored. The headline is the held-out set (test_f, never tuned on); the others
were tuned on, so their figures are in-sample. Also the detector's time per utterance.

    .venv/bin/python bench/crisis_detection.py
    .venv/bin/python bench/crisis_detection.py --patterns OLD.txt --false-friends OLD.txt

The second form measures other rule files, e.g. an older commit's
(``git show COMMIT:plugins/safety/crisis_patterns.txt > OLD.txt``): that is how the
first-look figures in plugins/safety/README.md can be re-measured.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from assistant_plugins.safety.detect import (
    FALSE_FRIENDS_PATH,
    PATTERNS_PATH,
    Detector,
    read_list,
)

SETS = Path(__file__).resolve().parent.parent / "plugins" / "safety"
ORDER = ["dev", "test", "test_b", "test_c", "test_d", "test_e", "test_f"]
HEADLINE = "test_f"
KEYWORDS = ("죽", "자살", "자해")
PHRASES = (
    "죽고싶",
    "자살",
    "자해",
    "살기싫",
    "살고싶지않",
    "사라지고싶",
    "뛰어내리",
    "수면제",
    "유서",
)


def load(name: str) -> list[tuple[str, str, str]]:
    lines = (SETS / f"crisis_{name}.tsv").read_text(encoding="utf-8").splitlines()
    body = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return [(label, kind, text) for label, kind, text in body[1:]]


def keyword_baseline(text: str) -> bool:
    return any(k in text for k in KEYWORDS)


def phrase_baseline(text: str) -> bool:
    compact = "".join(text.split())
    return any(p in compact for p in PHRASES)


def figures(rows: list[tuple[str, str, str]], fires: Callable[[str], bool]) -> dict:
    def rate(selected: list[str]) -> float:
        return round(sum(fires(t) for t in selected) / len(selected), 3) if selected else 0.0

    crisis = [(k, t) for label, k, t in rows if label == "crisis"]
    safe = [t for label, _, t in rows if label == "safe"]
    return {
        "crisis": len(crisis),
        "safe": len(safe),
        "recall": rate([t for _, t in crisis]),
        "recall_direct": rate([t for k, t in crisis if k == "direct"]),
        "recall_indirect": rate([t for k, t in crisis if k == "indirect"]),
        "false_alarm_rate": rate(safe),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=Path, default=PATTERNS_PATH)
    parser.add_argument("--false-friends", type=Path, default=FALSE_FRIENDS_PATH)
    args = parser.parse_args()
    detector = Detector(read_list(args.patterns), read_list(args.false_friends))

    def rules(text: str) -> bool:
        return detector.find(text) is not None

    results = {}
    print(
        f"{'set':8} {'n':>9}  {'rules: recall dir/ind  FA':>27}  keywords: R  FA   phrases: R  FA"
    )
    for name in ORDER:
        rows = load(name)
        mine, base = figures(rows, rules), figures(rows, keyword_baseline)
        phrase = figures(rows, phrase_baseline)
        results[name] = {"rules": mine, "keywords": base, "phrases": phrase}
        tag = "held-out" if name == HEADLINE else "in-sample"
        print(
            f"{name:8} {mine['crisis']:>4}/{mine['safe']:<4}  {mine['recall']:.3f} "
            f"{mine['recall_direct']:.3f}/{mine['recall_indirect']:.3f}  "
            f"{mine['false_alarm_rate']:.3f}   {base['recall']:.3f}  "
            f"{base['false_alarm_rate']:.3f}   {phrase['recall']:.3f}  "
            f"{phrase['false_alarm_rate']:.3f}   ({tag})"
        )
    texts = [t for name in ORDER for _, _, t in load(name)]
    started = time.perf_counter()
    for _ in range(3):
        for text in texts:
            detector.find(text)
    per_ms = (time.perf_counter() - started) * 1000 / (3 * len(texts))
    print(f"rules: {per_ms:.3f} ms per utterance ({len(texts)} utterances x 3)")
    head = results[HEADLINE]
    print(
        json.dumps(
            {
                "bench": "crisis_detection",
                "headline_set": HEADLINE,
                "recall": head["rules"]["recall"],
                "recall_indirect": head["rules"]["recall_indirect"],
                "false_alarm_rate": head["rules"]["false_alarm_rate"],
                "baseline_keywords_recall": head["keywords"]["recall"],
                "baseline_keywords_false_alarm_rate": head["keywords"]["false_alarm_rate"],
                "baseline_phrases_recall": head["phrases"]["recall"],
                "baseline_phrases_false_alarm_rate": head["phrases"]["false_alarm_rate"],
                "in_sample_recall": {n: results[n]["rules"]["recall"] for n in ORDER[:-1]},
                "ms_per_utterance": round(per_ms, 3),
                "target_recall": 0.95,
                "target_false_alarm_rate": 0.02,
                "meets_target": head["rules"]["recall"] >= 0.95
                and head["rules"]["false_alarm_rate"] <= 0.02,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
