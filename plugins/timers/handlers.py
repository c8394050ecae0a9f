"""Intent handlers: turn a routed request into a change of the timers table and a Korean reply.

Every handler commits its change before returning the reply. Problems with the
database (locked, unusable) become a clear Korean reply, never an exception.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from assistant.korean import josa
from assistant.slots import (
    DURATION_RE,
    SlotError,
    parse_duration,
)
from assistant.store import StoreError
from assistant.types import Reply, Request

from . import listing, reminders, selection, speech
from .guard import guarded
from .phrases import SUBTRACT
from .service import TimerService
from .speech import quoted as repr_said
from .store import TimerRow

log = logging.getLogger("assistant.timers")

Handler = Callable[[Request], Reply]


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
    of_kind = [r for r in rows if selection.of_kind(r, kind)]
    return listing.status_reply(of_kind or rows, service, kind)


@guarded
def cancel(request: Request, service: TimerService) -> Reply | str:
    rows = service.pending()
    kind = selection.wanted_kind(request.normalized)
    candidates = [r for r in rows if selection.of_kind(r, kind)]

    def do_cancel(chosen: list[TimerRow]) -> Reply | str:
        if len(chosen) == 1 and chosen[0].repeat and not request.slots.get("all"):
            return reminders.ask_series(chosen[0], service)
        count = service.cancel(chosen)
        if count == 0:
            return "그 타이머는 이미 끝났거나 취소되었어요."
        if len(chosen) == 1:
            return f"{josa(speech.label(chosen[0].name, chosen[0].kind, chosen[0].duration, chosen[0].message), '을/를')} 취소했어요."
        return f"{listing.noun(kind)} {count}개를 모두 취소했어요."

    if request.slots.get("all"):
        if not candidates:
            return listing.none_left(
                kind, [r for r in rows if kind and not selection.of_kind(r, kind)]
            )
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
            return f"{josa(speech.label(row.name, row.kind, row.duration, row.message), '은/는')} 이미 멈춰 있어요."
        paused = service.pause(row)
        if paused is None:
            return "그 타이머는 이미 끝났거나 취소되었어요."
        label = josa(speech.label(row.name, row.kind, row.duration, row.message), "을/를")
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
        label = speech.label(row.name, row.kind, row.duration, row.message)
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
        label = speech.label(row.name, row.kind, row.duration, row.message)
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
