"""Two crisis scorers side by side: which labelled remarks each one's detector catches.

.venv/bin/python bench/crisis_scorer_compare.py CANDIDATE.json [--base plugins/safety/crisis_scorer.json]

The rules and false friends are the shipped ones for both; only the scorer's weights differ. For
the tuning sets (``train.TUNING_SETS``) and the pending authors (``train.PENDING``) it counts the
crisis remarks the base detector catches and the candidate does not ("lost") and the other way
round ("gained"), and the harmless remarks each newly fires on. The held-out sets are never read.
Prints a few lost remarks and a final JSON line (the base is the in-run baseline). Round S26
(session 26, plugins/safety/README.md) used it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant_plugins.safety.detect import (
    FALSE_FRIENDS_PATH,
    PATTERNS_PATH,
    WEIGHTS_PATH,
    Detector,
    read_list,
)
from assistant_plugins.safety.gates import load as load_gates
from assistant_plugins.safety.train import PENDING, TUNING_SETS, read_set


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("candidate", type=Path)
    parser.add_argument("--base", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--show", type=int, default=6, help="lost remarks printed per group")
    args = parser.parse_args()
    gates = load_gates()
    patterns, friends = read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH)
    base = Detector(patterns, friends, scorer_path=args.base, gates=gates)
    candidate = Detector(patterns, friends, scorer_path=args.candidate, gates=gates)
    result: dict[str, dict[str, int]] = {}
    for group, names in (("tuning", TUNING_SETS), ("pending", PENDING)):
        counts = {"lost": 0, "gained": 0, "harmless_new_fires": 0, "harmless_fires_gone": 0}
        shown = 0
        for name in names:
            for label, kind, text in read_set(name):
                a, b = base.find(text) is not None, candidate.find(text) is not None
                if label == "crisis":
                    counts["lost"] += a and not b
                    counts["gained"] += b and not a
                    if a and not b and shown < args.show:
                        print(f"{group} lost: {name} {kind} {text}")
                        shown += 1
                else:
                    counts["harmless_new_fires"] += b and not a
                    counts["harmless_fires_gone"] += a and not b
        result[group] = counts
    print(
        json.dumps(
            {
                "bench": "crisis_scorer_compare",
                "base": str(args.base),
                "candidate": str(args.candidate),
                **result,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
