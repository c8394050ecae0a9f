"""Calibration figures and temperature scaling (pure Python, no torch).

- :func:`expected_calibration_error`: ECE of the top-class confidence, equal-width bins:
  ``sum_b |B_b| / n * |accuracy(B_b) - mean confidence(B_b)|``.
- :func:`fit_temperature`: the temperature ``T`` minimising the negative log-likelihood of
  ``softmax(logits / T)`` on a dev set (a 1-D search, exact enough for one scalar).
  ``assistant train emotion --calibration-data DEV`` bakes it into the classification layer
  (weights and bias divided by ``T``), so every loader gets calibrated probabilities.
- :func:`opener_figures`: how often a tone opener would be given and how often it is for the
  right emotion, at a least score (``tone_min_score``); :func:`guarded_opener_figures` the
  same for openers as the assistant gives them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

BINS = 10


def softmax(logits: Sequence[float], temperature: float = 1.0) -> list[float]:
    scaled = [v / temperature for v in logits]
    top = max(scaled)
    exps = [math.exp(v - top) for v in scaled]
    total = sum(exps)
    return [e / total for e in exps]


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = BINS
) -> float:
    """ECE over ``bins`` equal-width confidence bins (a confidence of exactly 1 goes in the
    last bin). 0 for an empty input."""
    if not confidences:
        return 0.0
    totals = [0] * bins
    right = [0] * bins
    mass = [0.0] * bins
    for confidence, ok in zip(confidences, correct, strict=True):
        b = min(int(confidence * bins), bins - 1)
        totals[b] += 1
        right[b] += bool(ok)
        mass[b] += confidence
    n = len(confidences)
    return sum(abs(right[b] - mass[b]) / n for b in range(bins) if totals[b])


def nll(logits: Sequence[Sequence[float]], gold: Sequence[int], temperature: float) -> float:
    """Mean negative log-likelihood of the gold classes under ``softmax(logits / T)``."""
    total = 0.0
    for row, g in zip(logits, gold, strict=True):
        scaled = [v / temperature for v in row]
        top = max(scaled)
        total -= scaled[g] - top - math.log(sum(math.exp(v - top) for v in scaled))
    return total / max(1, len(gold))


def fit_temperature(
    logits: Sequence[Sequence[float]], gold: Sequence[int], low: float = 0.05, high: float = 20.0
) -> float:
    """The temperature with the least NLL (golden-section search on log T)."""
    a, b = math.log(low), math.log(high)
    ratio = (math.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    for _ in range(60):
        if nll(logits, gold, math.exp(c)) < nll(logits, gold, math.exp(d)):
            b = d
        else:
            a = c
        c, d = b - ratio * (b - a), a + ratio * (b - a)
    return round(math.exp((a + b) / 2), 4)


def opener_figures(
    gold: Sequence[str],
    predicted: Sequence[str],
    scores: Sequence[float],
    least: float,
    neutral: str,
    blocked: Sequence[bool] | None = None,
) -> dict[str, Any]:
    """Openers at ``least``: a prediction gets one when its label is not ``neutral``, its
    score is at least ``least`` and it is not ``blocked`` (the tone's ``unless`` words).

    ``opener_precision`` = right openers / openers (``None`` when there are none);
    ``opener_recall`` = right openers / emotional gold rows.
    """
    blocked = blocked or [False] * len(gold)
    given = [
        (g, p)
        for g, p, s, b in zip(gold, predicted, scores, blocked, strict=True)
        if p != neutral and s >= least and not b
    ]
    right = sum(g == p for g, p in given)
    emotional = sum(g != neutral for g in gold)
    return {
        "opener_threshold": least,
        "openers": len(given),
        "openers_right": right,
        "opener_precision": round(right / len(given), 4) if given else None,
        "opener_recall": round(right / emotional, 4) if emotional else None,
    }


def guarded_opener_figures(
    texts: Sequence[str],
    gold: Sequence[str],
    predictions: Sequence[Any],
    settings: Any,
    least: float,
    *,
    own_bars: bool = True,
) -> dict[str, Any]:
    """:func:`opener_figures` for openers as the assistant gives them: at ``least``, without
    the ones the tone's ``unless`` words or the lexicon's contradictions rule out, and with
    ``own_bars`` each emotion's stricter ``min_score`` too. ``predictions`` have ``label`` and
    ``score``."""
    from .labels import NEUTRAL
    from .tone import blocked_by_wording, opener_min_score

    blocked = [
        blocked_by_wording(text, p.label, settings)
        or (own_bars and p.score < opener_min_score(settings, p.label, least))
        for text, p in zip(texts, predictions, strict=True)
    ]
    labels = [p.label for p in predictions]
    scores = [p.score for p in predictions]
    return opener_figures(gold, labels, scores, least, NEUTRAL, blocked)
