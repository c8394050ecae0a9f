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
from assistant.types import Reply, Request, Table

from . import speech
from .phrases import SUBTRACT
from .service import TimerService, service_for
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


# -- reading the request --------------------------------------------------------------

_ORDINALS = {
    "첫": 1, "첫째": 1, "하나": 1, "한": 1, "1": 1, "일": 1,
    "두": 2, "둘째": 2, "둘": 2, "2": 2, "이": 2,
    "세": 3, "셋째": 3, "셋": 3, "3": 3, "삼": 3,
    "네": 4, "넷째": 4, "넷": 4, "4": 4, "사": 4,
    "다섯": 5, "5": 5, "오": 5,
}  # fmt: skip
_ORDINAL_RE = re.compile(
    r"^(?P<n>첫째|둘째|셋째|넷째|첫|하나|한|두|둘|세|셋|네|넷|다섯|\d+|일|이|삼|사|오)\s*(?:번\s*째|번째|번|째)?(?:\s*(?:거|것|꺼|타이머|알람))?"
    r"(?:\s*(?:요|이요|으로|로|을|를))?$"
)
_LAST_RE = re.compile(
    r"^(?:마지막|맨\s*끝|끝)(?:\s*(?:거|것|꺼|번|타이머|알람))?(?:\s*(?:요|이요|으로|로|을|를))?$"
)
_ALL_RE = re.compile(
    r"^(?:모두|전부|다|둘\s*다|셋\s*다|싹\s*다|전부\s*다|몽땅)(?:\s*(?:요|취소|취소해|꺼|해))?(?:\s*(?:줘|주세요))?$"
)
_NEVERMIND_RE = re.compile(
    r"^(?:아니|아니요|아뇨|아니야|아냐|됐어|됐어요|됐다|그냥\s*둬|놔둬|그대로\s*둬|하지\s*마|취소하지\s*마|안\s*해|괜찮아)(?:요)?$"
)
_NAME_TAIL = re.compile(r"\s*(?:타이머|알람|알림|모닝콜)\s*(?:은|는|가|를|도|요|이요|이|을)?$")


def wanted_kind(text: str) -> str | None:
    """'timer' or 'alarm' when the utterance names only one of them, else None."""
    alarm = bool(re.search(r"알람|알림|모닝콜", text))
    timer = "타이머" in text
    if alarm and not timer:
        return "alarm"
    if timer and not alarm:
        return "timer"
    return None


def clean_name(name: str | None) -> str:
    """The name as the user meant it: "라면 타이머를" -> "라면"."""
    if not name:
        return ""
    text = re.sub(r"\s+", " ", name).strip()
    text = _NAME_TAIL.sub("", text).strip()
    return "" if text in ("이", "그", "저", "내", "제", "지금", "방금") else text


def _variants(name: str) -> list[str]:
    """``name`` without spaces, and without a trailing "요"/"이요" ("라면이요" -> "라면")."""
    compact = name.replace(" ", "")
    out = [compact]
    for tail in ("이요", "요"):
        if compact.endswith(tail) and len(compact) > len(tail):
            out.append(compact[: -len(tail)])
    return out


def find_by_name(rows: list[TimerRow], name: str) -> list[TimerRow]:
    """Rows the user means by ``name``: exact name, part of the name, or a timer's length."""
    name = clean_name(name)
    if not name:
        return []
    compact = name.replace(" ", "")
    for variant in _variants(name):
        exact = [r for r in rows if r.name.replace(" ", "") == variant]
        if exact:
            return exact
    partial = [
        r
        for r in rows
        if r.name and (compact in r.name.replace(" ", "") or r.name.replace(" ", "") in compact)
    ]
    if partial:
        return partial
    try:
        seconds = parse_duration(name)
    except SlotError:
        return []
    return [r for r in rows if not r.name and abs(r.duration - seconds) < 0.5]


