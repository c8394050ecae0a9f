"""A small learned scorer for crisis language: logistic regression over character n-grams.

It backs up the rules of :mod:`.detect` on phrasings no rule anticipated (mostly indirect
ones: farewells, burden, plans). Features are syllable n-grams (1-4) of the normalized
spellings the rules see, plus jamo n-grams (3-5) of the same text with spaces removed, so
typos that keep most jamo ("주그면" / "죽으면") share features. The weights are plain JSON
(``crisis_scorer.json``, rebuilt by ``python -m assistant_plugins.safety.train``), read
lazily on first use; inference is pure Python (no numpy), so it can run in
``assistant route``.

File format (fast to read: no JSON number or key per weight): ``meta``, ``bias``,
``threshold``, ``features`` (the feature names joined by newlines) and ``weights_e4``
(each feature's weight times 10,000 as a little-endian int32 array, base64): weights are
rounded to 4 decimals, so ``n / 10000`` gives back exactly the rounded value. Files of
the older format (``weights``: an object of feature: number) still read.
"""

from __future__ import annotations

import base64
import json
import math
import operator
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.korean import hangul_to_jamo

if TYPE_CHECKING:
    from .detect import Rule

WEIGHTS_PATH = Path(__file__).resolve().parent / "crisis_scorer.json"
CUES_PATH = Path(__file__).resolve().parent / "crisis_cues.txt"
SYLLABLE_NGRAMS = (1, 2, 3, 4)
JAMO_NGRAMS = (3, 4, 5)
#: feature families: s = syllable n-grams, j = jamo n-grams, w = word stems and stem pairs,
#: c = cue classes of crisis_cues.txt and their pairs
DEFAULT_KINDS = ("s", "j")
#: texts longer than this are scored on their first characters only (bounded time)
MAX_CHARS = 400
#: weights are stored as integers in units of 1 / WEIGHT_SCALE (4 decimals)
WEIGHT_SCALE = 10_000
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


def read_cues(path: Path = CUES_PATH) -> list[tuple[str, str]]:
    """(NAME, rule) of each cue class of ``crisis_cues.txt``; none when unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    cues = []
    for line in lines:
        name, _, rule = line.partition("\t")
        if not line.startswith("#") and rule.strip():
            cues.append((name.strip(), rule.strip()))
    return cues


@lru_cache(maxsize=1)
def cue_classes(path: Path = CUES_PATH) -> tuple[tuple[str, Rule], ...]:
    """The cue classes (NAME, rule compiled on first use behind its gate, see
    :mod:`.gates`); none when the file is unreadable."""
    from .detect import Rule
    from .gates import load as load_gates

    gates = (load_gates() or {}) if path == CUES_PATH else {}
    return tuple((name, Rule(rule, gates.get(rule))) for name, rule in read_cues(path))


def cue_features(form: str) -> set[str]:
    """ "cNAME" for every cue class in ``form`` and "cA+B" for every pair of them."""
    chars = set(form)
    names = sorted(
        {name for name, rule in cue_classes() if rule.may_match(chars) and rule.regex.search(form)}
    )
    pairs = {f"c{a}+{b}" for i, a in enumerate(names) for b in names[i + 1 :]}
    return {f"c{name}" for name in names} | pairs


@dataclass(frozen=True)
class Scorer:
    """Weights of a logistic regression and the threshold chosen on held-out folds."""

    weights: Mapping[str, float]
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
        names = sorted(self.weights)
        if any("\n" in name for name in names):
            raise ValueError("a feature name contains a newline")
        units = array("i", (round(round(self.weights[name], 4) * WEIGHT_SCALE) for name in names))
        if sys.byteorder == "big":
            units.byteswap()
        data = {
            "meta": {
                **meta,
                "feature_kinds": "".join(self.kinds),
                "check_in": self.check_in,
                "check_in_low_mood": self.check_in_low_mood,
            },
            "bias": round(self.bias, 4),
            "threshold": self.threshold,
            "features": "\n".join(names),
            "weights_e4": base64.b64encode(units.tobytes()).decode("ascii"),
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Scorer:
        data = json.loads(text)
        kinds = tuple(str(data["meta"].get("feature_kinds", "sj")))
        threshold = float(data["threshold"])
        weights = _weights(data)
        return cls(
            weights,
            float(data["bias"]),
            threshold,
            kinds,
            check_in := min(threshold, float(data["meta"].get("check_in", threshold))),
            min(check_in, float(data["meta"].get("check_in_low_mood", check_in))),
        )


def _weights(data: dict) -> Mapping[str, float]:
    """The weights of a parsed weights file, either format (see the module docstring)."""
    if "weights" in data:  # the older format
        weights = data["weights"]
        if not isinstance(weights, dict):
            raise TypeError("weights must be an object of feature: number")
        return weights  # JSON keys are strings and the numbers floats: no copy
    names = str(data["features"]).split("\n") if data["features"] else []
    units = array("i")
    units.frombytes(base64.b64decode(data["weights_e4"], validate=True))
    if sys.byteorder == "big":
        units.byteswap()
    return PackedWeights(names, units)


class PackedWeights(Mapping[str, float]):
    """Feature: weight, looked up by bisection in the sorted names (building a dict of
    60,000 entries would double the load time). ``n / 10000`` is exactly ``round(w, 4)``:
    both are the float nearest the same decimal."""

    __slots__ = ("_names", "_units")

    def __init__(self, names: list[str], units: array) -> None:
        if len(units) != len(names):
            raise ValueError(f"{len(names)} features but {len(units)} weights")
        if not all(map(operator.lt, names, islice(names, 1, None))):
            raise ValueError("feature names are not sorted and unique")
        self._names = names
        self._units = units

    def __getitem__(self, name: str) -> float:
        i = bisect_left(self._names, name)
        if i == len(self._names) or self._names[i] != name:
            raise KeyError(name)
        return self._units[i] / WEIGHT_SCALE

    def get(self, name: str, default: float = 0.0) -> float:  # type: ignore[override]
        i = bisect_left(self._names, name)
        if i == len(self._names) or self._names[i] != name:
            return default
        return self._units[i] / WEIGHT_SCALE

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


@lru_cache(maxsize=4)
def load(path: Path = WEIGHTS_PATH) -> Scorer | None:
    """The scorer at ``path``, read once; None when the file is missing or broken (the caller
    says what it does then: the detector runs on its rules alone)."""
    try:
        return Scorer.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        import logging

        logging.getLogger(__name__).warning(
            "crisis scorer %s unreadable (%s): a detector given it runs on its rules only",
            path,
            exc,
        )
        return None
