"""Alarms and reminders: setting them (one-off, on a day, date or weekday, repeating), snoozing
a ring ("5분만 더"), skipping one ring of a repeat ("이번만 건너뛰어") and asking, when one is
cancelled, whether the whole series is meant.

The when-words are read by :mod:`.when`; dates and repeats are resolved by :mod:`.recur` in the
configured time zone with the app's clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from assistant.korean import josa
from assistant.slots import date_parts, parse_day, time_is_ambiguous
from assistant.store import StoreError
from assistant.types import Reply, Request

from . import listing, selection, speech, when
from .guard import guarded
from .recur import Rule, at_local, next_date, next_occurrence, next_weekday
from .service import TimerService
from .store import TimerRow

# -- resolving when ---------------------------------------------------------------------


@dataclass
class Plan:
    """When a new alarm or reminder rings, and what the reply says about it."""

    at: datetime
    rule: Rule | None = None
    defaulted: str = ""  # the default time used when none was said ("오전 9시")
    small_hours: str = ""  # the day word read one day early after midnight ("내일")


#: Until this hour (local), "내일" and "모레" still count from the day the user is living in:
#: at 00:30, "내일 6시에 깨워줘" means the coming morning (5 h 30 min ahead), not the next
#: one (29 h 30 min). The confirmation says which date was understood.
SMALL_HOURS_END = 4
_DAY_OFFSETS = {"today": 0, "tomorrow": 1, "day_after_tomorrow": 2}
_DAY_WORDS = {"tomorrow": "내일", "day_after_tomorrow": "모레"}


def day_offset(day: str, now: datetime) -> int:
    """Days from ``now``'s date for a day word: one fewer for 내일/모레 in the small hours."""
    offset = _DAY_OFFSETS[day]
    return offset - 1 if offset and now.hour < SMALL_HOURS_END else offset


def next_alarm_time(
    service: TimerService, hhmm: str, ambiguous: bool, day: str | None
) -> datetime | None:
    """When an alarm for "HH:MM" should ring: the next such time (on ``day`` if given).

    An ambiguous hour ("7시") may mean 07:00 or 19:00: the earlier one still ahead wins.
    In the small hours "내일" is the coming day (:func:`day_offset`), unless that time has
    passed too ("내일 오전 2시" said at 3:00 is the next night). Returns None when ``day``
    is today and every candidate has passed.
    """
    now = service.app.now()
    hour, minute = (int(x) for x in hhmm.split(":"))
    hours = [hour % 12, hour % 12 + 12] if ambiguous else [hour]  # "12시": midnight or noon
    tries = [[day_offset(day, now)], [_DAY_OFFSETS[day]]] if day else [[0, 1]]
    for offsets in tries:
        candidates = []
        for offset in offsets:
            day_date = now.date() + timedelta(days=offset)
            for h in hours:
                at = at_local(day_date, f"{h % 24:02d}:{minute:02d}", service.app.tz)
                if at > now:
                    candidates.append(at)
        if candidates:
            return min(candidates)
    return None


