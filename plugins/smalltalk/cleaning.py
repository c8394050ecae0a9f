"""Turning raw generated text into a reply: cut, strip special tokens, tidy, judge degeneracy.

Pure string functions (no torch), so they are cheap to test and to import.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable

#: Short neutral replies used when generation fails twice (empty or degenerate).
NEUTRAL_REPLIES = (
    "그렇군요. 조금 더 이야기해 주실래요?",
    "음, 그 말씀을 들으니 저도 생각이 많아지네요.",
    "그랬군요. 이야기해 주셔서 고마워요.",
    "네, 듣고 있어요. 더 말씀해 주세요.",
)

_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,!?~…)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")
_LEADING_JUNK = re.compile(r"^[\s.,!?~…:;·\-_/|)\]}>]+")
_REPEATED_PUNCT = re.compile(r"([!?.~,])\1{3,}")
_GENERIC_SPECIAL = re.compile(r"<(?:unused\d+|unk|pad|mask|/?s|/?d|usr|sys|\|[a-z_]+\|)>")
_WORD_CHAR = re.compile(r"[0-9A-Za-z\uac00-\ud7a3\u3131-\u318e]")
_SAME_CHAR_RUN = re.compile(r"(.)\1{5,}")
_REPEATED_WORDS = re.compile(r"(\S{1,12})(?:\s+\1){2,}")
_REPEATED_CHUNK = re.compile(r"(\S{2,12}?)\1{3,}")


def cut_generation(raw: str, stop_strings: Iterable[str]) -> str:
    """The text before the first stop string (end token, a new ``<usr>``/``<sys>`` turn)."""
    end = len(raw)
    for stop in stop_strings:
        if stop:
            at = raw.find(stop)
            if at != -1:
                end = min(end, at)
    return raw[:end]


def strip_special(text: str, special_tokens: Iterable[str] = ()) -> str:
    """Remove the tokenizer's special tokens and common ``<...>`` control tokens."""
    for token in sorted({t for t in special_tokens if t}, key=len, reverse=True):
        text = text.replace(token, " ")
    return _GENERIC_SPECIAL.sub(" ", text)


def tidy(text: str) -> str:
    """Normalise Unicode and whitespace, fix spacing around punctuation, trim junk."""
    text = unicodedata.normalize("NFC", text).replace("\u2581", " ")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = _SPACE.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _REPEATED_PUNCT.sub(r"\1\1\1", text)
    text = _LEADING_JUNK.sub("", text)
    return text.strip()


def clean_reply(raw: str, stop_strings: Iterable[str], special_tokens: Iterable[str] = ()) -> str:
    """The reply shown to the user from a raw decoded continuation."""
    return tidy(strip_special(cut_generation(raw, stop_strings), special_tokens))


def _comparable(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFC", text)).lower()


def is_echo(reply: str, user_text: str) -> bool:
    """True when the reply just repeats what the user said."""
    a, b = _comparable(reply), _comparable(user_text)
    return bool(a) and a == b


def is_degenerate(reply: str, user_text: str = "") -> bool:
    """Empty, punctuation only, a character run, looping words, or an echo of the user."""
    if not reply or not _WORD_CHAR.search(reply):
        return True
    if (
        _SAME_CHAR_RUN.search(reply)
        or _REPEATED_WORDS.search(reply)
        or _REPEATED_CHUNK.search(reply)
    ):
        return True
    compact = _comparable(reply)
    if len(compact) >= 10 and len(set(compact)) / len(compact) < 0.25:
        return True
    words = reply.split()
    if len(words) >= 6 and len(set(words)) / len(words) < 0.5:  # "좋은 더 좋은 더 좋은 더"
        return True
    return bool(user_text) and is_echo(reply, user_text)


def neutral_reply(rng: random.Random | None = None) -> str:
    """A short neutral Korean reply for when generation gave nothing usable."""
    return (rng or random).choice(NEUTRAL_REPLIES)
