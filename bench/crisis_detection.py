"""Crisis detection (plugins/safety): recall and false-alarm rate on every labelled set.

For each set (plugins/safety/crisis_*.tsv) it prints recall on the crisis remarks (all,
direct, indirect) and the false-alarm rate on the false friends for the shipped detector
(rules + learned scorer) and three in-run baselines: a plain keyword list (죽, 자살, 자해),
a phrase list (죽고 싶, 자살, 자해, 살기 싫, 살고 싶지 않, 사라지고 싶, 뛰어내리, 수면제,
유서) matched with spaces ignored, and the rules alone (no scorer). The headline is the
lead's held-out set (``train.HELD_OUT``) once its file is there, never trained or tuned on;
when there is none (test_v, session 16's, joined the rules' sets after its one look and no
new set has arrived yet) or its file is missing, it is the last of the rules' sets, in-sample
like every other set here (the first looks, held out when taken, are in plugins/safety/README.md; check
out their commits to re-measure them; ``bench/crisis_cross_author.py`` gives figures on
authors a model never saw). ``--headline NAME`` measures any set, e.g. a fresh one. When the shared
ChatbotData corpus is present it also prints each method's fire rate on its everyday
questions (the scorer was trained on them as harmless examples: in-sample too). Also the
detector's time per utterance, and the share of the headline set's crisis remarks and
false friends in the scorer's check-in band (a careful reply on small-talk turns, not
counted in the recall).

    .venv/bin/python bench/crisis_detection.py
    .venv/bin/python bench/crisis_detection.py --patterns OLD.txt --false-friends OLD.txt

The second form measures other rule files, e.g. an older commit's
(``git show COMMIT:plugins/safety/crisis_patterns.txt > OLD.txt``): that is how the
first-look figures in plugins/safety/README.md can be re-measured.
"""

from __future__ import annotations

import argparse
import csv
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
from assistant_plugins.safety.scorer import WEIGHTS_PATH
from assistant_plugins.safety.train import HELD_OUT as HELD_OUT_SETS
from assistant_plugins.safety.train import PENDING, TUNING_SETS

SETS = Path(__file__).resolve().parent.parent / "plugins" / "safety"

#: the sets the rules were fitted on (the scorer: all but the pending ones)
TUNED = [*TUNING_SETS, *PENDING]
#: the lead's held-out set, measured once it is there (never trained or tuned on); test_t, test_u
#: and test_v, the held-out sets of sessions 14-16, are rules' sets (train.PENDING) after their
#: one look; test_w in sessions 16-20, test_x since session 21; when train.HELD_OUT is empty, the
#: last rules' set
#: (in-sample, and said so)
HELD_OUT: str | None = min(HELD_OUT_SETS, default=None)
HEADLINE = (
    HELD_OUT if HELD_OUT is not None and (SETS / f"crisis_{HELD_OUT}.tsv").exists() else TUNED[-1]
)
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


