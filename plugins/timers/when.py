"""Reading "when" and "what" out of alarm and reminder requests.

"내일 8시에 약 먹으라고 알려줘", "매주 월, 수, 금 저녁 8시에 깨워줘", "매주 화요일 분리수거",
"7시 10분 전에 알람", "20분 뒤에 빨래 꺼내라고 말해줘", "다음 주 월요일 회의 알림".

The utterance is read left to right: first the *when* words (repeat, day, week,
weekday, date, clock time, "N분 전", "N분 뒤"), then the *what* (a message or an
alarm's name), then the request ending ("알려줘", "깨워줘", "알람 맞춰줘"). A message
said first with "(으)라고" ("약 먹으라고 8시에 알려줘") is read as if said after the
when-words; other word orders are left to the plain patterns of :mod:`.phrases`.

:func:`parse` is pure (no clock): resolving a weekday or "7시" to a date is
done by :mod:`.recur` with the app's clock. It is cached because the router's
``match`` callables of two intents ask for the same utterance.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.korean import compose, decompose, final_consonant
from assistant.slots import (
    DURATION_RE,
    TIME_RE,
    WEEKDAYS,
    SlotError,
    parse_date,
    parse_duration,
    parse_time,
    parse_weekday,
    time_is_ambiguous,
)

_WD_CHARS = "월화수목금토일"
_WD = f"[{_WD_CHARS}]"
REPEATS = ("daily", "weekdays", "weekends", "weekly", "monthly")

#: Clock time for a part of the day said without an hour ("모레 저녁").
PERIOD_TIMES = {
    "새벽": "06:00",
    "아침": "08:00",
    "오전": "09:00",
    "점심": "12:00",
    "낮": "13:00",
    "오후": "15:00",
    "저녁": "18:00",
    "밤": "21:00",
}
_PERIOD_ONLY = r"(?:새벽|아침|오전|점심|낮|오후|저녁|밤)(?!\s*[0-9영일이삼사오육칠팔구십한두세네다여아열스]\S*\s*시)"

_S = r"\s*"
_LATER = r"(?:뒤|후|있다가|있다|이따가|지나서|지나면)(?:에)?"
#: Days said as a count: digits + 일, the native day words, weeks.
_NATIVE_DAYS = {
    "하루": 1, "이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "이레": 7, "열흘": 10,
    "일주일": 7, "한주": 7, "보름": 15,
}  # fmt: skip
_DAYS_LATER = (
    r"\d{1,3}\s*일|\d{1,2}\s*주(?:일)?|(?:한|두|세|네)\s*주(?:일)?|"
    r"하루|이틀|사흘|나흘|닷새|엿새|이레|열흘|일주일|보름"
)
_WEEK_COUNTS = {"한": 1, "두": 2, "세": 3, "네": 4}


def days_later(said: str) -> int:
    """Days in a day count: "3일" -> 3, "사흘" -> 3, "2주" -> 14, "두 주일" -> 14."""
    word = re.sub(r"\s+", "", said)
    if word in _NATIVE_DAYS:
        return _NATIVE_DAYS[word]
    m = re.fullmatch(r"(\d+|한|두|세|네)주(?:일)?", word)
    if m:
        count = m.group(1)
        return 7 * (int(count) if count.isdigit() else _WEEK_COUNTS[count])
    return int(word.rstrip("일"))


#: Words that make "내일 X 알려줘" a question about X, not a reminder of X ("내일 날씨 알려줘").
_QUESTION = re.compile(
    r"뭐|무엇|무슨|몇|어떤|어떻|어때|언제|어디|누구|왜|얼마|는지|인지|을지|ㄹ지|할지|"
    r"날씨|기온|미세\s*먼지|강수|날짜|요일|시간|시각|일정|스케줄|할\s*일|계획|운세|환율|"
    r"주가|주식|시세|뉴스|소식|메뉴|급식|일출|일몰|음력|공휴일|휴일"
)
#: A body that asks for know-how makes "X 알려줘" a question even with a time said
#: ("아침에 일찍 일어나는 방법 알려 줘", "저녁에 먹기 좋은 메뉴 추천 알려줘").
_KNOW_HOW = re.compile(
    r"(?:방법|법|팁|요령|비결|노하우|뜻|의미|이유|차이|차이점|레시피|추천)\s*(?:좀|을|를|이|가)?$"
)
_AT = r"(?:\s*(?:에는|에|엔|마다|까지|쯤에?|부터))?"


# Each when word: (kind, regex anchored at the current position). Compiled on first use, so
# that a cold `assistant route` pays nothing for them (bench/cold_start.py).
@functools.cache
def _tokens() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (
            "repeat",
            re.compile(
                r"(?P<v>매일\s*매일|매일|날마다|평일\s*마다|평일|주중|주말\s*마다|주말|매주|매달|매월|다달이)"
                r"(?:\s*(?:에는|에|엔|마다))?"
            ),
        ),
        (
            "weekday",
            re.compile(
                rf"(?:(?P<week>다음\s*주|담주|이번\s*주|이번주|오는)\s*)?"
                rf"(?P<v>{_WD}(?:\s*(?:,|、|와|과|이랑|랑|하고|\s)\s*{_WD})+(?:\s*요일)?|{_WD}\s*요일|(?<=매주\s){_WD}{{1,7}}(?=\s|$))"
                rf"(?P<every>\s*마다)?{_AT}"
            ),
        ),
        # "3일 뒤", "사흘 후에", "일주일 뒤", "2주 후": a day N days from today
        ("days", re.compile(rf"(?P<v>{_DAYS_LATER})\s*(?:만\s*)?{_LATER}")),
        (
            "date",  # digits only, as slots.DATE_RE ("이 일 끝나면" is not the 2nd)
            re.compile(
                rf"(?:(?P<m>\d{{1,2}})\s*월\s*)?(?P<d>\d{{1,2}})\s*일(?!\s*(?:동안|간|뒤|후|있다|지나))(?P<every>\s*마다)?{_AT}"
            ),
        ),
        ("day", re.compile(rf"(?P<v>오늘|금일|내일\s*모레|내일|명일|모레){_AT}")),
        # "7시 10분 전": tried before the plain time, which would read "7시 10분" as the clock time
        ("time", re.compile(rf"(?P<v>{TIME_RE})\s*(?P<before>{DURATION_RE})\s*전{_AT}")),
        ("time", re.compile(rf"(?P<v>{TIME_RE})(?P<before>){_AT}")),
        ("period", re.compile(rf"(?P<v>{_PERIOD_ONLY}){_AT}")),
        (
            "duration",
            re.compile(
                rf"(?P<v>{DURATION_RE})\s*(?:만\s*)?(?:뒤|후|있다가|있다|이따가|지나서|지나면)(?:에)?"
            ),
        ),
    ]


# The request ending, by what it asks for.
_POLITE = r"(?:\s*(?:줘|줘요|주세요|줄래|줄래요|줄\s*수\s*있어|주실래요|주시겠어요|주라|줘라|줘봐|달라고))?"
_SET = r"(?:\s*(?:좀\s*)?(?:맞춰|설정|켜|걸어|등록|예약|만들어|해)(?:\s*(?:해|놔|둬|놓아))?)?"
_TAILS: list[tuple[str, re.Pattern[str]]] = [
    ("wake", re.compile(rf"(?:^|\s|에)(?:좀\s*)?(?:깨워|일어나게\s*해){_POLITE}$")),
    ("alarm", re.compile(rf"(?:^|\s)(?:알람|모닝콜|알림)(?:을|를)?{_SET}{_POLITE}$")),
    (
        "tell",
        re.compile(
            rf"(?:(?<=라고)|(?<=다고)|^|\s)(?:좀\s*)?(?:다시\s*)?(?:알려|말해|얘기해|이야기해|리마인드\s*해|상기시켜|불러){_POLITE}$"
        ),
    ),
]
#: Last syllables of verb stems said with "라고" ("꺼내라고", "사라고", "마시라고"); any other
#: word before "라고" is taken as a noun ("회의라고" -> "회의").
_VERB_END = set("가내보사켜끄꺼줘서자타써주오두놔봐치기리르추키히미려뜨쓰대빼배며시나우")
_SAY_TAIL = re.compile(r"(?:으라고|하라고|라고|다고)$")
_SENTENCE_END = re.compile(r"(?:다|요|야|어|지|네|데|까|죠|해|냐|니|자|게|아|래)[?!.~]*$")


@dataclass
class Parsed:
    """What :func:`parse` found. ``slots`` is the public contract; the rest helps the handler."""

    intent: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    ambiguous: bool = False  # a bare hour ("7시") that could be a.m. or p.m.
    time_said: str = ""
    period_only: str = ""  # "저녁" said without an hour
    week: str = ""  # "next" / "this" for "다음 주 월요일" / "이번 주 금요일"
    time_at: bool = False  # the clock time took "에" ("8시에"): a when, not a topic ("8시 날씨")
    repeat_word: str = ""  # as said: "매일", "주말", "화요일마다"


def weekdays_in(text: str) -> list[str]:
    """The weekdays named in ``text`` ("월, 수, 금" -> ["mon", "wed", "fri"]), in week order."""
    days = [parse_weekday(ch) for ch in re.sub(r"요일", "", text) if ch in _WD_CHARS]
    return sorted(set(days), key=WEEKDAYS.index)


def _subtract(hhmm: str, seconds: int) -> str:
    hour, minute = (int(x) for x in hhmm.split(":"))
    total = (hour * 60 + minute - seconds // 60) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def _read_when(text: str, parsed: Parsed, start: int = 0) -> int:
    """Consume the when words of ``text`` from ``start``; returns where they end."""
    pos, seen = start, set()
    while True:
        while pos < len(text) and text[pos] == " ":
            pos += 1
        for kind, regex in _tokens():
            if kind in seen:
                continue
            m = regex.match(text, pos)
            if not m or not m.group(0).strip():
                continue
            if not _take(kind, m, parsed):
                continue
            seen.add(kind)
            if kind in ("time", "period"):
                seen.update(("time", "period"))
            pos = m.end()
            break
        else:
            return pos


def _take(kind: str, m: re.Match[str], parsed: Parsed) -> bool:
    slots = parsed.slots
    if kind == "repeat":
        word = re.sub(r"\s+", "", m.group("v"))
        parsed.repeat_word = word
        slots["repeat"] = {
            "매일": "daily", "매일매일": "daily", "날마다": "daily", "평일": "weekdays",
            "평일마다": "weekdays", "주중": "weekdays", "주말": "weekends", "주말마다": "weekends",
            "매주": "weekly", "매달": "monthly", "매월": "monthly", "다달이": "monthly",
        }[word]  # fmt: skip
        return True
    if kind == "weekday":
        days = weekdays_in(m.group("v"))
        if not days:
            return False
        week = re.sub(r"\s+", "", m.group("week") or "")
        parsed.week = {"다음주": "next", "담주": "next", "이번주": "this"}.get(week, "")
        if m.group("every"):
            parsed.repeat_word = "마다"
        every = m.group("every") or slots.get("repeat") == "weekly" or len(days) > 1
        if every and slots.get("repeat") in (None, "weekly"):
            slots["repeat"] = "weekly"
            slots["weekdays"] = days
            return True
        slots["weekday"] = days[0]
        return True
    if kind == "date":
        day = int(m.group("d"))
        month = int(m.group("m")) if m.group("m") else None
        if month is None and slots.get("repeat") not in ("monthly", None) and not m.group("every"):
            return False
        try:
            value = parse_date(f"{month}월 {day}일" if month is not None else f"{day}일")
        except SlotError as exc:
            parsed.errors["date"] = str(exc)
            return True
        if m.group("every") or slots.get("repeat") == "monthly":
            slots["repeat"] = "monthly"
            slots["day_of_month"] = day
            return True
        slots["date"] = value
        return True
    if kind == "days":
        count = days_later(m.group("v"))
        if count <= 0:
            return False
        slots["days_later"] = count
        return True
    if kind == "day":
        word = re.sub(r"\s+", "", m.group("v"))
        slots["day"] = {
            "오늘": "today",
            "금일": "today",
            "내일": "tomorrow",
            "명일": "tomorrow",
        }.get(word, "day_after_tomorrow")
        return True
    if kind == "time":
        said = m.group("v").strip()
        parsed.time_said = said
        try:
            hhmm = parse_time(said)
        except SlotError as exc:
            parsed.errors["time"] = str(exc)
            return True
        parsed.ambiguous = time_is_ambiguous(said)
        if m.group("before"):
            try:
                hhmm = _subtract(hhmm, parse_duration(m.group("before")))
            except SlotError as exc:
                parsed.errors["time"] = str(exc)
                return True
        slots["time"] = hhmm
        parsed.time_at = bool(re.search(r"에\s*$|까지\s*$", m.group(0)))
        return True
    if kind == "period":
        parsed.period_only = m.group("v")
        parsed.time_at = bool(re.search(r"에\s*$|까지\s*$", m.group(0)))
        slots["time"] = PERIOD_TIMES[m.group("v")]
        return True
    if kind == "duration":
        try:
            slots["duration"] = parse_duration(m.group("v"))
        except SlotError as exc:
            parsed.errors["duration"] = str(exc)
        return True
    return False


def clean_message(body: str) -> str:
    """What to remember, without the request ending: "약 먹으라고" -> "약 먹을 시간".

    A verb said with "(으)라고" becomes "…(을) 시간" ("빨래 꺼내라고" -> "빨래 꺼낼 시간",
    "엄마한테 전화하라고" -> "엄마한테 전화할 시간"); a noun stays as said ("분리수거").
    """
    text = re.sub(r"\s+", " ", body).strip()
    text = re.sub(r"^(?:에|에는|엔|까지)\s+", "", text)
    text = re.sub(r"\s*(?:을|를)?\s*(?:좀)?$", "", text) if not _SAY_TAIL.search(text) else text
    m = re.search(r"(\S+?)(으라고|하라고|이라고|라고|다고)$", text)
    if not m:
        return text
    head, stem, ending = text[: m.start()], m.group(1), m.group(2)
    if ending == "하라고":
        verb = stem + "할"
    elif ending == "으라고":
        verb = stem + "을"
    elif ending == "이라고":
        return (head + stem).strip()  # "회의라고": as said, without the ending
    elif ending == "다고":
        return (head + stem + "다").strip()  # "회의 있다고" -> "회의 있다"
    elif stem[-1] in _VERB_END or final_consonant(stem) == 8:  # 8 = ㄹ ("만들라고")
        verb = with_rieul(stem)
    else:
        return (head + stem).strip()  # "회의라고": a noun, as said
    return f"{head}{verb} 시간".strip()


def with_rieul(stem: str) -> str:
    """The stem with a final ㄹ for "… 시간": "꺼내" -> "꺼낼", "만들" -> "만들", "먹" -> "먹을"."""
    parts = decompose(stem[-1])
    if parts is None:
        return stem + "할"
    initial, medial, final = parts
    if not final:
        return stem[:-1] + compose(initial, medial, "ㄹ")
    if final == "ㄹ":
        return stem
    return stem + "을"


_DAY_SAID = {"day", "weekday", "date", "days_later"}
_MESSAGE_FIRST = re.compile(r"(.+?(?:으라고|하라고|라고))\s+")


@functools.lru_cache(maxsize=256)
def parse(text: str) -> Parsed | None:
    """Read an alarm or reminder request; None when ``text`` is not one (see module doc)."""
    text = re.sub(r"[?!.~]+$", "", text).strip()
    parsed = Parsed()
    end = _read_when(text, parsed)
    said = _MESSAGE_FIRST.match(text) if end == 0 else None
    if said:  # "약 먹으라고 8시에 알려줘": read as "8시에 약 먹으라고 알려줘"
        stop = _read_when(text, Parsed(), said.end())
        if stop > said.end():
            return parse(f"{text[said.end() : stop].strip()} {said.group(1)} {text[stop:].strip()}")
    slots = parsed.slots
    when_said = end > 0
    rest = text[end:].strip()
    tail, body = None, rest
    for kind, regex in _TAILS:
        m = regex.search(rest)
        if m:
            tail, body = kind, rest[: m.start()].strip()
            break
    if slots.get("duration") is not None and any(
        k in slots for k in ("time", "day", "date", "days_later")
    ):
        return None  # "내일 5분 뒤" is not something we set
    body_says = bool(_SAY_TAIL.search(body))
    if tail is None:
        # "매주 화요일 분리수거", "매일 아침 7시": a repeat needs no request ending.
        if "repeat" not in slots or _SENTENCE_END.search(rest) or len(rest) > 20:
            return None
        if rest and not re.match(r"매|날마다|.*마다$", parsed.repeat_word):
            return None  # "주말에 영화": a bare 주말/평일 with a message needs a request ending
        parsed.intent = "reminder.set" if rest else "alarm.set"
    elif tail in ("wake", "alarm"):
        if not when_said and tail == "wake":
            return None
        if set(slots) <= {"duration"} and not parsed.errors and not slots.get("repeat"):
            return None  # "5분 뒤에 깨워줘": a timer (timer.start)
        parsed.intent = "alarm.set"
    else:  # tell
        if not body and not when_said:
            return None
        if body and not body_says and _KNOW_HOW.search(body):
            return None  # "아침에 일찍 일어나는 방법 알려 줘": a question
        if not body:
            if set(slots) <= {"duration"} and not parsed.errors:
                return None  # "10분 뒤에 알려줘": a timer
            parsed.intent = "alarm.set"
        elif not body_says and not (
            parsed.time_at
            or "duration" in slots
            or "repeat" in slots
            or (_DAY_SAID & slots.keys() and not _QUESTION.search(body))
        ):
            # "그거 알려줘", "오늘 날짜 알려줘", "내일 아침 서울 날씨 좀 알려줘": a question;
            # "내일 분리수거 알려줘", "금요일에 회의 알려줘": a reminder on that day
            return None
        else:
            parsed.intent = "reminder.set"
    if parsed.intent == "reminder.set":
        message = clean_message(body)
        if message:
            slots["message"] = message
    elif body:
        slots["name"] = re.sub(r"\s*(?:을|를|에)$", "", body).strip()
    return parsed


def read_answer(text: str) -> Parsed | None:
    """An answer to "언제?" made only of when-words ("10분 뒤", "내일 8시", "매일 아침 7시요")."""
    text = re.sub(
        r"\s*(?:이요|요|에|쯤|으로|로)?\s*(?:(?:해|맞춰|설정해)\s*)?(?:줘|주세요|줘요)?[?!.~]*$",
        "",
        text.strip(),
    )
    parsed = Parsed()
    if not text or _read_when(text, parsed) != len(text):
        return None
    return parsed


def public_slots(parsed: Parsed) -> dict[str, Any]:
    """The slots as the router reports them (plus ``week`` for "이번 주"/"다음 주")."""
    slots = dict(parsed.slots)
    if parsed.week:
        slots["week"] = parsed.week
    return slots


def match_for(intent: str):
    """An ``Intent.match`` callable: confidence 1 when the whole utterance is an ``intent`` request."""

    def match(text: str) -> tuple[float, dict[str, Any]] | None:
        parsed = parse(text)
        if parsed is None or parsed.intent != intent:
            return None
        if "time" in parsed.errors and not parsed.slots.get("repeat"):
            return None  # "25시에 알람": the plain patterns report it as a slot error
        return 1.0, public_slots(parsed)

    return match