def _settled_hour(hhmm: str, kind: str) -> str:
    """An ambiguous hour on another day or a repeat: alarms in the morning; reminders
    7-11 in the morning and 12-6 in the afternoon ("매일 3시에 약" = 15:00)."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    if kind == "reminder" and 1 <= hour <= 6:
        hour += 12
    return f"{hour:02d}:{minute:02d}"


def plan(parsed: when.Parsed, kind: str, service: TimerService) -> Plan | str:
    """When ``parsed`` rings first (and how it repeats), or a Korean reason it can't."""
    slots = parsed.slots
    now = service.app.now()
    tz = service.app.tz
    if slots.get("duration") is not None:
        seconds = slots["duration"]
        if seconds <= 0:
            return "1초 이상 뒤로 말씀해 주세요. 예: '10분 뒤에 알려줘'"
        if seconds > 366 * 86400:
            return "1년 안쪽으로 말씀해 주세요."
        return Plan(now + timedelta(seconds=seconds))
    hhmm = slots.get("time")
    defaulted = ""
    if hhmm is None:
        hhmm = service.default_time
        defaulted = speech.say_time_of_day(hhmm)
    elif parsed.ambiguous and (
        slots.get("repeat") or slots.get("weekday") or "date" in slots or "days_later" in slots
    ):
        hhmm = _settled_hour(hhmm, kind)
    repeat = slots.get("repeat")
    if repeat:
        rule = Rule(repeat, hhmm, tuple(slots.get("weekdays") or ()), slots.get("day_of_month"))
        return Plan(next_occurrence(rule, now, tz), rule, defaulted)
    today = now.date()
    if slots.get("weekday"):
        day = next_weekday(today, slots["weekday"], parsed.week)
        at = at_local(day, hhmm, tz)
        if at <= now:
            if parsed.week == "this":
                said = f"이번 주 {speech.WEEKDAY_NAMES[slots['weekday']]}요일 {speech.say_time_of_day(hhmm)}"
                return f"{josa(said, '은/는')} 이미 지났어요."
            at = at_local(day + timedelta(days=7), hhmm, tz)
        return Plan(at, None, defaulted)
    if slots.get("days_later"):
        if slots["days_later"] > 366:
            return "1년 안쪽으로 말씀해 주세요."
        return Plan(
            at_local(today + timedelta(days=slots["days_later"]), hhmm, tz), None, defaulted
        )
    if "date" in slots:
        month, day_of_month = date_parts(slots["date"])
        day = next_date(today, month, day_of_month)
        if day is not None and at_local(day, hhmm, tz) <= now:
            day = next_date(today + timedelta(days=1), month, day_of_month)
        if day is None:
            return f"{month}월 {day_of_month}일은 없는 날짜예요."
        return Plan(at_local(day, hhmm, tz), None, defaulted)
    if slots.get("day") and defaulted and not parsed.period_only:
        at = at_local(today + timedelta(days=day_offset(slots["day"], now)), hhmm, tz)
        if at <= now:
            return "오늘은 기본 시각이 이미 지났어요. 몇 시에 할지 말씀해 주세요."
        return Plan(at, None, defaulted, _read_early(slots["day"], at, today))
    at = next_alarm_time(service, hhmm, parsed.ambiguous, slots.get("day"))
    if at is None:
        said = parsed.time_said or parsed.period_only or speech.say_time_of_day(hhmm)
        return f"오늘 {josa(said, '은/는')} 이미 지났어요. '내일 {said}'처럼 말씀해 주세요."
    return Plan(at, small_hours=_read_early(slots.get("day"), at, today))


def _read_early(day: str | None, at: datetime, today: date) -> str:
    """The day word ("내일", "모레") when ``at`` falls a day before what the word says (the
    small hours, :data:`SMALL_HOURS_END`), else ""."""
    if day in _DAY_WORDS and (at.date() - today).days < _DAY_OFFSETS[day]:
        return _DAY_WORDS[day]
    return ""


# -- setting ----------------------------------------------------------------------------

_WEEKDAY_ANSWER = re.compile(
    r"[월화수목금토일](?:\s*(?:,|와|과|랑|이랑|하고|\s)\s*[월화수목금토일])*(?:\s*요일)?(?:\s*(?:마다|에|요|이요))?"
)
_DAY_OF_MONTH_ANSWER = re.compile(r"(?P<d>\d{1,2})\s*일(?:\s*(?:마다|에|요|이요))?")


def _parsed_from_pattern(request: Request) -> when.Parsed:
    """A Parsed for an alarm routed by a plain pattern ("알람 7시로 맞춰줘")."""
    parsed = when.Parsed(intent="alarm.set")
    slots = request.slots
    for key in ("time", "day"):
        if slots.get(key):
            parsed.slots[key] = slots[key]
    name = selection.clean_name(slots.get("name"))
    if name and not slots.get("day") and re.fullmatch(r"오늘|내일|모레|내일 ?모레", name):
        parsed.slots["day"], name = parse_day(name), ""  # "내일 알람 7시로": a day, not a name
    if name:
        parsed.slots["name"] = name
    raw = request.raw_slots.get("time", slots.get("time", ""))
    parsed.time_said = raw
    parsed.ambiguous = bool(raw) and time_is_ambiguous(raw)
    parsed.errors.update(request.slot_errors)
    return parsed


def _parsed_for(request: Request, intent: str) -> when.Parsed:
    parsed = when.parse(request.normalized)
    if parsed is not None and parsed.intent == intent:
        return parsed
    return _parsed_from_pattern(request)