def everyday_chat() -> list[str]:
    """Questions of the shared ChatbotData corpus, when it is next to the repository."""
    path = SETS.parent.parent.parent / "shared" / "data" / "chatbotdata" / "ChatbotData.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [q for row in csv.DictReader(handle) if (q := str(row.get("Q") or "").strip())]


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
    parser.add_argument("--weights", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--headline", default=HEADLINE, help="the held-out set")
    args = parser.parse_args()
    if not (SETS / f"crisis_{args.headline}.tsv").exists():
        parser.error(f"no set plugins/safety/crisis_{args.headline}.tsv")
    patterns, friends = read_list(args.patterns), read_list(args.false_friends)
    shipped = Detector(patterns, friends, scorer_path=args.weights)
    rules_alone = Detector(patterns, friends)
    order = [name for name in TUNED if name != args.headline] + [args.headline]
    methods: dict[str, Callable[[str], bool]] = {
        "shipped": lambda text: shipped.find(text) is not None,
        "rules": lambda text: rules_alone.find(text) is not None,
        "keywords": keyword_baseline,
        "phrases": phrase_baseline,
    }
    results = {}
    print(f"{'set':8} {'n':>9}   " + "   ".join(f"{m}: R (dir/ind) FA" for m in methods))
    for name in order:
        rows = load(name)
        results[name] = {m: figures(rows, fires) for m, fires in methods.items()}
        tag = "in-sample" if name in TUNED else "held-out"
        first = results[name]["shipped"]
        cells = "   ".join(
            f"{f['recall']:.3f} ({f['recall_direct']:.2f}/{f['recall_indirect']:.2f}) "
            f"{f['false_alarm_rate']:.3f}"
            for f in results[name].values()
        )
        print(f"{name:8} {first['crisis']:>4}/{first['safe']:<4}  {cells}   ({tag})")
    chat = everyday_chat()
    if chat:  # fire rate on everyday chat questions (a few are real crisis remarks)
        for method, fires in methods.items():
            rate = sum(fires(q) for q in chat) / len(chat)
            results.setdefault("chat", {})[method] = round(rate, 4)
        print(f"everyday chat ({len(chat)} questions), fire rate: {results['chat']}")
    texts = [t for name in order for _, _, t in load(name)]
    started = time.perf_counter()
    for _ in range(3):
        for text in texts:
            shipped.find(text)
    per_ms = (time.perf_counter() - started) * 1000 / (3 * len(texts))
    print(f"rules + scorer: {per_ms:.3f} ms per utterance ({len(texts)} utterances x 3)")
    head = results[args.headline]
    summary = {
        "bench": "crisis_detection",
        "headline_set": args.headline,
        "headline_held_out": args.headline not in TUNED,
        "recall": head["shipped"]["recall"],
        "recall_direct": head["shipped"]["recall_direct"],
        "recall_indirect": head["shipped"]["recall_indirect"],
        "false_alarm_rate": head["shipped"]["false_alarm_rate"],
    }
    for method in ("rules", "keywords", "phrases"):
        summary[f"baseline_{method}_recall"] = head[method]["recall"]
        summary[f"baseline_{method}_false_alarm_rate"] = head[method]["false_alarm_rate"]
    tuned = [n for n in order if n in TUNED]
    summary["in_sample_recall"] = {n: results[n]["shipped"]["recall"] for n in tuned}
    summary["in_sample_false_alarm_rate"] = {
        n: results[n]["shipped"]["false_alarm_rate"] for n in tuned
    }
    summary["everyday_chat_fire_rate"] = results.get("chat")
    # the check-in band (small-talk turns only, not counted in the recall above): the share
    # of the headline set's crisis remarks and false friends that get the careful check-in
    head_rows = load(args.headline)
    band = {
        label: [shipped.check_in(t) is not None for lab, _, t in head_rows if lab == label]
        for label in ("crisis", "safe")
    }
    summary["check_in_band"] = {
        "crisis": round(sum(band["crisis"]) / max(1, len(band["crisis"])), 3),
        "false_friends": round(sum(band["safe"]) / max(1, len(band["safe"])), 3),
    }
    print(f"{args.headline}: check-in band {summary['check_in_band']} (turns only)")
    # common sentences ("태어나지 말았어야 했어") also occur in tuned sets: without them, the
    # headline is about sentences the detector never saw (another tuned set's: an in-sample
    # headline, itself a tuned set, would otherwise count every one of its own rows)
    seen = {t for name in tuned if name != args.headline for _, _, t in load(name)}
    unseen = [row for row in head_rows if row[2] not in seen]
    fresh = figures(unseen, methods["shipped"])
    summary["unseen_rows"] = {"crisis": fresh["crisis"], "false_friends": fresh["safe"]}
    summary["unseen_recall"] = fresh["recall"]
    summary["unseen_false_alarm_rate"] = fresh["false_alarm_rate"]
    print(
        f"{args.headline} without the {len(head_rows) - len(unseen)} sentences also in a tuned "
        f"set: recall {fresh['recall']:.3f} ({fresh['recall_direct']:.2f}/"
        f"{fresh['recall_indirect']:.2f}), false alarms {fresh['false_alarm_rate']:.3f}"
    )
    summary["ms_per_utterance"] = round(per_ms, 3)
    summary["target_recall"] = 0.95
    summary["target_false_alarm_rate"] = 0.02
    # the target is about a set never tuned on: an in-sample headline cannot meet it
    summary["meets_target"] = (
        args.headline not in TUNED
        and min(head["shipped"]["recall"], fresh["recall"]) >= 0.95
        and max(head["shipped"]["false_alarm_rate"], fresh["false_alarm_rate"]) <= 0.02
    )
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
