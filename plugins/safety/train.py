"""Rebuild the crisis scorer's weights (``crisis_scorer.json``) from the labelled sets.

    python -m assistant_plugins.safety.train            # all tuning sets -> shipped weights
    python -m assistant_plugins.safety.train --sets dev test --out /some/where.json
    assistant train safety --data my_rows.tsv --output runs/safety   # a user's own scorer

``assistant train safety`` (:mod:`.commands`) is the user's entry point: the project's sets plus
the user's own labelled files (:func:`read_labelled_file`), written where the user says, never
over the shipped weights; ``plugins.safety.scorer`` then points the detector at them.

Pure Python (AdaGrad logistic regression with L2 over the features of :mod:`.scorer`),
one to three minutes on the full sets with the everyday chat. The threshold is chosen
across authors: each author's sets (``AUTHORS``) are scored by a model trained on the
other authors' sets (and the chat, in as many parts), combined with the rules as the
detector combines them (rules fire, or no false friend in the text and the score is at
least the threshold), and the lowest threshold whose out-of-author false-alarm rate stays
within ``--max-false-alarms`` (half of it on the chat) is kept. ``--folds N`` uses N random
folds instead. Sets named in ``HELD_OUT`` are refused (the lead's held-out set).
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

from assistant.training.errors import DataError, TrainingError
from assistant.training.tables import SkipLog

from .detect import (
    FALSE_FRIENDS_PATH,
    PATTERNS_PATH,
    SHORT_MIN_SCORE,
    SHORT_SYLLABLES,
    Detector,
    read_list,
    spellings,
    syllables,
)
from .scorer import WEIGHTS_PATH, Scorer, features

SETS_DIR = Path(__file__).resolve().parent
#: everyday chat questions (column Q) used as extra harmless examples when present
CHAT_NEGATIVES = (
    SETS_DIR.parent.parent.parent / "shared" / "data" / "chatbotdata" / "ChatbotData.csv"
)
#: the project's own everyday exchanges (plugins/smalltalk/everyday/*.tsv, column Q): more
#: harmless examples, in the project's own voice ("거래처에서 마감 하루 전에 수정 요청을
#: 또 했어요" scored 0.90 before they were added)
EVERYDAY_NEGATIVES = SETS_DIR.parent / "smalltalk" / "everyday"
#: the persona memory's questions (plugins/smalltalk/persona.tsv, first column): questions to
#: the assistant herself, harmless examples too ("어디 사세요?" had scored 0.56, "만약에 먹을
#: 수 있으면 뭐 먹을래?" 0.77: crisis replies to a user asking about her)
PERSONA_NEGATIVES = SETS_DIR.parent / "smalltalk" / "persona.tsv"
TUNING_SETS = [
    "dev", "test", "test_b", "test_c", "test_d", "test_e", "test_f", "test_g", "test_h",
    "train_a", "train_b", "train_c", "train_d", "train_e", "train_f", "train_g", "test_i",
    "test_j", "train_h", "test_k", "train_i", "train_j", "train_k", "train_l", "train_m",
    "train_n", "test_l", "train_o", "train_p", "train_q", "train_r", "test_m", "train_s",
    "train_t",
]  # fmt: skip
#: who wrote each set: the threshold is chosen on models that never saw the author
AUTHORS = {
    **{name: "rules_author" for name in ["dev", "test", "test_b", "test_c", "test_d"]},
    **{name: "rules_author" for name in ["test_e", "test_f"]},
    "test_g": "second",
    "test_h": "second",
    "train_a": "safety",
    "train_b": "safety_b",
    "train_c": "safety_c",
    "train_d": "safety_d",
    "train_e": "safety_e",
    "train_f": "safety_f",
    "train_g": "safety_g",
    "test_i": "blind_i",
    "test_j": "blind_j",
    "train_h": "safety_h",
    "test_k": "blind_k",
    "train_i": "safety_i",
    "train_j": "safety_j",
    "train_k": "safety_k",
    "train_l": "safety_l",
    "train_m": "safety_m",
    "train_n": "safety_n",
    "test_l": "blind_l",
    "train_o": "safety_o",
    "train_p": "safety_p",
    "train_q": "safety_q",
    "train_r": "safety_r",
    "test_m": "blind_m",
    "train_s": "safety_s",
    "train_t": "safety_t",
    "test_n": "blind_n",
    "test_o": "blind_o",
    "test_q": "blind_q",
    "test_p": "blind_p",
    "test_r": "blind_r",
    "test_s": "blind_s",
    "test_t": "blind_t",
    "test_u": "blind_u",
    "test_v": "blind_v",
    "test_w": "blind_w",
}
#: written and given their first look, their misses used for rules, not yet trained on by the
#: scorer (train_i and train_j waited here in session 6, test_n from session 9: a scorer
#: retrained with them fired on everyday remarks; README); test_t joined in session 15, after its
#: one look in session 14, as the rules' development set (the shipped scorer was not retrained:
#: its weights' meta lists TUNING_SETS, which test_t is not in); test_u followed it later in
#: session 15, after the lead's one look, in the same way, test_v in session 16 after its
#: one look (the lead's), and test_w in session 21 (looked at in sessions 16-20)
PENDING: list[str] = [
    "test_n",
    "test_o",
    "test_q",
    "test_p",
    "test_r",
    "test_t",
    "test_u",
    "test_v",
    "test_w",
]
#: sets no training may use: the lead's held-out set (README; test_i, test_j, test_k, test_l
#: and then test_m and test_n were the held-out set until the next one arrived, then joined the
#: tuning sets; test_q, written blind in session 11, was looked at once and joined the rules'
#: sets; test_p, looked at in sessions 10 and 11, joined them in session 12, when test_r,
#: written blind then and looked at once, became the held-out set; test_r joined them in
#: session 13, when test_s, written blind then, became the held-out set; test_s, looked at
#: once, left it in session 14, when test_t, written blind then, became the held-out set; test_t,
#: looked at once, joined PENDING in session 15, when test_u, written blind then and kept by the
#: lead, became the held-out set; test_u, looked at once by the lead, joined PENDING later in
#: session 15; test_v, written blind in session 16 and looked at once by the lead, joined PENDING
#: later in session 16, when test_w, written blind then and kept by the lead until the test_v
#: round was in, became the held-out set; test_w, looked at in sessions 16-20, joined PENDING in
#: session 21, when test_x, written blind then, became the held-out set; test_y, written blind
#: in session 22, was read once in session 24 (round S24, README); test_z, written blind in
#: session 28, was read once then (figures only, README); none has been trained on or had its
#: misses read (the benches headline the first by name); the benches and tests also work with
#: this set empty)
HELD_OUT: set[str] = {"test_x", "test_y", "test_z"}
#: the shipped settings, chosen by bench/crisis_cross_author.py (README)
KINDS = ("s", "j", "c")
POSITIVE_WEIGHT = 1.0
EPOCHS = 4
#: weights kept in the JSON file (the largest): 8,000 lost out-of-author recall (README)
KEEP = 60000
#: the check-in band: its out-of-author fire rate on the everyday chat stays within this
CHECK_IN_MAX_CHAT = 0.005
#: the out-of-author false-alarm rate the threshold may reach (a margin under the issue's
#: 2 %): 1 % until train_c, whose author in the folds made 1 % demand a threshold of 0.95
#: and cost 0.044 out-of-author recall (README)
MAX_FALSE_ALARMS = 0.015
#: the out-of-author fire rate on the everyday chat (ChatbotData, the everyday exchanges, the
#: persona questions) the threshold may reach: half of MAX_FALSE_ALARMS until session 7,
#: when 26 sets let the threshold fall to 0.25 and 4 of the 1,801 remarks of the seen
#: small-talk sets got the crisis reply ("주말에 방 대청소 할 거야 진짜로"); a crisis reply to
#: everyday chat must stay rarer than 1 in 400 (README)
MAX_CHAT_FIRES = 0.0025
#: everyday remarks no training reads: the small-talk evaluation sets (one author each, new
#: voices); after training, the threshold is raised until the scorer alone answers at most
#: this share of them with the crisis reply (session 13: at 0.30 it answered 11 of their 3,678
#: remarks, 4 of them in the newest set, while the chat it was trained against said 0.25 %)
SMALL_TALK_SETS = SETS_DIR.parent / "smalltalk"
EVAL_CHAT_FIRES = 0.002
Example = tuple[set[str], int]


def read_set(name: str) -> list[tuple[str, str, str]]:
    """Rows (label, kind, text) of the project's ``crisis_NAME.tsv``; malformed rows are
    skipped (:func:`read_labelled_file`)."""
    return read_labelled_file(SETS_DIR / f"crisis_{name}.tsv", SkipLog())


def read_labelled_file(path: Path, skip_log: SkipLog) -> list[tuple[str, str, str]]:
    """Rows (label, kind, text) of a user's file in the sets' format: UTF-8 TSV, ``#`` comment
    lines, a header ``label<TAB>kind<TAB>text`` (``kind`` may be left out), ``label`` crisis or
    safe. Broken rows are skipped and logged with their file and row number."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError as exc:
        raise DataError(f"데이터 파일을 찾을 수 없어요: '{path}'") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"데이터 파일을 UTF-8 텍스트로 읽을 수 없어요: '{path}' ({exc})") from exc
    header: list[str] | None = None
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = [cell.strip() for cell in cells]
            if "label" not in header or "text" not in header:
                raise DataError(
                    f"'{path}' {number}행: 머리줄에 label 과 text 열이 있어야 해요"
                    " (예: label<TAB>kind<TAB>text)."
                )
            continue
        if len(cells) != len(header):
            skip_log.add(path, number, f"열 개수가 맞지 않음 ({len(cells)}/{len(header)})")
            continue
        row = dict(zip(header, cells, strict=True))
        label = row["label"].strip()
        if label not in ("crisis", "safe"):
            skip_log.add(path, number, "label 이 crisis 나 safe 가 아님")
        elif not row["text"].strip():
            skip_log.add(path, number, "text 가 비어 있음")
        else:
            rows.append((label, row.get("kind", "").strip(), row["text"]))
    return rows


