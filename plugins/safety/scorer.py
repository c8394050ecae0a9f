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
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.korean import hangul_to_jamo

WEIGHTS_PATH = Path(__file__).resolve().parent / "crisis_scorer.json"
CUES_PATH = Path(__file__).resolve().parent / "crisis_cues.txt"
SYLLABLE_NGRAMS = (1, 2, 3, 4)
JAMO_NGRAMS = (3, 4, 5)
#: feature families: s = syllable n-grams, j = jamo n-grams, w = word stems and stem pairs,
#: c = cue classes of crisis_cues.txt and their pairs
DEFAULT_KINDS = ("s", "j")
#: texts longer than this are scored on their first characters only (bounded time)
MAX_CHARS = 400
#: syllables of a word kept as its stem (a crude morpheme: 죽어버릴 -> 죽어, 떠날게 -> 떠날)
STEM = 2


def features(forms: list[str], kinds: tuple[str, ...] = DEFAULT_KINDS) -> set[str]:
    """The features of an utterance, given its normalized spellings."""
    found: set[str] = set()
    for form in forms:
        form = form[:MAX_CHARS]
        if "s" in kinds:
            padded = f" {form} "
            for n in SYLLABLE_NGRAMS:
                found.update("s" + padded[i : i + n] for i in range(len(padded) - n + 1))
        if "j" in kinds:
            jamo = hangul_to_jamo(form.replace(" ", ""))
            for n in JAMO_NGRAMS:
                found.update("j" + jamo[i : i + n] for i in range(len(jamo) - n + 1))
        if "c" in kinds:
            found.update(cue_features(form))
        if "w" in kinds:
            stems = [word[:STEM] for word in form.split()]
            found.update("w" + stem for stem in stems)
            found.update("p" + a + "_" + b for a, b in zip(stems, stems[1:], strict=False))
    return found


@lru_cache(maxsize=1)
def cue_classes(path: Path = CUES_PATH) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The cue classes of ``crisis_cues.txt`` (NAME, compiled rule); none when unreadable."""
    from .detect import compile_rule

    classes = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ()
    for line in lines:
        name, _, rule = line.partition("\t")
        if line.startswith("#") or not rule.strip():
            continue
        classes.append((name.strip(), compile_rule(rule)))
    return tuple(classes)


def cue_features(form: str) -> set[str]:
    """ "cNAME" for every cue class in ``form`` and "cA+B" for every pair of them."""
    names = sorted({name for name, rule in cue_classes() if rule.search(form)})
    pairs = {f"c{a}+{b}" for i, a in enumerate(names) for b in names[i + 1 :]}
    return {f"c{name}" for name in names} | pairs


@dataclass(frozen=True)
class Scorer:
    """Weights of a logistic regression and the threshold chosen on held-out folds."""

    weights: dict[str, float]
    bias: float
    threshold: float
    kinds: tuple[str, ...] = DEFAULT_KINDS
    #: scores in [check_in, threshold) get a careful check-in reply on small-talk turns
    check_in: float = 1.0
    #: the same when the emotion plugin reads the turn as 우울 (turns only)
    check_in_low_mood: float = 1.0

    def probability(self, forms: list[str]) -> float:
        total = self.bias + sum(self.weights.get(f, 0.0) for f in features(forms, self.kinds))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def fires(self, forms: list[str]) -> bool:
        return self.probability(forms) >= self.threshold

    def to_json(self, meta: dict) -> str:
        rounded = {k: round(v, 4) for k, v in sorted(self.weights.items())}
        data = {
            "meta": {
                **meta,
                "feature_kinds": "".join(self.kinds),
                "check_in": self.check_in,
                "check_in_low_mood": self.check_in_low_mood,
            },
            "bias": round(self.bias, 4),
            "threshold": self.threshold,
            "weights": rounded,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Scorer:
        data = json.loads(text)
        kinds = tuple(str(data["meta"].get("feature_kinds", "sj")))
        threshold = float(data["threshold"])
        weights = data["weights"]
        if not isinstance(weights, dict):
            raise TypeError("weights must be an object of feature: number")
        return cls(
            weights,  # JSON keys are strings and the numbers floats: no copy (fast load)
            float(data["bias"]),
            threshold,
            kinds,
            check_in := min(threshold, float(data["meta"].get("check_in", threshold))),
            min(check_in, float(data["meta"].get("check_in_low_mood", check_in))),
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
