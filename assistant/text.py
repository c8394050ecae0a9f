"""Utterance clean-up done by the core before plugins' normalizers and routing."""

from __future__ import annotations

import re
import unicodedata

#: control and zero-width characters, and U+FFFD (what undecodable input bytes became)
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ufffd]"
)
#: a terminal escape sequence (colours, cursor moves: "\x1b[31m"), dropped whole
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_SPACE = re.compile(r"\s+")
_TRAILING_PUNCT = re.compile(r"[\s?!.~…,;:]+$")
_VOCATIVE_ENDINGS = r"(?:아|야|이야|이|\s?씨|\s?님)?"


def clean(text: str) -> str:
    """NFC-normalise, drop terminal escape sequences and control/zero-width/replacement
    characters (a stray one inside a word joins it: "안\x07녕" is 안녕; the separators among
    them, such as U+2028, count as spaces), collapse whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = _ANSI.sub("", text)
    text = _CONTROL.sub(lambda m: " " if m.group().isspace() else "", text)
    return _SPACE.sub(" ", text).strip()


def strip_vocative(text: str, name: str) -> str:
    """Remove a leading vocative of the assistant's name ("이랑아, ..." -> "...")."""
    if not name:
        return text
    # "이랑 씨는 뭐 좋아해요?" keeps its subject: no 씨/님 may follow the stripped part
    pattern = rf"^(?:헤이|hey|야)?\s*{re.escape(name)}{_VOCATIVE_ENDINGS}(?:[\s,.!~]+|$)(?![씨님])"
    stripped = re.sub(pattern, "", text, flags=re.IGNORECASE)
    return stripped.strip() or text


def trailing_punctuation(text: str) -> str:
    """The marks ``normalize`` drops at the end ("?", "!!", "~"), spaces and commas removed:
    the emotion model was trained and is measured on text that keeps them."""
    found = _TRAILING_PUNCT.search(clean(text))
    return re.sub(r"[\s,]+", "", found.group(0)) if found else ""


def normalize(text: str, name: str) -> str:
    """What the router sees: cleaned, vocative removed, trailing punctuation removed."""
    text = strip_vocative(clean(text), name)
    text = text.replace(",", " ")
    text = _TRAILING_PUNCT.sub("", text)
    return _SPACE.sub(" ", text).strip()
