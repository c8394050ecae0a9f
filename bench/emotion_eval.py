"""Emotion model: figures on the evaluation sets vs a keyword baseline, and latency.

.venv/bin/python bench/emotion_eval.py [--model shipped] [--sets test|dev|all] [--runs 200]

For each set: macro-F1, accuracy, 기쁨 precision, ECE and opener precision at the configured
``tone_min_score`` (threshold and tone settings from assistant.yaml), for the model and for
the in-run baseline a competent user would otherwise write: a list of feeling words per
emotion (기뻐, 슬퍼, 화나, 불안, 우울, ...; no word -> 일상), which is what "the feeling is
named" detection amounts to; with an ensemble (``plugins.emotion.ensemble``) also the main
network alone (``main_network_alone``, its openers at ``--alone-min-score``, S5's 0.93).
``guarded_openers`` counts [right, given] openers as the
assistant gives them (the tone's ``unless`` words, the lexicon's contradictions and each
emotion's ``min_score``); ``guarded_openers_one_bar`` the same with ``tone_min_score`` for
every emotion. The model is combined with the feeling-word lexicon as configured
(``plugins.emotion.lexicon``; ``--no-lexicon``: the model alone). Latency: p50/p95 of one
``predict`` on one thread, after warm-up, over ``--runs`` utterances of the sets. Prints a
final JSON line.

``--sets test`` touches the untouched test set: run it once per shipped model (none waits since
session 28, when test M was looked at; L, K, J, I, H and G are dev sets; the looked-at test sets
before them, up to D and E, are training files now).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from pathlib import Path

from assistant.config import load_config
from assistant_plugins.emotion.calibration import (
    expected_calibration_error,
    guarded_opener_figures,
    opener_figures,
)
from assistant_plugins.emotion.classifier import load_configured
from assistant_plugins.emotion.data import read_examples
from assistant_plugins.emotion.labels import LABELS, NEUTRAL
from assistant_plugins.emotion.metrics import report

PLUGIN = Path(__file__).resolve().parent.parent / "plugins" / "emotion"
SETS = {
    # The first test set, B, C (since session 16), D and E (since session 18) and F (since
    # session 20) were looked at and are training files; test set G, looked at once for S5, is a
    # dev set since session 21, test set H (looked at once in session 22) since session 22, test
    # sets I and J (each looked at once in session 23) since session 23, test set K (looked at once
    # in session 24) since session 24, test set L (looked at once in session 27 for round AB) since
    # session 27, test set M (looked at once in session 28 for round AC) since session 28; no test
    # set waits now (write a new blind one before the next candidate).
    "test": [],
    "dev": [
        "conversations_dev.tsv",
        "conversations_eval_b.tsv",
        "conversations_heldout.tsv",
        "conversations_test_g_implicit.tsv",
        "conversations_test_g_explicit.tsv",
        "conversations_test_h_implicit.tsv",
        "conversations_test_h_explicit.tsv",
        "conversations_test_i_implicit.tsv",
        "conversations_test_i_explicit.tsv",
        "conversations_test_j_implicit.tsv",
        "conversations_test_j_explicit.tsv",
        "conversations_test_k_implicit.tsv",
        "conversations_test_k_explicit.tsv",
        "conversations_test_l_implicit.tsv",
        "conversations_test_l_explicit.tsv",
        "conversations_test_m_implicit.tsv",
        "conversations_test_m_explicit.tsv",
    ],
}

#: The keyword baseline: the first emotion with a word in the utterance, else 일상.
KEYWORDS = {
    "우울": ["우울", "무기력", "외로", "외롭", "허무", "공허", "의욕", "쓸쓸", "절망", "희망이 없"],
    "불안": ["불안", "걱정", "떨려", "떨리", "무서", "무섭", "초조", "긴장", "두려", "겁나"],
    "분노": ["화나", "화가", "화난", "짜증", "열받", "빡쳐", "빡치", "어이없", "억울", "분해"],
    "슬픔": [
        "슬퍼",
        "슬프",
        "속상",
        "눈물",
        "울었",
        "그리워",
        "그립",
        "서운",
        "서러",
        "마음이 아파",
    ],
    "기쁨": ["기뻐", "기쁘", "행복", "신나", "신난", "최고", "뿌듯", "설레", "좋아", "즐거"],
}


def keyword_label(text: str) -> str:
    squashed = "".join(text.split())
    for label, words in KEYWORDS.items():
        if any("".join(w.split()) in squashed for w in words):
            return label
    return NEUTRAL


def figures(gold: list[str], predicted: list[str], scores: list[float], least: float) -> dict:
    result = report(gold, predicted, LABELS)
    openers = opener_figures(gold, predicted, scores, least, NEUTRAL)
    return {
        "count": result["count"],
        "macro_f1": result["macro_f1"],
        "accuracy": result["accuracy"],
        "joy_precision": result["per_class"]["기쁨"]["precision"],
        "opener_precision": openers["opener_precision"],
        "openers": openers["openers"],
        "opener_recall": openers["opener_recall"],
    }


def guarded(
    gold: list[str], texts: list[str], predictions: list, settings: dict, own_bars: bool
) -> list[int]:
    """[right, given] openers as the assistant gives them (``guarded_opener_figures``)."""
    least = float(settings["tone_min_score"])
    found = guarded_opener_figures(texts, gold, predictions, settings, least, own_bars=own_bars)
    return [found["openers_right"], found["openers"]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="shipped")
    parser.add_argument("--sets", choices=["test", "dev", "all"], default="dev")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--no-lexicon", action="store_true", help="without the lexicon")
    parser.add_argument(
        "--no-ensemble", action="store_true", help="the main network alone (no partners)"
    )
    parser.add_argument(
        "--alone-min-score",
        type=float,
        default=0.93,
        help="the opener bar of the in-run baseline 'main network alone' (S5's own, session 18)",
    )
    args = parser.parse_args()
    settings = dict(load_config().plugin("emotion"))
    if args.no_lexicon:
        settings["lexicon"] = False
    threshold = float(settings["threshold"])
    least = float(settings["tone_min_score"])
    if args.no_ensemble:
        settings["ensemble"] = []
    classifier = load_configured(
        settings, None if args.model == "shipped" else args.model, threads=1
    )
    alone = copy.copy(classifier)  # the in-run baseline when there is an ensemble
    alone.partners = []
    alone_settings = {**settings, "tone_min_score": args.alone_min_score}
    names = SETS["test"] + SETS["dev"] if args.sets == "all" else SETS[args.sets]
    if not names:
        raise SystemExit("no test set in the repository (the looked-at ones are training files)")
    out: dict = {
        "model": args.model,
        "lexicon_boost": classifier.lexicon_boost if classifier.lexicon else None,
        "threshold": threshold,
        "tone_min_score": least,
        "sets": {},
    }
    texts_for_timing: list[str] = []
    for name in names:
        rows = read_examples(PLUGIN / name)
        gold = [r.label for r in rows]
        texts = [r.text for r in rows]
        texts_for_timing += texts
        predictions = classifier.predict_many(texts, threshold)
        model = figures(gold, [p.label for p in predictions], [p.score for p in predictions], least)
        top = [max(p.probabilities.items(), key=lambda kv: kv[1]) for p in predictions]
        model["calibration"] = round(
            expected_calibration_error(
                [s for _, s in top], [n == g for (n, _), g in zip(top, gold, strict=True)]
            ),
            4,
        )
        model["guarded_openers"] = guarded(gold, texts, predictions, settings, own_bars=True)
        model["guarded_openers_one_bar"] = guarded(gold, texts, predictions, settings, False)
        keywords = [keyword_label(t) for t in texts]
        baseline = figures(gold, keywords, [1.0] * len(texts), least)
        out["sets"][name] = {"model": model, "keyword_baseline": baseline}
        print(
            f"{name:36s} model macro-F1 {model['macro_f1']:.3f} (기쁨 P {model['joy_precision']:.2f},"
            f" openers {model['openers']} P {model['opener_precision']}; guarded"
            f" {model['guarded_openers']}, one bar {model['guarded_openers_one_bar']}) · keywords"
            f" {baseline['macro_f1']:.3f} (openers P {baseline['opener_precision']})"
        )
        if classifier.partners:
            solo = alone.predict_many(texts, threshold)
            labels, scores = [p.label for p in solo], [p.score for p in solo]
            main = figures(gold, labels, scores, args.alone_min_score)
            main["guarded_openers"] = guarded(gold, texts, solo, alone_settings, own_bars=False)
            out["sets"][name]["main_network_alone"] = main
            print(
                f"{'':36s} main network alone: macro-F1 {main['macro_f1']:.3f} (기쁨 P"
                f" {main['joy_precision']:.2f}, guarded openers at {args.alone_min_score}"
                f" {main['guarded_openers']})"
            )
    timings = []
    for text in texts_for_timing[: args.runs]:
        started = time.perf_counter()
        classifier.predict(text, threshold)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    out["latency_ms"] = {
        "p50": round(statistics.median(timings), 2),
        "p95": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "runs": len(timings),
        "threads": 1,
    }
    print(f"latency p50 {out['latency_ms']['p50']} ms, p95 {out['latency_ms']['p95']} ms")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
