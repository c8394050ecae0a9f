"""Intent handlers: turn a routed request into a change of the timers table and a Korean reply.

Every handler commits its change before returning the reply. Problems with the
database (locked, unusable) become a clear Korean reply, never an exception.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from datetime import datetime, time, timedelta

from assistant.korean import josa
from assistant.slots import (
    DAY_RE,
    DURATION_RE,
    TIME_RE,
    SlotError,
    parse_day,
    parse_duration,
    parse_time,
    time_is_ambiguous,
)
from assistant.store import StoreError
from assistant.types import Reply, Request

from . import listing, selection, speech
from .phrases import SUBTRACT
from .service import TimerService, service_for
from .speech import quoted as repr_said
from .store import StoreBroken, TimerRow

log = logging.getLogger("assistant.timers")

Handler = Callable[[Request], Reply]


def guarded(handler: Callable[[Request, TimerService], Reply | str]) -> Handler:
    """Give the handler its service; StoreError -> Korean reply; prepend one-time notices."""

    @functools.wraps(handler)
    def run(request: Request) -> Reply:
        service = service_for(request.app)
        try:
            result = handler(request, service)
        except StoreError as exc:
            log.warning("timers: %s", exc)
            if isinstance(exc, StoreBroken):
                service.reopen()  # the next request reconnects (a corrupt file is moved aside)
            result = Reply(str(exc), data={"error": "store"})
        reply = result if isinstance(result, Reply) else Reply(result)
        notice = service.take_notice()
        if notice:
            reply.text = f"{notice}\n{reply.text}"
        return reply

    return run


# -- handlers ---------------------------------------------------------------------------


def _duration_problem(service: TimerService, seconds: int, said: str) -> str | None:
    """Why a timer of ``seconds`` can't be set (Korean), or None."""
    if seconds < 0:
        return f"'{said}'처럼 음수 시간으로는 타이머를 맞출 수 없어요. 1초 이상으로 말씀해 주세요."
    if seconds == 0:
        return f"'{said}' 타이머는 바로 끝나 버려서 맞출 수 없어요. 1초 이상으로 말씀해 주세요."
    if seconds < service.min_duration:
        return f"타이머는 {speech.say_duration(service.min_duration)} 이상으로만 맞출 수 있어요."
    if seconds > service.max_duration:
        limit = speech.say_duration(service.max_duration)
        return f"{josa(repr_said(said), '은/는')} 너무 길어요. 타이머는 최대 {limit}까지 맞출 수 있어요."
    return None


def _start(service: TimerService, seconds: int, name: str, said: str) -> Reply | str:
    problem = _duration_problem(service, seconds, said)
    if problem:
        return problem
    row = service.start_timer(float(seconds), name)
    when = speech.say_clock(
        service.local(row.ends_at or 0), service.app.now(), seconds=seconds < 60
    )
    length = speech.say_duration(seconds)
    what = f"{name} 타이머 {length}" if name else f"{length} 타이머"
    return Reply(
        f"{what} 맞췄어요. {when}에 알려드릴게요.", data={"timer": listing.row_json(row, service)}
    )


_DURATION_ANSWER = re.compile(
    rf"(?P<d>{DURATION_RE})\s*(?:이요|요|으로|로|짜리)?(?:\s*(?:해|맞춰|설정해)\s*(?:줘|주세요|줘요)?)?"
)


@guarded
def start_timer(request: Request, service: TimerService) -> Reply | str:
    if "duration" in request.slot_errors:
        return request.slot_errors["duration"]
    seconds = request.slots.get("duration")
    name = selection.clean_name(request.slots.get("name"))
    if seconds is not None:
        return _start(service, seconds, name, request.raw_slots.get("duration", ""))
    # "타이머 맞춰줘" without a length: ask for it (or, "타이머 시작" with paused ones, resume).
    if any(r.state == "paused" for r in service.pending()) and "시작" in request.normalized:
        return resume(request)

    def answer(next_request: Request) -> Reply | str | None:
        m = _DURATION_ANSWER.fullmatch(next_request.normalized)
        if not m:
            return None
        try:
            return _start(service, parse_duration(m.group("d")), name, m.group("d").strip())
        except SlotError as exc:
            return str(exc)
        except StoreError as exc:
            return Reply(str(exc), data={"error": "store"})

    return Reply("몇 분으로 맞출까요? 예: '5분', '1시간 30분'", followup=answer)


_OTHER_DAY = re.compile(r"[월화수목금토일]요일|주말|다음\s*주|이번\s*주|다음\s*달|\d+\s*일\s|글피")
_REPEAT = re.compile(r"매일|날마다|평일마다|주말마다|매주|반복")