def pick_from(rows: list[TimerRow], text: str, verbs: str = "") -> list[TimerRow] | None:
    """Which of ``rows`` a follow-up answer names: by ordinal, "마지막", "모두" or exact name.

    Only short answers count ("라면", "라면 타이머", "첫 번째", "2번 취소해"): a
    whole new request ("라면 타이머 멈춰" after "어느 것을 취소할까요?") is not an
    answer and returns None. ``verbs`` is a regex of this action's verbs that
    may follow the answer ("취소|꺼").
    """
    t = text.strip()
    if verbs:
        t = re.sub(rf"\s*(?:{verbs})(?:\s*(?:해|해요|하자|시켜))?$", "", t).strip() or t
    t = re.sub(r"\s*(?:으로|로)$", "", t).strip()
    if _ALL_RE.match(t):
        return list(rows)
    m = _ORDINAL_RE.match(t)
    if m:
        n = _ORDINALS.get(m.group("n"))
        if n is None and m.group("n").isdigit():
            n = int(m.group("n"))
        if n is not None and 1 <= n <= len(rows):
            return [rows[n - 1]]
    if _LAST_RE.match(t):
        return [rows[-1]]
    name = clean_name(t)
    if not name:
        return None
    labels = {r.id: speech.label(r.name, r.kind, r.duration).replace(" ", "") for r in rows}
    for variant in _variants(name):
        found = [r for r in rows if r.name and r.name.replace(" ", "") == variant]
        found = found or [
            r for r in rows if labels[r.id] in (variant, variant + "타이머", variant + "알람")
        ]
        if found:
            return found
    return None


# -- reading timers out --------------------------------------------------------------


def describe(row: TimerRow, service: TimerService, *, with_end: bool = True) -> str:
    """ "라면 타이머 2분 10초 남음 (오후 2시 35분)" for lists."""
    now = service.now()
    name = speech.label(row.name, row.kind, row.duration)
    left = speech.say_duration(row.left(now))
    if row.state == "paused":
        return f"{name} {left} 남음(멈춤)"
    if row.kind == "alarm":
        return f"{name} {speech.say_clock(service.local(row.ends_at or now), service.app.now())}"
    end = (
        f" ({speech.say_clock(service.local(row.ends_at or now), service.app.now())})"
        if with_end
        else ""
    )
    return f"{name} {left} 남음{end}"


def numbered(rows: list[TimerRow], service: TimerService) -> str:
    return ", ".join(f"{i}) {describe(r, service, with_end=False)}" for i, r in enumerate(rows, 1))


def timers_table(rows: list[TimerRow], service: TimerService) -> Table:
    now = service.now()
    table_rows = []
    for i, row in enumerate(rows, 1):
        end = (
            "-"
            if row.state == "paused"
            else speech.say_clock(
                service.local(row.ends_at or now), service.app.now(), seconds=True
            )
        )
        table_rows.append([
            str(i),
            row.name or "-",
            "알람" if row.kind == "alarm" else "타이머",
            end,
            speech.say_duration(row.left(now)),
            "멈춤" if row.state == "paused" else "진행 중",
        ])  # fmt: skip
    return Table(["#", "이름", "종류", "끝나는 시각", "남은 시간", "상태"], table_rows)


def row_json(row: TimerRow, service: TimerService) -> dict:
    """The public JSON form of a timer (``assistant timers --json``, reply data)."""
    now = service.now()
    ends_at = (
        None
        if row.state == "paused" or row.ends_at is None
        else service.local(row.ends_at).isoformat(timespec="milliseconds")
    )
    return {
        "id": row.id,
        "name": row.name,
        "label": speech.label(row.name, row.kind, row.duration),
        "kind": row.kind,
        "ends_at": ends_at,
        "remaining": round(row.left(now), 3),
        "state": row.state,
        "duration": round(row.duration, 3),
    }


def _noun(kind: str | None) -> str:
    return {"alarm": "알람", "timer": "타이머"}.get(kind or "", "타이머나 알람")


def _none_left(kind: str | None, others: list[TimerRow]) -> str:
    text = f"지금 돌아가는 {speech.particle(_noun(kind), '이', '가')} 없어요."
    if kind and others:
        other = _noun("timer" if kind == "alarm" else "alarm")
        text += (
            f" ({other}은 {len(others)}개 있어요.)"
            if other == "알람"
            else f" ({other}는 {len(others)}개 있어요.)"
        )
    return text


# -- choosing which timer -------------------------------------------------------------


