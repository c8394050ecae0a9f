"""Crisis detection across authors: leave one author's sets out, train on the rest, measure.

The labelled sets of plugins/safety were written by different people. A figure on a set
whose author's sentences were also in the training data says little about a new voice,
so this bench holds out one author at a time:

- the scorer is trained (``assistant_plugins.safety.train.fit``) on every other author's
  sets plus three quarters of the everyday chat questions (ChatbotData, harmless), and
  scores the held-out author's sets and the held-out quarter of the chat;
- the rules are those of a commit from **before** that author's sets were looked at
  (``git show COMMIT:plugins/safety/crisis_patterns.txt``), so they are not in-sample
  either; the rules author's own sets (dev … test_f) can only be measured with rules
  tuned on them and are reported, not used to choose anything.

For each held-out author it prints recall (direct / indirect) and false alarms of
"rules fire, or no false friend and score >= t" over a range of thresholds t (and the
held-out quarter of the everyday chat's fire rate), then each author's figures at
``--threshold`` (the shipped one by default) and the share of crisis remarks / false
friends / chat that would get the careful check-in (scores from ``--check-in`` up to the
threshold). Settings of the scorer (feature families, class weight, L2, epochs) are
chosen on this output, never on one set that is then headlined.

    .venv/bin/python bench/crisis_cross_author.py                      # shipped settings
    .venv/bin/python bench/crisis_cross_author.py --kinds sj --epochs 10   # before (c8a…)

The last line is JSON: the settings, per-author figures at the threshold, and the in-run
baseline of the rules alone (same frozen commits, no scorer). About 3 minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
from pathlib import Path

from assistant_plugins.safety.detect import Detector, spellings
from assistant_plugins.safety.scorer import WEIGHTS_PATH, Scorer, features, load
from assistant_plugins.safety.train import (
    CHAT_NEGATIVES,
    EPOCHS,
    KEEP,
    KINDS,
    fit,
    read_negatives,
    read_set,
)

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "plugins" / "safety"
#: author -> (sets, commit whose rules had not seen them; None = the rules author's own)
AUTHORS: dict[str, tuple[list[str], str | None]] = {
    "rules_author": (["dev", "test", "test_b", "test_c", "test_d", "test_e", "test_f"], None),
    "second": (["test_g", "test_h"], "217e6c5"),
    "safety": (["train_a"], "1c018d6"),
    "safety_b": (["train_b"], "77aa51c"),
    "safety_c": (["train_c"], "989a204"),
    "safety_d": (["train_d"], "75c168e"),
    "safety_e": (["train_e"], "dff6b5a"),
    "safety_f": (["train_f"], "dff6b5a"),
    "safety_g": (["train_g"], "2f905b0"),
    "blind_i": (["test_i"], "2f905b0"),  # the held-out set until test_j came
    "blind_j": (["test_j"], "2f905b0"),  # the held-out set until test_k came
    "safety_h": (["train_h"], "ab00083"),
    "blind_k": (["test_k"], "ab00083"),  # the held-out set until test_l came
    "safety_i": (["train_i"], "35ea3a3"),
    "safety_j": (["train_j"], "35ea3a3"),
    "safety_k": (["train_k"], "459abfe"),
    "safety_l": (["train_l"], "459abfe"),
    "safety_m": (["train_m"], "459abfe"),
    "safety_n": (["train_n"], "459abfe"),
    "blind_l": (["test_l"], "459abfe"),  # the held-out set until test_m came
    "safety_o": (["train_o"], "7ddc6d2"),
    "safety_p": (["train_p"], "7ddc6d2"),
    "safety_q": (["train_q"], "7ddc6d2"),
    "safety_r": (["train_r"], "7ddc6d2"),
    "blind_m": (["test_m"], "f835369"),  # the held-out set until test_n came
    "safety_s": (["train_s"], "f835369"),
    "safety_t": (["train_t"], "f835369"),
    # the held-out set until test_o came; its rules include the four direct misses fixed
    # after its one look (README)
    "blind_n": (["test_n"], "8d0ef69"),
    # the held-out sets of sessions 9-13, each with the rules of the commit that added it
    # (written blind, committed before any measurement)
    "blind_o": (["test_o"], "4946d82"),
    "blind_p": (["test_p"], "2d086a5"),
    "blind_q": (["test_q"], "68642c8"),
    "blind_r": (["test_r"], "c88a5bf"),
    "blind_s": (["test_s"], "77b413f"),
    # the held-out set of session 14, with the rules of the commit that added it
    "blind_t": (["test_t"], "76e17c6"),
    # the held-out set of session 15 (looked at once by the lead), likewise
    "blind_u": (["test_u"], "cd5c0ae"),
    # the held-out set of session 16 (looked at once by the lead), likewise
    "blind_v": (["test_v"], "4e884f4"),
}


def rules_at(commit: str | None) -> Detector:
    """The rules (patterns, false friends) of ``commit``, or of the working tree."""

    def lines(name: str) -> list[str]:
        if commit is None:
            text = (SETS / name).read_text(encoding="utf-8")
        else:
            text = subprocess.run(
                ["git", "show", f"{commit}:plugins/safety/{name}"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        return [s for raw in text.splitlines() if (s := raw.strip()) and not s.startswith("#")]

    return Detector(lines("crisis_patterns.txt"), lines("false_friends.txt"))


def chat_questions(detector: Detector) -> list[str]:
    """The shared ChatbotData questions no rule fires on (the trainer also adds the everyday
    exchanges, `--everyday-negatives`; this bench, like its README tables, does not)."""
    return read_negatives(CHAT_NEGATIVES, detector) if CHAT_NEGATIVES.exists() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="".join(KINDS), help="feature families: s j w c")
    parser.add_argument("--positive-weight", type=float, default=1.0)
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--keep", type=int, default=KEEP, help="largest weights kept")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    shipped = load(WEIGHTS_PATH)
    parser.add_argument("--threshold", type=float, default=shipped.threshold if shipped else 0.5)
    parser.add_argument("--check-in", type=float, default=shipped.check_in if shipped else 1.0)
    parser.add_argument("--no-chat", action="store_true", help="no everyday chat negatives")
    parser.add_argument("--dump", type=Path, help="write the held-out scores here (JSON)")
    parser.add_argument(
        "--not-trained",
        nargs="*",
        default=[],
        metavar="AUTHOR",
        help="authors measured when held out but in no other author's training (as for a "
        "scorer that never saw them, e.g. the shipped one and train.PENDING's authors)",
    )
    parser.add_argument(
        "--veto",
        type=float,
        default=0.0,
        help="a rule hit whose score is below this is ignored (0: rules always win)",
    )
    args = parser.parse_args()
    unknown = set(args.not_trained) - set(AUTHORS)
    if unknown:
        parser.error(f"unknown authors: {', '.join(sorted(unknown))}")
    kinds = tuple(args.kinds)
    authors = {
        name: (sets, commit)
        for name, (sets, commit) in AUTHORS.items()
        if all((SETS / f"crisis_{s}.tsv").exists() for s in sets)
    }
    current = rules_at(None)
    chat = [] if args.no_chat else chat_questions(current)
    chat_feats = [features(spellings(q)[0], kinds) for q in chat]
    rows = {a: [r for s in sets for r in read_set(s)] for a, (sets, _) in authors.items()}
    feats = {a: [features(spellings(t)[0], kinds) for _, _, t in rows[a]] for a in authors}
    thresholds = sorted({*(i / 100 for i in range(20, 100, 5)), args.threshold})
    report: dict[str, dict] = {}
    dumped: dict[str, dict] = {}
    pooled: dict[float, list[int]] = {t: [0, 0, 0, 0, 0, 0] for t in thresholds}
    for k, (held, (_, commit)) in enumerate(authors.items()):
        train = [(f, int(r[0] == "crisis")) for a in authors
                 if a != held and a not in args.not_trained
                 for f, r in zip(feats[a], rows[a], strict=True)]  # fmt: skip
        train += [(f, 0) for i, f in enumerate(chat_feats) if i % len(authors) != k]
        weights, bias = fit(
            train,
            epochs=args.epochs,
            l2=args.l2,
            positive_weight=args.positive_weight,
            keep=args.keep,
        )
        scorer = Scorer(weights, bias, 0.5, kinds)
        rules = rules_at(commit) if commit else current

        def prob(f: set[str], scorer: Scorer = scorer) -> float:
            z = scorer.bias + sum(scorer.weights.get(x, 0.0) for x in f)
            return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

        def gate(text: str, rules: Detector = rules) -> tuple[bool, bool]:
            primary = spellings(text)[0]
            short = sum("가" <= c <= "힣" for c in primary[0]) < 3
            return rules.find(text) is not None, rules.has_false_friend(text) or short

        judged = []
        for (label, kind, text), f in zip(rows[held], feats[held], strict=True):
            hit, blocked = gate(text)
            judged.append((label, kind, hit, blocked, prob(f)))
        held_chat = [(q, f) for i, (q, f) in enumerate(zip(chat, chat_feats, strict=True))
                     if i % len(authors) == k]  # fmt: skip
        chat_judged = [(*gate(q), prob(f)) for q, f in held_chat]
        dumped[held] = {
            "commit": commit,
            "rows": [[*j, t] for j, (_, _, t) in zip(judged, rows[held], strict=True)],
            "chat": chat_judged,
        }
        curve = {}
        for t in [*thresholds, 2.0]:
            v = args.veto if t <= 1 else 0.0

            def fires(hit: bool, blk: bool, p: float, t: float = t, v: float = v) -> bool:
                return (hit and p >= v) or (not blk and p >= t)

            fired = [(lab, kind, fires(hit, blk, p)) for lab, kind, hit, blk, p in judged]
            crisis = [f for lab, _, f in fired if lab == "crisis"]
            direct = [f for lab, kind, f in fired if lab == "crisis" and kind == "direct"]
            indirect = [f for lab, kind, f in fired if lab == "crisis" and kind == "indirect"]
            safe = [f for lab, _, f in fired if lab == "safe"]
            chat_fired = [fires(hit, blk, p) for hit, blk, p in chat_judged]
            curve[t] = {
                "recall": round(sum(crisis) / len(crisis), 3),
                "direct": round(sum(direct) / max(1, len(direct)), 3),
                "indirect": round(sum(indirect) / max(1, len(indirect)), 3),
                "false_alarms": round(sum(safe) / len(safe), 4),
                "chat": round(sum(chat_fired) / max(1, len(chat_fired)), 4),
            }
            if commit and t in pooled:
                pooled[t][0] += sum(crisis)
                pooled[t][1] += len(crisis)
                pooled[t][2] += sum(safe)
                pooled[t][3] += len(safe)
                pooled[t][4] += sum(chat_fired)
                pooled[t][5] += len(chat_fired)
        report[held] = {"rules_commit": commit or "working tree (in-sample)", "curve": curve}
        print(f"== held out: {held} ({', '.join(authors[held][0])}), rules of {commit}")
        for t, c in curve.items():
            label = "rules alone" if t > 1 else f"t={t:.2f}"
            print(f"  {label:12} R {c['recall']:.3f} ({c['direct']:.2f}/{c['indirect']:.2f})"
                  f"  FA {c['false_alarms']:.3f}  chat {c['chat']:.4f}")  # fmt: skip
    chosen = args.threshold

    def check_ins(held: str) -> dict[str, float]:
        rows_, chat_ = dumped[held]["rows"], dumped[held]["chat"]

        def band(hit: bool, blk: bool, p: float) -> bool:
            return not hit and not blk and args.check_in <= p < chosen

        crisis = [band(*r[2:5]) for r in rows_ if r[0] == "crisis"]
        safe = [band(*r[2:5]) for r in rows_ if r[0] == "safe"]
        return {
            "crisis": round(sum(crisis) / max(1, len(crisis)), 3),
            "false_friends": round(sum(safe) / max(1, len(safe)), 4),
            "chat": round(sum(band(*c) for c in chat_) / max(1, len(chat_)), 4),
        }

    summary = {
        "bench": "crisis_cross_author",
        "settings": {
            "kinds": args.kinds,
            "positive_weight": args.positive_weight,
            "l2": args.l2,
            "epochs": args.epochs,
            "keep": args.keep,
            "veto": args.veto,
            "chat": len(chat),
            "not_trained": args.not_trained,
        },
        "threshold": chosen,
        "check_in": args.check_in,
        "pooled_at_threshold": {
            "recall": round(pooled[chosen][0] / max(1, pooled[chosen][1]), 3),
            "false_alarms": round(pooled[chosen][2] / max(1, pooled[chosen][3]), 4),
            "chat": round(pooled[chosen][4] / max(1, pooled[chosen][5]), 4),
        },
        "per_author_at_threshold": {a: r["curve"][chosen] for a, r in report.items()},
        "check_in_band_share": {a: check_ins(a) for a in report},
        "baseline_rules_alone": {a: r["curve"][2.0] for a, r in report.items()},
        "rules_commits": {a: r["rules_commit"] for a, r in report.items()},
    }
    if args.dump:
        args.dump.write_text(json.dumps(dumped, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
