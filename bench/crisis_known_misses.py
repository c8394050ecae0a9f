"""Rewrite plugins/safety/known_misses.tsv: the crisis remarks of the tuning sets that the
shipped detector (rules + scorer) misses, each with its reason.

    .venv/bin/python bench/crisis_known_misses.py

Run it after retraining the scorer or editing the rule files (tests/test_safety_detection.py
fails on any miss not listed and on a listed remark that is caught now). Reasons written by
hand (not starting with "direct:" or "indirect:") are kept for remarks still missed; the
others are worked out again: too short for the scorer, a false friend overlapping a rule or
vetoing the scorer, or the score under the threshold (and whether it is in the check-in band).
Never reads the held-out set (``train.HELD_OUT``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from assistant_plugins.safety.detect import SHORT_MIN_SCORE, SHORT_SYLLABLES, Detector, spellings
from assistant_plugins.safety.scorer import load
from assistant_plugins.safety.train import HELD_OUT, PENDING, TUNING_SETS, read_set, too_short

PATH = Path(__file__).resolve().parent.parent / "plugins" / "safety" / "known_misses.tsv"


@cache
def _scorer(path: Path) -> tuple[Any, str]:
    """The shipped scorer (read once) and how its threshold was chosen, for the reasons."""
    meta = json.loads(Path(path).read_text(encoding="utf-8")).get("meta", {})
    raised = (meta.get("small_talk_sets") or {}).get("threshold_before")
    scorer = load(path)
    chosen = (
        f" ({raised:.2f} chosen across authors, raised for the small-talk sets)"
        if raised is not None and raised != scorer.threshold
        else " chosen across authors"
    )
    return scorer, chosen


def reason(detector: Detector, kind: str, text: str) -> str:
    vetoed = detector.has_false_friend(text)
    if too_short(text) and not vetoed:
        return f"{kind}: under three Hangul syllables, left to the rules, and no rule fires"
    if vetoed:
        if Detector([r.text for r in detector.patterns]).find(text) is not None:
            return (
                f"{kind}: a rule fires but a false friend overlaps it (and vetoes the scorer); "
                "kept rather than weakening that false friend"
            )
        return f"{kind}: no rule, and a false friend in the text vetoes the scorer"
    scorer, chosen = _scorer(detector.scorer_path)
    probability = scorer.probability(spellings(text)[0])
    band = (
        " (inside the check-in band: a careful reply on a small-talk turn)"
        if probability >= scorer.check_in
        else ""
    )
    if probability >= scorer.threshold:
        return (
            f"{kind}: no rule; the scorer gives p={probability:.2f}, but a remark of fewer than "
            f"{SHORT_SYLLABLES} Hangul syllables needs {SHORT_MIN_SCORE:.2f}{band}"
        )
    return (
        f"{kind}: no rule; the scorer gives p={probability:.2f}, under its threshold "
        f"{scorer.threshold:.2f}{chosen}{band}"
    )


def main() -> None:
    lines = PATH.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")] + ["set\ttext\treason"]
    old = {}
    for line in lines:
        if line.startswith(("#", "set\t")) or not line.strip():
            continue
        name, text, why = line.split("\t")
        old[(name, text)] = why
    detector = Detector.from_files()
    rows = []
    for name in (n for n in [*TUNING_SETS, *PENDING] if n not in HELD_OUT):
        for label, kind, text in read_set(name):
            if label != "crisis" or detector.find(text) is not None:
                continue
            why = old.get((name, text), "")
            if not why or why.startswith(("direct:", "indirect:")):
                why = reason(detector, kind, text)
            rows.append(f"{name}\t{text}\t{why}")
    PATH.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    caught = len(old.keys() - {tuple(r.split("\t")[:2]) for r in rows})
    print(f"{len(rows)} known misses written; {caught} earlier entries are caught now")


if __name__ == "__main__":
    main()