def choose(
    request: Request,
    service: TimerService,
    candidates: list[TimerRow],
    everything: list[TimerRow],
    action: Callable[[list[TimerRow]], Reply | str],
    *,
    verb: str,
    kind: str | None,
    allow_all: bool = False,
    answer_verbs: str = "",
) -> Reply | str:
    """Apply ``action`` to the timer the request means, or ask which one.

    ``candidates`` are the timers the action applies to, ``everything`` all active
    ones (to say what exists when nothing fits). With a name in the request the
    named timer is used; with one candidate it is used; with several, the reply
    asks which one and the answer (a name, "첫 번째", "모두") completes it.
    """
    name = clean_name(request.slots.get("name"))
    if name:
        found = find_by_name(candidates, name)
        if not found:
            if not everything:
                return f"'{name}' {_noun(kind)}는 없어요. " + _none_left(kind, [])
            return f"'{name}'(이)라는 {_noun(kind)}를 찾지 못했어요. 지금 있는 것: {numbered(everything, service)}"
        if len(found) == 1:
            return action(found)
        candidates = found
    if not candidates:
        others = [r for r in everything if kind and r.kind != kind]
        return _none_left(kind, others)
    if len(candidates) == 1:
        return action(candidates)
    noun = _noun(
        kind if kind else candidates[0].kind if len({r.kind for r in candidates}) == 1 else None
    )
    ids = [r.id for r in candidates]

    def answer(next_request: Request) -> Reply | str | None:
        text = next_request.normalized
        if _NEVERMIND_RE.match(text):
            return "알겠어요, 그대로 둘게요."
        try:
            current = {r.id: r for r in service.pending()}
            rows = [current[i] for i in ids if i in current]
            picked = pick_from(rows, text, answer_verbs)
            if picked is None:
                return None  # not an answer: the utterance is routed normally
            if len(picked) > 1 and not allow_all:
                return "하나만 골라 주세요. " + numbered(rows, service)
            return action(picked)
        except StoreError as exc:
            return Reply(str(exc), data={"error": "store"})

    hint = " 모두 하려면 '모두'라고 해 주세요." if allow_all else ""
    text = (
        f"{noun} {len(candidates)}개가 있어요. 어느 것을 {verb}? {numbered(candidates, service)}."
        f" 이름이나 번호로 말씀해 주세요.{hint}"
    )
    return Reply(text, table=timers_table(candidates, service), followup=answer)


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
        return f"'{said}'은(는) 너무 길어요. 타이머는 최대 {limit}까지 맞출 수 있어요."
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
    return Reply(f"{what} 맞췄어요. {when}에 알려드릴게요.", data={"timer": row_json(row, service)})


_DURATION_ANSWER = re.compile(
    rf"(?P<d>{DURATION_RE})\s*(?:이요|요|으로|로|짜리)?(?:\s*(?:해|맞춰|설정해)\s*(?:줘|주세요|줘요)?)?"
)


@guarded
def start_timer(request: Request, service: TimerService) -> Reply | str:
    if "duration" in request.slot_errors:
        return request.slot_errors["duration"]
    seconds = request.slots.get("duration")
    name = clean_name(request.slots.get("name"))
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
    name = clean_name(request.slots.get("name"))
    if name and not day and re.fullmatch(r"오늘|내일|모레|내일 ?모레", name):
        day, name = parse_day(name), ""  # "내일 알람 7시로": a day, not a name
    at = next_alarm_time(service, hhmm, time_is_ambiguous(raw), day)
    if at is None:
        return f"오늘 {raw}은(는) 이미 지났어요. '내일 {raw}'처럼 말씀해 주세요."
    row = service.set_alarm(at.timestamp(), name)
    what = speech.particle(speech.label(name, "alarm", 0), "을", "를")
    when = speech.say_clock(at, service.app.now())
    left = speech.say_duration(row.left(service.now()))
    text = f"{what} {when}에 맞췄어요. {left} 뒤에 울려요."
    if repeat:
        text = f"반복 알람은 아직 못 맞춰요. 이번 한 번만 울리도록 {text}"
    return Reply(text, data={"timer": row_json(row, service)})


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


def status_reply(rows: list[TimerRow], service: TimerService, kind: str | None = None) -> Reply:
    if not rows:
        return Reply(_none_left(kind, []), data={"timers": []})
    data = {"timers": [row_json(r, service) for r in rows]}
    if len(rows) == 1:
        row = rows[0]
        now = service.now()
        name = speech.particle(speech.label(row.name, row.kind, row.duration), "은", "는")
        left = speech.say_duration(row.left(now))
        if row.state == "paused":
            text = f"{name} 멈춰 있어요. {left} 남았어요."
        elif row.kind == "alarm":
            when = speech.say_clock(service.local(row.ends_at or now), service.app.now())
            text = f"{name} {when}에 울려요. {left} 남았어요."
        else:
            when = speech.say_clock(service.local(row.ends_at or now), service.app.now())
            text = f"{name} {left} 남았어요. {when}에 끝나요."
        return Reply(text, data=data)
    kinds = {r.kind for r in rows}
    what = (
        "타이머와 알람이" if len(kinds) == 2 else ("알람이" if kinds == {"alarm"} else "타이머가")
    )
    listing = ", ".join(describe(r, service) for r in rows)
    return Reply(
        f"{what} {len(rows)}개 있어요: {listing}.", table=timers_table(rows, service), data=data
    )