def read_everyday(folder: Path, detector: Detector) -> list[str]:
    """The user remarks of the everyday exchanges in ``folder`` (read by the small-talk
    plugin's own reader), minus any a crisis rule fires on."""
    from assistant_plugins.smalltalk.everyday import everyday_files
    from assistant_plugins.smalltalk.everyday import read_everyday as read_pairs

    files = everyday_files(folder) + everyday_files(folder / "held_back")  # kept out of the memory
    remarks = [pair.utterance for pair in read_pairs(files)]
    return [q for q in remarks if detector.find(q) is None]


def read_persona(path: Path, detector: Detector) -> list[str]:
    """The persona memory's questions (first column, with the shipped name), minus any a
    crisis rule fires on."""
    from assistant_plugins.smalltalk.pipeline import fill_name

    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("#") or len(cells) < 2 or cells[0] == "utterance":
            continue
        questions.append(fill_name(cells[0], "이랑").strip())
    return [q for q in questions if q and detector.find(q) is None]


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
    positive_weight: float = 1.0,
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
            g = (p - y) * (positive_weight if y else 1.0)
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


def fold_of(names: list[str], folds: int, seed: int = 1) -> list[int]:
    """Fold of each labelled row: its author's (``folds`` 0, when there are several
    authors) or a random one of ``folds`` (5 when one author wrote every set)."""
    if folds == 0 and len({AUTHORS.get(name, name) for name in names}) < 2:
        folds = 5
    if folds > 0:
        rng = random.Random(seed)
        return [rng.randrange(folds) for _ in names]
    authors = sorted({AUTHORS.get(name, name) for name in names})
    return [authors.index(AUTHORS.get(name, name)) for name in names]


