"""A fine-tuned crisis classifier with every author's sets: does it add to the detector now?

``bench/crisis_neural_cross_author.py`` asked this with five authors (about 4,000 labelled
sentences) and found that the network added about nothing. Session 11 asks it again with the
29 authors of ``train.TUNING_SETS`` and ``train.PENDING`` (about 20,500 labelled sentences):

- the authors are dealt into ``GROUPS`` groups (fixed shuffle); for group k, a
  ``BertForSequenceClassification`` (safe / crisis) from the encoder of ``models/emotion-mini``
  is fine-tuned on every other group's sets plus ``--negatives`` harmless remarks sampled
  from the chat negatives the n-gram scorer trains on (ChatbotData questions, the everyday
  exchanges, the persona questions; part k of them is never trained on) and scores group k
  and chat part k (``fold K``, a few minutes to a quarter of an hour on one thread);
- the n-gram scorer is refitted on the same folds (``train.fit``, shipped settings), so the
  in-run baseline is the detector as shipped: the shipped rules (which saw these sets: their
  part of every figure is in-sample) or, with no false friend, the scorer at its threshold;
- ``summary`` reads the folds that exist and prints, pooled over them, each way of combining
  the two at the lowest threshold that keeps the false alarms within 1.5 % and the chat fire
  rate within 0.25 % (``train.MAX_FALSE_ALARMS``, ``train.MAX_CHAT_FIRES``), and a curve.
  The last line is JSON.

The held-out sets (``train.HELD_OUT``) are never read.

    .venv/bin/python bench/crisis_neural_author_groups.py fold 0      # ... GROUPS - 1
    .venv/bin/python bench/crisis_neural_author_groups.py summary

``--base HUB_ID_OR_DIR`` fine-tunes another encoder instead of emotion-mini's, e.g. a Korean
encoder pretrained on web text, which the safety README names as the missing ingredient for new
voices (none can be downloaded where this project is developed; with one, run every fold and
``summary`` with the same ``--base``: its folds are cached apart).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

from assistant_plugins.safety.detect import (
    FALSE_FRIENDS_PATH,
    PATTERNS_PATH,
    SHORT_MIN_SCORE,
    SHORT_SYLLABLES,
    Detector,
    read_list,
    spellings,
    syllables,
)
from assistant_plugins.safety.scorer import WEIGHTS_PATH, features, load
from assistant_plugins.safety.train import (
    AUTHORS,
    CHAT_NEGATIVES,
    EPOCHS,
    EVERYDAY_NEGATIVES,
    HELD_OUT,
    KEEP,
    KINDS,
    MAX_CHAT_FIRES,
    MAX_FALSE_ALARMS,
    PENDING,
    PERSONA_NEGATIVES,
    TUNING_SETS,
    fit,
    read_everyday,
    read_negatives,
    read_persona,
    read_set,
    vetoed,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crisis_neural_cross_author import BASE, crisis_probabilities, fine_tune  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "runs" / "crisis_neural_groups"
GROUPS = 6
#: the 29 authors of session 11 (test_q, looked at in that session, joined PENDING after the run)
SETS = [*TUNING_SETS, *(name for name in PENDING if name != "test_q")]
assert not HELD_OUT.intersection(SETS)

Row = tuple[str, str, str, str]  # set, label, kind, text


def data() -> tuple[list[Row], list[str], dict[str, int], Detector]:
    rules = Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH))
    authors = sorted({AUTHORS[s] for s in SETS})
    random.Random(3).shuffle(authors)
    group = {a: i % GROUPS for i, a in enumerate(authors)}
    rows = [(s, label, kind, text) for s in SETS for label, kind, text in read_set(s)]
    chat = read_negatives(CHAT_NEGATIVES, rules) if CHAT_NEGATIVES.exists() else []
    chat += read_everyday(EVERYDAY_NEGATIVES, rules) + read_persona(PERSONA_NEGATIVES, rules)
    return rows, chat, group, rules


def run_fold(k: int, args: argparse.Namespace) -> None:
    rows, chat, group, rules = data()
    mine = [group[AUTHORS[r[0]]] == k for r in rows]
    train_rows = [r for r, m in zip(rows, mine, strict=True) if not m]
    pool = [q for i, q in enumerate(chat) if i % GROUPS != k]
    sample = random.Random(args.seed).sample(pool, min(args.negatives, len(pool)))
    texts = [r[3] for r in train_rows] + sample
    labels = [int(r[1] == "crisis") for r in train_rows] + [0] * len(sample)
    started = time.perf_counter()
    print(f"group {k}: {len(texts)} examples ({sum(labels)} crisis)", flush=True)
    model, tokenizer = fine_tune(
        texts, labels, base=args.base, seed=args.seed, threads=args.threads
    )
    held = [r for r, m in zip(rows, mine, strict=True) if m]
    held_chat = [q for i, q in enumerate(chat) if i % GROUPS == k]
    # the n-gram scorer on the same folds
    examples = [(features(spellings(r[3])[0], KINDS), int(r[1] == "crisis")) for r in train_rows]
    examples += [(features(spellings(q)[0], KINDS), 0) for q in pool]
    weights, bias = fit(examples, epochs=EPOCHS, keep=KEEP)

    def judged(text: str, p_neural: float) -> list:
        z = bias + sum(weights.get(f, 0.0) for f in features(spellings(text)[0], KINDS))
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        return [rules.find(text) is not None, vetoed(rules, text), p, p_neural, syllables(text)]

    p_held = crisis_probabilities(model, tokenizer, [r[3] for r in held])
    p_chat = crisis_probabilities(model, tokenizer, held_chat)
    result = {
        "group": k,
        "authors": sorted(a for a, g in group.items() if g == k),
        "settings": vars(args),
        "seconds": round(time.perf_counter() - started),
        "rows": [[*r[1:3], *judged(r[3], q)] for r, q in zip(held, p_held, strict=True)],
        "chat": [["safe", "chat", *judged(t, q)] for t, q in zip(held_chat, p_chat, strict=True)],
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / f"group{k}_s{args.seed}{tag(args.base)}.json").write_text(
        json.dumps(result), encoding="utf-8"
    )
    print(f"group {k}: {result['seconds']} s", flush=True)


def fires(variant: str, row: list, t: float, t_scorer: float) -> bool:
    _, _, hit, veto, p, q, n_syllables = row
    need = max(t_scorer, SHORT_MIN_SCORE) if n_syllables < SHORT_SYLLABLES else t_scorer
    detector = hit or (not veto and p >= need)
    if variant == "detector":
        return detector
    if variant == "detector or neural":
        return detector or q >= t
    if variant == "rules or mean":  # the mean of both scores in the scorer's place
        mean = (p + q) / 2
        return hit or (
            not veto and mean >= (max(t, SHORT_MIN_SCORE) if n_syllables < SHORT_SYLLABLES else t)
        )
    if variant == "rules or scorer and neural":  # the network vetoes the scorer below 0.5
        return hit or (detector and q >= 0.5) or (not veto and q >= t)
    if variant.startswith("scorer at "):
        t_other = float(variant.split()[-1])
        need = max(t_other, SHORT_MIN_SCORE) if n_syllables < SHORT_SYLLABLES else t_other
        return hit or (not veto and p >= need)
    raise ValueError(variant)


def rates(variant: str, rows: list, chat: list, t: float, t_scorer: float) -> dict:
    def share(items: list) -> float:
        return sum(fires(variant, r, t, t_scorer) for r in items) / max(1, len(items))

    crisis = [r for r in rows if r[0] == "crisis"]
    return {
        "recall": round(share(crisis), 4),
        "direct": round(share([r for r in crisis if r[1] == "direct"]), 4),
        "indirect": round(share([r for r in crisis if r[1] == "indirect"]), 4),
        "false_alarms": round(share([r for r in rows if r[0] == "safe"]), 4),
        "chat": round(share(chat), 4),
    }


def tag(base: str) -> str:
    """The cache files' suffix for an encoder other than emotion-mini's ("" for it)."""
    if Path(base) == BASE:
        return ""
    return "_" + "".join(c if c.isalnum() else "-" for c in str(base).strip("/"))[-60:]


def summary(args: argparse.Namespace) -> dict:
    found = sorted(CACHE.glob(f"group[0-9]_s{args.seed}{tag(args.base)}.json"))
    if not found:
        raise SystemExit("no fold yet: run 'fold K' first")
    folds = [json.loads(p.read_text(encoding="utf-8")) for p in found]
    rows = [r for f in folds for r in f["rows"]]
    chat = [r for f in folds for r in f["chat"]]
    shipped = load(WEIGHTS_PATH)
    t_scorer = shipped.threshold if shipped else 0.5
    grid = [i / 1000 for i in range(999, 299, -1)]
    table = {}
    for variant in (
        "detector",
        "detector or neural",
        "rules or mean",
        "rules or scorer and neural",
    ):
        chosen = rates(variant, rows, chat, 2.0, t_scorer) | {"t": None}
        for t in grid:
            r = rates(variant, rows, chat, t, t_scorer)
            if r["false_alarms"] > MAX_FALSE_ALARMS or r["chat"] > MAX_CHAT_FIRES:
                break
            chosen = r | {"t": t}
        table[variant] = chosen
    curve: dict[str, dict] = {
        v: {t: rates(v, rows, chat, t, t_scorer) for t in (0.5, 0.9, 0.99)}
        for v in ("detector or neural", "rules or mean")
    }
    lines = [(name, r, r["t"]) for name, r in table.items()]
    lines += [(v, r, t) for v, c in curve.items() for t, r in c.items()]
    for s in (0.2, 0.25):  # the in-run alternative: the scorer alone with a lower threshold
        r = rates(f"scorer at {s}", rows, chat, 0, t_scorer)
        curve[f"scorer at {s}"] = r
        lines.append(("detector, scorer threshold", r, s))
    for name, r, t in lines:
        at = "limits" if t is None else f"{t:.3f}"
        print(
            f"{name:28} {at:>6} recall {r['recall']:.3f} ({r['direct']:.2f} / "
            f"{r['indirect']:.2f}) FA {r['false_alarms']:.4f} chat {r['chat']:.4f}"
        )
    result = {
        "bench": "crisis_neural_author_groups",
        "base": str(args.base),
        "groups": [f["group"] for f in folds],
        "authors": [a for f in folds for a in f["authors"]],
        "rows": len(rows),
        "chat": len(chat),
        "limits": {"false_alarms": MAX_FALSE_ALARMS, "chat": MAX_CHAT_FIRES},
        "at_the_limits": table,
        "curve": curve,
        "baseline": table["detector"],
    }
    print(json.dumps(result, ensure_ascii=False))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["fold", "summary"])
    parser.add_argument("groups", type=int, nargs="*", default=[])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--negatives", type=int, default=6000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--base", default=str(BASE), help="encoder to fine-tune: a local directory or a hub id"
    )
    args = parser.parse_args(argv)
    if args.phase == "fold":
        for k in args.groups or range(GROUPS):
            run_fold(k, args)
    else:
        summary(args)


if __name__ == "__main__":
    main()
