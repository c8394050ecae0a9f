"""How timers are read out in Korean: lengths, clock times, labels."""

from __future__ import annotations

import math
from datetime import datetime

from assistant.korean import josa

from .recur import Rule


def say_duration(seconds: float, *, round_up: bool = True) -> str:
    """A length of time read naturally: "2분 10초", "1시간 30분", "45초".

    Seconds are not read from an hour on ("1시간 5분"). With ``round_up`` a
    fraction counts as a whole second (and from an hour on, leftover seconds as
    a whole minute), so a running timer never says "0초" or less than is left.
    """
    total = math.ceil(seconds - 1e-6) if round_up else math.floor(seconds + 1e-6)
    total = max(0, int(total))
    if total >= 3600 and total % 60:  # seconds are not read out past an hour: nearest minute
        total = (total + 30) // 60 * 60 if round_up else total // 60 * 60
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours}시간")
    if minutes:
        parts.append(f"{minutes}분")
    if secs and not hours:
        parts.append(f"{secs}초")
    return " ".join(parts) or "0초"


def say_wait(seconds: float) -> str:
    """How long until an alarm or reminder: like :func:`say_duration`, in days from 48 hours
    ("3일 5시간")."""
    if seconds < 48 * 3600:
        return say_duration(seconds)
    hours = math.ceil(seconds / 3600 - 1e-6)
    days, hours = divmod(hours, 24)
    return f"{days}일 {hours}시간" if hours else f"{days}일"


def join_nouns(nouns: list[str]) -> str:
    """ "타이머와 알람", "타이머·알람·알림"."""
    if len(nouns) == 2:
        return f"{josa(nouns[0], '과/와')} {nouns[1]}"
    return "·".join(nouns)


def say_ago(seconds: float) -> str:
    """How long ago something ended, for "... 전에 끝났어요": "3분", "1시간 20분"; "" under a minute."""
    if seconds < 60:
        return ""
    return say_duration(seconds - seconds % 60, round_up=False)


def say_clock(when: datetime, now: datetime, *, seconds: bool = False) -> str:
    """A clock time with the day when it is not today: "오후 2시 35분", "내일 오전 7시"."""
    hour, minute = when.hour, when.minute
    if hour == 0 and minute == 0 and not (seconds and when.second):
        text = "자정"
    elif hour == 12 and minute == 0 and not (seconds and when.second):
        text = "정오"
    else:
        period = "오전" if hour < 12 else "오후"
        h12 = hour % 12 or 12
        text = f"{period} {h12}시"
        if minute:
            text += f" {minute}분"
        if seconds and when.second:
            text += f" {when.second}초"
    days = (when.date() - now.date()).days
    if days == 1:
        return f"내일 {text}"
    if days == 2:
        return f"모레 {text}"
    if days != 0:
        return f"{when.month}월 {when.day}일 {text}"
    return text


def label(name: str, kind: str, duration: float, message: str = "") -> str:
    """What a timer is called in replies: "라면 타이머", "5분 타이머", "회의 알람", "약 먹을 시간 알림"."""
    if kind == "reminder":
        return f"{message or name} 알림".strip()
    noun = "알람" if kind == "alarm" else "타이머"
    if name:
        return f"{name} {noun}"
    if kind == "alarm":
        return noun
    return f"{say_duration(duration)} {noun}"


#: An emoji for a reminder by a keyword of its message (first match wins; default 🔔).
EMOJI = (
    (("약", "영양제", "비타민"), "💊"),
    (("물 마", "물마"), "💧"),
    (("분리수거", "쓰레기", "재활용"), "🗑️"),
    (("빨래", "세탁"), "🧺"),
    (("운동", "산책", "스트레칭", "요가"), "🏃"),
    (("전화", "연락"), "📞"),
    (("회의", "미팅", "약속", "면접"), "📅"),
    (("생일", "기념일"), "🎂"),
    (("밥", "식사", "점심", "저녁", "요리"), "🍚"),
    (("공부", "숙제", "과제", "시험"), "📚"),
    (("출근", "퇴근", "버스", "지하철"), "🚌"),
    (("잠", "자러", "취침"), "😴"),
)
WEEKDAY_NAMES = {
    "mon": "월",
    "tue": "화",
    "wed": "수",
    "thu": "목",
    "fri": "금",
    "sat": "토",
    "sun": "일",
}


def emoji_for(message: str) -> str:
    for words, emoji in EMOJI:
        if any(word in message for word in words):
            return emoji
    return "🔔"


def reminder_text(message: str) -> str:
    """What a reminder says when it rings: "💊 약 먹을 시간이에요", "🗑️ 분리수거 시간이에요"."""
    said = message if message.endswith("시간") else f"{message} 시간"
    return f"{emoji_for(message)} {josa(said, '이에요/예요')}"


def say_time_of_day(hhmm: str) -> str:
    """ "07:00" -> "오전 7시", "20:30" -> "오후 8시 30분"."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    return say_clock(datetime(2000, 1, 1, hour, minute), datetime(2000, 1, 1))


def say_repeat(rule: Rule) -> str:
    """ "매일 오전 7시", "평일 오전 6시 30분", "매주 월·수·금 오후 8시", "매달 1일 오전 9시"."""
    at = say_time_of_day(rule.time)
    if rule.repeat == "daily":
        return f"매일 {at}"
    if rule.repeat == "weekdays":
        return f"평일 {at}"
    if rule.repeat == "weekends":
        return f"주말 {at}"
    if rule.repeat == "monthly":
        return f"매달 {rule.day_of_month}일 {at}"
    days = "·".join(WEEKDAY_NAMES[d] for d in rule.weekdays)
    return f"매주 {days}요일 {at}"


def quoted(text: str) -> str:
    """What the user said, in quotes, for replies: "'점심'" (quotes the user typed are not doubled)."""
    return f"'{text.strip().strip(QUOTES).strip()}'"


#: Quote marks a user may have typed around a name ('점심', "점심", ‘점심’, “점심”, 「점심」).
QUOTES = "'\"‘’“”「」『』`"