@guarded
def status(request: Request, service: TimerService) -> Reply | str:
    rows = service.pending()
    kind = wanted_kind(request.normalized)
    name = clean_name(request.slots.get("name"))
    if name:
        found = find_by_name(rows, name)
        if not found:
            if not rows:
                return _none_left(kind, [])
            return f"'{name}'(이)라는 타이머는 없어요. 지금 있는 것: " + ", ".join(
                describe(r, service) for r in rows
            )
        return status_reply(found, service, kind)
    of_kind = [r for r in rows if kind is None or r.kind == kind]
    return status_reply(of_kind or rows, service, kind)


@guarded
def cancel(request: Request, service: TimerService) -> Reply | str:
    rows = service.pending()
    kind = wanted_kind(request.normalized)
    candidates = [r for r in rows if kind is None or r.kind == kind]

    def do_cancel(chosen: list[TimerRow]) -> str:
        count = service.cancel(chosen)
        if count == 0:
            return "그 타이머는 이미 끝났거나 취소되었어요."
        if len(chosen) == 1:
            return f"{speech.particle(speech.label(chosen[0].name, chosen[0].kind, chosen[0].duration), '을', '를')} 취소했어요."
        return f"{_noun(kind)} {count}개를 모두 취소했어요."

    if request.slots.get("all"):
        if not candidates:
            return _none_left(kind, [r for r in rows if kind and r.kind != kind])
        text = do_cancel(candidates)
        left = [r for r in rows if r not in candidates]
        if left:
            text += f" ({_noun(left[0].kind if len({r.kind for r in left}) == 1 else None)} {len(left)}개는 그대로예요.)"
        return text
    return choose(
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
    name = clean_name(request.slots.get("name"))
    if not running and rows and not name:
        return "타이머가 이미 모두 멈춰 있어요. 이어서 돌리려면 '타이머 다시 시작'이라고 해 주세요."

    def do_pause(chosen: list[TimerRow]) -> str:
        row = chosen[0]
        if row.state == "paused":
            return f"{speech.particle(speech.label(row.name, row.kind, row.duration), '은', '는')} 이미 멈춰 있어요."
        paused = service.pause(row)
        if paused is None:
            return "그 타이머는 이미 끝났거나 취소되었어요."
        label = speech.particle(speech.label(row.name, row.kind, row.duration), "을", "를")
        return f"{label} 멈췄어요. {speech.say_duration(paused.left(service.now()))} 남아 있어요. '타이머 다시 시작'이라고 하시면 이어서 돌아가요."

    return choose(
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
    name = clean_name(request.slots.get("name"))
    if not paused and not name:
        return "멈춰 있는 타이머가 없어요." if rows else _none_left("timer", [])

    def do_resume(chosen: list[TimerRow]) -> str:
        row = chosen[0]
        label = speech.label(row.name, row.kind, row.duration)
        if row.state == "running":
            return f"{speech.particle(label, '은', '는')} 이미 돌아가고 있어요."
        resumed = service.resume(row)
        if resumed is None:
            return "그 타이머는 이미 끝났거나 취소되었어요."
        when = speech.say_clock(service.local(resumed.ends_at or 0), service.app.now())
        return f"{speech.particle(label, '을', '를')} 다시 시작했어요. {when}에 끝나요."

    return choose(
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
            return f"그만큼 더하면 {speech.say_duration(service.max_duration)}을 넘어서 늘릴 수 없어요."
        if left + seconds < 1:
            return f"{speech.particle(label, '은', '는')} {speech.say_duration(left)}밖에 안 남아서 그만큼 뺄 수 없어요. 끄시려면 '타이머 취소'라고 해 주세요."
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

    return choose(request, service, rows, rows, do_add, verb="바꿀까요", kind="timer")
