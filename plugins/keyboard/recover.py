"""Decide whether Latin text was Korean typed in English mode, and recover it.

The decision looks only at the Hangul the keys would have produced, never at
an English word list:

1. Every Latin run must compose into complete syllables with no lone jamo
   ("hello" -> ㅗ디ㅣㅐ fails; "dkssud" -> 안녕 passes). Laughing/crying jamo at the end
   of a word ("rmfjgrnsbb" -> 그렇군ㅠㅠ) and words of chat jamo only ("zzz" ->
   ㅋㅋㅋ, "rc" -> ㄱㅊ) are accepted alongside real syllables but never count
   as evidence.
2. A word with a capital letter that Shift does not change in Korean mode
   ("Hello", "iPad") was typed as English; an all-capitals word is taken as
   Caps Lock and read lower-case.
3. The recovered syllables must be common Korean: their mean log frequency,
   from the shipped table ``syllables.tsv``, must reach ``min_score``, and
   there must be at least ``min_syllables`` of them (one syllable is too
   little evidence: "go" would be 해), three if every word has one syllable
   ("to do" would be 새 애).
4. URLs, paths, e-mail addresses and code-like text are left alone.

If any Latin word in the utterance fails, the whole utterance is left as it
is: a sentence is typed in one keyboard mode.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant_plugins.keyboard.hangul import SHIFTED, keys_to_hangul

TABLE_PATH = Path(__file__).with_name("syllables.tsv")

DEFAULT_MIN_SCORE = -5.5
DEFAULT_MIN_SYLLABLES = 2

_LATIN = re.compile(r"[A-Za-z]")
_LATIN_RUN = re.compile(r"[A-Za-z]+")
_EDGE_PUNCT = "?!.~,'\"…"
#: What a word may contain besides its leading/trailing punctuation.
_WORD = re.compile(r"[0-9A-Za-z가-힣ㄱ-ㆎ.~;%,!?^'\"…·-]+")
#: Laughing/crying jamo that may trail Korean text ("병걸리겠어ㅠㅠ", "ㅋㅋㅋ").
_TRAILING_JAMO = re.compile(r"(?:ㅋㅋ+|ㅎㅎ+|ㅠㅠ+|ㅜㅜ+)$")
_JAMO = re.compile(r"[ㄱ-ㆎ]")
#: A word of jamo only that Korean chat uses on its own: consonants (ㅋㅋ, ㄱㅊ, ㅇㅋ) or ㅠ/ㅜ/ㅡ.
_CHAT_JAMO = re.compile(r"[ㄱ-ㅎㅠㅜㅡ]+")
_LAUGHTER_KEYS = re.compile(r"(?:z{2,}|g{2,}|b{2,}|n{2,})$")


@dataclass(frozen=True)
class SyllableModel:
    """A smoothed syllable bigram model of Korean words (counts from ``syllables.tsv``)."""

    unigrams: dict[str, int]  # syllable -> count; "^" -> number of words
    bigrams: dict[str, int]  # "ab" -> count of b right after a inside a word ("^a", "a$")
    total: int  # syllables counted
    weight: float = 0.8  # share of the bigram estimate in the interpolation

    @classmethod
    def from_counts(
        cls, unigrams: dict[str, int], bigrams: dict[str, int], min_count: int = 2
    ) -> SyllableModel:
        """The model ``make_syllable_table.py`` would write for these counts."""
        total = sum(n for s, n in unigrams.items() if s != "^")
        return cls(
            {s: n for s, n in unigrams.items() if n >= min_count},
            {s: n for s, n in bigrams.items() if n >= min_count},
            total or 1,
        )

    def _unigram(self, syllable: str) -> float:
        if syllable == "$":
            return self.unigrams.get("^", 1) / self.total
        found = self.unigrams.get(syllable)
        if found is not None:
            return (found + 0.5) / self.total
        return (0.5 if _is_standard(syllable) else 0.05) / self.total

    def word_score(self, syllables: list[str]) -> float:
        """Mean log-probability per step of a word, word boundaries included."""
        seq = ["^", *syllables, "$"]
        total = 0.0
        for a, b in zip(seq, seq[1:], strict=False):
            p = (1 - self.weight) * self._unigram(b)
            context = self.unigrams.get(a)
            if context:
                p += self.weight * self.bigrams.get(a + b, 0) / context
            total += math.log(p)
        return total / (len(seq) - 1)


def _is_standard(syllable: str) -> bool:
    """True for the 2,350 syllables of KS X 1001 (the ones Korean text really uses)."""
    try:
        return len(syllable.encode("euc_kr")) == 2
    except UnicodeEncodeError:
        return False


@lru_cache(maxsize=1)
def syllable_model(path: Path = TABLE_PATH) -> SyllableModel:
    unigrams: dict[str, int] = {}
    bigrams: dict[str, int] = {}
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# total\t"):
            total = int(line.split("\t")[1])
            continue
        if not line.strip() or line.startswith("#"):
            continue
        key, count = line.split("\t")
        (unigrams if len(key) == 1 else bigrams)[key] = int(count)
    return SyllableModel(unigrams, bigrams, total or sum(unigrams.values()) or 1)


@dataclass(frozen=True)
class Recovery:
    """The recovered utterance and the evidence for it."""

    text: str
    syllables: int
    score: float  # mean log-probability per syllable step (see SyllableModel)
    longest_word: int  # syllables in the longest recovered word
    words: int  # recovered words


def _word_core(word: str) -> str:
    return word.strip(_EDGE_PUNCT)


def _prepare_run(run: str) -> str | None:
    """The keys as Korean mode reads them, or None if the run was typed as English."""
    if len(run) >= 2 and run.isupper():
        return run.lower()  # Caps Lock
    if any(ch.isupper() and ch not in SHIFTED for ch in run):
        return None
    return run


def analyse(text: str, model: SyllableModel | None = None) -> Recovery | None:
    """The Hangul reading of ``text`` with its evidence, or None if it cannot be Korean.

    Returns None when there is nothing to recover (no Latin letters) or when
    some Latin word does not compose into Hangul. The caller applies the
    thresholds (:func:`recover`).
    """
    if not _LATIN.search(text):
        return None
    model = model or syllable_model()
    words = text.split(" ")
    out: list[str] = []
    scores: list[tuple[int, float]] = []
    for word in words:
        if not _LATIN.search(word):
            out.append(word)
            continue
        core = _word_core(word)
        if not _WORD.fullmatch(core):
            return None  # URL, path, e-mail, code
        converted = []
        pos = 0
        for m in _LATIN_RUN.finditer(word):
            keys = _prepare_run(m.group(0))
            if keys is None:
                return None
            laughter = _LAUGHTER_KEYS.search(keys)  # "rhakdnjzz" -> 고마워 + ㅋㅋ, not 고마웤ㅋ
            if laughter and laughter.start():
                keys, tail = keys[: laughter.start()], keys_to_hangul(laughter.group(0)).text
            else:
                tail = ""
            conversion = keys_to_hangul(keys)
            if not conversion.syllables and _CHAT_JAMO.fullmatch(conversion.text + tail):
                pass  # "z" -> ㅋ, "rc" -> ㄱㅊ: fine next to real words, but no evidence
            elif _JAMO.search(_TRAILING_JAMO.sub("", conversion.text)):
                return None  # a lone jamo: not Korean
            if conversion.syllables:
                scores.append((len(conversion.syllables), model.word_score(conversion.syllables)))
            converted.append(word[pos : m.start()] + conversion.text + tail)
            pos = m.end()
        converted.append(word[pos:])
        out.append("".join(converted))
    syllables = sum(n for n, _ in scores)
    if not syllables:
        return None
    mean = sum((n + 1) * score for n, score in scores) / sum(n + 1 for n, _ in scores)
    return Recovery(" ".join(out), syllables, mean, max(n for n, _ in scores), len(scores))


def recover(
    text: str,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    min_syllables: int = DEFAULT_MIN_SYLLABLES,
    model: SyllableModel | None = None,
) -> str | None:
    """``text`` with its English-mode Korean turned into Hangul, or None to leave it alone.

    ``model``: the syllable statistics (default: the shipped ``syllables.tsv``).

    >>> recover("5qns xkdlaj")
    '5분 타이머'
    >>> recover("how are you") is None
    True
    """
    found = analyse(text, model)
    if found is None or found.score < min_score:
        return None
    # Words of one syllable each ("so so" -> 내 내, "to do" -> 새 애) need more of them.
    monosyllabic = found.words > 1 and found.longest_word == 1
    needed = max(min_syllables, 3) if monosyllabic else min_syllables
    if found.syllables < needed:
        return None
    return found.text