def _set(parsed: when.Parsed, kind: str, service: TimerService) -> Reply | str:
    if parsed.errors:
        return next(iter(parsed.errors.values()))
    slots = parsed.slots
    verb = "울릴까요" if kind == "alarm" else "알려드릴까요"
    if slots.get("repeat") == "weekly" and not slots.get("weekdays"):
        return _ask(
            parsed, kind, service, f"무슨 요일마다 {verb}? 예: '월요일', '월, 수, 금'",
            _WEEKDAY_ANSWER, lambda m, p: p.slots.update(weekdays=when.weekdays_in(m.group(0))),
        )  # fmt: skip
    if slots.get("repeat") == "monthly" and not slots.get("day_of_month"):
        return _ask(
            parsed, kind, service, f"매달 며칠에 {verb}? 예: '1일', '25일'",
            _DAY_OF_MONTH_ANSWER, _set_day_of_month,
        )  # fmt: skip
    if not any(
        slots.get(k) is not None
        for k in ("time", "duration", "day", "weekday", "date", "days_later", "repeat")
    ):
        return _ask(
            parsed, kind, service,
            "몇 시에 맞출까요? 예: '오전 7시', '내일 6시 반'" if kind == "alarm"
            else "언제 알려드릴까요? 예: '10분 뒤', '내일 8시', '매일 아침 7시'",
            _WhenAnswer(), _set_when,
        )  # fmt: skip
    result = plan(parsed, kind, service)
    if isinstance(result, str):
        return result
    row = service.schedule(
        kind, result.at.timestamp(), name=slots.get("name", ""), message=slots.get("message", ""),
        rule=result.rule,
    )  # fmt: skip
    return Reply(
        _confirmation(row, result, service), data={"timer": listing.row_json(row, service)}
    )


class _WhenAnswer:
    """Matches an answer made only of when-words (``fullmatch`` like a compiled regex)."""

    def fullmatch(self, text: str) -> when.Parsed | None:
        return when.read_answer(text)


def _set_when(answer: when.Parsed, parsed: when.Parsed) -> str | None:
    if answer.errors:
        return next(iter(answer.errors.values()))
    parsed.slots.update(answer.slots)
    parsed.ambiguous, parsed.time_said = answer.ambiguous, answer.time_said
    parsed.period_only, parsed.week = answer.period_only, answer.week
    return None


def _set_day_of_month(m: re.Match[str], parsed: when.Parsed) -> str | None:
    day = int(m.group("d"))
    if not 1 <= day <= 31:
        return f"{day}일은 없는 날짜예요. 1일부터 31일 사이로 말씀해 주세요."
    parsed.slots["day_of_month"] = day
    return None


class _Matcher(Protocol):
    def fullmatch(self, text: str) -> Any: ...


def _ask(
    parsed: when.Parsed,
    kind: str,
    service: TimerService,
    question: str,
    answer_re: _Matcher,
    apply: Callable[[Any, when.Parsed], str | None],
) -> Reply:
    """Ask for what is missing; a matching answer completes the request."""

    def answer(next_request: Request) -> Reply | str | None:
        m = answer_re.fullmatch(next_request.normalized.strip())
        if not m:
            return None
        filled = when.Parsed(
            intent=parsed.intent, slots=dict(parsed.slots), errors=dict(parsed.errors),
            ambiguous=parsed.ambiguous, time_said=parsed.time_said,
            period_only=parsed.period_only, week=parsed.week,
        )  # fmt: skip
        problem = apply(m, filled)
        if problem:
            return problem
        try:
            return _set(filled, kind, service)
        except StoreError as exc:
            return Reply(str(exc), data={"error": "store"})

    return Reply(question, followup=answer)


def _confirmation(row: TimerRow, result: Plan, service: TimerService) -> str:
    now = service.app.now()
    at = speech.say_clock(result.at, now)
    left = speech.say_wait(row.left(service.now()))
    if row.kind == "reminder":
        said = josa(speech.quoted(row.message), "이라고/라고")
        if result.rule:
            text = f"{speech.say_repeat(result.rule)}마다 {said} 알려드릴게요. 처음은 {josa(at, '이에요/예요')}."
        else:
            text = f"{at}에 {said} 알려드릴게요. {left} 뒤예요."
    else:
        what = josa(speech.label(row.name, "alarm", 0), "을/를")
        if result.rule:
            text = f"{what} {speech.say_repeat(result.rule)}마다 울리게 맞췄어요. 처음은 {josa(at, '이에요/예요')}."
        else:
            text = f"{what} {at}에 맞췄어요. {left} 뒤에 울려요."
    if result.defaulted:
        text += f" 시각을 말씀하지 않으셔서 {josa(result.defaulted, '으로/로')} 정했어요."
    if result.small_hours:
        word, day = result.small_hours, f"{result.at.month}월 {result.at.day}일"
        text += (
            f" 아직 새벽이라 '{word}'{josa(word, '은/는')[-1]} {josa(day, '으로/로')} 알아들었어요."
        )
    return text


