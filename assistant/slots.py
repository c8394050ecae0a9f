"""Typed slot parsers shared by every plugin.

Each slot type has a regex (used inside intent patterns as ``{duration}`` etc.)
and a parser from the matched span to a value:

- ``duration``: integer seconds ("한 시간 반" -> 5400, "2분 30초" -> 150, "-5분" -> -300)
- ``time``: 24h "HH:MM" ("오후 3시" -> "15:00", "저녁 6시 반" -> "18:30")
- ``day``: "today" | "tomorrow" | "day_after_tomorrow"
- ``place``: the place as said, particles removed ("인천 고잔동은" -> "인천 고잔동")
- ``number``: an integer (Arabic, Sino-Korean or native Korean numerals)
- ``text``: the span itself, stripped

A parser raises :class:`SlotError` (with a Korean message) when the span
matched the shape but is not a valid value ("25시").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class SlotError(ValueError):
    """A slot span that cannot be a valid value; ``str(error)`` is a Korean explanation."""


@dataclass(frozen=True)
class SlotType:
    regex: str  # no capturing groups: it is wrapped in a named group
    parse: Callable[[str], Any]


# --- numerals -----------------------------------------------------------------

_SINO_DIGITS = {"영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_SINO_UNITS = {"십": 10, "백": 100, "천": 1000}
_NATIVE = {
    "한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "서": 3, "석": 3, "네": 4, "넷": 4, "너": 4, "넉": 4,
    "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
}
_NATIVE_TENS = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80, "아흔": 90}

_NATIVE_ONES_RE = "|".join(sorted(_NATIVE, key=len, reverse=True))
_NATIVE_TENS_RE = "|".join(sorted(_NATIVE_TENS, key=len, reverse=True))
NATIVE_NUMBER_RE = rf"(?:(?:{_NATIVE_TENS_RE}) ?(?:{_NATIVE_ONES_RE})?|(?:{_NATIVE_ONES_RE}))"
SINO_NUMBER_RE = r"(?:[일이삼사오육칠팔구]?천)?(?:[일이삼사오육칠팔구]?백)?(?:[이삼사오육칠팔구]?십)?[일이삼사오육칠팔구]?"
NUMBER_RE = rf"(?:-?\d+|{NATIVE_NUMBER_RE}|(?=[일이삼사오육칠팔구십백천]){SINO_NUMBER_RE})"


def parse_number(text: str) -> int:
    """Parse "15", "십오", "열다섯", "스물 세" into an int."""
    t = re.sub(r"\s+", "", text)
    if re.fullmatch(r"-?\d+", t):
        return int(t)
    if not t:
        raise SlotError("숫자를 알아듣지 못했어요.")
    value = 0
    rest = t
    for word, tens in sorted(_NATIVE_TENS.items(), key=lambda kv: -len(kv[0])):
        if rest.startswith(word):
            value, rest = tens, rest[len(word):]
            break
    if rest in _NATIVE:
        return value + _NATIVE[rest]
    if value and not rest:
        return value
    if value:
        raise SlotError(f"'{text}'을(를) 숫자로 알아듣지 못했어요.")
    # Sino-Korean
    total, current = 0, 0
    for ch in t:
        if ch in _SINO_DIGITS:
            current = _SINO_DIGITS[ch]
        elif ch in _SINO_UNITS:
            total += (current or 1) * _SINO_UNITS[ch]
            current = 0
        else:
            raise SlotError(f"'{text}'을(를) 숫자로 알아듣지 못했어요.")
    return total + current


# --- duration -----------------------------------------------------------------

_N = NUMBER_RE
DURATION_RE = (
    rf"(?:-?\s*(?:{_N}) ?시간(?: ?반| ?(?:{_N}) ?분(?: ?(?:{_N}) ?초)?| ?(?:{_N}) ?초)?"
    rf"|-?\s*(?:{_N}) ?분(?: ?반| ?(?:{_N}) ?초)?"
    rf"|-?\s*(?:{_N}) ?초)"
)


def parse_duration(text: str) -> int:
    """Seconds in a duration span; may be 0 or negative (the handler decides)."""
    t = re.sub(r"\s+", "", text)
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("-")
    total = 0
    for amount, unit in re.findall(r"(.+?)(시간|분|초)", t):
        factor = {"시간": 3600, "분": 60, "초": 1}[unit]
        total += parse_number(amount) * factor
    if t.endswith("반"):
        if "분" in t:
            total += 30
        elif "시간" in t:
            total += 1800
    if not re.search(r"시간|분|초", t):
        raise SlotError("시간 길이를 알아듣지 못했어요.")
    return sign * total


# --- time of day --------------------------------------------------------------

_PERIODS = {"오전": "am", "새벽": "am", "아침": "am", "오후": "pm", "낮": "pm", "저녁": "pm", "밤": "pm"}
TIME_RE = rf"(?:(?:오전|오후|새벽|아침|낮|저녁|밤) ?)?(?:{_N}) ?시(?: ?반| ?(?:{_N}) ?분)?|\d{{1,2}}:\d{{2}}"


def parse_time(text: str) -> str:
    """24h "HH:MM" for a clock-time span. A bare "7시" gives "07:00" (see :func:`time_is_ambiguous`)."""
    t = re.sub(r"\s+", "", text)
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", t)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        period = None
    else:
        m = re.fullmatch(r"(오전|오후|새벽|아침|낮|저녁|밤)?(.+?)시(반|(.+?)분)?", t)
        if not m:
            raise SlotError("시각을 알아듣지 못했어요.")
        period = _PERIODS.get(m.group(1) or "")
        hour = parse_number(m.group(2))
        minute = 30 if m.group(3) == "반" else (parse_number(m.group(4)) if m.group(4) else 0)
    if not 0 <= hour <= 24 or not 0 <= minute < 60 or (hour == 24 and minute):
        raise SlotError(f"{hour}시 {minute}분은 없는 시각이에요.")
    if period == "pm" and hour < 12:
        hour += 12
    elif period == "am" and hour == 12:
        hour = 0
    if m.group(1) == "밤" and hour == 24:
        hour = 0
    return f"{hour % 24:02d}:{minute:02d}"


def time_is_ambiguous(text: str) -> bool:
    """True when a time span has no 오전/오후-like marker and an hour of 1-12 ("7시")."""
    t = re.sub(r"\s+", "", text)
    if any(t.startswith(p) for p in _PERIODS):
        return False
    try:
        hour = int(parse_time(t)[:2])
    except SlotError:
        return False
    return 1 <= hour <= 12


# --- day ----------------------------------------------------------------------

DAY_RE = r"(?:오늘|금일|내일 ?모레|내일|명일|모레)"


def parse_day(text: str) -> str:
    t = re.sub(r"\s+", "", text)
    if t in ("오늘", "금일"):
        return "today"
    if t in ("내일", "명일"):
        return "tomorrow"
    if t in ("모레", "내일모레"):
        return "day_after_tomorrow"
    raise SlotError("어느 날인지 알아듣지 못했어요.")


# --- place --------------------------------------------------------------------

PLACE_RE = r"[가-힣]+(?: [가-힣]+)*"
_PARTICLES = re.compile(r"(?:에서는|에서|에는|의|은|는|이|가|에)$")


def parse_place(text: str) -> str:
    words = text.split()
    if not words:
        raise SlotError("장소를 알아듣지 못했어요.")
    last = _PARTICLES.sub("", words[-1])
    words[-1] = last if len(last) >= 1 else words[-1]
    return " ".join(w for w in words if w)


def parse_text(text: str) -> str:
    return text.strip()


SLOT_TYPES: dict[str, SlotType] = {
    "duration": SlotType(DURATION_RE, parse_duration),
    "time": SlotType(TIME_RE, parse_time),
    "day": SlotType(DAY_RE, parse_day),
    "place": SlotType(PLACE_RE, parse_place),
    "number": SlotType(NUMBER_RE, parse_number),
    "text": SlotType(r".+?", parse_text),
}
