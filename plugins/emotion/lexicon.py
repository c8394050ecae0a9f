"""A small list of named feelings (``feeling_words.tsv``) with negation, combined with the model.

Pure Python, no heavy import. Three uses:

- :meth:`FeelingLexicon.find`: the feeling words of an utterance, each asserted or negated
  ("기쁘지 않아", "별로 안 슬퍼", "안 무서워", "걱정은 안 돼", "걱정 마", "불안하거나 그런
  건 없어" are negated) or used as a topic rather than said of the speaker ("속상한 친구한테
  보낼 문자", "행복한 왕자 작가가 누구였지", "무서운 영화 추천해 줘", "불안장애랑 공황장애는
  뭐가 달라요"): a topic names no feeling of the speaker, so it is neither boosted nor asserted
  and it rules out an opener of its own emotion;
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
    r"|^\s*(?:하|해|스럽)?거나\s*(?:그런|이런|뭐)\s*(?:건|거|것|게)\s*(?:은|는|도)?\s*(?:없|아니)"
)
#: The feeling as the adnominal of a person or of a story, film or song: "속상한 친구한테",
#: "행복한 왕자", "무서운 영화", "우울한 분위기 사진" (not "불안한 마음", "슬픈 하루": the
#: speaker's own mood).
_TOPIC_NOUN = re.compile(
    r"^\S*?(?:[한은운픈쁜던난된])\s+(?:친구|사람|가족|아이|애들?|엄마|아빠|어머니|아버지|동생|언니"
    r"|오빠|형|누나|동료|후배|선배|남편|아내|딸|아들|손주|왕자|공주|주인공|캐릭터|분위기|노래|음악"
    r"|영화|드라마|책|소설|동화|이야기|얘기|장면|게임)"
)
#: A disorder's name ("우울증", "불안장애") studied or asked about rather than had: with a
#: request for information or a word of study ("과제", "조사", "차이", "관련").
_DISORDER = re.compile(r"^(?:증|장애)")
_STUDY = re.compile(
    r"과제|조사|설문|관련|관한|차이|뭐가\s*달라|뜻|논문|리포트|보고서|발표|수업|강의"
)
#: Someone else's feeling, reported: "엄마가 걱정된다고 전화 달래", "불안정하대 뉴스에서".
_REPORTED = re.compile(
    r"^\S*?(?:다고|라고|다며|다면서|대|대요|래|래요|다더라|다던데)(?:$|[\s,.!?~])"
)


class LexiconError(ValueError):
    """A broken lexicon file; the message is Korean and names the file and line."""


@dataclass(frozen=True)
class Hit:
    word: str
    label: str
    negated: bool
    topic: bool = False


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
        """The feeling words in ``text``, in order, each asserted, negated or a topic."""
        hits = []
        for entry in self.entries:
            for match in entry.pattern.finditer(text):
                before, after = text[: match.start()], text[match.end() :]
                negated = bool(_NEGATED_BEFORE.search(before) or _NEGATED_AFTER.search(after))
                topic = not negated and _used_as_topic(text, text[match.start() :], after)
                hits.append((match.start(), Hit(entry.word, entry.label, negated, topic)))
        hits.sort(key=lambda item: item[0])
        return [hit for _, hit in hits]


def _used_as_topic(text: str, word: str, after: str) -> bool:
    """Is the feeling word (``word``: the text from it on; ``after``: the text after it) a topic
    rather than the speaker's feeling?"""
    if _TOPIC_NOUN.search(word) or _REPORTED.search(word):
        return True
    return bool(_DISORDER.search(after)) and (
        bool(_STUDY.search(text)) or requests_information(text)
    )


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
    """Classes named without negation (topics do not count), and classes only named negated."""
    asserted = {h.label for h in hits if not h.negated and not h.topic}
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
    negated ("하나도 안 기뻐"), or named only as a topic ("속상한 친구한테 보낼 문자")."""
    asserted, negated = asserted_and_negated(hits)
    topics = {h.label for h in hits if h.topic} - asserted
    return bool(asserted - {label}) or label in negated or label in topics


def plain_request(text: str, hits: list[Hit]) -> bool:
    """A request for information or a tip (:func:`assistant.korean.requests_information`:
    never with 왜) that names no feeling of the speaker ("면접 때 긴장 안 하는 법 알려줘" names
    긴장, so the model decides; "무서운 영화 추천해 줘" names 무서움 only as a topic)."""
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