@guarded
def set_alarm(request: Request, service: TimerService) -> Reply | str:
    return _set(_parsed_for(request, "alarm.set"), "alarm", service)


@guarded
def set_reminder(request: Request, service: TimerService) -> Reply | str:
    return _set(_parsed_for(request, "reminder.set"), "reminder", service)


# -- after a ring: snooze, skip ------------------------------------------------------------


@guarded
def snooze(request: Request, service: TimerService) -> Reply | str:
    if "duration" in request.slot_errors:
        return request.slot_errors["duration"]
    seconds = request.slots.get("duration") or 300
    if seconds <= 0 or seconds > service.max_duration:
        return f"{speech.say_duration(service.max_duration)} 안쪽으로 말씀해 주세요."
    recent = service.recently_fired()
    if not recent:
        return (
            "방금 울린 알람이나 알림이 없어요. "
            f"새로 맞추려면 '{speech.say_duration(seconds)} 뒤에 알려줘'라고 해 주세요."
        )
    row = recent[0]
    new = service.snooze(row, seconds)
    at = speech.say_clock(service.local(new.ends_at or 0), service.app.now())
    what = speech.label(row.name, row.kind, row.duration, row.message)
    return Reply(
        f"{speech.say_duration(seconds)} 뒤({at})에 {josa(what, '을/를')} 다시 알려드릴게요.",
        data={"timer": listing.row_json(new, service)},
    )


def _skip_one(row: TimerRow, service: TimerService) -> str:
    skipped_at = speech.say_clock(service.local(row.ends_at or 0), service.app.now())
    moved = service.skip(row)
    if moved is None:
        return "그 항목은 이미 바뀌었거나 취소되었어요."
    after = speech.say_clock(service.local(moved.ends_at or 0), service.app.now())
    what = speech.label(row.name, row.kind, row.duration, row.message)
    return f"{skipped_at} {josa(what, '은/는')} 건너뛸게요. 다음은 {josa(after, '이에요/예요')}."


@guarded
def skip(request: Request, service: TimerService) -> Reply | str:
    rows = service.pending()
    repeating = [r for r in rows if r.repeat and r.state == "running"]
    if not repeating:
        return "반복하는 알람이나 알림이 없어요. 한 번만 울리는 것은 '알람 취소'로 끌 수 있어요."
    return selection.choose(
        request, service, repeating, rows, lambda chosen: _skip_one(chosen[0], service),
        verb="건너뛸까요", kind="alarm",
    )  # fmt: skip


# -- cancelling a repeating one ---------------------------------------------------------------

_SERIES_ANSWER = re.compile(r"^(?:앞으로\s*)?(?:모두|전부|다|완전히|반복|아예|계속|시리즈)")
_ONCE_ANSWER = re.compile(r"^(?:이번|다음|한\s*번|하나)(?:\s*(?:것|거|번))?\s*만|^건너|^스킵")


def ask_series(row: TimerRow, service: TimerService) -> Reply:
    """Cancelling a repeating item: the whole series, or just the next ring?"""
    what = speech.label(row.name, row.kind, row.duration, row.message)
    nxt = speech.say_clock(service.local(row.ends_at or 0), service.app.now())
    rule = row.rule
    repeat = speech.say_repeat(rule) if rule else ""

    def answer(next_request: Request) -> Reply | str | None:
        text = next_request.normalized.strip()
        try:
            if _SERIES_ANSWER.search(text):
                if service.cancel([row]) == 0:
                    return "그 항목은 이미 취소되었어요."
                return f"{josa(what, '을/를')} 앞으로 모두 취소했어요."
            if _ONCE_ANSWER.search(text):
                return _skip_one(row, service)
        except StoreError as exc:
            return Reply(str(exc), data={"error": "store"})
        if selection._NEVERMIND_RE.match(text):
            return "알겠어요, 그대로 둘게요."
        return None

    return Reply(
        f"{josa(what, '은/는')} {repeat}마다 울려요. 앞으로 모두 취소할까요, "
        f"다음 한 번({nxt})만 건너뛸까요? '모두' 또는 '이번만'이라고 말씀해 주세요.",
        followup=answer,
    )
