"""Rebuild the crisis scorer's weights (``crisis_scorer.json``) from the labelled sets.

    python -m assistant_plugins.safety.train            # all tuning sets -> shipped weights
    python -m assistant_plugins.safety.train --sets dev test --out /some/where.json

Pure Python (AdaGrad logistic regression with L2 over the n-gram features of
:mod:`.scorer`), about half a minute on the full tuning sets. The threshold is chosen by
5-fold cross-validation on the same sets: out-of-fold probabilities, combined with the rules
as the detector combines them (rules fire, or no false friend in the text and the score is
at least the threshold), and the lowest threshold whose out-of-fold false-alarm rate stays
within ``--max-false-alarms``. Sets named in ``HELD_OUT`` are refused (none now: test_h, the last
held-out set, became a tuning set after its headline, see README.md).
"""

from __future__ import annotations

import argparse
import math
import random
from collections import Counter
from pathlib import Path

from .detect import FALSE_FRIENDS_PATH, PATTERNS_PATH, Detector, read_list, spellings
from .scorer import WEIGHTS_PATH, Scorer, features

SETS_DIR = Path(__file__).resolve().parent
#: everyday chat questions (column Q) used as extra harmless examples when present
CHAT_NEGATIVES = (
    SETS_DIR.parent.parent.parent / "shared" / "data" / "chatbotdata" / "ChatbotData.csv"
)
TUNING_SETS = ["dev", "test", "test_b", "test_c", "test_d", "test_e", "test_f", "test_g", "test_h"]
HELD_OUT: set[str] = set()  # test_h was the last held-out set (README)
Example = tuple[set[str], int]


def read_set(name: str) -> list[tuple[str, str, str]]:
    """Rows (label, kind, text) of ``crisis_NAME.tsv``; malformed rows are skipped."""
    rows = []
    lines = (SETS_DIR / f"crisis_{name}.tsv").read_text(encoding="utf-8").splitlines()
    for line in lines:
        parts = line.split("\t")
        if line.startswith("#") or len(parts) != 3 or parts[0] not in ("crisis", "safe"):
            continue
        rows.append((parts[0], parts[1], parts[2]))
    return rows