def train(
    sets: list[str],
    out: Path,
    *,
    folds: int = 0,
    max_fa: float = MAX_FALSE_ALARMS,
    epochs: int = EPOCHS,
    negatives: Path | None = None,
    everyday_negatives: Path | None = EVERYDAY_NEGATIVES,
    persona_negatives: Path | None = PERSONA_NEGATIVES,
    kinds: tuple[str, ...] = KINDS,
    positive_weight: float = POSITIVE_WEIGHT,
    keep: int = KEEP,
    files: list[Path] | None = None,
    skip_log: SkipLog | None = None,
    command: str = "python -m assistant_plugins.safety.train",
) -> dict:
    """Train on ``sets`` (the project's, by name) and ``files`` (a user's, each its own author:
    :func:`read_labelled_file`), choose the threshold across authors (``folds`` 0) or by
    random cross-validation, write ``out``."""
    refused = HELD_OUT.intersection(sets)
    if refused:
        raise DataError(f"보류 평가 세트는 학습에 쓸 수 없어요: {', '.join(sorted(refused))}")
    detector = Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH))  # rules only
    named = [(name, r) for name in sets for r in read_set(name)]
    skip_log = skip_log if skip_log is not None else SkipLog()
    for path in files or []:
        named += [(f"file:{path}", r) for r in read_labelled_file(path, skip_log)]
    counts = Counter(label for _, (label, _, _) in named)
    if not counts["crisis"] or not counts["safe"]:
        raise DataError(
            "학습할 위기 문장(crisis)과 안전한 문장(safe)이 둘 다 있어야 해요"
            f" (지금 crisis {counts['crisis']}개, safe {counts['safe']}개)."
        )
    rows = [r for _, r in named]
    fold = fold_of([name for name, _ in named], folds)
    parts = max(fold) + 1
    # fold_of falls back to random folds when one author wrote every row
    by_author = not folds and len({AUTHORS.get(name, name) for name, _ in named}) > 1
    examples: list[Example] = []
    rule_hits, vetoes = [], []
    for label, _, text in rows:
        primary, _joined = spellings(text)
        examples.append((features(primary, kinds), int(label == "crisis")))
        rule_hits.append(detector.find(text) is not None)
        vetoes.append(vetoed(detector, text))
    labelled = len(examples)
    extra = read_negatives(negatives, detector) if negatives else []
    everyday = read_everyday(everyday_negatives, detector) if everyday_negatives else []
    if persona_negatives is not None and persona_negatives.exists():
        everyday += read_persona(persona_negatives, detector)
    extra += everyday
    for i, text in enumerate(extra):
        examples.append((features(spellings(text)[0], kinds), 0))
        rule_hits.append(False)
        vetoes.append(vetoed(detector, text))
        fold.append(i % parts)
    probs = [0.0] * len(examples)
    for k in range(parts):
        weights, bias = fit(
            [e for e, f in zip(examples, fold, strict=True) if f != k],
            epochs=epochs,
            positive_weight=positive_weight,
            keep=keep,
        )
        for i in (i for i, f in enumerate(fold) if f == k):
            z = bias + sum(weights.get(f, 0.0) for f in examples[i][0])
            probs[i] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    # as the detector reads them: a short text counts only at SHORT_MIN_SCORE or more
    texts = [text for _, _, text in rows] + extra
    probs = [
        p if p >= SHORT_MIN_SCORE or syllables(text) >= SHORT_SYLLABLES else 0.0
        for p, text in zip(probs, texts, strict=True)
    ]
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
            min(max_fa / 2, MAX_CHAT_FIRES),
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
        oof["everyday_negatives"] = len(everyday)
        oof["oof_chat_false_alarms"] = round(chat_fired / len(extra), 4)
    check_in = threshold
    if extra:  # the lowest check-in threshold whose chat fire rate stays within bounds
        for step in range(int(threshold * 100) - 1, 4, -1):
            c = step / 100
            fired = sum(not v and p >= c for p, v in zip(probs[tail], vetoes[tail], strict=True))
            if fired / len(extra) > CHECK_IN_MAX_CHAT:
                break
            check_in = c
        recall, fa = combined_rates(
            probs[head], labels[head], rule_hits[head], vetoes[head], check_in
        )
        oof["check_in_oof_recall"] = round(recall, 3)
        oof["check_in_oof_false_alarms"] = round(fa, 4)
    rules_recall, rules_fa = combined_rates(probs, labels, rule_hits, vetoes, 2.0)
    oof["rules_alone_recall"] = round(rules_recall, 3)
    oof["rules_alone_false_alarms"] = round(rules_fa, 4)
    weights, bias = fit(examples, epochs=epochs, positive_weight=positive_weight, keep=keep)
    meta = {
        "sets": sets,
        "files": [str(path) for path in files or []],
        "skipped_rows": skip_log.count,
        "negatives": negatives.name if negatives else None,
        "examples": len(examples),
        "features": len(weights),
        "positive_weight": positive_weight,
        "folds": "one per author" if by_author else parts,
        "max_false_alarms": max_fa,
        "threshold_chosen_on": (
            "out-of-author probabilities of the training sets"
            if by_author
            else "out-of-fold probabilities of the training sets"
        ),
        **oof,
        "command": command,
    }
    scorer = Scorer(weights, bias, threshold, kinds, check_in, round(check_in / 2, 3))
    _write_sparing_small_talk(scorer, detector, meta, out)
    return meta