def next_alarm_time(
    service: TimerService, hhmm: str, ambiguous: bool, day: str | None
) -> datetime | None:
    """When an alarm for "HH:MM" should ring: the next such time (on ``day`` if given).

    An ambiguous hour ("7시") may mean 07:00 or 19:00: the earlier one still ahead wins.
    Returns None when ``day`` is today and every candidate has passed.
    """
    now = service.app.now()
    hour, minute = (int(x) for x in hhmm.split(":"))
    hours = [hour % 12, hour % 12 + 12] if ambiguous else [hour]  # "12시": midnight or noon
    offsets = {"today": [0], "tomorrow": [1], "day_after_tomorrow": [2]}.get(day or "", [0, 1])
    candidates = []
    for offset in offsets:
        date = now.date() + timedelta(days=offset)
        for h in hours:
            at = datetime.combine(date, time(h % 24, minute), tzinfo=service.app.tz)
            if at > now:
                candidates.append(at)
    return min(candidates) if candidates else None


@guarded
def set_alarm(request: Request, service: TimerService) -> Reply | str:
    if "time" in request.slot_errors:
        return request.slot_errors["time"]
    hhmm = request.slots.get("time")
    if not hhmm:
        return _ask_alarm_time(request, service)
    if _OTHER_DAY.search(request.normalized):
        return (
            "요일이나 날짜를 정한 알람은 아직 맞출 수 없어요. "
            "'내일 7시', '모레 오전 6시'처럼 모레까지만 말씀해 주세요."
        )
    repeat = _REPEAT.search(request.normalized)
    raw = request.raw_slots.get("time", hhmm)
    day = request.slots.get("day")
    name = selection.clean_name(request.slots.get("name"))
    if name and not day and re.fullmatch(r"오늘|내일|모레|내일 ?모레", name):
        day, name = parse_day(name), ""  # "내일 알람 7시로": a day, not a name
    at = next_alarm_time(service, hhmm, time_is_ambiguous(raw), day)
    if at is None:
        return f"오늘 {josa(raw, '은/는')} 이미 지났어요. '내일 {raw}'처럼 말씀해 주세요."
    row = service.set_alarm(at.timestamp(), name)
    what = josa(speech.label(name, "alarm", 0), "을/를")
    when = speech.say_clock(at, service.app.now())
    left = speech.say_duration(row.left(service.now()))
    text = f"{what} {when}에 맞췄어요. {left} 뒤에 울려요."
    if repeat:
        text = f"반복 알람은 아직 못 맞춰요. 이번 한 번만 울리도록 {text}"
    return Reply(text, data={"timer": listing.row_json(row, service)})


_TIME_ANSWER = re.compile(
    rf"(?:(?P<day>{DAY_RE})\s*)?(?P<t>{TIME_RE})\s*(?:이요|요|에|으로|로)?(?:\s*(?:해|맞춰|설정해)\s*(?:줘|주세요|줘요)?)?"
)


def _ask_alarm_time(request: Request, service: TimerService) -> Reply:
    """ "알람 맞춰줘" without a time: ask for it; the answer ("7시", "내일 오전 6시") sets it."""

    def answer(next_request: Request) -> Reply | str | None:
        m = _TIME_ANSWER.fullmatch(next_request.normalized)
        if not m:
            return None
        try:
            slots = {"time": parse_time(m.group("t"))}
        except SlotError as exc:
            return str(exc)
        if m.group("day"):
            slots["day"] = parse_day(m.group("day"))
        if request.slots.get("name"):
            slots["name"] = request.slots["name"]
        follow = Request(
            text=next_request.text, normalized=next_request.normalized, intent="alarm.set",
            slots=slots, app=next_request.app, raw_slots={"time": m.group("t").strip()},
        )  # fmt: skip
        return set_alarm(follow)

    return Reply("몇 시에 맞출까요? 예: '오전 7시', '내일 6시 반'", followup=answer)


@guarded
def status(request: Request, service: TimerService) -> Reply | str:
    rows = service.pending()
    kind = selection.wanted_kind(request.normalized)
    name = selection.clean_name(request.slots.get("name"))
    if name:
        found = selection.find_by_name(rows, name)
        if not found:
            if not rows:
                return listing.none_left(kind, [])
            return (
                f"{josa(repr_said(name), '이라는/라는')} 타이머는 없어요. 지금 있는 것: "
                + ", ".join(listing.describe(r, service) for r in rows)
            )
        return listing.status_reply(found, service, kind)
    of_kind = [r for r in rows if kind is None or r.kind == kind]
    return listing.status_reply(of_kind or rows, service, kind)


