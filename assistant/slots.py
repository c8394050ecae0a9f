"""Typed slot parsers shared by every plugin.

Each slot type has a regex (used inside intent patterns as ``{duration}`` etc.)
and a parser from the matched span to a value:

- ``duration``: integer seconds ("한 시간 반" -> 5400, "2분 30초" -> 150, "1.5시간" -> 5400,
  "-5분" -> -300, "0분" -> 0: handlers decide what is allowed)
- ``time``: 24h "HH:MM" ("오후 3시" -> "15:00", "저녁 6시 반" -> "18:30", "밤 12시" -> "00:00";
  a bare "7시" gives "07:00" and :func:`time_is_ambiguous` says it could be 19:00)
- ``day``: "today" | "tomorrow" | "day_after_tomorrow"
- ``weekday``: "mon" … "sun" ("월요일", "금 요일")
- ``date``: a calendar day without a year, in ISO 8601's reduced forms: "12월 24일" ->
  "--12-24", "24일" -> "---24" (which year or month is meant needs a clock: the
  handler decides); "2월 30일" raises SlotError
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

from assistant.korean import particle


class SlotError(ValueError):
    """A slot span that cannot be a valid value; ``str(error)`` is a Korean explanation."""


@dataclass(frozen=True)
class SlotType:
    regex: str  # no capturing groups: it is wrapped in a named group
    parse: Callable[[str], Any]


# --- numerals -----------------------------------------------------------------
#
# Arabic numerals ("15"), Sino-Korean ("십오", "이십삼", "백이십") and native Korean
# ("열다섯", "스무", "스물세", "한", "두") are all accepted. The archaic native forms
# 서/너/석/넉 are deliberately left out: they never count hours or minutes and
# "너 시간 있어?" must not become four hours.

_SINO_DIGITS = {
    "영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6,
    "칠": 7, "팔": 8, "구": 9,
}  # fmt: skip
_SINO_UNITS = {"십": 10, "백": 100, "천": 1000, "만": 10000}
_NATIVE_ONES = {
    "한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4,
    "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
}  # fmt: skip
_NATIVE_TENS = {
    "열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50,
    "예순": 60, "일흔": 70, "여든": 80, "아흔": 90,
}  # fmt: skip


def _alternatives(words: dict[str, int]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_NATIVE_ONES_RE = _alternatives(_NATIVE_ONES)
_NATIVE_TENS_RE = _alternatives(_NATIVE_TENS)
NATIVE_NUMBER_RE = rf"(?:(?:{_NATIVE_TENS_RE}) ?(?:{_NATIVE_ONES_RE})?|(?:{_NATIVE_ONES_RE}))"
_SD = "[일이삼사오육륙칠팔구]"
SINO_NUMBER_RE = (
    rf"(?=[영공일이삼사오육륙칠팔구십백천만])"
    rf"(?:{_SD}?만)?(?:{_SD}?천)?(?:{_SD}?백)?(?:{_SD}?십)?(?:{_SD}|영|공)?"
)
NUMBER_RE = rf"(?:-?\d+|{NATIVE_NUMBER_RE}|{SINO_NUMBER_RE})"


def parse_number(text: str) -> int:
    """Parse "15", "-3", "십오", "이십삼", "열다섯", "스무", "스물 세" into an int."""
    t = re.sub(r"\s+", "", text)
    if not t:
        raise SlotError("숫자를 알아듣지 못했어요.")
    if re.fullmatch(r"-?\d+", t):
        return int(t)
    native = _parse_native(t)
    if native is not None:
        return native
    sino = _parse_sino(t)
    if sino is not None:
        return sino
    raise SlotError(f"'{text.strip()}'{particle(text.strip(), '을/를')} 숫자로 알아듣지 못했어요.")


def _parse_native(t: str) -> int | None:
    """열다섯 -> 15, 스무 -> 20, 한 -> 1; None if ``t`` is not a native numeral."""
    value, rest = 0, t
    for word in sorted(_NATIVE_TENS, key=len, reverse=True):
        if rest.startswith(word):
            value, rest = _NATIVE_TENS[word], rest[len(word) :]
            break
    if not rest:
        return value or None
    if rest in _NATIVE_ONES:
        return value + _NATIVE_ONES[rest]
    return None


def _parse_sino(t: str) -> int | None:
    """십오 -> 15, 이십삼 -> 23, 백 -> 100; None unless a well-formed Sino-Korean numeral."""
    if t in ("영", "공"):
        return 0
    total, digit, last_unit = 0, None, 10**9
    for ch in t:
        if ch in _SINO_DIGITS and _SINO_DIGITS[ch]:
            if digit is not None:
                return None  # two digits in a row ("이삼")
            digit = _SINO_DIGITS[ch]
        elif ch in _SINO_UNITS:
            unit = _SINO_UNITS[ch]
            if unit >= last_unit:
                return None  # units must decrease ("십백")
            total += (digit or 1) * unit
            digit, last_unit = None, unit
        else:
            return None
    return total + (digit or 0)


# --- duration -----------------------------------------------------------------
#
# "5분", "1시간 30분", "한 시간 반", "2분 30초", "90초", "십오 분", "1.5시간",
# "-5분" / "마이너스 5분" (negative: the handler refuses it), "0분" (zero).

_N = NUMBER_RE
_DEC = rf"(?:\d+\.\d+|{_N})"
_SIGN = r"(?:(?:-|마이너스) ?)?"
# The number regex is written as few times as possible: compiling the patterns that use
# this slot is most of a cold `assistant route` (bench/cold_start.py).
DURATION_RE = (
    rf"(?:{_SIGN}(?:{_DEC}) ?(?:시간(?: ?반| ?(?:{_N}) ?(?:분(?: ?반| ?(?:{_N}) ?초)?|초))?"
    rf"|분(?: ?반| ?(?:{_N}) ?초)?|초))"
)
_UNIT_SECONDS = {"시간": 3600, "분": 60, "초": 1}


def parse_duration(text: str) -> int:
    """Whole seconds in a duration span; may be 0 or negative (the handler decides).

    "한 시간 반" -> 5400, "2분 30초" -> 150, "1분 반" -> 90, "1.5시간" -> 5400.
    """
    t = re.sub(r"\s+", "", text)
    sign = 1
    for prefix in ("-", "마이너스"):
        if t.startswith(prefix):
            sign, t = -1, t[len(prefix) :]
    parts = re.findall(r"(.+?)(시간|분|초)(반)?", t)
    if not parts or "".join("".join(p) for p in parts) != t:
        raise SlotError(
            f"'{text.strip()}'{particle(text.strip(), '을/를')} 시간 길이로 알아듣지 못했어요."
        )
    total = 0.0
    for amount, unit, half in parts:
        factor = _UNIT_SECONDS[unit]
        if re.fullmatch(r"\d+\.\d+", amount):
            total += float(amount) * factor
        else:
            total += parse_number(amount) * factor
        if half:
            total += factor / 2
    return sign * int(round(total))


# --- time of day --------------------------------------------------------------
#
# "7시", "7시 반", "오전 7시 30분", "오후 3시", "저녁 6시", "15시 20분", "밤 12시"
# (midnight), "새벽 2시", "정오", "자정", "07:30". "25시" matches the shape but
# raises SlotError with a Korean explanation.

_PERIOD_WORDS = ("오전", "오후", "새벽", "아침", "낮", "점심", "저녁", "밤")
_PERIOD_RE = "|".join(_PERIOD_WORDS)
TIME_RE = (
    rf"(?:(?:{_PERIOD_RE}) ?)?(?:{_N}) ?시(?!간)(?: ?반| ?(?:{_N}) ?분)?(?: ?정각)?"
    r"|(?:정오|자정)"
    r"|\d{1,2}:\d{2}"
)


def _split_time(text: str) -> tuple[str | None, int, int]:
    """(period word or None, hour as said, minute) of a time span."""
    t = re.sub(r"\s+", "", text)
    if t == "정오":
        return "낮", 12, 0
    if t == "자정":
        return "밤", 12, 0
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", t)
    if m:
        return None, int(m.group(1)), int(m.group(2))
    m = re.fullmatch(rf"({_PERIOD_RE})?(.+?)시(?:(반)|(.+?)분)?(?:정각)?", t)
    if not m:
        raise SlotError(
            f"'{text.strip()}'{particle(text.strip(), '을/를')} 시각으로 알아듣지 못했어요."
        )
    hour = parse_number(m.group(2))
    minute = 30 if m.group(3) else (parse_number(m.group(4)) if m.group(4) else 0)
    return m.group(1), hour, minute


def parse_time(text: str) -> str:
    """24h "HH:MM" for a clock-time span.

    A bare "7시" gives "07:00"; whether it could also mean 19:00 is told by
    :func:`time_is_ambiguous`. Periods: 오전/아침/새벽 morning (12 -> 0시),
    오후/점심/낮 afternoon (낮 7-11시 stay morning), 저녁 evening, 밤 night
    (밤 12시 = midnight, 밤 1-5시 = after midnight).
    """
    period, hour, minute = _split_time(text)
    said = text.strip()
    if not 0 <= minute < 60:
        raise SlotError(f"'{said}'의 {minute}분은 없는 시각이에요. 분은 0부터 59까지예요.")
    if not 0 <= hour <= 24 or (hour == 24 and minute):
        raise SlotError(f"{hour}시는 없는 시각이에요. 0시부터 24시 사이로 말씀해 주세요.")
    if period is None:
        return f"{hour % 24:02d}:{minute:02d}"
    if hour > 12 or hour == 0:
        if period in ("오전", "아침", "새벽") and hour > 12:
            raise SlotError(
                f"{period} {hour}시는 없는 시각이에요. '{hour}시'나 '오후 {hour - 12}시'처럼 말씀해 주세요."
            )
        return f"{hour % 24:02d}:{minute:02d}"  # "오후 15시": the 24h hour wins
    if period in ("오전", "아침", "새벽"):
        hour = 0 if hour == 12 else hour
    elif period in ("오후", "점심"):
        hour = hour if hour == 12 else hour + 12
    elif period == "낮":
        hour = hour + 12 if hour <= 6 else hour
    elif period == "저녁":
        hour = 0 if hour == 12 else hour + 12
    elif period == "밤":
        hour = 0 if hour == 12 else (hour if hour <= 5 else hour + 12)
    return f"{hour:02d}:{minute:02d}"


def time_is_ambiguous(text: str) -> bool:
    """True when a time span has no 오전/오후-like word and a 1-12 hour ("7시", "7:30")."""
    try:
        period, hour, _ = _split_time(text)
        parse_time(text)
    except SlotError:
        return False
    return period is None and 1 <= hour <= 12 and re.sub(r"\s+", "", text) not in ("정오", "자정")


# --- day ----------------------------------------------------------------------

#: (낼 / 낼모레: the chat spelling of 내일 / 내일모레, "낼 6시에 깨워줘")
DAY_RE = r"(?:오늘|금일|내일 ?모레|내일|명일|모레|낼 ?모레|낼)"


def parse_day(text: str) -> str:
    t = re.sub(r"\s+", "", text)
    if t in ("오늘", "금일"):
        return "today"
    if t in ("내일", "명일", "낼"):
        return "tomorrow"
    if t in ("모레", "내일모레", "낼모레"):
        return "day_after_tomorrow"
    raise SlotError("어느 날인지 알아듣지 못했어요.")


# --- weekday and date -------------------------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_CHARS = "월화수목금토일"
WEEKDAY_RE = r"[월화수목금토일] ?요일"


def parse_weekday(text: str) -> str:
    """ "월요일" -> "mon" (also a bare "월" when a caller has already found a weekday there)."""
    t = re.sub(r"\s+|요일", "", text)
    if len(t) != 1 or t not in _WEEKDAY_CHARS:
        raise SlotError("무슨 요일인지 알아듣지 못했어요.")
    return WEEKDAYS[_WEEKDAY_CHARS.index(t)]


DATE_RE = r"(?:\d{1,2} ?월 ?)?\d{1,2} ?일"
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_date(text: str) -> str:
    """ "12월 24일" -> "--12-24", "24일" -> "---24"; SlotError for "13월", "32일", "2월 30일"."""
    m = re.fullmatch(r"(?:(\d{1,2})월)?(\d{1,2})일", re.sub(r"\s+", "", text))
    if not m:
        raise SlotError(
            f"'{text.strip()}'{particle(text.strip(), '을/를')} 날짜로 알아듣지 못했어요."
        )
    day = int(m.group(2))
    if m.group(1) is None:
        if not 1 <= day <= 31:
            raise SlotError(f"{day}일은 없는 날짜예요. 1일부터 31일 사이로 말씀해 주세요.")
        return f"---{day:02d}"
    month = int(m.group(1))
    if not 1 <= month <= 12:
        raise SlotError(f"{month}월은 없는 달이에요. 1월부터 12월 사이로 말씀해 주세요.")
    if not 1 <= day <= _MONTH_DAYS[month - 1]:
        raise SlotError(f"{month}월 {day}일은 없는 날짜예요.")
    return f"--{month:02d}-{day:02d}"


def date_parts(value: str) -> tuple[int | None, int]:
    """(month or None, day) of a ``date`` slot value ("--12-24" -> (12, 24), "---24" -> (None, 24))."""
    if value.startswith("---"):
        return None, int(value[3:])
    month, day = value[2:].split("-")
    return int(month), int(day)


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
    "weekday": SlotType(WEEKDAY_RE, parse_weekday),
    "date": SlotType(DATE_RE, parse_date),
    "place": SlotType(PLACE_RE, parse_place),
    "number": SlotType(NUMBER_RE, parse_number),
    "text": SlotType(r".+?", parse_text),
}