def small_talk_remarks(folder: Path = SMALL_TALK_SETS) -> list[str]:
    """The remarks of the small-talk evaluation sets (``eval_prompts*.tsv``: id, kind, text)."""
    remarks = []
    for path in sorted(folder.glob("eval_prompts*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if line.startswith("#") or len(parts) < 3 or parts[0] == "id":
                continue
            remarks.append(parts[2])
    return remarks


def small_talk_threshold(
    scorer: Scorer, detector: Detector, threshold: float, remarks: list[str]
) -> tuple[float, int]:
    """The lowest threshold, from ``threshold`` up in steps of 0.01, at which the scorer alone
    fires on at most ``EVAL_CHAT_FIRES`` of ``remarks``, and how many it fires on there."""
    probs = []
    for text in remarks:
        if detector.find(text) is not None or vetoed(detector, text):
            continue  # a rule decides it (or the scorer may not judge it)
        p = scorer.probability(spellings(text)[0])
        probs.append(p if p >= SHORT_MIN_SCORE or syllables(text) >= SHORT_SYLLABLES else 0.0)
    allowed = EVAL_CHAT_FIRES * len(remarks)
    while sum(p >= threshold for p in probs) > allowed and threshold < 1.0:
        threshold = round(threshold + 0.01, 2)
    return threshold, sum(p >= threshold for p in probs)


def _write_sparing_small_talk(scorer: Scorer, detector: Detector, meta: dict, out: Path) -> None:
    """Write ``scorer`` to ``out`` with its threshold (the one chosen across authors) raised
    by :func:`small_talk_threshold`, recorded in ``meta["small_talk_sets"]``."""
    remarks = small_talk_remarks()
    raised, fired = small_talk_threshold(scorer, detector, scorer.threshold, remarks)
    meta["small_talk_sets"] = {
        "remarks": len(remarks),
        "threshold_before": scorer.threshold,
        "fired": fired,
    }
    out.write_text(replace(scorer, threshold=raised).to_json(meta) + "\n", encoding="utf-8")
    load_cache_clear()


def rethreshold(path: Path = WEIGHTS_PATH) -> dict:
    """Raise a weights file's threshold for the small-talk sets without retraining it, from
    the threshold chosen across authors (recorded by an earlier raise, else the file's)."""
    from .scorer import load

    scorer = load(path)
    if scorer is None:
        raise SystemExit(f"{path}: 가중치 파일을 읽을 수 없어요.")
    meta = json.loads(path.read_text(encoding="utf-8"))["meta"]
    chosen = meta.get("small_talk_sets", {}).get("threshold_before", scorer.threshold)
    detector = Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH))
    _write_sparing_small_talk(replace(scorer, threshold=chosen), detector, meta, path)
    return meta


