"""Finding profanity in an utterance, lookalike and spaced-out spellings included.

Two data files drive it (see their headers): ``words.txt`` (what fires) and
``false_friends.txt`` (ordinary words that merely contain an entry, such as
시발점 or 병신년 새해). Standard library only: this runs on every utterance.

How an utterance is checked:

1. Letters are lower-cased; separately typed jamo are composed ("ㅅㅣㅂㅏㄹ" ->
   시발) and both spellings are checked.
2. A plain entry matches anywhere, and also with up to three spaces, symbols
   or digits between its letters ("씨 발", "씨.발", "씨1발") -- but a spread-out
   match must start a word, so "아저씨 발 냄새" stays clean.
3. An ``=entry`` matches only as a whole word ("=18": "아 18" fires, "18살" not).
4. A match overlapping a false friend is ignored ("시발점", "수박 씨 발라 먹기").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.korean import jamo_to_hangul
from assistant.listfile import read_list

HERE = Path(__file__).resolve().parent
WORDS_PATH = HERE / "words.txt"
FALSE_FRIENDS_PATH = HERE / "false_friends.txt"

#: What may stand between the letters of a spelled-out word.
_SEPARATOR = r"[\s\W\d_]{0,3}"
_JAMO_VOWEL = re.compile("[ㅏ-ㅣ]")


@dataclass(frozen=True)
class Entry:
    word: str
    regex: re.Pattern[str]
    whole_word: bool


def compile_entry(raw: str) -> Entry:
    """``word`` or ``=word`` (see module docstring) as a compiled entry."""
    whole = raw.startswith("=")
    word = raw[1:].strip().lower() if whole else raw.strip().lower()
    if not word:
        raise ValueError("empty profanity entry")
    if whole:
        regex = re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])")
    else:
        regex = re.compile(_SEPARATOR.join(re.escape(ch) for ch in word if not ch.isspace()))
    return Entry(word, regex, whole)


def _letters(raw: str) -> frozenset[str]:
    """The characters every match of the entry ``raw`` contains (see :func:`compile_entry`)."""
    whole = raw.startswith("=")
    word = raw[1:].strip().lower() if whole else raw.strip().lower()
    if not word:
        raise ValueError("empty profanity entry")
    return frozenset(word if whole else (ch for ch in word if not ch.isspace()))


def compile_false_friend(pattern: str) -> re.Pattern[str]:
    """A false-friend regex; a literal space means optional whitespace."""
    return re.compile(re.sub(r" +", r"\\s*", pattern.strip()))


class Guard:
    """Decides whether an utterance contains profanity."""

    def __init__(self, words: Iterable[str], false_friends: Iterable[str] = ()) -> None:
        # An entry's regex is compiled the first time an utterance holds all of its letters
        # (it cannot match otherwise): routing one command compiles few of them.
        self._words = [w for w in words if w.strip()]
        self._letters = [_letters(w) for w in self._words]  # also rejects empty entries
        self._entries: list[Entry | None] = [None] * len(self._words)
        self.false_friends = [compile_false_friend(p) for p in false_friends if p.strip()]

    @property
    def entries(self) -> list[Entry]:
        """Every entry, compiled."""
        return [self._entry(i) for i in range(len(self._words))]

    def _entry(self, index: int) -> Entry:
        entry = self._entries[index]
        if entry is None:
            entry = self._entries[index] = compile_entry(self._words[index])
        return entry

    @classmethod
    def from_files(
        cls,
        words_file: Path = WORDS_PATH,
        extra_words: Iterable[str] = (),
        extra_false_friends: Iterable[str] = (),
    ) -> Guard:
        words = read_list(words_file) + [str(w) for w in extra_words]
        friends = read_list(FALSE_FRIENDS_PATH) + [str(p) for p in extra_false_friends]
        return cls(words, friends)

    def find(self, text: str) -> str | None:
        """The entry found in ``text`` (for the log), or None if it is clean."""
        lowered = text.lower()
        forms = [lowered]
        if _JAMO_VOWEL.search(lowered):
            composed = jamo_to_hangul(lowered)
            if composed != lowered:
                forms.append(composed)
        for form in forms:
            found = self._find_in(form)
            if found:
                return found
        return None

    def _find_in(self, text: str) -> str | None:
        allowed = [m.span() for p in self.false_friends for m in p.finditer(text)]
        chars = set(text)
        for index, letters in enumerate(self._letters):
            if not letters <= chars:
                continue
            entry = self._entry(index)
            for m in entry.regex.finditer(text):
                start, end = m.span()
                spread = len(m.group(0)) != len(entry.word)
                if spread and start > 0 and text[start - 1].isalnum():
                    continue  # "아저씨 발": a spelled-out word must start a word
                if any(a < end and start < b for a, b in allowed):
                    continue
                return entry.word
        return None