@guarded
def cancel(request: Request, service: TimerService) -> Reply | str:
    rows = service.pending()
    kind = selection.wanted_kind(request.normalized)
    candidates = [r for r in rows if kind is None or r.kind == kind]

    def do_cancel(chosen: list[TimerRow]) -> str:
        count = service.cancel(chosen)
        if count == 0:
            return "그 타이머는 이미 끝났거나 취소되었어요."
        if len(chosen) == 1:
            return f"{josa(speech.label(chosen[0].name, chosen[0].kind, chosen[0].duration), '을/를')} 취소했어요."
        return f"{listing.noun(kind)} {count}개를 모두 취소했어요."

    if request.slots.get("all"):
        if not candidates:
            return listing.none_left(kind, [r for r in rows if kind and r.kind != kind])
        text = do_cancel(candidates)
        left = [r for r in rows if r not in candidates]
        if left:
            text += f" ({listing.noun(left[0].kind if len({r.kind for r in left}) == 1 else None)} {len(left)}개는 그대로예요.)"
        return text
    return selection.choose(
        request,
        service,
        candidates,
        rows,
        do_cancel,
        verb="취소할까요",
        kind=kind,
        allow_all=True,
        answer_verbs="취소|꺼|꺼줘|삭제|지워|끄기",
    )


@guarded
def pause(request: Request, service: TimerService) -> Reply | str:
    rows = [r for r in service.pending() if r.kind == "timer"]
    running = [r for r in rows if r.state == "running"]
    name = selection.clean_name(request.slots.get("name"))
    if not running and rows and not name:
        return "타이머가 이미 모두 멈춰 있어요. 이어서 돌리려면 '타이머 다시 시작'이라고 해 주세요."

    def do_pause(chosen: list[TimerRow]) -> str:
        row = chosen[0]
        if row.state == "paused":
            return (
                f"{josa(speech.label(row.name, row.kind, row.duration), '은/는')} 이미 멈춰 있어요."
            )
        paused = service.pause(row)
        if paused is None:
            return "그 타이머는 이미 끝났거나 취소되었어요."
        label = josa(speech.label(row.name, row.kind, row.duration), "을/를")
        return f"{label} 멈췄어요. {speech.say_duration(paused.left(service.now()))} 남아 있어요. '타이머 다시 시작'이라고 하시면 이어서 돌아가요."

    return selection.choose(
        request,
        service,
        running if not name else rows,
        rows,
        do_pause,
        verb="멈출까요",
        answer_verbs="멈춰|정지|일시 ?정지",
        kind="timer",
    )


@guarded
def resume(request: Request, service: TimerService) -> Reply | str:
    rows = [r for r in service.pending() if r.kind == "timer"]
    paused = [r for r in rows if r.state == "paused"]
    name = selection.clean_name(request.slots.get("name"))
    if not paused and not name:
        return "멈춰 있는 타이머가 없어요." if rows else listing.none_left("timer", [])

    def do_resume(chosen: list[TimerRow]) -> str:
        row = chosen[0]
        label = speech.label(row.name, row.kind, row.duration)
        if row.state == "running":
            return f"{josa(label, '은/는')} 이미 돌아가고 있어요."
        resumed = service.resume(row)
        if resumed is None:
            return "그 타이머는 이미 끝났거나 취소되었어요."
        when = speech.say_clock(service.local(resumed.ends_at or 0), service.app.now())
        return f"{josa(label, '을/를')} 다시 시작했어요. {when}에 끝나요."

    return selection.choose(
        request,
        service,
        paused if not name else rows,
        rows,
        do_resume,
        verb="다시 시작할까요",
        answer_verbs="다시 시작|재개|시작",
        kind="timer",
    )


@guarded
def add_time(request: Request, service: TimerService) -> Reply | str:
    if "duration" in request.slot_errors:
        return request.slot_errors["duration"]
    seconds = request.slots.get("duration")
    if not seconds or seconds <= 0:
        return "더하거나 뺄 시간을 1초 이상으로 말씀해 주세요. 예: '타이머 1분 추가해줘'"
    if SUBTRACT.search(request.normalized):
        seconds = -seconds
    rows = [r for r in service.pending() if r.kind == "timer"]
    now = service.now()

    def do_add(chosen: list[TimerRow]) -> str:
        row = chosen[0]
        label = speech.label(row.name, row.kind, row.duration)
        left = row.left(service.now())
        if left + seconds > service.max_duration:
            return f"그만큼 더하면 {josa(speech.say_duration(service.max_duration), '을/를')} 넘어서 늘릴 수 없어요."
        if left + seconds < 1:
            return f"{josa(label, '은/는')} {speech.say_duration(left)}밖에 안 남아서 그만큼 뺄 수 없어요. 끄시려면 '타이머 취소'라고 해 주세요."
        changed = service.extend(row, seconds)
        if changed is None:
            return "그 타이머는 이미 끝났거나 취소되었어요."
        done = "더했어요" if seconds > 0 else "뺐어요"
        target = f"{label}에" if seconds > 0 else f"{label}에서"
        text = f"{target} {speech.say_duration(abs(seconds))} {done}. {speech.say_duration(changed.left(service.now()))} 남았어요"
        if changed.state == "paused":
            return text + " (멈춰 있어요)."
        return (
            text
            + f". {speech.say_clock(service.local(changed.ends_at or now), service.app.now())}에 끝나요."
        )

    return selection.choose(request, service, rows, rows, do_add, verb="바꿀까요", kind="timer")