def read_negatives(path: Path, detector: Detector) -> list[str]:
    """Everyday chat questions as harmless examples, minus any a crisis rule fires on (those
    may be real crisis remarks). Rows without a question are skipped."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        questions = [str(row.get("Q") or "").strip() for row in csv.DictReader(handle)]
    return [q for q in questions if q and detector.find(q) is None]


def fit(
    examples: list[Example],
    *,
    epochs: int = 10,
    rate: float = 0.1,
    l2: float = 1e-3,
    seed: int = 0,
    keep: int = 8000,
) -> tuple[dict[str, float], float]:
    """Logistic regression by AdaGrad; features seen in fewer than two examples are dropped,
    and only the ``keep`` largest weights are kept (small file, fast load)."""
    counts = Counter(f for feats, _ in examples for f in feats)
    kept = [({f for f in feats if counts[f] >= 2}, y) for feats, y in examples]
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_sq = 0.0, 1e-8
    order = list(range(len(kept)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            feats, y = kept[i]
            z = bias + sum(weights.get(f, 0.0) for f in feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = p - y
            for f in feats:
                w = weights.get(f, 0.0)
                grad = g + l2 * w
                sq = squares.get(f, 1e-8) + grad * grad
                squares[f] = sq
                weights[f] = w - rate * grad / math.sqrt(sq)
            bias_sq += g * g
            bias -= rate * g / math.sqrt(bias_sq)
    largest = sorted(weights.items(), key=lambda item: -abs(item[1]))[:keep]
    return {f: w for f, w in largest if abs(w) >= 0.01}, bias


def combined_rates(
    probs: list[float], labels: list[int], rule_hits: list[bool], vetoes: list[bool], t: float
) -> tuple[float, float]:
    """(recall, false-alarm rate) of "rules fire, or no false friend and score >= t"."""
    fired = [r or (not v and p >= t) for p, r, v in zip(probs, rule_hits, vetoes, strict=True)]
    crisis = [f for f, y in zip(fired, labels, strict=True) if y == 1]
    safe = [f for f, y in zip(fired, labels, strict=True) if y == 0]
    return sum(crisis) / len(crisis), sum(safe) / len(safe)


def choose_threshold(
    probs: list[float], labels: list[int], rule_hits: list[bool], vetoes: list[bool], max_fa: float
) -> tuple[float, dict]:
    """Lowest threshold whose combined out-of-fold false-alarm rate is within ``max_fa``."""
    best: tuple[float, dict] = (1.0, {})
    for step in range(99, 4, -1):
        t = step / 100
        recall, fa = combined_rates(probs, labels, rule_hits, vetoes, t)
        if fa > max_fa:
            break
        best = (t, {"oof_recall": round(recall, 3), "oof_false_alarms": round(fa, 4)})
    return best


def train(
    sets: list[str],
    out: Path,
    *,
    folds: int = 5,
    max_fa: float = 0.01,
    epochs: int = 10,
    negatives: Path | None = None,
) -> dict:
    """Train on ``sets``, choose the threshold by cross-validation, write ``out``."""
    refused = HELD_OUT.intersection(sets)
    if refused:
        raise SystemExit(f"{', '.join(sorted(refused))}: 보류 평가 세트는 학습에 쓸 수 없어요.")
    detector = Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH))  # rules only
    rows = [r for name in sets for r in read_set(name)]
    examples: list[Example] = []
    rule_hits, vetoes = [], []
    for label, _, text in rows:
        primary, _joined = spellings(text)
        examples.append((features(primary), int(label == "crisis")))
        rule_hits.append(detector.find(text) is not None)
        vetoes.append(detector.has_false_friend(text))
    labelled = len(examples)
    extra = read_negatives(negatives, detector) if negatives else []
    for text in extra:
        examples.append((features(spellings(text)[0]), 0))
        rule_hits.append(False)
        vetoes.append(detector.has_false_friend(text))
    index = list(range(len(examples)))
    random.Random(1).shuffle(index)
    probs = [0.0] * len(examples)
    for k in range(folds):
        held = set(index[k::folds])
        weights, bias = fit([examples[i] for i in index if i not in held], epochs=epochs)
        fold = Scorer(weights, bias, 0.5)
        for i in held:
            z = bias + sum(fold.weights.get(f, 0.0) for f in examples[i][0])
            probs[i] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    labels = [y for _, y in examples]
    # the threshold keeps both the labelled false friends and the everyday chat within max_fa
    head = slice(0, labelled)
    tail = slice(labelled, None)
    threshold, oof = choose_threshold(
        probs[head], labels[head], rule_hits[head], vetoes[head], max_fa
    )
    if extra:
        t_chat, _ = choose_threshold(
            probs[tail] + [1.0],
            labels[tail] + [1],
            rule_hits[tail] + [True],
            vetoes[tail] + [False],
            max_fa / 2,
        )
        threshold = max(threshold, t_chat)
        recall, fa = combined_rates(
            probs[head], labels[head], rule_hits[head], vetoes[head], threshold
        )
        oof = {"oof_recall": round(recall, 3), "oof_false_alarms": round(fa, 4)}
        chat_fired = sum(
            not v and p >= threshold for p, v in zip(probs[tail], vetoes[tail], strict=True)
        )
        oof["chat_negatives"] = len(extra)
        oof["oof_chat_false_alarms"] = round(chat_fired / len(extra), 4)
    rules_recall, rules_fa = combined_rates(probs, labels, rule_hits, vetoes, 2.0)
    oof["rules_alone_recall"] = round(rules_recall, 3)
    oof["rules_alone_false_alarms"] = round(rules_fa, 4)
    weights, bias = fit(examples, epochs=epochs)
    meta = {
        "sets": sets,
        "negatives": negatives.name if negatives else None,
        "examples": len(examples),
        "features": len(weights),
        "folds": folds,
        "max_false_alarms": max_fa,
        "threshold_chosen_on": "out-of-fold probabilities of the training sets",
        **oof,
        "command": "python -m assistant_plugins.safety.train",
    }
    out.write_text(Scorer(weights, bias, threshold).to_json(meta) + "\n", encoding="utf-8")
    load_cache_clear()
    return meta


def load_cache_clear() -> None:
    from .scorer import load

    load.cache_clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rebuild the crisis scorer's weights.")
    parser.add_argument("--sets", nargs="+", default=TUNING_SETS)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--max-false-alarms", type=float, default=0.01)
    parser.add_argument(
        "--negatives",
        default=str(CHAT_NEGATIVES) if CHAT_NEGATIVES.exists() else "",
        help="CSV with a Q column of everyday chat (harmless examples); empty for none",
    )
    args = parser.parse_args(argv)
    meta = train(
        args.sets,
        args.out,
        folds=args.folds,
        max_fa=args.max_false_alarms,
        epochs=args.epochs,
        negatives=Path(args.negatives) if args.negatives else None,
    )
    print(meta)


if __name__ == "__main__":
    main()