def vetoed(detector: Detector, text: str) -> bool:
    """Whether the scorer may not fire on ``text``: a false friend, under three Hangul
    syllables, or worry about someone else (the concern reply answers it)."""
    return detector.has_false_friend(text) or too_short(text) or detector.concern(text)


def too_short(text: str) -> bool:
    """The detector leaves texts of under three Hangul syllables to the rules."""
    return syllables(text) < 3


def load_cache_clear() -> None:
    from .scorer import load

    load.cache_clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rebuild the crisis scorer's weights.")
    parser.add_argument("--sets", nargs="+", default=TUNING_SETS)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument(
        "--folds", type=int, default=0, help="0: one fold per author (AUTHORS); N: random"
    )
    parser.add_argument("--kinds", default="".join(KINDS), help="feature families (scorer.py)")
    parser.add_argument("--positive-weight", type=float, default=POSITIVE_WEIGHT)
    parser.add_argument("--keep", type=int, default=KEEP, help="largest weights kept")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--max-false-alarms", type=float, default=MAX_FALSE_ALARMS)
    parser.add_argument(
        "--negatives",
        default=str(CHAT_NEGATIVES) if CHAT_NEGATIVES.exists() else "",
        help="CSV with a Q column of everyday chat (harmless examples); empty for none",
    )
    parser.add_argument(
        "--everyday-negatives",
        default=str(EVERYDAY_NEGATIVES),
        help="folder of everyday exchanges (*.tsv, column Q), harmless examples; empty for none",
    )
    parser.add_argument(
        "--persona-negatives",
        default=str(PERSONA_NEGATIVES),
        help="persona.tsv whose questions (first column) are harmless examples; empty for none",
    )
    parser.add_argument(
        "--rethreshold",
        action="store_true",
        help="only raise the threshold of --out for the small-talk sets (no training)",
    )
    args = parser.parse_args(argv)
    if args.rethreshold:
        print(rethreshold(args.out))
        return
    try:
        meta = train(
            args.sets,
            args.out,
            folds=args.folds,
            max_fa=args.max_false_alarms,
            epochs=args.epochs,
            negatives=Path(args.negatives) if args.negatives else None,
            everyday_negatives=Path(args.everyday_negatives) if args.everyday_negatives else None,
            persona_negatives=Path(args.persona_negatives) if args.persona_negatives else None,
            kinds=tuple(args.kinds),
            positive_weight=args.positive_weight,
            keep=args.keep,
        )
    except TrainingError as exc:  # a held-out set, unusable data: the Korean message only
        raise SystemExit(str(exc)) from exc
    print(meta)


if __name__ == "__main__":
    main()
