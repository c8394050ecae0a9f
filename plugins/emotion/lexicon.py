"""A small list of named feelings (``feeling_words.tsv``) with negation, combined with the model.

Pure Python, no heavy import. Three uses:

- :meth:`FeelingLexicon.find`: the feeling words of an utterance, each asserted or negated
  ("기쁘지 않아", "별로 안 슬퍼", "안 무서워", "걱정은 안 돼", "걱정 마" are negated);
- :func:`combine`: the model's probabilities with every asserted class multiplied by
  ``boost`` and every class that is only negated divided by it, renormalised (so the
  result stays a distribution; ``boost`` 1 = the model alone);
- :func:`contradicts`: does the utterance's wording contradict an opener for a label (a
  feeling word of another emotion, or this emotion negated)? Then the tone gives none;
- :func:`plain_request`: a request for information or a tip that names no feeling ("노트북
  살 건데 맥북 에어랑 그램 중에 뭐가 나아", "기말 벼락치기 하려면 뭐부터 해야돼"): the
  classifier reads it as 일상 whatever the model says (the model, trained mostly on online
  comments full of angry rhetorical questions, read 59 of 270 such questions as negative).

Why: on remarks that name the feeling, a plain word list beat the model; the model reads
implied situations better. Choices (the words, ``boost``) were made on the dev sets only
(``bench/emotion_lexicon_sweep.py``; figures in ``models/emotion-mini/MODEL_CARD.md``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.korean import requests_information

HERE = Path(__file__).resolve().parent
SHIPPED_WORDS = HERE / "feeling_words.tsv"
#: Chosen on the dev sets (bench/emotion_lexicon_sweep.py): see the model card.
DEFAULT_BOOST = 8.0

#: "안"/"못" as its own word right before the feeling ("별로 안 슬퍼", "안 무서워").
_NEGATED_BEFORE = re.compile(r"(?:^|[\s,.!?~])(?:안|못)\s*$")
#: A negation right after the feeling's stem: "기쁘지 않아", "행복하진 않아", "슬프지도
#: 않아", "걱정은 안 돼", "화 안 나", "걱정 없어", "걱정 마", "걱정하지 마세요",
#: "걱정할 일은 아니고"; and a question about the feeling ("기쁘냐고?", "슬프니?").
_NEGATED_AFTER = re.compile(
    r"^(?:하|해|스럽|스러)?\s*(?:지|진|지는|지도|지만은)\s*(?:않|안\s)"
    r"|^\s*(?:은|는|도|이|가)?\s*(?:별로\s*|하나도\s*|전혀\s*)?안\s*(?:돼|되|해|했|나|났|남|들)"
    r"|^\s*(?:은|는|도|이|가)?\s*(?:별로\s*|하나도\s*|전혀\s*)?없"
    r"|^\s*(?:하지\s*)?마(?:세요|셔|요|라)?(?:$|[\s,.!?~])"
    r"|^(?:하|해|할|될|스러울)?\s*(?:일|건|거)(?:은|는|까진|까지는)?\s*(?:아니|없)"
    r"|^(?:하|스럽)?(?:냐|니\?|나요\?|냐고|니까\?)"
)


class LexiconError(ValueError):
    """A broken lexicon file; the message is Korean and names the file and line."""


@dataclass(frozen=True)
class Hit:
    word: str
    label: str
    negated: bool


@dataclass(frozen=True)
class _Entry:
    word: str
    label: str
    pattern: re.Pattern[str]


class FeelingLexicon:
    def __init__(self, entries: list[_Entry]):
        self.entries = entries
        self.labels = frozenset(e.label for e in entries)

    @classmethod
    def read(cls, path: Path, labels: tuple[str, ...] | None = None) -> FeelingLexicon:
        """Read ``label<TAB>word`` lines (``#`` comments, blank lines ignored)."""
        entries = []
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"감정 단어 목록을 읽을 수 없어요: '{path}' ({exc})") from exc
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise LexiconError(
                    f"감정 단어 목록 '{path}' {number}번째 줄: '감정<TAB>단어' 형식이 아니에요."
                )
            label, word = parts[0].strip(), parts[1].strip()
            if labels is not None and label not in labels:
                raise LexiconError(
                    f"감정 단어 목록 '{path}' {number}번째 줄: 모르는 감정 '{label}'이에요."
                )
            entries.append(_Entry(word.lstrip("^"), label, _compile(word)))
        return cls(entries)

    def find(self, text: str) -> list[Hit]:
        """The feeling words in ``text``, in order, each asserted or negated."""
        hits = []
        for entry in self.entries:
            for match in entry.pattern.finditer(text):
                before, after = text[: match.start()], text[match.end() :]
                negated = bool(_NEGATED_BEFORE.search(before) or _NEGATED_AFTER.search(after))
                hits.append((match.start(), Hit(entry.word, entry.label, negated)))
        hits.sort(key=lambda item: item[0])
        return [hit for _, hit in hits]


def _compile(word: str) -> re.Pattern[str]:
    start = word.startswith("^")
    parts = [re.escape(p) for p in word.lstrip("^").split()]
    body = r"\s*".join(parts)
    return re.compile((r"(?:^|(?<=[\s,.!?~\"'(]))" if start else "") + body)


@cache
def shipped() -> FeelingLexicon:
    from .labels import LABELS

    return FeelingLexicon.read(SHIPPED_WORDS, LABELS)


def asserted_and_negated(hits: list[Hit]) -> tuple[set[str], set[str]]:
    """Classes named without negation, and classes only named negated."""
    asserted = {h.label for h in hits if not h.negated}
    negated = {h.label for h in hits if h.negated} - asserted
    return asserted, negated


def combine(probabilities: Mapping[str, float], hits: list[Hit], boost: float) -> dict[str, float]:
    """The model's distribution, asserted classes times ``boost``, negated-only classes
    divided by it, renormalised. Classes the model lacks are ignored."""
    asserted, negated = asserted_and_negated(hits)
    weighted = {}
    for label, p in probabilities.items():
        factor = boost if label in asserted else (1.0 / boost if label in negated else 1.0)
        weighted[label] = p * factor
    total = sum(weighted.values()) or 1.0
    return {label: p / total for label, p in weighted.items()}


def contradicts(hits: list[Hit], label: str) -> bool:
    """Would an opener for ``label`` contradict the wording? Yes when a feeling of another
    emotion is named ("기쁜데 좀 걱정돼" has no 기쁨 or 불안 opener), or this one is
    negated ("하나도 안 기뻐")."""
    asserted, negated = asserted_and_negated(hits)
    return bool(asserted - {label}) or label in negated


def plain_request(text: str, hits: list[Hit]) -> bool:
    """A request for information or a tip (:func:`assistant.korean.requests_information`:
    never with 왜) that names no feeling ("면접 때 긴장 안 하는 법 알려줘" names 긴장, so
    the model decides)."""
    asserted, _ = asserted_and_negated(hits)
    return not asserted and requests_information(text)


def from_settings(settings: Mapping[str, object]) -> FeelingLexicon | None:
    """The lexicon ``plugins.emotion.lexicon`` asks for: ``true`` (default) the shipped
    ``feeling_words.tsv``, ``false`` none."""
    return shipped() if settings.get("lexicon", True) else None


def boost_from_settings(settings: Mapping[str, object]) -> float:
    """``plugins.emotion.lexicon_boost`` (default 8, chosen on the dev sets), at least 1."""
    value = settings.get("lexicon_boost", DEFAULT_BOOST)
    try:
        return max(1.0, float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_BOOST
