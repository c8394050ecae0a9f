"""A small learned scorer for crisis language: logistic regression over character n-grams.

It backs up the rules of :mod:`.detect` on phrasings no rule anticipated (mostly indirect
ones: farewells, burden, plans). Features are syllable n-grams (1-4) of the normalized
spellings the rules see, plus jamo n-grams (3-5) of the same text with spaces removed, so
typos that keep most jamo ("주그면" / "죽으면") share features. The weights are plain JSON
(``crisis_scorer.json``, rebuilt by ``python -m assistant_plugins.safety.train``), read
lazily on first use; inference is pure Python (no numpy), so it can run in
``assistant route``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.korean import hangul_to_jamo

WEIGHTS_PATH = Path(__file__).resolve().parent / "crisis_scorer.json"
SYLLABLE_NGRAMS = (1, 2, 3, 4)
JAMO_NGRAMS = (3, 4, 5)
#: texts longer than this are scored on their first characters only (bounded time)
MAX_CHARS = 400


def features(forms: list[str]) -> set[str]:
    """The n-gram features of an utterance, given its normalized spellings."""
    found: set[str] = set()
    for form in forms:
        form = form[:MAX_CHARS]
        padded = f" {form} "
        for n in SYLLABLE_NGRAMS:
            found.update("s" + padded[i : i + n] for i in range(len(padded) - n + 1))
        jamo = hangul_to_jamo(form.replace(" ", ""))
        for n in JAMO_NGRAMS:
            found.update("j" + jamo[i : i + n] for i in range(len(jamo) - n + 1))
    return found


@dataclass(frozen=True)
class Scorer:
    """Weights of a logistic regression and the threshold chosen on held-out folds."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, forms: list[str]) -> float:
        total = self.bias + sum(self.weights.get(f, 0.0) for f in features(forms))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def fires(self, forms: list[str]) -> bool:
        return self.probability(forms) >= self.threshold

    def to_json(self, meta: dict) -> str:
        rounded = {k: round(v, 4) for k, v in sorted(self.weights.items())}
        data = {
            "meta": meta,
            "bias": round(self.bias, 4),
            "threshold": self.threshold,
            "weights": rounded,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Scorer:
        data = json.loads(text)
        return cls(
            {str(k): float(v) for k, v in data["weights"].items()},
            float(data["bias"]),
            float(data["threshold"]),
        )


@lru_cache(maxsize=4)
def load(path: Path = WEIGHTS_PATH) -> Scorer | None:
    """The shipped scorer, read once; None when the file is missing or broken (rules only)."""
    try:
        return Scorer.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        import logging

        logging.getLogger(__name__).warning("crisis scorer %s unreadable: rules only", path)
        return None
