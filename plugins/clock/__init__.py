"""Built-in plugin: the clock ("지금 몇 시야?", "오늘 며칠이야?").

Answers in the configured time zone (``timezone`` in assistant.yaml) from
``app.now()``, so tests control the time. "오늘 시간 있어?" (are you free?)
is not a question about the clock and stays small talk.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from assistant import hookimpl
from assistant.types import Intent, Reply, Request

WEEKDAYS = "월화수목금토일"
#: Question endings that may follow the asked thing ("몇 시야", "며칠이에요", "요일인가요").
_ASK = (
    r"(?: ?(?:이었어요|이었어|이었지|이었더라|였어요|였어|였지|였더라|이에요|인가요|일까요|인가|일까"
    r"|인지|이야|이지|이니|이냐|이죠|예요|에요|나요|가요|야|지|니|냐|죠|요|이|인))?"
)
#: "시간" that is not about being free/busy ("시간 있어?", "시간 돼?", "시간 내줄래?").
_NOT_FREE = r"(?! ?(?:이|은)? ?(?:있|없|돼|되|괜찮|나|내|많|부족|걸|가|지나|낭비|좀 ?있))"

TIME_PATTERNS = [
    rf"(?:지금 ?|현재 ?)?몇 ?시(?: ?몇 ?분)?(?:인지)?{_ASK}",
    rf"(?:지금|현재) ?(?:시각|시간){_NOT_FREE}(?: ?(?:은|이))?(?: ?(?:몇 ?시|어떻게 ?(?:돼|되)|뭐))?{_ASK}",
    rf"^시간{_NOT_FREE} ?(?:좀 )?(?:알려|말해|확인)",
    rf"^(?:현재 ?)?시각(?: ?(?:알려|말해))?{_ASK}",
    r"^시계(?: ?(?:보여|봐))?",
    r"(?i)what ?time ?is ?it",
]
_DAY_WORD = r"(?:오늘|금일|어제|그제|그저께|내일 ?모레|내일|모레)"
DATE_PATTERNS = [
    rf"{_DAY_WORD}(?: ?(?:은|이|이가|가))? ?(?:몇 ?월 ?)?(?:며칠|몇 ?일|무슨 ?요일|날짜|몇 ?요일){_ASK}",
    rf"{_DAY_WORD}(?: ?(?:은|이))? ?(?:날짜|며칠)(?: ?(?:알려|말해))?",
    rf"^(?:오늘 ?)?(?:날짜|무슨 ?요일|몇 ?요일|몇 ?월 ?며칠|몇 ?월 ?몇 ?일){_ASK}",
    r"^(?:날짜|요일) ?(?:좀 )?(?:알려|말해)",
    rf"(?:올해|금년|지금|이번 ?해)(?: ?(?:은|이|가))? ?몇 ?(?:년|년도){_ASK}",
]

_DAY_OFFSETS = [
    (r"내일 ?모레", 2), (r"그저께|그제", -2), (r"어제", -1), (r"내일", 1), (r"모레", 2),
]  # fmt: skip
_DAY_NAMES = {0: "오늘", 1: "내일", 2: "모레", -1: "어제", -2: "그저께"}


def spoken_time(moment: datetime) -> str:
    """The time the way it is said: "오후 2시 35분", "오전 12시 정각"."""
    period = "오전" if moment.hour < 12 else "오후"
    hour = moment.hour % 12 or 12
    minute = f"{moment.minute}분" if moment.minute else "정각"
    return f"{period} {hour}시 {minute}"


def spoken_date(moment: datetime) -> str:
    """The date the way it is said: "11월 22일 일요일"."""
    return f"{moment.month}월 {moment.day}일 {WEEKDAYS[moment.weekday()]}요일"


def _zone_note(request: Request) -> str:
    zone = str(request.app.config.get("timezone") or "Asia/Seoul")
    return "" if zone == "Asia/Seoul" else f" ({zone} 기준)"


def tell_time(request: Request) -> Reply:
    now = request.app.now()
    text = f"지금은 {spoken_time(now)}이에요.{_zone_note(request)}"
    return Reply(text, data={"time": now.strftime("%H:%M"), "timezone": str(now.tzinfo)})


def _day_offset(text: str) -> int:
    for pattern, offset in _DAY_OFFSETS:
        if re.search(pattern, text):
            return offset
    return 0


def tell_date(request: Request) -> Reply:
    now = request.app.now()
    text = request.normalized
    if re.search(r"몇 ?(?:년|년도)", text) and not re.search(r"며칠|요일|날짜|몇 ?월", text):
        return Reply(f"올해는 {now.year}년이에요.", data={"year": now.year})
    offset = _day_offset(text)
    day = now + timedelta(days=offset)
    name = _DAY_NAMES[offset]
    verb = "이었어요" if offset < 0 else "이에요"
    topic = "은" if name in ("오늘", "내일") else "는"
    return Reply(
        f"{name}{topic} {spoken_date(day)}{verb}.{_zone_note(request)}",
        data={"date": day.date().isoformat(), "weekday": WEEKDAYS[day.weekday()]},
    )


@hookimpl
def register_intents(register) -> None:
    register(
        Intent(
            name="clock.time",
            handler=tell_time,
            patterns=TIME_PATTERNS,
            keywords=["시", "시간", "시각", "시계", "time"],
            examples=["지금 몇 시야?", "시간 알려줘", "현재 시각은?"],
            description="지금 시각을 알려 드려요",
        )
    )
    register(
        Intent(
            name="clock.date",
            handler=tell_date,
            patterns=DATE_PATTERNS,
            keywords=["며칠", "몇일", "요일", "날짜", "년"],
            examples=[
                "오늘 며칠이야?",
                "오늘 무슨 요일이야",
                "오늘 날짜 알려줘",
                "내일 무슨 요일이야?",
            ],
            description="오늘(또는 어제·내일·모레)의 날짜와 요일을 알려 드려요",
        )
    )
